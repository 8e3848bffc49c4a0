package dev.sinew.shop.gameday;

import dev.sinew.chaos.experiment.ExperimentException;
import dev.sinew.chaos.experiment.ExperimentParser;
import dev.sinew.chaos.gameday.GamedayReport;
import dev.sinew.chaos.gameday.HtmlReport;
import dev.sinew.chaos.gameday.MarkdownReport;
import dev.sinew.chaos.gameday.Skipped;
import dev.sinew.chaos.gameday.TerminalReport;
import dev.sinew.shop.launcher.RemoteShop;
import dev.sinew.shop.launcher.Shop;
import dev.sinew.shop.launcher.ShopNodes;
import dev.sinew.time.DurationFormat;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./sinew gameday}: break each service under load and report, with numbers, whether the shop is ready. */
@Command(name = "gameday", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Starts the shop (broker + 7 services as processes, fault injection on), drives steady open-loop load",
            "through the gateway and breaks one node at a time: every service and the broker x {kill -9, freeze",
            "(SIGSTOP), +2 s latency, 50%% errors} (combinations that make no sense are listed with the reason).",
            "Each experiment: a baseline window, the fault (proved to have taken effect; aborted and rolled back",
            "if a hard limit breaks), a recovery window, then the audit. Per experiment it reports what users saw",
            "per route (served, degraded, rejected, failed, p50/p99), time to detect (first breaker open or",
            "readiness alert), time to recover, outbox backlog peak and drain time, lost orders and duplicate",
            "charges, and a verdict with its reason.",
            "",
            "Writes gameday.txt, gameday.md and gameday.html (charts, no network needed) to --out.",
            "The default suite (27 experiments) took 11.6 minutes on 2 cores. Exit 0 when READY,",
            "1 when NOT READY, 2 for bad arguments or a bad experiment file."},
        footer = {"", "Examples:",
            "  ./sinew gameday                                   # the default suite",
            "  ./sinew gameday --targets payment,catalog --faults kill,latency --fault 5s",
            "  ./sinew gameday --experiment docs/experiments/payment-latency.json",
            "  ./sinew shop --chaos --data-dir data   (other terminal), then: ./sinew gameday --attach --data-dir data",
            "  ./sinew gameday --list                            # what would run, and what is skipped and why",
            "  ./sinew gameday --compare --targets payment,catalog   # the same experiments with naive clients, side by side"})
public final class GamedayCommand implements Callable<Integer> {

    @Option(names = "--out", defaultValue = "target/gameday", paramLabel = "<dir>",
            description = "where the reports go (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--targets", split = ",", paramLabel = "<node,...>",
            description = "nodes to break (default: payment,inventory,recommendation,auth,catalog,order,broker; gateway is listed as skipped)")
    List<String> targets;

    @Option(names = "--faults", split = ",", paramLabel = "<fault,...>",
            description = "faults per node: kill, freeze, latency, errors, blackhole (default: all five; blackhole, and latency and errors on the broker, go through the TCP fault proxy in front of Kafka)")
    List<String> faults;

    @Option(names = "--experiment", paramLabel = "<file.json>",
            description = "run the experiments of these files (docs/CHAOS.md) instead of the default suite; repeatable")
    List<Path> experiments = new ArrayList<>();

    @Option(names = "--rate", defaultValue = "30", paramLabel = "<per second>", description = "open-loop load (default: ${DEFAULT-VALUE} requests/s)")
    double rate;

    @Option(names = "--baseline", defaultValue = "5s", paramLabel = "<duration>", description = "baseline window before each fault (default: ${DEFAULT-VALUE})")
    String baseline;

    @Option(names = "--fault", defaultValue = "8s", paramLabel = "<duration>", description = "how long each fault of the default suite lasts (default: ${DEFAULT-VALUE})")
    String fault;

    @Option(names = "--recovery", defaultValue = "10s", paramLabel = "<duration>", description = "recovery window after each fault (default: ${DEFAULT-VALUE})")
    String recovery;

