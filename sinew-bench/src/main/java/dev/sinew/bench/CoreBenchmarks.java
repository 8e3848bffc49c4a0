package dev.sinew.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs {@link CoreBenchmark} in one JMH invocation (with the GC profiler for bytes per operation)
 * and prints, per scenario and thread count, each library's ns/op ± error and B/op and Sinew's
 * overhead (score minus the bare call) as a ratio to each anchor's overhead. Also writes the JMH
 * JSON and the same table as Markdown.
 *
 * <pre>
 * usage: CoreBenchmarks [--out DIR] [--include REGEX] [--quick] [--jmh-arg ...]
 *   --out DIR        where core.json and core.md go (default target/bench)
 *   --include REGEX  only the benchmark methods matching REGEX (e.g. 't1_breaker')
 *   --quick          1 x 1 s warmup and measurement (a smoke run; numbers are not meaningful)
 *   --profile NAME   add a JMH profiler (e.g. stack), repeatable
 * </pre>
 */
public final class CoreBenchmarks {

    private static final String SINEW = "sinew";
    private static final String R4J = "r4j";
    private static final String FAILSAFE = "failsafe";

    private static final Map<String, String> SCENARIOS = new LinkedHashMap<>();
    private static final Map<String, String> LIBRARIES = new LinkedHashMap<>();

    static {
        SCENARIOS.put("breaker", "closed circuit breaker (count window 100)");
        SCENARIOS.put("retry", "retry, first attempt succeeds (3 attempts)");
        SCENARIOS.put("pipeline", "retry > breaker > rate limiter > bulkhead(100)");
        SCENARIOS.put("open", "open breaker: rejection");
        LIBRARIES.put(SINEW, "Sinew");
        LIBRARIES.put("sinewBudget", "Sinew + RetryBudget");
        LIBRARIES.put("sinewOutcome", "Sinew, outcome API");
        LIBRARIES.put(R4J, "Resilience4j 2.4.0");
        LIBRARIES.put(FAILSAFE, "Failsafe 3.3.2");
    }

    private CoreBenchmarks() {
    }

