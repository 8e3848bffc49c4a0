package dev.sinew.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Relay behaviour with a recording in-memory transport. Runs on H2 and PostgreSQL. */
abstract class RelayContract extends DbTestBase {

    private final List<Relay> relays = new ArrayList<>();
    Outbox outbox;
    RecordingTransport transport;

    @BeforeEach
    void setUp() throws Exception {
        outbox = Outbox.create(db.dataSource(), OutboxConfig.defaults());
        transport = new RecordingTransport();
    }

    @AfterEach
    void stopRelays() {
        relays.forEach(Relay::close);
        relays.clear();
    }

    RelayConfig.Builder fast() {
        return RelayConfig.builder().pollInterval(Duration.ofMillis(5)).leaseDuration(Duration.ofSeconds(5))
                .leaseRenewInterval(Duration.ofMillis(100)).backoff(Duration.ofMillis(5), Duration.ofMillis(40));
    }

    Relay start(RelayConfig config) throws Exception {
        Relay r = Relay.start(db.dataSource(), transport, config);
        relays.add(r);
        return r;
    }

    /** Publishes {@code perKey} messages for each key, payloads "key:1", "key:2", ... in order. */
    void publish(Outbox outbox, int keys, int perKey, int perTransaction) throws Exception {
        try (Connection c = db.dataSource().getConnection()) {
            c.setAutoCommit(false);
            int n = 0;
            for (int i = 1; i <= perKey; i++) {
                for (int k = 0; k < keys; k++) {
                    outbox.publish(c, "orders", "key" + k, ("key" + k + ":" + i).getBytes(), Map.of("n", "" + i));
                    if (++n % perTransaction == 0) {
                        c.commit();
                    }
                }
            }
            c.commit();
        }
    }

    static void assertInOrderPerKey(RecordingTransport t, int keys, int perKey) {
        assertThat(t.duplicates()).as("duplicates").isEmpty();
        Map<String, List<String>> byKey = t.byKey();
        assertThat(byKey).hasSize(keys);
        byKey.forEach((key, payloads) -> assertThat(payloads).as("order of " + key)
                .containsExactlyElementsOf(IntStream.rangeClosed(1, perKey).mapToObj(i -> key + ":" + i).toList()));
    }

    @Test
    void sendsEveryCommittedMessageOnceInOrderPerKeyAndMarksItSent() throws Exception {
        publish(outbox, 5, 60, 7);
        Relay relay = start(fast().batchSize(25).build());
        await().atMost(Duration.ofSeconds(20)).until(() -> transport.size() == 300);
        assertInOrderPerKey(transport, 5, 60);
        await().atMost(Duration.ofSeconds(5)).until(() -> relay.lag().unsentRows() == 0);
        assertThat(db.count("sinew_outbox WHERE sent_ms IS NULL")).isZero();
        assertThat(relay.sentCount()).isEqualTo(300);
        assertThat(relay.ownedPartitions()).hasSize(16);
        OutboxMessage first = transport.accepted().get(0);
        assertThat(first.topic()).isEqualTo("orders");
        assertThat(first.headers()).containsEntry("n", "1");
        assertThat(first.createdAt()).isNotNull();
    }

    @Test
    void rowsCommittedWhileABatchIsInFlightAreSentWithoutWaitingForThePollInterval() throws Exception {
        java.util.concurrent.CountDownLatch inFlight = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        transport.beforeSend = () -> {
            inFlight.countDown();
            return release.await(10, java.util.concurrent.TimeUnit.SECONDS);
        };
        publish(outbox, 1, 1, 1);
        start(fast().pollInterval(Duration.ofSeconds(60)).build());
        assertThat(inFlight.await(10, java.util.concurrent.TimeUnit.SECONDS)).as("first batch in flight").isTrue();
        try (Connection c = db.dataSource().getConnection()) {
            c.setAutoCommit(false);
            outbox.publish(c, "orders", "key0", "key0:2".getBytes(), Map.of());
            c.commit();
        }
        release.countDown();
        // the first batch was partial; the relay claims again at once instead of sleeping 60 s
        await().atMost(Duration.ofSeconds(5)).until(() -> transport.size() == 2);
        assertInOrderPerKey(transport, 1, 2);
    }

