package dev.sinew.chaos.experiment;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.sinew.chaos.experiment.Experiment.Abort;
import dev.sinew.chaos.experiment.Experiment.Fault;
import dev.sinew.chaos.experiment.Experiment.Probe;
import dev.sinew.chaos.experiment.Experiment.Proof;
import dev.sinew.chaos.experiment.Experiment.Rollback;
import dev.sinew.time.DurationFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Reads an {@link Experiment} from JSON (see {@code docs/CHAOS.md} for the format). Strict: unknown
 * keys, missing keys, wrong types, unknown kinds and out-of-range values are rejected with an
 * {@link ExperimentException} giving the line, the column, the reason and the allowed values.
 */
public final class ExperimentParser {

    private static final JsonFactory JSON = new JsonFactory();

    private final String source;

    private ExperimentParser(String source) {
        this.source = source;
    }

    /** The experiment in the file at {@code path}. */
    public static Experiment read(Path path) throws IOException {
        return parse(path.toString(), Files.readString(path));
    }

    /** The experiment in {@code text}; {@code source} names it in errors. */
    public static Experiment parse(String source, String text) {
        return new ExperimentParser(source).experiment(text);
    }

    private Experiment experiment(String text) {
        Node root;
        try (JsonParser p = JSON.createParser(text)) {
            if (p.nextToken() == null) {
                throw new ExperimentException(source, 1, 1, "the file is empty; expected a JSON object");
            }
            root = Node.read(p);
            if (p.nextToken() != null) {
                throw new ExperimentException(source, p.currentTokenLocation().getLineNr(),
                        p.currentTokenLocation().getColumnNr(), "unexpected content after the experiment object");
            }
        } catch (JsonProcessingException e) {
            throw new ExperimentException(source, e.getLocation() == null ? 1 : e.getLocation().getLineNr(),
                    e.getLocation() == null ? 1 : e.getLocation().getColumnNr(), "malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, Node> o = object(root, "the experiment", Set.of("title", "hypothesis", "method", "rollback", "abort", "proof"));
        String title = text(required(o, root, "title"), "title");
        List<Probe> hypothesis = list(required(o, root, "hypothesis"), "hypothesis", true, this::probe);
        List<Fault> method = list(required(o, root, "method"), "method", true, this::fault);
        List<Rollback> rollback = list(o.get("rollback"), "rollback", false, this::rollback);
        List<Abort> abort = list(o.get("abort"), "abort", false, this::abort);
        List<Proof> proof = list(o.get("proof"), "proof", false, this::proof);
        return new Experiment(title, hypothesis, method, rollback, abort, proof);
    }

    private Probe probe(Node n) {
        Map<String, Node> o = object(n, "a probe", Set.of("probe", "route", "at-least", "at-most"));
        ProbeKind kind = choose(required(o, n, "probe"), "probe", ProbeKind.values());
        return switch (kind) {
            case SUCCESS -> {
                only(o, n, "success probe", "probe", "route", "at-least");
                yield new Probe(kind, text(required(o, n, "route"), "route"), share(required(o, n, "at-least"), "at-least"), null);
            }
            case P99 -> {
                only(o, n, "p99 probe", "probe", "route", "at-most");
                yield new Probe(kind, text(required(o, n, "route"), "route"), null, duration(required(o, n, "at-most"), "at-most"));
            }
            case AUDIT -> {
                only(o, n, "audit probe", "probe");
                yield new Probe(kind, null, null, null);
            }
        };
    }

    private Fault fault(Node n) {
        Map<String, Node> o = object(n, "a fault", Set.of("fault", "target", "duration", "latency", "rate"));
        FaultKind kind = choose(required(o, n, "fault"), "fault", FaultKind.values());
        String target = kind == FaultKind.BROKER_DOWN && !o.containsKey("target") ? "broker" : text(required(o, n, "target"), "target");
        Duration duration = duration(required(o, n, "duration"), "duration");
        Duration latency = null;
        Double rate = null;
        if (kind == FaultKind.LATENCY) {
            only(o, n, "latency fault", "fault", "target", "duration", "latency");
            latency = duration(required(o, n, "latency"), "latency");
        } else if (kind == FaultKind.ERROR_RATE) {
            only(o, n, "error-rate fault", "fault", "target", "duration", "rate");
            rate = share(required(o, n, "rate"), "rate");
        } else {
            only(o, n, kind.label() + " fault", "fault", "target", "duration");
        }
        return new Fault(kind, target, duration, latency, rate);
    }

    private Rollback rollback(Node n) {
        Map<String, Node> o = object(n, "a rollback step", Set.of("action", "target"));
        return new Rollback(choose(required(o, n, "action"), "action", RollbackAction.values()),
                text(required(o, n, "target"), "target"));
    }

    private Abort abort(Node n) {
        Map<String, Node> o = object(n, "an abort condition", Set.of("when", "route", "success", "p99"));
        AbortKind kind = choose(required(o, n, "when"), "when", AbortKind.values());
        return switch (kind) {
            case SUCCESS_BELOW -> {
                only(o, n, "success-below condition", "when", "route", "success");
                yield new Abort(kind, text(required(o, n, "route"), "route"), share(required(o, n, "success"), "success"), null);
            }
            case P99_ABOVE -> {
                only(o, n, "p99-above condition", "when", "route", "p99");
                yield new Abort(kind, text(required(o, n, "route"), "route"), null, duration(required(o, n, "p99"), "p99"));
            }
            case AUDIT_FAILS -> {
                only(o, n, "audit-fails condition", "when");
                yield new Abort(kind, null, null, null);
            }
        };
    }

    private Proof proof(Node n) {
        Map<String, Node> o = object(n, "a proof", Set.of("check", "target", "within"));
        return new Proof(choose(required(o, n, "check"), "check", ProofKind.values()),
                text(required(o, n, "target"), "target"), duration(required(o, n, "within"), "within"));
    }

    // --- typed reads, each failing with the value's location ---

    private ExperimentException error(Node at, String reason) {
        return new ExperimentException(source, at.line(), at.column(), reason);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Node> object(Node n, String what, Set<String> allowed) {
        if (!(n.value() instanceof Map)) {
            throw error(n, what + " must be a JSON object, was " + n.type());
        }
        Map<String, Node> o = (Map<String, Node>) n.value();
        for (Map.Entry<String, Node> e : o.entrySet()) {
            if (!allowed.contains(e.getKey())) {
                throw error(e.getValue(), "unknown key '" + e.getKey() + "' in " + what + "; allowed: "
                        + allowed.stream().sorted().collect(Collectors.joining(", ")));
            }
        }
        return o;
    }

    /** Rejects keys that the chosen kind does not use (they would be silently ignored otherwise). */
    private void only(Map<String, Node> o, Node at, String what, String... keys) {
        List<String> allowed = Arrays.asList(keys);
        for (Map.Entry<String, Node> e : o.entrySet()) {
            if (!allowed.contains(e.getKey())) {
                throw error(e.getValue(), "a " + what + " takes no '" + e.getKey() + "'; its keys are " + String.join(", ", keys));
            }
        }
    }

    private Node required(Map<String, Node> o, Node parent, String key) {
        Node v = o.get(key);
        if (v == null || v.value() == null) {
            throw error(parent, "'" + key + "' is required here");
        }
        return v;
    }

    @SuppressWarnings("unchecked")
    private <T> List<T> list(Node n, String key, boolean required, Function<Node, T> item) {
        if (n == null) {
            return List.of();
        }
        if (!(n.value() instanceof List)) {
            throw error(n, "'" + key + "' must be a list, was " + n.type());
        }
        List<Node> items = (List<Node>) n.value();
        if (required && items.isEmpty()) {
            throw error(n, "'" + key + "' must not be empty");
        }
        List<T> out = new ArrayList<>();
        for (Node i : items) {
            out.add(item.apply(i));
        }
        return out;
    }

    private String text(Node n, String key) {
        if (!(n.value() instanceof String s) || s.isBlank()) {
            throw error(n, "'" + key + "' must be non-blank text, was " + n.type());
        }
        return s;
    }

    private Duration duration(Node n, String key) {
        Duration d = n.value() instanceof String s ? DurationFormat.parse(s) : null;
        if (d == null || d.isNegative() || d.isZero()) {
            throw error(n, "'" + key + "' must be " + DurationFormat.ALLOWED + " (positive), was "
                    + (n.value() instanceof String s ? "'" + s + "'" : n.type()));
        }
        return d;
    }

    private double share(Node n, String key) {
        if (!(n.value() instanceof Number num) || !(num.doubleValue() >= 0 && num.doubleValue() <= 1)) {
            throw error(n, "'" + key + "' must be a number from 0 to 1, was " + (n.value() instanceof Number ? n.value() : n.type()));
        }
        return num.doubleValue();
    }

    private <E extends Enum<E> & Labeled> E choose(Node n, String key, E[] values) {
        String allowed = Arrays.stream(values).map(Labeled::label).collect(Collectors.joining(", "));
        if (n.value() instanceof String s) {
            for (E e : values) {
                if (e.label().equals(s)) {
                    return e;
                }
            }
            throw error(n, key + " '" + s + "' is not one of " + allowed);
        }
        throw error(n, key + " must be one of " + allowed + ", was " + n.type());
    }
}
