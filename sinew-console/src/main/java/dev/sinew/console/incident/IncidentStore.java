package dev.sinew.console.incident;

import dev.sinew.console.admin.AdminException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.sinew.console.verify.Verification;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The incidents, one JSON file each under {@code dir} (rewritten atomically on every change, so
 * a restart keeps them). At most one is open at a time; while it is open every alert, breaker
 * transition, control, fault and probe is added to its timeline. What happened in the
 * {@value #LOOKBACK_MINUTES} minutes before an incident was opened (the fault that set it off, the
 * first alerts) is kept in memory and copied to the top of its timeline when it opens. Resolving
 * needs a passing verification that finished after the incident was opened.
 */
public final class IncidentStore {

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final DateTimeFormatter ID = DateTimeFormatter.ofPattern("'inc-'yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    /** How far back events before the opening are copied into a new incident's timeline. */
    public static final int LOOKBACK_MINUTES = 15;
    private static final int LOOKBACK_MAX = 500;

    private final Path dir;
    private final Map<String, Incident> incidents = new TreeMap<>();
    private final java.util.ArrayDeque<TimelineEntry> before = new java.util.ArrayDeque<>();
    private final java.util.ArrayDeque<FaultRecord> faultsBefore = new java.util.ArrayDeque<>();

    public IncidentStore(Path dir) {
        this.dir = dir;
        try {
            Files.createDirectories(dir);
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "inc-*.json")) {
                for (Path f : files) {
                    Incident i = JSON.readValue(f.toFile(), Incident.class);
                    incidents.put(i.id(), i);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load incidents from " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Opens an incident; 409 {@code incident_open} when one is open already. */
    public synchronized Incident open(String title, String by, long now) {
        Optional<Incident> cur = current();
        if (cur.isPresent()) {
            throw new AdminException(409, "incident_open", "incident " + cur.get().id() + " is open; resolve it first");
        }
        if (title == null || title.isBlank() || title.length() > 200) {
            throw new AdminException(400, "invalid_title", "title: expected 1 to 200 characters");
        }
        String id = ID.format(Instant.ofEpochMilli(now));
        while (incidents.containsKey(id)) {
            id = id + "b";
        }
        long from = now - LOOKBACK_MINUTES * 60_000L;
        Incident i = Incident.opened(id, title.trim(), now, by,
                before.stream().filter(e -> e.atMillis() >= from).toList(),
                faultsBefore.stream().filter(f -> f.atMillis() >= from).toList());
        before.clear();
        faultsBefore.clear();
        put(i);
        return i;
    }

    /** The open incident, if any. */
    public synchronized Optional<Incident> current() {
        return incidents.values().stream().filter(Incident::open).findFirst();
    }

    public synchronized boolean isOpen() {
        return current().isPresent();
    }

    /** Adds a line to the open incident's timeline, or, when none is open, to the lookback of the next one. */
    public synchronized void record(long at, String kind, String text) {
        TimelineEntry entry = new TimelineEntry(at, kind, text);
        Optional<Incident> cur = current();
        if (cur.isPresent()) {
            put(cur.get().with(entry));
            return;
        }
        before.addLast(entry);
        while (before.size() > LOOKBACK_MAX || before.peekFirst().atMillis() < at - LOOKBACK_MINUTES * 60_000L) {
            before.removeFirst();
        }
    }

    /** Records a fault action (on the timeline as {@code fault} and in the incident's faults, or in the lookback). */
    public synchronized void recordFault(long at, String node, String action, String text) {
        FaultRecord f = new FaultRecord(at, node, action);
        Optional<Incident> cur = current();
        if (cur.isPresent()) {
            put(cur.get().with(f));
        } else {
            faultsBefore.addLast(f);
            while (faultsBefore.size() > LOOKBACK_MAX || faultsBefore.peekFirst().atMillis() < at - LOOKBACK_MINUTES * 60_000L) {
                faultsBefore.removeFirst();
            }
        }
        record(at, "fault", text);
    }

    /** Sets postmortem fields ({@link Incident#FIELDS}) of an incident, open or resolved. */
    public synchronized Incident update(String id, Map<String, String> fields) {
        Incident i = find(id);
        Map<String, String> changes = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, String> e : fields.entrySet()) {
            if (!Incident.FIELDS.contains(e.getKey())) {
                throw new AdminException(400, "invalid_field", "field '" + e.getKey() + "' is not valid; expected one of "
                        + Incident.FIELDS);
            }
            if (e.getValue() != null && e.getValue().length() > 20_000) {
                throw new AdminException(400, "invalid_field", e.getKey() + ": at most 20000 characters");
            }
            changes.put(e.getKey(), e.getValue() == null ? "" : e.getValue());
        }
        Incident next = i.withFields(changes);
        put(next);
        return next;
    }

    /**
     * Resolves the open incident {@code id}: 409 {@code verification_required} unless {@code last}
     * passed and finished after the incident was opened.
     */
    public synchronized Incident resolve(String id, String by, Verification last, long now) {
        Incident i = find(id);
        if (!i.open()) {
            throw new AdminException(409, "not_open", "incident " + id + " is already resolved");
        }
        if (last == null || !last.passed() || last.finishedMillis() < i.openedMillis()) {
            String why = last == null || last.finishedMillis() < i.openedMillis() ? "no verification ran since it was opened"
                    : "the last verification (" + last.id() + ") failed";
            throw new AdminException(409, "verification_required",
                    "resolving needs a passing verification: " + why + "; run the probes first");
        }
        Incident next = i.resolved(now, by, last.id());
        put(next);
        return next;
    }

    public synchronized Incident get(String id) {
        return find(id);
    }

    /** Every incident, newest first. */
    public synchronized List<Incident> list() {
        List<Incident> out = new ArrayList<>(incidents.values());
        out.sort(Comparator.comparingLong(Incident::openedMillis).reversed());
        return out;
    }

    private Incident find(String id) {
        Incident i = id == null ? null : incidents.get(id);
        if (i == null) {
            throw new AdminException(404, "not_found", "no incident '" + id + "'");
        }
        return i;
    }

    private void put(Incident i) {
        save(i);
        incidents.put(i.id(), i);
    }

    private void save(Incident i) {
        try {
            Path f = dir.resolve(i.id() + ".json");
            Path tmp = dir.resolve(i.id() + ".json.tmp");
            JSON.writeValue(tmp.toFile(), i);
            Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save incident " + i.id() + ": " + e.getMessage(), e);
        }
    }
}
