package dev.sinew.console.alert;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The open alerts: a condition fires once it held for some rounds in a row (2 for a silent
 * service, so one slow scrape does not page; 3 for an error rate) and resolves once it has been
 * absent for some rounds in a row (3 for an error rate or budget, which hover around their
 * threshold while a breaker probes; 1 otherwise), so the timeline is not a flicker of fired and
 * resolved. Keeps the first time it was seen. Not thread-safe: the scrape loop owns it;
 * {@link #open()} returns a copy for readers.
 */
public final class AlertBook {

    /** What changed in one round. */
    public record Changes(List<Alert> fired, List<Alert> resolved) {
    }

    private final Map<String, Integer> streak = new HashMap<>();
    private final Map<String, Integer> absent = new HashMap<>();
    private final Map<String, Long> firstSeen = new HashMap<>();
    private final Map<String, Alert> open = new LinkedHashMap<>();
    private volatile List<Alert> view = List.of();

    public Changes update(List<Alert> candidates) {
        List<Alert> fired = new ArrayList<>();
        List<Alert> resolved = new ArrayList<>();
        Map<String, Alert> now = new LinkedHashMap<>();
        candidates.forEach(a -> now.put(a.id(), a));
        for (Alert a : now.values()) {
            int n = streak.merge(a.id(), 1, Integer::sum);
            long since = firstSeen.computeIfAbsent(a.id(), k -> a.sinceMillis());
            Alert stamped = a.since(since);
            if (open.containsKey(a.id())) {
                open.put(a.id(), stamped); // fresh evidence, same start
            } else if (n >= forRounds(a)) {
                open.put(a.id(), stamped);
                fired.add(stamped);
            }
        }
        for (String id : List.copyOf(streak.keySet())) {
            if (now.containsKey(id)) {
                absent.remove(id);
                continue;
            }
            Alert o = open.get(id);
            if (o != null && absent.merge(id, 1, Integer::sum) < clearRounds(o)) {
                continue; // still open: not gone long enough
            }
            streak.remove(id);
            firstSeen.remove(id);
            absent.remove(id);
            Alert gone = open.remove(id);
            if (gone != null) {
                resolved.add(gone);
            }
        }
        List<Alert> v = new ArrayList<>(open.values());
        v.sort(Comparator.comparing((Alert a) -> !a.paging()).thenComparingLong(Alert::sinceMillis));
        view = List.copyOf(v);
        return new Changes(fired, resolved);
    }

    /** The open alerts, paging ones first, oldest first. */
    public List<Alert> open() {
        return view;
    }

    private static int clearRounds(Alert a) {
        return switch (a.kind()) {
            case "error_rate", "budget_exhausted" -> 3;
            default -> 1;
        };
    }

    private static int forRounds(Alert a) {
        return switch (a.kind()) {
            case "service_down" -> 2;
            case "error_rate", "budget_exhausted" -> 3;
            default -> 1;
        };
    }
}