    @Test
    void rolledBackMessagesAreNeverSent() throws Exception {
        Relay relay = start(fast().build());
        try (Connection c = db.dataSource().getConnection()) {
            c.setAutoCommit(false);
            outbox.publish(c, "orders", "k", "gone".getBytes(), Map.of());
            c.rollback();
            outbox.publish(c, "orders", "k", "kept".getBytes(), Map.of());
            c.commit();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> transport.size() == 1);
        assertThat(new String(transport.accepted().get(0).payload())).isEqualTo("kept");
        await().until(() -> relay.lag().unsentRows() == 0);
    }

    @Test
    void backsOffWhileTheTransportFailsAndResumesWithoutLossDuplicatesOrReordering() throws Exception {
        transport.down = true;
        publish(outbox, 4, 25, 10);
        Relay relay = start(fast().batchSize(10).build());
        await().atMost(Duration.ofSeconds(10)).until(() -> transport.failures.get() >= 5);
        assertThat(relay.failing()).isTrue();
        assertThat(transport.size()).isZero();
        assertThat(relay.lag().unsentRows()).isEqualTo(100);
        // producers are not affected while the broker is down
        publish(outbox, 4, 0, 1);
        transport.down = false;
        await().atMost(Duration.ofSeconds(20)).until(() -> transport.size() == 100);
        assertInOrderPerKey(transport, 4, 25);
        await().until(() -> !relay.failing());
    }

    @Test
    void backsOffWhileTheDatabaseIsUnreachableAndResumes() throws Exception {
        BreakableDataSource flaky = new BreakableDataSource(db.dataSource());
        Relay relay = Relay.start(flaky, transport, fast().batchSize(10).build());
        relays.add(relay);
        publish(outbox, 3, 10, 30);
        await().atMost(Duration.ofSeconds(10)).until(() -> transport.size() == 30);
        flaky.down = true;
        publish(outbox, 3, 0, 1);
        int refusedBefore = flaky.refused.get();
        await().atMost(Duration.ofSeconds(10)).until(() -> flaky.refused.get() >= refusedBefore + 5);
        assertThat(relay.failing()).isTrue();
        try (Connection c = db.dataSource().getConnection()) {
            c.setAutoCommit(false);
            for (int i = 11; i <= 20; i++) {
                for (int k = 0; k < 3; k++) {
                    outbox.publish(c, "orders", "key" + k, ("key" + k + ":" + i).getBytes(), Map.of());
                }
            }
            c.commit();
        }
        flaky.down = false;
        await().atMost(Duration.ofSeconds(20)).until(() -> transport.size() == 60);
        assertInOrderPerKey(transport, 3, 20);
        await().until(() -> !relay.failing());
    }

    @Test
    void intermittentTransportFailuresNeverLoseOrReorder() throws Exception {
        transport.failEvery = 3;
        publish(outbox, 6, 40, 13);
        start(fast().batchSize(9).build());
        await().atMost(Duration.ofSeconds(30)).until(() -> transport.size() == 240);
        assertInOrderPerKey(transport, 6, 40);
        assertThat(transport.failures.get()).isGreaterThan(5);
    }

