package dev.sinew.console.history;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sinew.console.live.EdgeView;
import dev.sinew.console.live.Snapshot;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryStoreTest {

    static final long HOUR = 3_600_000L;

    static Snapshot round(long at, double rate, String breaker) {
        return new Snapshot(at, List.of(), List.of(
                new EdgeView("gateway", "catalog", "catalog", rate, 5, Double.NaN, breaker, 10, false, "ok"),
                new EdgeView("order", "payment", "payment", 1, 0, 12.5, "closed", Double.NaN, false, "unknown")), List.of());
    }

    @Test
    void aReopenedStoreHasTheLastHourAndSkipsATornLine(@TempDir Path dir) throws Exception {
        long t0 = 100 * HOUR + 10_000;
        try (HistoryStore h = new HistoryStore(dir, HOUR, t0)) {
            for (int i = 0; i < 5; i++) {
                h.append(round(t0 + i * 1000L, i, i == 4 ? "open" : "closed"));
            }
            assertThat(h.points("gateway/catalog", 0)).hasSize(5);
            assertThat(h.points("order/payment", 0)).as("unknown edges are not history").isEmpty();
        }
        Files.writeString(dir.resolve("100.jsonl"), "{\"t\":" + (t0 + 5000) + ",\"e\":[[\"gateway/ca", StandardOpenOption.APPEND);
        try (HistoryStore h = new HistoryStore(dir, HOUR, t0 + 6_000)) {
            List<HistoryPoint> p = h.points("gateway/catalog", 0);
            assertThat(p).hasSize(5);
            assertThat(p.get(3).rate()).isEqualTo(3);
            assertThat(p.get(4).breaker()).isEqualTo("open");
            assertThat(p.get(0).p99()).isNaN();
            assertThat(h.points("gateway/catalog", t0 + 3000)).hasSize(2);
        }
    }

    @Test
    void keepsOneHourAndDeletesOldFiles(@TempDir Path dir) throws Exception {
        long t0 = 200 * HOUR;
        try (HistoryStore h = new HistoryStore(dir, HOUR, t0)) {
            h.append(round(t0, 1, "closed"));
            h.append(round(t0 + HOUR / 2, 2, "closed"));
            h.append(round(t0 + HOUR + 1000, 3, "closed"));
            assertThat(h.points("gateway/catalog", 0)).extracting(HistoryPoint::rate).containsExactly(2.0, 3.0);
            h.append(round(t0 + 3 * HOUR, 4, "closed"));
        }
        assertThat(Files.exists(dir.resolve("200.jsonl"))).as("two hours old: deleted").isFalse();
        try (HistoryStore h = new HistoryStore(dir, HOUR, t0 + 3 * HOUR + 1000)) {
            assertThat(h.points("gateway/catalog", 0)).extracting(HistoryPoint::rate).containsExactly(4.0);
        }
        assertThat(Files.readString(dir.resolve("203.jsonl"), StandardCharsets.UTF_8)).contains("gateway/catalog");
    }
}
