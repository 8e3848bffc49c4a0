package dev.sinew.console.incident;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An incident: opened by an operator or by a paging alert, a timeline of what happened while it
 * was open, and the postmortem fields an operator fills in (summary, impact, root cause...).
 * Mutable, guarded by {@link IncidentStore}; readers get {@link #copy()}.
 */
public final class Incident {

    /** The postmortem fields (SRE template) an operator can fill in. */
    public static final List<String> FIELDS = List.of("summary", "impact", "detection", "trigger", "rootCause",
            "resolution", "actionItems", "lessons");

    public String id;
    public String title;
    public String status; // OPEN or RESOLVED
    public long openedMillis;
    public String openedBy;
    public long resolvedMillis;
    public String resolvedBy;
    public String verificationId;
    public Map<String, String> fields = new LinkedHashMap<>();
    public List<TimelineEntry> timeline = new ArrayList<>();
    /** The faults injected and repaired from the console, for the experiment export. */
    public List<FaultRecord> faults = new ArrayList<>();

    public boolean open() {
        return "OPEN".equals(status);
    }

    Incident copy() {
        Incident c = new Incident();
        c.id = id;
        c.title = title;
        c.status = status;
        c.openedMillis = openedMillis;
        c.openedBy = openedBy;
        c.resolvedMillis = resolvedMillis;
        c.resolvedBy = resolvedBy;
        c.verificationId = verificationId;
        c.fields = new LinkedHashMap<>(fields);
        c.timeline = new ArrayList<>(timeline);
        c.faults = new ArrayList<>(faults);
        return c;
    }
}
