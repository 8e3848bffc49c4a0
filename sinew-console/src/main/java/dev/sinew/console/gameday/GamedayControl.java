package dev.sinew.console.gameday;

import dev.sinew.console.audit.AuditEntry;
import dev.sinew.console.audit.AuditLog;
import dev.sinew.console.admin.AdminException;
import dev.sinew.console.incident.IncidentStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Starts and stops one game day at a time as a child process of the console. The command prefix
 * (java, classpath, main class, {@code --attach --data-dir ...}) comes from the embedding program;
 * this class appends the experiment ({@code --experiment <file>} or {@code --targets/--faults}) and
 * {@code --out <dataDir>/<timestamp>}. Starting is a chaos control: refused when chaos is off and
 * while an incident is open; stopping never is (it sends SIGTERM, on which the runner rolls back its
 * faults, and kills the process if it has not exited in {@code stopGrace}). Every attempt is audited
 * and goes on the open incident's timeline.
 */
public final class GamedayControl {

    private static final Pattern NAMES = Pattern.compile("[a-z0-9][a-z0-9-]*(,[a-z0-9][a-z0-9-]*)*");
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
    private static final int KEEP_LINES = 40;

    private final List<String> commandPrefix;
    private final boolean enabled;
    private final Path dataDir;
    private final long stopGraceMillis;
    private final AuditLog audit;
    private final IncidentStore incidents;
    private Run run;

    /**
     * {@code commandPrefix} may be null (no game day control at all); runs are kept under
     * {@code dataDir}.
     */
    public GamedayControl(List<String> commandPrefix, boolean enabled, Path dataDir, long stopGraceMillis, AuditLog audit,
                          IncidentStore incidents) {
        this.commandPrefix = commandPrefix == null ? null : List.copyOf(commandPrefix);
        this.enabled = enabled && commandPrefix != null;
        this.dataDir = dataDir;
        this.stopGraceMillis = stopGraceMillis;
        this.audit = audit;
        this.incidents = incidents;
    }

    /** What a request asks for: an experiment file's JSON text, or suite targets and faults. */
    public record Request(String experimentJson, String targets, String faults) {
        /** Human form for the audit log and the timeline. */
        public String describe() {
            return experimentJson != null ? "experiment file" : "targets=" + targets + " faults=" + faults;
        }
    }

    /** Starts a game day; returns the text shown to the operator. */
    public synchronized String start(String actor, String remote, Request req) {
        long now = System.currentTimeMillis();
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("what", req == null ? "" : req.describe());
        try {
            check(req);
            Path out = dataDir.resolve(STAMP.format(Instant.ofEpochMilli(now)) + "-" + (now % 1000));
            List<String> cmd = new ArrayList<>(commandPrefix);
            Files.createDirectories(out);
            if (req.experimentJson() != null) {
                Path file = out.resolve("experiment.json");
                Files.writeString(file, req.experimentJson());
                cmd.add("--experiment");
                cmd.add(file.toString());
            } else {
                cmd.add("--targets");
                cmd.add(req.targets());
                cmd.add("--faults");
                cmd.add(req.faults());
            }
            cmd.add("--out");
            cmd.add(out.toString());
            // output to a file, not a pipe: the log stays with the reports and nothing is lost at exit
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(out.resolve("runner.log").toFile()).start();
            Run started = new Run(p, req.describe(), out, now);
            run = started;
            p.onExit().thenRun(() -> finished(started));
        } catch (AdminException e) {
            audit.record(new AuditEntry(now, actor, remote, "gameday.start", "gameday", params, "refused: " + e.getMessage()));
            incidents.record(now, "fault", "game day start refused: " + e.getMessage());
            throw e;
        } catch (IOException e) {
            audit.record(new AuditEntry(now, actor, remote, "gameday.start", "gameday", params, "failed: " + e.getMessage()));
            throw new UncheckedIOException("cannot start the game day: " + e.getMessage(), e);
        }
        audit.record(new AuditEntry(now, actor, remote, "gameday.start", "gameday", params, "ok"));
        String text = "game day started (" + req.describe() + "), reports in " + run.out;
        incidents.record(now, "fault", text + " by " + actor);
        return text;
    }

