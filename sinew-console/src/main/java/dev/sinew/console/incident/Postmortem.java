package dev.sinew.console.incident;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/**
 * An incident as a Markdown postmortem in the shape SRE teams use: summary, impact, detection,
 * trigger, root cause, resolution, timeline, action items, lessons learned. Fields an operator
 * has not filled in are left as visible TODOs; detection, resolution and the timeline are
 * filled from what the console recorded.
 */
public final class Postmortem {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

    private Postmortem() {
    }

    public static String markdown(Incident i) {
        Map<String, String> f = i.fields();
        StringBuilder md = new StringBuilder();
        md.append("# Postmortem: ").append(i.title()).append("\n\n");
        md.append("| | |\n|---|---|\n");
        md.append("| Incident | ").append(i.id()).append(" |\n");
        md.append("| Status | ").append(i.open() ? "open" : "resolved").append(" |\n");
        md.append("| Opened | ").append(TIME.format(Instant.ofEpochMilli(i.openedMillis()))).append(" by ").append(cell(i.openedBy())).append(" |\n");
        if (!i.open()) {
            md.append("| Resolved | ").append(TIME.format(Instant.ofEpochMilli(i.resolvedMillis()))).append(" by ")
                    .append(cell(i.resolvedBy())).append(" (verification ").append(i.verificationId()).append(" passed) |\n");
            md.append("| Duration | ").append(duration(i.resolvedMillis() - i.openedMillis())).append(" |\n");
        }
        md.append('\n');
        section(md, "Summary", f.get("summary"), "what happened, in two sentences");
        section(md, "Impact", f.get("impact"), "who saw what, for how long (failed or degraded requests, orders delayed)");
        String detected = firstOf(i, "alert");
        section(md, "Detection", f.get("detection"), detected == null ? "how the problem was noticed"
                : null, detected == null ? null : "First alert: " + detected);
        section(md, "Trigger", f.get("trigger"), "the change or event that set it off");
        section(md, "Root cause", f.get("rootCause"), "why it could happen (ask why until it is something to fix)");
        String resolvedLine = i.open() ? null : "Resolved at " + CLOCK.format(Instant.ofEpochMilli(i.resolvedMillis()))
                + " after verification " + i.verificationId() + " passed.";
        section(md, "Resolution", f.get("resolution"), resolvedLine == null ? "what brought the system back" : null, resolvedLine);
        md.append("## Timeline (UTC)\n\n");
        md.append("| time | what | |\n|---|---|---|\n");
        for (TimelineEntry e : i.timeline()) {
            md.append("| ").append(CLOCK.format(Instant.ofEpochMilli(e.atMillis()))).append(" | ").append(e.kind())
                    .append(" | ").append(cell(e.text())).append(" |\n");
        }
        md.append('\n');
        section(md, "Action items", f.get("actionItems"), "| action | type (prevent / mitigate / detect) | owner | issue |\n|---|---|---|---|\n| TODO | | | |");
        section(md, "Lessons learned", f.get("lessons"),
                "### What went well\n\nTODO\n\n### What went wrong\n\nTODO\n\n### Where we got lucky\n\nTODO");
        return md.toString();
    }

    private static void section(StringBuilder md, String title, String value, String todo) {
        section(md, title, value, todo, null);
    }

    private static void section(StringBuilder md, String title, String value, String todo, String recorded) {
        md.append("## ").append(title).append("\n\n");
        if (value != null && !value.isBlank()) {
            md.append(value.strip()).append("\n\n");
            if (recorded != null) {
                md.append(recorded).append("\n\n");
            }
        } else if (recorded != null) {
            md.append(recorded).append("\n\n");
        } else if (todo != null && todo.startsWith("|") || todo != null && todo.startsWith("###")) {
            md.append(todo).append("\n\n");
        } else if (todo != null) {
            md.append("TODO: ").append(todo).append(".\n\n");
        }
    }

    private static String firstOf(Incident i, String kind) {
        for (TimelineEntry e : i.timeline()) {
            if (kind.equals(e.kind())) {
                return CLOCK.format(Instant.ofEpochMilli(e.atMillis())) + " — " + e.text() + " ("
                        + duration(e.atMillis() - i.openedMillis()) + " after the incident was opened)";
            }
        }
        return null;
    }

    private static String duration(long millis) {
        Duration d = Duration.ofMillis(Math.abs(millis));
        String s = d.toHours() > 0 ? d.toHours() + " h " + d.toMinutesPart() + " min"
                : d.toMinutes() > 0 ? d.toMinutes() + " min " + d.toSecondsPart() + " s" : d.toSeconds() + " s";
        return millis < 0 ? "-" + s : s;
    }

    private static String cell(String s) {
        return s == null ? "" : s.replace("|", "\\|").replace("\n", " ");
    }
}
