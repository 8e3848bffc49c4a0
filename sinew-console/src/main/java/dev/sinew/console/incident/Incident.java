package dev.sinew.console.incident;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An incident: opened by an operator or by a paging alert, a timeline of what happened while it
 * was open, the faults taken from the console, and the postmortem fields an operator fills in
 * (summary, impact, root cause...). Immutable: {@link IncidentStore} replaces it on every change.
 *
 * @param status         {@code OPEN} or {@code RESOLVED}
 * @param resolvedMillis 0 while open
 * @param verificationId the passing verification it was resolved after, or null
 */
public record Incident(String id, String title, String status, long openedMillis, String openedBy, long resolvedMillis,
                       String resolvedBy, String verificationId, Map<String, String> fields, List<TimelineEntry> timeline,
                       List<FaultRecord> faults) {

    /** The postmortem fields (SRE template) an operator can fill in. */
    public static final List<String> FIELDS = List.of("summary", "impact", "detection", "trigger", "rootCause",
            "resolution", "actionItems", "lessons");

    public Incident {
        fields = fields == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(fields));
        timeline = timeline == null ? List.of() : List.copyOf(timeline);
        faults = faults == null ? List.of() : List.copyOf(faults);
    }

    /** A new open incident whose timeline starts with {@code earlier} (sorted by time) and the opening. */
    static Incident opened(String id, String title, long at, String by, List<TimelineEntry> earlier,
                           List<FaultRecord> earlierFaults) {
        List<TimelineEntry> timeline = new ArrayList<>(earlier);
        timeline.add(new TimelineEntry(at, "opened", "incident opened by " + by + ": " + title));
        timeline.sort(Comparator.comparingLong(TimelineEntry::atMillis));
        return new Incident(id, title, "OPEN", at, by, 0, null, null, Map.of(), timeline, earlierFaults);
    }

    public boolean open() {
        return "OPEN".equals(status);
    }

    Incident with(TimelineEntry entry) {
        List<TimelineEntry> t = new ArrayList<>(timeline);
        t.add(entry);
        return new Incident(id, title, status, openedMillis, openedBy, resolvedMillis, resolvedBy, verificationId, fields, t, faults);
    }

    Incident with(FaultRecord fault) {
        List<FaultRecord> f = new ArrayList<>(faults);
        f.add(fault);
        return new Incident(id, title, status, openedMillis, openedBy, resolvedMillis, resolvedBy, verificationId, fields, timeline, f);
    }

    Incident withFields(Map<String, String> changes) {
        Map<String, String> f = new LinkedHashMap<>(fields);
        f.putAll(changes);
        return new Incident(id, title, status, openedMillis, openedBy, resolvedMillis, resolvedBy, verificationId, f, timeline, faults);
    }

    Incident resolved(long at, String by, String verification) {
        List<TimelineEntry> t = new ArrayList<>(timeline);
        t.add(new TimelineEntry(at, "resolved", "resolved by " + by + " after verification " + verification + " passed"));
        return new Incident(id, title, "RESOLVED", openedMillis, openedBy, at, by, verification, fields, t, faults);
    }
}