    @Test
    void twoRelaysShareThePartitionsWithoutDoubleSendingAndKeepOrderPerKey() throws Exception {
        Relay a = start(fast().name("a").batchSize(20).build());
        Relay b = start(fast().name("b").batchSize(20).build());
        await().atMost(Duration.ofSeconds(10))
                .until(() -> a.ownedPartitions().size() == 8 && b.ownedPartitions().size() == 8);
        ExecutorService producers = Executors.newFixedThreadPool(3);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int p = 0; p < 3; p++) {
                int producer = p;
                fs.add(producers.submit(() -> {
                    // each producer owns its keys, so per-key publish order is well defined
                    try (Connection c = db.dataSource().getConnection()) {
                        c.setAutoCommit(false);
                        for (int i = 1; i <= 100; i++) {
                            for (int k = 0; k < 4; k++) {
                                String key = "p" + producer + "-k" + k;
                                outbox.publish(c, "orders", key, (key + ":" + i).getBytes(), Map.of());
                            }
                            c.commit();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
        } finally {
            producers.shutdownNow();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> transport.size() >= 1200 && a.lag().unsentRows() == 0);
        assertInOrderPerKey(transport, 12, 100);
        assertThat(transport.size()).isEqualTo(1200);
        assertThat(a.sentCount()).isPositive();
        assertThat(b.sentCount()).isPositive();
        assertThat(a.sentCount() + b.sentCount()).isEqualTo(1200);
        assertThat(a.ownedPartitions()).doesNotContainAnyElementsOf(b.ownedPartitions());
    }

    @Test
    void rebalancingUnderLoadNeitherDuplicatesNorReorders() throws Exception {
        Relay a = start(fast().name("a").batchSize(7).build());
        Relay b = start(fast().name("b").batchSize(7).build());
        java.util.concurrent.atomic.AtomicInteger published = new java.util.concurrent.atomic.AtomicInteger();
        ExecutorService producers = Executors.newFixedThreadPool(2);
        List<Future<?>> fs = new ArrayList<>();
        try {
            for (int p = 0; p < 2; p++) {
                int producer = p;
                fs.add(producers.submit(() -> {
                    try (Connection c = db.dataSource().getConnection()) {
                        c.setAutoCommit(false);
                        for (int i = 1; i <= 150; i++) {
                            for (int k = 0; k < 5; k++) {
                                String key = "p" + producer + "-k" + k;
                                outbox.publish(c, "orders", key, (key + ":" + i).getBytes(), Map.of());
                            }
                            c.commit();
                            published.addAndGet(5);
                        }
                    }
                    return null;
                }));
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> published.get() >= 300 && transport.size() >= 100);
            Relay c = start(fast().name("c").batchSize(7).build()); // joins: a and b give partitions up
            await().atMost(Duration.ofSeconds(20)).until(() -> c.ownedPartitions().size() == 5 && published.get() >= 900);
            a.close(); // leaves gracefully: b and c take its partitions
            for (Future<?> f : fs) {
                f.get();
            }
        } finally {
            producers.shutdownNow();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> transport.size() >= 1500 && b.lag().unsentRows() == 0);
        assertThat(transport.size()).isEqualTo(1500);
        assertInOrderPerKey(transport, 10, 150);
    }

    @Test
    void aClosedRelayHandsItsPartitionsToTheOthers() throws Exception {
        Relay a = start(fast().name("a").build());
        Relay b = start(fast().name("b").build());
        await().atMost(Duration.ofSeconds(10))
                .until(() -> a.ownedPartitions().size() == 8 && b.ownedPartitions().size() == 8);
        a.close();
        await().atMost(Duration.ofSeconds(10)).until(() -> b.ownedPartitions().size() == 16);
        publish(outbox, 8, 5, 8);
        await().atMost(Duration.ofSeconds(10)).until(() -> transport.size() == 40);
        assertInOrderPerKey(transport, 8, 5);
    }

    void publishOne(String key, String payload) throws Exception {
        try (Connection c = db.dataSource().getConnection()) {
            c.setAutoCommit(false);
            outbox.publish(c, "orders", key, payload.getBytes(), Map.of());
            c.commit();
        }
    }

    List<String> payloads() {
        return transport.accepted().stream().map(m -> new String(m.payload())).toList();
    }

    RelayConfig.Builder withFloors(MutableClock clock, Duration sweep) {
        return fast().clock(clock).leaseDuration(Duration.ofSeconds(30)).lateCommitWindow(Duration.ofSeconds(1))
                .sweepInterval(sweep);
    }

    @Test
    void afterTrafficAnEmptyClaimWaitsThePollIntervalMinNotThePollInterval() throws Exception {
        start(fast().pollInterval(Duration.ofSeconds(30)).pollIntervalMin(Duration.ofMillis(5)).build());
        publishOne("k", "a1");
        await().atMost(Duration.ofSeconds(10)).until(() -> transport.size() == 1);
        publishOne("k", "a2"); // the relay's claims since a1 found nothing: it waits 5, 10, 20 ... ms
        await().atMost(Duration.ofSeconds(5)).until(() -> transport.size() == 2);
        assertThat(payloads()).containsExactly("a1", "a2");
    }

    @Test
    void aRowWhoseTransactionCommitsWithinTheLateCommitWindowIsSentAtOnce() throws Exception {
        MutableClock clock = new MutableClock();
        start(withFloors(clock, Duration.ofHours(1)).build());
        publishOne("k", "a1");
        await().atMost(Duration.ofSeconds(10)).until(() -> transport.size() == 1);
        clock.advance(Duration.ofMillis(1500)); // the proof that a1 is sent is now a floor
        try (Connection held = db.dataSource().getConnection()) {
            held.setAutoCommit(false);
            outbox.publish(held, "orders", "k", "late".getBytes(), Map.of()); // takes its id now
            publishOne("k", "a2"); // a higher id, committed and sent first
            await().atMost(Duration.ofSeconds(10)).until(() -> transport.size() == 2);
            held.commit(); // no time passed: well within the window
        }
        // the clock stands still, so no sweep can run: only a floor below the late row finds it
        await().atMost(Duration.ofSeconds(10)).until(() -> transport.size() == 3);
        assertThat(payloads()).containsExactly("a1", "a2", "late");
        assertThat(transport.duplicates()).isEmpty();
    }

    @Test
    void aRowWhoseTransactionOutlastsTheLateCommitWindowIsSentByTheSweep() throws Exception {
        MutableClock clock = new MutableClock();
        start(withFloors(clock, Duration.ofSeconds(10)).build());
        publishOne("k", "a1");
        await().atMost(Duration.ofSeconds(10)).until(() -> transport.size() == 1);
        try (Connection held = db.dataSource().getConnection()) {
            held.setAutoCommit(false);
            outbox.publish(held, "orders", "k", "late".getBytes(), Map.of());
            clock.advance(Duration.ofMillis(300));
            publishOne("k", "a2");
            await().atMost(Duration.ofSeconds(10)).until(() -> transport.size() == 2);
            clock.advance(Duration.ofMillis(1500)); // the proof that a2 (above late) is sent is now a floor
            held.commit();
        }
        publishOne("k", "a3");
        await().atMost(Duration.ofSeconds(10)).until(() -> transport.size() == 3);
        assertThat(payloads()).as("claims start above the floor, so the late row is skipped until a sweep")
                .containsExactly("a1", "a2", "a3");
        clock.advance(Duration.ofSeconds(10));
        await().atMost(Duration.ofSeconds(10)).until(() -> transport.size() == 4);
        assertThat(payloads()).containsExactly("a1", "a2", "a3", "late");
        assertThat(transport.duplicates()).isEmpty();
        assertThat(db.count("sinew_outbox WHERE sent_ms IS NULL")).isZero();
    }

    @Test
    void anExpiredLeaseOfADeadRelayIsTakenOver() throws Exception {
        MutableClock clock = new MutableClock();
        RelayConfig config = fast().clock(clock).leaseDuration(Duration.ofSeconds(30)).build();
        Relay a = start(config.toBuilder().name("a").build());
        publish(outbox, 4, 10, 5);
        await().atMost(Duration.ofSeconds(10)).until(() -> transport.size() == 40);
        a.abandon(); // stops without releasing its leases or its heartbeat, like a killed process
        publish(outbox, 4, 10, 5);
        Relay b = start(config.toBuilder().name("b").build());
        await().atMost(Duration.ofSeconds(10)).until(() -> db.count("sinew_outbox_relay") == 2);
        assertThat(b.ownedPartitions()).as("a's leases have not expired yet").isEmpty();
        assertThat(transport.size()).isEqualTo(40);
        clock.advance(Duration.ofSeconds(31));
        await().atMost(Duration.ofSeconds(10)).until(() -> transport.size() == 80);
        assertThat(b.ownedPartitions()).hasSize(16);
        assertThat(db.count("sinew_outbox_relay")).as("the dead relay's heartbeat is cleaned up").isEqualTo(1);
        Map<String, List<String>> byKey = transport.byKey();
        assertThat(transport.duplicates()).isEmpty();
        byKey.forEach((key, payloads) -> assertThat(payloads).containsExactlyElementsOf(
                IntStream.rangeClosed(1, 20).mapToObj(i -> key + ":" + (i <= 10 ? i : i - 10)).toList()));
    }

    @Test
    void anExpiredLeaseIsNotTakenWhileItsOwnersBatchIsInFlight() throws Exception {
        MutableClock clock = new MutableClock();
        java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean first = new java.util.concurrent.atomic.AtomicBoolean(true);
        Transport slow = batch -> {
            if (first.getAndSet(false)) {
                entered.countDown();
                release.await();
            }
            transport.send(batch);
        };
        RelayConfig config = fast().clock(clock).batchSize(5).leaseDuration(Duration.ofSeconds(30)).build();
        publish(outbox, 1, 20, 20);
        Relay a = Relay.start(db.dataSource(), slow, config.toBuilder().name("a").build());
        relays.add(a);
        assertThat(entered.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        clock.advance(Duration.ofSeconds(31)); // a's leases expire while it is stuck in send
        Relay b = start(config.toBuilder().name("b").build());
        await().atMost(Duration.ofSeconds(10)).until(() -> db.count("sinew_outbox_relay WHERE owner LIKE 'b-%'") == 1);
        assertThat(b.ownedPartitions()).as("leases locked by a batch in flight are skipped").isEmpty();
        release.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> transport.size() == 20);
        assertInOrderPerKey(transport, 1, 20);
        assertThat(b.sentCount()).isZero();
    }

    @Test
    void aLeaseHeldByAnotherOwnerIsNotTouchedUntilItExpires() throws Exception {
        MutableClock clock = new MutableClock();
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE sinew_outbox_lease SET owner = 'ghost', expires_ms = ?")) {
            ps.setLong(1, clock.millis() + 20_000);
            ps.executeUpdate();
        }
        publish(outbox, 3, 5, 15);
        Relay b = start(fast().clock(clock).build());
        await().atMost(Duration.ofSeconds(10)).until(() -> db.count("sinew_outbox_relay") == 1);
        assertThat(b.ownedPartitions()).isEmpty();
        clock.advance(Duration.ofSeconds(10));
        await().atMost(Duration.ofSeconds(10)).until(() -> db.count("sinew_outbox_relay WHERE expires_ms > "
                + (clock.millis())) == 1);
        assertThat(b.ownedPartitions()).isEmpty();
        assertThat(transport.size()).isZero();
        clock.advance(Duration.ofSeconds(11));
        await().atMost(Duration.ofSeconds(10)).until(() -> transport.size() == 15);
        assertInOrderPerKey(transport, 3, 5);
    }

    @Test
    void purgesSentRowsAfterTheRetentionPeriod() throws Exception {
        MutableClock clock = new MutableClock();
        Outbox timed = Outbox.create(db.dataSource(), OutboxConfig.builder().clock(clock).build());
        start(fast().clock(clock).retention(Duration.ofHours(1)).purgeInterval(Duration.ofMinutes(1)).build());
        publish(timed, 2, 5, 10);
        await().atMost(Duration.ofSeconds(10)).until(() -> transport.size() == 10);
        clock.advance(Duration.ofMinutes(30));
        publishCommitted(timed, db.dataSource(), "orders", "x", "11");
        await().atMost(Duration.ofSeconds(10)).until(() -> transport.size() == 11);
        publishCommitted(timed, db.dataSource(), "orders", "x", "12");
        await().atMost(Duration.ofSeconds(10)).until(() -> transport.size() == 12);
        assertThat(db.count("sinew_outbox")).as("nothing is older than the retention yet").isEqualTo(12);
        clock.advance(Duration.ofMinutes(31));
        await().atMost(Duration.ofSeconds(10)).until(() -> db.count("sinew_outbox") == 2);
        assertThat(db.count("sinew_outbox WHERE sent_ms IS NULL")).isZero();
    }

    @Test
    void lagShowsTheBacklogWhileTheTransportIsDown() throws Exception {
        MutableClock clock = new MutableClock();
        Outbox timed = Outbox.create(db.dataSource(), OutboxConfig.builder().clock(clock).build());
        transport.down = true;
        Relay relay = start(fast().clock(clock).build());
        publish(timed, 2, 3, 6);
        clock.advance(Duration.ofSeconds(42));
        assertThat(relay.lag()).isEqualTo(new Lag(6, Duration.ofSeconds(42)));
        transport.down = false;
        await().atMost(Duration.ofSeconds(10)).until(() -> relay.lag().unsentRows() == 0);
        assertThat(relay.lag().oldestAge()).isZero();
    }
}
