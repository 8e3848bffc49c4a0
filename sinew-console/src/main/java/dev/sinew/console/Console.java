package dev.sinew.console;

import dev.sinew.console.alert.Alert;
import dev.sinew.console.alert.AlertBook;
import dev.sinew.console.alert.AlertRules;
import dev.sinew.console.audit.AuditLog;
import dev.sinew.console.control.AdminClient;
import dev.sinew.console.control.Controls;
import dev.sinew.console.control.DegradationSwitch;
import dev.sinew.console.control.FaultInjector;
import dev.sinew.console.control.Faults;
import dev.sinew.console.gameday.GamedayControl;
import dev.sinew.console.history.HistoryStore;
import dev.sinew.console.incident.IncidentStore;
import dev.sinew.console.live.BreakerTransition;
import dev.sinew.console.live.LiveModel;
import dev.sinew.console.live.Snapshot;
import dev.sinew.console.scrape.Scrape;
import dev.sinew.console.scrape.Scraper;
import dev.sinew.console.scrape.Target;
import dev.sinew.console.security.AdminToken;
import dev.sinew.console.server.ConsoleServer;
import dev.sinew.console.verify.ProbeStep;
import dev.sinew.console.verify.Prober;
import dev.sinew.console.verify.Verification;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console: every second it scrapes each service's {@code /metrics} and {@code /diagnose} (and
 * its admin state), turns them into the live service map, appends the map to the on-disk history,
 * raises and resolves alerts, records breaker transitions and alerts on the open incident's
 * timeline (opening one when a paging alert fires, unless told not to), and pushes the state to
 * every page over server-sent events. Controls, probes and incidents are served by
 * {@link ConsoleServer}; everything it keeps lives under {@code dataDir}.
 *
 * <pre>{@code
 * Console console = Console.builder().dataDir(dir).token(AdminToken.loadOrCreate(dir.resolve("admin-token")))
 *         .target(Target.of("gateway", "http://127.0.0.1:8080")).port(8090).build().start();
 * }</pre>
 */