    @Option(names = "--latency", defaultValue = "2s", paramLabel = "<duration>", description = "delay of the latency faults (default: ${DEFAULT-VALUE})")
    String latency;

    @Option(names = "--error-rate", defaultValue = "0.5", paramLabel = "<0..1>", description = "share failed by the error faults (default: ${DEFAULT-VALUE})")
    double errorRate;

    @Option(names = "--answer-within", defaultValue = "1s", paramLabel = "<duration>",
            description = "routes that need the broken node must answer (ok, degraded or 503) this fast (default: ${DEFAULT-VALUE})")
    String answerWithin;

    @Option(names = "--seed", defaultValue = "42", description = "seed of the load's arrivals and routes (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--attach", description = "use the shop already running on --data-dir (started with ./sinew shop --chaos) instead of starting one")
    boolean attach;

    @Option(names = "--data-dir", paramLabel = "<dir>",
            description = "the shop's data directory (default: <out>/data, emptied first; with --attach: data)")
    Path dataDir;

    @Option(names = "--base-port", defaultValue = "0", paramLabel = "<port>",
            description = "the started shop's gateway port; the other services follow (default: free ports)")
    int basePort;

    @Option(names = "--broker-port", defaultValue = "0", paramLabel = "<port>",
            description = "the started shop's Kafka port; its controller uses the next one (default: free ports)")
    int brokerPort;

    @Option(names = "--compare", description = "run the suite a second time against the shop with naive clients"
            + " (--naive: no timeouts, unbudgeted retries, no breakers) and put both side by side in the report")
    boolean compare;

    @Option(names = "--list", description = "print the experiments that would run (and those skipped, with the reason), then exit")
    boolean list;