    /** One measured benchmark method. */
    record Row(int threads, String scenario, String library, double score, double error, double bytes) {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of("target", "bench");
        String include = "";
        boolean quick = false;
        List<String> profilers = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--out" -> out = Path.of(args[++i]);
                case "--include" -> include = args[++i];
                case "--quick" -> quick = true;
                case "--profile" -> profilers.add(args[++i]);
                default -> {
                    System.err.println("unknown argument: " + args[i] + "\nusage: CoreBenchmarks [--out DIR]"
                            + " [--include REGEX] [--quick] [--profile NAME]");
                    System.exit(2);
                }
            }
        }
        Files.createDirectories(out);
        Path json = out.resolve("core.json");
        ChainedOptionsBuilder opts = new OptionsBuilder()
                .include(CoreBenchmark.class.getName() + "\\." + (include.isEmpty() ? "" : ".*" + include))
                .addProfiler(GCProfiler.class)
                .resultFormat(ResultFormatType.JSON)
                .result(json.toString());
        if (quick) {
            opts.warmupIterations(1).warmupTime(TimeValue.seconds(1))
                    .measurementIterations(1).measurementTime(TimeValue.seconds(1));
        }
        for (String p : profilers) {
            opts.addProfiler(p);
        }
        Collection<RunResult> results = new Runner(opts.build()).run();
        List<Row> rows = rows(results);
        String text = table(rows, false);
        System.out.println();
        System.out.println(text);
        Path md = out.resolve("core.md");
        Files.writeString(md, table(rows, true));
        System.out.println("JMH JSON: " + json + "\nMarkdown: " + md);
    }

    @SuppressWarnings("rawtypes") // JMH declares Map<String, Result>
    static List<Row> rows(Collection<RunResult> results) {
        List<Row> rows = new ArrayList<>();
        for (RunResult r : results) {
            String method = r.getParams().getBenchmark();
            method = method.substring(method.lastIndexOf('.') + 1);
            String[] parts = method.split("_"); // t<threads>_<scenario>[_<library>]
            int threads = r.getParams().getThreads();
            String scenario = parts[1];
            String library = parts.length > 2 ? parts[2] : "";
            Result<?> primary = r.getPrimaryResult();
            double bytes = Double.NaN;
            for (var e : r.getSecondaryResults().entrySet()) {
                if (e.getKey().endsWith("gc.alloc.rate.norm")) {
                    bytes = e.getValue().getScore();
                }
            }
            rows.add(new Row(threads, scenario, library, primary.getScore(), primary.getScoreError(), bytes));
        }
        return rows;
    }

    static String table(List<Row> rows, boolean markdown) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int threads : new int[] {1, 2}) {
            Row base = find(rows, threads, "baseline", "");
            if (rows.stream().noneMatch(r -> r.threads() == threads)) {
                continue;
            }
            String head = threads + (threads == 1 ? " thread" : " threads, sharing the policy objects")
                    + (base == null ? "" : String.format(Locale.ROOT, "; bare call (baseline) %.1f ± %.1f ns/op, %.0f B/op",
                    base.score(), err(base.error()), base.bytes()));
            if (markdown) {
                sb.append("#### ").append(head).append("\n\n")
                        .append("| scenario | library | ns/op | ± error | B/op | overhead ns | Sinew overhead ÷ this |\n")
                        .append("|---|---|---:|---:|---:|---:|---:|\n");
            } else {
                sb.append("== ").append(head).append('\n')
                        .append(String.format(Locale.ROOT, "%-48s %-20s %10s %9s %8s %11s %14s%n",
                                "scenario", "library", "ns/op", "± error", "B/op", "overhead ns", "sinew ovh ÷"));
            }
            for (Map.Entry<String, String> sc : SCENARIOS.entrySet()) {
                String scenario = sc.getKey();
                boolean first = true;
                for (Map.Entry<String, String> lib : LIBRARIES.entrySet()) {
                    Row row = find(rows, threads, scenario, lib.getKey());
                    if (row == null) {
                        continue;
                    }
                    double overhead = base == null ? Double.NaN : row.score() - base.score();
                    String ratio = "";
                    if (lib.getKey().equals(R4J) || lib.getKey().equals(FAILSAFE)) {
                        Row sinew = find(rows, threads, scenario, SINEW);
                        if (sinew != null && base != null) {
                            ratio = ratio(sinew.score() - base.score(), overhead);
                            Row extra = find(rows, threads, scenario, scenario.equals("open") ? "sinewOutcome" : "sinewBudget");
                            if (extra != null) {
                                ratio += " / " + ratio(extra.score() - base.score(), overhead);
                            }
                        }
                    }
                    String name = first ? sc.getValue() : "";
                    first = false;
                    if (markdown) {
                        sb.append(String.format(Locale.ROOT, "| %s | %s | %.1f | %.1f | %.0f | %.1f | %s |%n", name,
                                lib.getValue(), row.score(), err(row.error()), row.bytes(), overhead, ratio));
                    } else {
                        sb.append(String.format(Locale.ROOT, "%-48s %-20s %10.1f %9.1f %8.0f %11.1f %14s%n", name,
                                lib.getValue(), row.score(), err(row.error()), row.bytes(), overhead, ratio));
                    }
                }
            }
            sb.append('\n');
        }
        sb.append(markdown ? "_" : "").append("Sinew overhead ÷ this: (Sinew − baseline) ÷ (anchor − baseline); "
                + "the second figure is the extra Sinew row (with a RetryBudget, or the outcome API) against the same anchor.")
                .append(markdown ? "_\n" : "\n");
        return sb.toString();
    }

    private static double err(double e) {
        return Double.isNaN(e) ? 0 : e;
    }

    private static String ratio(double sinewOverhead, double anchorOverhead) {
        if (anchorOverhead <= 0) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "%.2f×", Math.max(0, sinewOverhead) / anchorOverhead);
    }

    private static Row find(List<Row> rows, int threads, String scenario, String library) {
        for (Row r : rows) {
            if (r.threads() == threads && r.scenario().equals(scenario) && r.library().equals(library)) {
                return r;
            }
        }
        return null;
    }
}