public final class Console implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Console.class);
    private static final long HOUR = 3_600_000L;

    private final Builder config;
    private final AdminToken token;
    private final List<Target> targets;
    private final Scraper scraper;
    private final LiveModel live;
    private final HistoryStore history;
    private final AlertBook alerts = new AlertBook();
    private final AuditLog audit;
    private final IncidentStore incidents;
    private final Controls controls;
    private final Faults faults;
    private final GamedayControl gameday;
    private final Prober prober;
    private final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Counter scrapesOk;
    private final Counter scrapesFailed;
    private final Timer roundTimer;
    private final ExecutorService io;
    private final ScheduledExecutorService loop;
    private final AtomicInteger rounds = new AtomicInteger();
    private volatile Snapshot snapshot = Snapshot.empty();
    private ConsoleServer server;

    private Console(Builder b) {
        this.config = b;
        this.token = b.token;
        this.targets = List.copyOf(b.targets);
        this.io = Executors.newFixedThreadPool(4, daemon("console-io"));
        this.loop = Executors.newSingleThreadScheduledExecutor(daemon("console-loop"));
        this.scraper = new Scraper(io, b.scrapeTimeout);
        this.live = new LiveModel(targets.stream().map(Target::service).collect(Collectors.toSet()), 10);
        this.history = new HistoryStore(b.dataDir.resolve("history"), HOUR, System.currentTimeMillis());
        this.audit = new AuditLog(b.dataDir.resolve("audit.log"));
        this.incidents = new IncidentStore(b.dataDir.resolve("incidents"));
        this.controls = new Controls(targets, b.switches, b.readOnlyServices, new AdminClient(token), audit, incidents);
        this.prober = new Prober(b.probe);
        this.faults = new Faults(b.faultInjector, b.chaosEnabled, audit, incidents);
        this.gameday = new GamedayControl(b.gamedayCommand, b.chaosEnabled, b.dataDir.resolve("gameday"),
                b.gamedayStopGrace.toMillis(), audit, incidents);
        meters.config().commonTags("service", "console");
        this.scrapesOk = Counter.builder("sinew.console.scrapes").description("scrapes of a service's /metrics and /diagnose")
                .tag("result", "ok").register(meters);
        this.scrapesFailed = Counter.builder("sinew.console.scrapes").description("scrapes of a service's /metrics and /diagnose")
                .tag("result", "failed").register(meters);
        this.roundTimer = Timer.builder("sinew.console.round").description("one scrape round of every service").register(meters);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Starts the HTTP server and the scrape loop (first round at once). */
    public Console start() {
        server = ConsoleServer.start(this, config.bindAddress, config.port);
        loop.scheduleAtFixedRate(this::roundSafely, 0, config.interval.toMillis(), TimeUnit.MILLISECONDS);
        log.info("console on http://{}:{}/ watching {}", config.bindAddress, server.port(),
                targets.stream().map(Target::service).toList());
        return this;
    }

    private void roundSafely() {
        try {
            round();
        } catch (RuntimeException e) {
            log.warn("console round failed: {}", e.toString(), e);
        }
    }

    /** One round: scrape, live view, history, alerts, timeline, push. */
    void round() {
        long t0 = System.nanoTime();
        List<CompletableFuture<Void>> adminPolls = new ArrayList<>();
        for (Target t : targets) {
            adminPolls.add(CompletableFuture.runAsync(() -> controls.refresh(t.service()), io));
        }
        List<Scrape> round = scraper.round(targets);
        adminPolls.forEach(CompletableFuture::join);
        round.forEach(s -> (s.ok() ? scrapesOk : scrapesFailed).increment());
        Snapshot s = live.update(round, controls::switchedOff);
        history.append(s);
        AlertBook.Changes changes = alerts.update(AlertRules.evaluate(s, round));
        for (Alert a : changes.fired()) {
            if (a.paging() && config.openIncidentOnPage && !incidents.isOpen()) {
                incidents.open(a.summary(), "alert " + a.id(), a.sinceMillis());
            }
            incidents.record(s.atMillis(), "alert", "[" + a.severity() + "] " + a.summary() + " — " + a.why()
                    + (a.exampleTraceId() != null ? " (trace " + a.exampleTraceId() + ")" : ""));
        }
        for (Alert a : changes.resolved()) {
            incidents.record(s.atMillis(), "alert_resolved", "resolved: " + a.summary());
        }
        for (BreakerTransition t : s.transitions()) {
            incidents.record(t.atMillis(), "breaker", t.toString());
        }
        snapshot = s;
        rounds.incrementAndGet();
        roundTimer.record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
        if (server != null) {
            server.broadcast();
        }
    }

    /** Runs the probes, records the result on the open incident's timeline, returns it. */
    public Verification verify(String actor) {
        Verification v = prober.run();
        StringBuilder text = new StringBuilder(v.passed() ? "verification " + v.id() + " PASSED:" : "verification " + v.id() + " FAILED:");
        v.steps().forEach(st -> text.append(' ').append(st.name()).append('=').append(st.status()));
        incidents.record(v.finishedMillis(), "probe", text + " (run by " + actor + ")");
        return v;
    }

    public AdminToken token() {
        return token;
    }

    public Snapshot snapshot() {
        return snapshot;
    }

    /** Rounds done since start (tests wait on it). */
    public int rounds() {
        return rounds.get();
    }

    public List<Alert> openAlerts() {
        return alerts.open();
    }

    public HistoryStore history() {
        return history;
    }

    public AuditLog audit() {
        return audit;
    }

    public IncidentStore incidents() {
        return incidents;
    }

    public Controls controls() {
        return controls;
    }

    public Faults faults() {
        return faults;
    }

    /** The game day control (start/stop one game day as a child process). */
    public GamedayControl gameday() {
        return gameday;
    }

    public Prober prober() {
        return prober;
    }

    public PrometheusMeterRegistry meters() {
        return meters;
    }

    /** The port the console listens on. */
    public int port() {
        return server.port();
    }

    public String url() {
        return "http://" + config.bindAddress + ":" + port();
    }

    @Override
    public void close() {
        gameday.close();
        loop.shutdownNow();
        try {
            loop.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (server != null) {
            server.stop();
        }
        io.shutdownNow();
        history.close();
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** Console settings; {@code dataDir} and {@code token} are required, the rest has defaults. */
    public static final class Builder {
        private Path dataDir;
        private AdminToken token;
        private String bindAddress = "127.0.0.1";
        private int port;
        private Duration interval = Duration.ofSeconds(1);
        private Duration scrapeTimeout = Duration.ofMillis(800);
        private final List<Target> targets = new ArrayList<>();
        private final List<DegradationSwitch> switches = new ArrayList<>();
        private final List<String> readOnlyServices = new ArrayList<>();
        private final Map<String, ProbeStep> probe = new LinkedHashMap<>();
        private boolean openIncidentOnPage = true;
        private FaultInjector faultInjector;
        private boolean chaosEnabled;
        private List<String> gamedayCommand;
        private Duration gamedayStopGrace = Duration.ofSeconds(30);

        private Builder() {
        }

        /** Where the history, audit log and incidents live (e.g. {@code data/console}). */
        public Builder dataDir(Path dataDir) {
            this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
            return this;
        }

        public Builder token(AdminToken token) {
            this.token = Objects.requireNonNull(token, "token");
            return this;
        }

        /** Listen address; default 127.0.0.1 (loopback only). */
        public Builder bindAddress(String bindAddress) {
            this.bindAddress = Objects.requireNonNull(bindAddress, "bindAddress");
            return this;
        }

        /** HTTP port; 0 (default) picks a free one. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** A service to watch (and to control through its admin API). */
        public Builder target(Target target) {
            targets.add(Objects.requireNonNull(target, "target"));
            return this;
        }

        public Builder degradationSwitch(DegradationSwitch s) {
            switches.add(Objects.requireNonNull(s, "switch"));
            return this;
        }

        /** Services that take the writes read-only mode refuses. */
        public Builder readOnlyService(String service) {
            readOnlyServices.add(Objects.requireNonNull(service, "service"));
            return this;
        }

        /** A step of the verification probe, run in the order added. */
        public Builder probeStep(String name, ProbeStep step) {
            probe.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(step, "step"));
            return this;
        }

        /** Whether a paging alert opens an incident when none is open (default true). */
        public Builder openIncidentOnPage(boolean open) {
            this.openIncidentOnPage = open;
            return this;
        }

        /**
         * What breaks and repairs nodes, and whether the console may use it to break them
         * (default: no fault controls; with an injector but {@code enabled} false only the state shows).
         */
        public Builder faults(FaultInjector injector, boolean enabled) {
            this.faultInjector = injector;
            this.chaosEnabled = enabled;
            return this;
        }

        /**
         * The command that runs a game day against this system (e.g. java, classpath, the game day's
         * main class, {@code --attach --data-dir <dir>}); the console appends the experiment and
         * {@code --out}. Starting one is a chaos control (see {@link #faults}); default: none.
         */
        public Builder gameday(List<String> commandPrefix) {
            if (commandPrefix == null || commandPrefix.isEmpty()) {
                throw new IllegalArgumentException("gameday: the command must not be empty");
            }
            this.gamedayCommand = List.copyOf(commandPrefix);
            return this;
        }

        /** How long a stopped game day may take to roll back before it is killed; default 30 s. */
        public Builder gamedayStopGrace(Duration grace) {
            this.gamedayStopGrace = Objects.requireNonNull(grace, "gamedayStopGrace");
            return this;
        }

        /** Time between rounds; default 1 s, from 100 ms to 60 s. */
        public Builder interval(Duration interval) {
            this.interval = Objects.requireNonNull(interval, "interval");
            return this;
        }

        public Console build() {
            if (dataDir == null) {
                throw new IllegalArgumentException("dataDir: required (where the console keeps history, audit and incidents)");
            }
            if (token == null) {
                throw new IllegalArgumentException("token: required (AdminToken.loadOrCreate(file))");
            }
            if (interval.toMillis() < 100 || interval.toMillis() > 60_000) {
                throw new IllegalArgumentException("interval: " + interval + " is not valid; expected 100 ms to 60 s");
            }
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port: " + port + " is not valid; expected 0 to 65535");
            }
            Set<String> names = new java.util.HashSet<>();
            for (Target t : targets) {
                if (!names.add(t.service())) {
                    throw new IllegalArgumentException("target: service '" + t.service() + "' given twice");
                }
            }
            for (String s : readOnlyServices) {
                if (!names.contains(s)) {
                    throw new IllegalArgumentException("readOnlyService: '" + s + "' is not a target; targets are " + names);
                }
            }
            for (DegradationSwitch s : switches) {
                for (DegradationSwitch.Edge e : s.pipelines()) {
                    if (!names.contains(e.service())) {
                        throw new IllegalArgumentException("switch " + s.name() + ": service '" + e.service()
                                + "' is not a target; targets are " + names);
                    }
                }
            }
            return new Console(this);
        }
    }
}
