package dev.sinew.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The striped histogram behind {@code sinew.calls}: bucket edges, sum, max window, and exact totals under contention. */
class CallHistogramTest {

    private static final Duration[] BOUNDS = {Duration.ofMillis(1), Duration.ofMillis(10), Duration.ofMillis(100)};

    @Test
    void aDurationOnABoundCountsInThatBucketAsPrometheusLeDoes() {
        CallHistogram h = new CallHistogram(BOUNDS);
        h.record(TimeUnit.MILLISECONDS.toNanos(1));      // le=0.001
        h.record(TimeUnit.MILLISECONDS.toNanos(1) + 1);  // le=0.01
        h.record(TimeUnit.MILLISECONDS.toNanos(100));    // le=0.1
        h.record(TimeUnit.SECONDS.toNanos(5));           // +Inf
        h.record(-7);                                    // a clock going backwards counts as 0

        assertThat(h.bucketCounts()).containsExactly(2, 1, 1, 1);
        assertThat(h.count()).isEqualTo(5);
        assertThat(h.sumNanos()).isEqualTo(1_000_000 + 1_000_001 + 100_000_000 + 5_000_000_000L);
    }

    @Test
    void maxCoversTheLastOneToTwoWindowsRotatedByTheReader() {
        CallHistogram h = new CallHistogram(BOUNDS);
        long t0 = 1_000_000;
        assertThat(h.max(t0)).isZero();
        h.record(900);
        h.record(300);
        assertThat(h.max(t0 + 1)).isEqualTo(900);
        long w = CallHistogram.MAX_WINDOW_MILLIS;
        assertThat(h.max(t0 + w)).as("one window later the old maximum still shows").isEqualTo(900);
        h.record(200);
        assertThat(h.max(t0 + 2 * w)).as("two windows later only the newer window's").isEqualTo(200);
        h.record(250);
        assertThat(h.max(t0 + 5 * w)).as("a late scrape still sees the window that just ended").isEqualTo(250);
        assertThat(h.max(t0 + 6 * w)).as("nothing recorded since").isZero();
    }

    @Test
    void concurrentRecordsAreCountedExactly() throws Exception {
        CallHistogram h = new CallHistogram(LatencyBuckets.boundaries());
        int threads = 8;
        int perThread = 200_000;
        long[] values = {0, 999_999, 1_000_000, 7_000_000, 60_000_000, 3_000_000_000L, 40_000_000_000L};
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> all = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int offset = t;
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                for (int i = 0; i < perThread; i++) {
                    h.record(values[(i + offset) % values.length]);
                }
            });
            thread.start();
            all.add(thread);
        }
        long[] scrapedCounts = new long[0];
        start.countDown();
        while (all.get(0).isAlive()) { // scrapes while writers run must see non-decreasing totals
            long[] now = h.bucketCounts();
            if (scrapedCounts.length > 0) {
                for (int i = 0; i < now.length; i++) {
                    assertThat(now[i]).isGreaterThanOrEqualTo(scrapedCounts[i]);
                }
            }
            scrapedCounts = now;
        }
        for (Thread t : all) {
            t.join();
        }

        long expectedSum = 0;
        CallHistogram reference = new CallHistogram(LatencyBuckets.boundaries());
        for (int t = 0; t < threads; t++) {
            for (int i = 0; i < perThread; i++) {
                long v = values[(i + t) % values.length];
                expectedSum += v;
                reference.record(v);
            }
        }
        assertThat(h.count()).isEqualTo((long) threads * perThread);
        assertThat(h.sumNanos()).isEqualTo(expectedSum);
        assertThat(h.bucketCounts()).containsExactly(reference.bucketCounts());
        assertThat(h.max(0)).isEqualTo(40_000_000_000L);
    }

    @Test
    void stripesArePowersOfTwoAtLeastTwiceTheProcessors() {
        assertThat(CallHistogram.stripes(1)).isEqualTo(2);
        assertThat(CallHistogram.stripes(2)).isEqualTo(4);
        assertThat(CallHistogram.stripes(3)).isEqualTo(8);
        assertThat(CallHistogram.stripes(16)).isEqualTo(32);
        assertThat(CallHistogram.stripes(1000)).isEqualTo(64);
    }
}
