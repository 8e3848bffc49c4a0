package dev.sinew.console.history;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sinew.console.live.EdgeView;
import dev.sinew.console.live.Snapshot;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-edge history of the last hour, one point per second, kept in memory and on disk so a
 * restarted console shows the hour before it: every round appends one JSON line (all edges) to
 * an append-only file per hour ({@code <dir>/<epoch hour>.jsonl}, about 360 bytes a second for eight
 * edges); files older than two hours are deleted; at start the last hour is read back. A torn last
 * line (the console killed mid-write) is skipped.
 */
public final class HistoryStore implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HistoryStore.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long HOUR = 3_600_000L;

    private final Path dir;
    private final long keepMillis;
    private final Map<String, ArrayDeque<HistoryPoint>> edges = new ConcurrentHashMap<>();
    private BufferedWriter writer;
    private long writerHour = -1;

    /** Opens (creating it when missing) the history under {@code dir} and loads its last {@code keepMillis}. */
    public HistoryStore(Path dir, long keepMillis, long nowMillis) {
        this.dir = dir;
        this.keepMillis = keepMillis;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the history directory " + dir, e);
        }
        load(nowMillis);
    }

    /** Records one round (one point per edge) in memory and appends it to the file of its hour. */
    public synchronized void append(Snapshot s) {
        ObjectNode line = JSON.createObjectNode().put("t", s.atMillis());
        ArrayNode arr = line.putArray("e");
        for (EdgeView e : s.edges()) {
            if ("unknown".equals(e.health())) {
                continue;
            }
            HistoryPoint p = new HistoryPoint(s.atMillis(), round(e.ratePerSecond()), round(e.errorPercent()),
                    round(e.p99Ms()), e.breaker());
            add(e.id(), p);
            ArrayNode a = arr.addArray().add(e.id()).add(p.rate()).add(p.err());
            if (Double.isNaN(p.p99())) {
                a.addNull();
            } else {
                a.add(p.p99());
            }
            a.add(p.breaker());
        }
        try {
            writerFor(s.atMillis()).write(JSON.writeValueAsString(line));
            writer.write('\n');
            writer.flush();
        } catch (IOException e) {
            log.warn("cannot append to the history in {}: {}", dir, e.toString());
        }
    }

    /** The points of edge {@code id} ({@code caller/pipeline}) since {@code fromMillis}, oldest first. */
    public List<HistoryPoint> points(String id, long fromMillis) {
        ArrayDeque<HistoryPoint> d = edges.get(id);
        if (d == null) {
            return List.of();
        }
        synchronized (this) {
            List<HistoryPoint> out = new ArrayList<>();
            for (HistoryPoint p : d) {
                if (p.t() >= fromMillis) {
                    out.add(p);
                }
            }
            return out;
        }
    }

    /** The edge ids with history. */
    public List<String> edgeIds() {
        return edges.keySet().stream().sorted().toList();
    }

    private void add(String id, HistoryPoint p) {
        ArrayDeque<HistoryPoint> d = edges.computeIfAbsent(id, k -> new ArrayDeque<>());
        d.addLast(p);
        while (!d.isEmpty() && d.peekFirst().t() < p.t() - keepMillis) {
            d.removeFirst();
        }
    }

    private BufferedWriter writerFor(long atMillis) throws IOException {
        long hour = atMillis / HOUR;
        if (hour != writerHour || writer == null) {
            if (writer != null) {
                writer.close();
            }
            writer = Files.newBufferedWriter(dir.resolve(hour + ".jsonl"), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            writerHour = hour;
            prune(atMillis);
        }
        return writer;
    }

    private void prune(long nowMillis) throws IOException {
        long oldest = (nowMillis - keepMillis) / HOUR - 1;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.jsonl")) {
            for (Path f : files) {
                Long h = hourOf(f);
                if (h != null && h < oldest) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    private void load(long nowMillis) {
        long from = nowMillis - keepMillis;
        TreeMap<Long, Path> files = new TreeMap<>();
        try (DirectoryStream<Path> list = Files.newDirectoryStream(dir, "*.jsonl")) {
            for (Path f : list) {
                Long h = hourOf(f);
                if (h != null && (h + 1) * HOUR >= from) {
                    files.put(h, f);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the history in " + dir, e);
        }
        int points = 0;
        for (Path f : files.values()) {
            try {
                for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                    points += loadLine(line, from);
                }
            } catch (IOException e) {
                log.warn("cannot read history file {}: {}", f, e.toString());
            }
        }
        log.info("history: {} points of {} edges loaded from {}", points, edges.size(), dir);
    }

    private int loadLine(String line, long from) {
        JsonNode n;
        try {
            n = JSON.readTree(line);
        } catch (IOException e) {
            return 0; // a torn last line
        }
        long t = n.path("t").asLong();
        if (t < from) {
            return 0;
        }
        int count = 0;
        for (JsonNode e : n.path("e")) {
            if (e.size() < 5) {
                continue;
            }
            double p99 = e.get(3).isNull() ? Double.NaN : e.get(3).asDouble();
            add(e.get(0).asText(), new HistoryPoint(t, e.get(1).asDouble(), e.get(2).asDouble(), p99, e.get(4).asText()));
            count++;
        }
        return count;
    }

    private static Long hourOf(Path f) {
        String name = f.getFileName().toString();
        try {
            return Long.parseLong(name.substring(0, name.length() - ".jsonl".length()));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static double round(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? Double.NaN : Math.round(v * 100) / 100.0;
    }

    @Override
    public synchronized void close() {
        if (writer != null) {
            try {
                writer.close();
            } catch (IOException e) {
                log.warn("closing the history file failed: {}", e.toString());
            }
        }
    }
}