    /** Stops the running game day (SIGTERM: the runner rolls back its faults), waiting for it to exit. */
    public String stop(String actor, String remote) {
        long now = System.currentTimeMillis();
        Run r;
        synchronized (this) {
            r = run;
            if (r == null || !r.process.isAlive()) {
                audit.record(new AuditEntry(now, actor, remote, "gameday.stop", "gameday", Map.of(), "refused: no game day is running"));
                throw new AdminException(409, "not_running", "no game day is running");
            }
            r.stoppedBy = actor;
        }
        r.process.destroy();
        try {
            if (!r.process.waitFor(stopGraceMillis, TimeUnit.MILLISECONDS)) {
                r.process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        audit.record(new AuditEntry(now, actor, remote, "gameday.stop", "gameday", Map.of("what", r.what), "ok"));
        String text = "game day stopped (" + r.what + "); the runner rolled back its faults";
        incidents.record(System.currentTimeMillis(), "fault", text + " — stopped by " + actor);
        return text;
    }

    /** State for the page and {@code GET /api/gameday}. */
    public synchronized Map<String, Object> state() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("enabled", enabled);
        m.put("blockedByIncident", incidents.isOpen());
        if (run == null) {
            m.put("state", "idle");
            return m;
        }
        boolean alive = run.process.isAlive();
        m.put("state", alive ? "running" : "finished");
        m.put("experiment", run.what);
        m.put("startedMillis", run.startedMillis);
        m.put("out", run.out.toString());
        m.put("lastLines", tail(run.out.resolve("runner.log")));
        if (!alive) {
            int code = run.process.exitValue();
            m.put("exitCode", code);
            m.put("verdict", run.stoppedBy != null ? "STOPPED" : code == 0 ? "READY" : code == 1 ? "NOT READY"
                    : code == 2 ? "BAD ARGUMENTS" : "FAILED");
            if (run.stoppedBy != null) {
                m.put("stoppedBy", run.stoppedBy);
            }
            Path html = report();
            if (html != null) {
                m.put("report", html.toString());
                m.put("reportUrl", "/api/gameday/report");
            }
        }
        return m;
    }

    /** The HTML report of the last finished run, or null. */
    public synchronized Path report() {
        if (run == null || run.process.isAlive()) {
            return null;
        }
        Path html = run.out.resolve("gameday.html");
        return Files.isRegularFile(html) ? html : null;
    }

    /** Stops a running game day (the console is closing); the runner rolls back its faults. */
    public void close() {
        Run r;
        synchronized (this) {
            r = run;
        }
        if (r != null && r.process.isAlive()) {
            stop("console-shutdown", "local");
        }
    }

    private void check(Request req) {
        if (!enabled) {
            throw new AdminException(403, "chaos_disabled", "chaos controls are off; start the console with them enabled"
                    + " (./sinew shop --console-chaos)");
        }
        if (incidents.isOpen()) {
            throw new AdminException(409, "incident_open", "chaos is off while an incident is open: resolve it first");
        }
        if (run != null && run.process.isAlive()) {
            throw new AdminException(409, "gameday_running", "a game day is already running (" + run.what
                    + "); stop it first");
        }
        if (req == null) {
            throw new AdminException(400, "invalid_gameday", "expected {\"experiment\": {...}} or {\"targets\": \"payment\", \"faults\": \"freeze\"}");
        }
        if (req.experimentJson() == null) {
            for (String[] f : new String[][] {{"targets", req.targets()}, {"faults", req.faults()}}) {
                if (f[1] == null || !NAMES.matcher(f[1]).matches()) {
                    throw new AdminException(400, "invalid_" + f[0], f[0] + ": '" + f[1]
                            + "' is not valid; expected comma-separated names such as payment,order");
                }
            }
        }
    }

    private void finished(Run r) {
        if (r.stoppedBy == null) {
            int code = r.process.exitValue();
            incidents.record(System.currentTimeMillis(), "fault", "game day finished (" + r.what + "): exit " + code
                    + (code == 0 ? " READY" : code == 1 ? " NOT READY" : "") + ", reports in " + r.out);
        }
    }

    /** The last lines of the runner's output (kept in {@code <out>/runner.log}). */
    private static List<String> tail(Path log) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return List.copyOf(all.subList(Math.max(0, all.size() - KEEP_LINES), all.size()));
        } catch (IOException | java.io.UncheckedIOException e) {
            return List.of("(cannot read " + log + ": " + e.getMessage() + ")");
        }
    }

    private static final class Run {
        final Process process;
        final String what;
        final Path out;
        final long startedMillis;
        volatile String stoppedBy;

        Run(Process process, String what, Path out, long startedMillis) {
            this.process = process;
            this.what = what;
            this.out = out;
            this.startedMillis = startedMillis;
        }
    }
}