    public static void main(String[] args) {
        CommandLine cl = new CommandLine(new GamedayCommand());
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("gameday: " + e.getMessage());
            return 1;
        });
        System.exit(cl.execute(args));
    }

    @Override
    public Integer call() throws Exception {
        PrintStream err = System.err;
        GamedayConfig config;
        Suite suite;
        try {
            config = GamedayConfig.builder().rate(rate).seed(seed).baseline(duration("--baseline", baseline))
                    .fault(duration("--fault", fault)).recovery(duration("--recovery", recovery))
                    .latency(duration("--latency", latency)).errorRate(errorRate)
                    .answerWithin(duration("--answer-within", answerWithin)).progress(err).build();
            suite = suite(config);
        } catch (IllegalArgumentException | ExperimentException e) {
            err.println("gameday: " + e.getMessage());
            return 2;
        }
        if (list) {
            System.out.print(suite.describe());
            return 0;
        }
        if (suite.plans().isEmpty()) {
            err.println("gameday: nothing to run (every combination chosen is skipped)");
            System.out.print(suite.describe());
            return 2;
        }
        if (compare && attach) {
            err.println("gameday: --compare starts its own shops (one with Sinew, one with naive clients); leave out --attach");
            return 2;
        }
        Files.createDirectories(out);
        long t0 = System.nanoTime();
        GamedayReport report = run(suite, config, false);
        if (compare) {
            err.println("the same suite against naive clients ...");
            GamedayReport naive = run(suite, config, true);
            report = report.withComparison(naive.experiments().stream().map(e -> e.named(e.name() + " (naive)")).toList(),
                    (System.nanoTime() - t0) / 1e9);
            Map<String, String> settings = new LinkedHashMap<>(report.settings());
            settings.put("naive run", naive.summary());
            report = new GamedayReport(report.title(), report.startedAt(), report.seconds(), settings, report.experiments(),
                    report.skipped(), report.finalAudit(), report.comparison());
        }
        Path[] files = write(report, out);
        System.out.println();
        System.out.print(TerminalReport.render(report));
        System.out.println("reports: " + files[0] + "  " + files[1] + "  " + files[2]);
        return report.ready() ? 0 : 1;
    }

    private GamedayReport run(Suite suite, GamedayConfig config, boolean naive) throws IOException {
        PrintStream err = System.err;
        Map<String, String> extra = new LinkedHashMap<>();
        GamedayReport report;
        Shop owned = null;
        try {
            ShopNodes shop;
            if (attach) {
                Path dir = dataDir != null ? dataDir : Path.of("data");
                shop = RemoteShop.attach(dir);
                extra.put("shop", "the running shop on " + dir.toAbsolutePath());
            } else {
                Path dir = (dataDir != null ? dataDir : out.resolve("data")).resolveSibling(
                        (dataDir != null ? dataDir : out.resolve("data")).getFileName() + (naive ? "-naive" : ""));
                if (dataDir == null) {
                    deleteTree(dir);
                }
                err.println("starting the shop (Kafka broker + 7 services, fault injection on" + (naive ? ", naive clients" : "")
                        + "), data in " + dir.toAbsolutePath() + " ...");
                long t0 = System.nanoTime();
                owned = Shop.builder().dataDir(dir).basePort(basePort).brokerPort(brokerPort)
                        .chaos(true).naive(naive).build().start();
                shop = owned;
                extra.put("shop", String.format(Locale.ROOT, "Kafka broker + 7 service processes started with --chaos in %.1f s;"
                        + " data in %s", (System.nanoTime() - t0) / 1e9, dir.toAbsolutePath()));
            }
            extra.put("machine", Runtime.getRuntime().availableProcessors() + " cores, load average "
                    + String.format(Locale.ROOT, "%.1f", java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                    .getSystemLoadAverage()) + " at the start");
            err.println("running " + suite.plans().size() + " experiments" + (suite.skipped().isEmpty() ? ""
                    : " (" + suite.skipped().size() + " combinations skipped, see the report)") + " ...");
            Gameday gameday = new Gameday(shop, config);
            // Ctrl-C: a shop we started is stopped by its own hook; one we attached to is left whole
            Thread restore = attach ? new Thread(gameday::rollbackEverything, "gameday-restore") : null;
            if (restore != null) {
                Runtime.getRuntime().addShutdownHook(restore);
            }
            report = gameday.run(suite, "Sinew shop game day", extra);
            if (restore != null) {
                Runtime.getRuntime().removeShutdownHook(restore);
            }
        } finally {
            if (owned != null) {
                err.println("stopping the shop ...");
                owned.stop();
            }
        }
        return report;
    }

    private Suite suite(GamedayConfig config) throws IOException {
        if (!experiments.isEmpty()) {
            if (targets != null || faults != null) {
                throw new IllegalArgumentException("--experiment replaces the default suite; leave out --targets and --faults");
            }
            List<Plan> plans = new ArrayList<>();
            for (Path p : experiments) {
                if (!Files.isRegularFile(p)) {
                    throw new IllegalArgumentException("--experiment: no such file " + p);
                }
                plans.add(Suite.fromExperiment(ExperimentParser.read(p), config.shape()));
            }
            return new Suite(plans, List.<Skipped>of());
        }
        return Suite.defaults(targets != null ? targets : Suite.TARGETS, faults != null ? faults : Suite.FAULTS, config.shape());
    }

    /** Writes gameday.txt, gameday.md and gameday.html into {@code dir}. */
    static Path[] write(GamedayReport report, Path dir) throws IOException {
        Files.createDirectories(dir);
        Path txt = dir.resolve("gameday.txt");
        Path md = dir.resolve("gameday.md");
        Path html = dir.resolve("gameday.html");
        Files.writeString(txt, TerminalReport.render(report));
        Files.writeString(md, MarkdownReport.render(report));
        Files.writeString(html, HtmlReport.render(report));
        return new Path[] {txt, md, html};
    }

    private static Duration duration(String option, String text) {
        Duration d = DurationFormat.parse(text);
        if (d == null) {
            throw new IllegalArgumentException(option + ": '" + text + "' is not " + DurationFormat.ALLOWED);
        }
        return d;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }
}
