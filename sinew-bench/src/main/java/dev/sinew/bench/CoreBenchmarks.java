package dev.sinew.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.profile.GCProfiler;
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
 *   --iterations N   N x 1 s warmup and N x 1 s measurement instead of 5 and 5 (for experiments)
 *   --profile NAME   add a JMH profiler (e.g. stack), repeatable
 *   --repeat N       run the whole set N times (one JMH invocation each) and report per benchmark
 *                    the median of the N scores, with the range over the runs
 *   --merge FILE...  run nothing: combine JMH JSON files of earlier runs the same way
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
        SCENARIOS.put("timeout", "timeout 10 s on a blocking call (interrupts it)");
        LIBRARIES.put(SINEW, "Sinew");
        LIBRARIES.put("sinewBudget", "Sinew + RetryBudget");
        LIBRARIES.put("sinewOutcome", "Sinew, outcome API");
        LIBRARIES.put(R4J, "Resilience4j 2.4.0");
        LIBRARIES.put(FAILSAFE, "Failsafe 3.3.2");
    }

    private CoreBenchmarks() {
    }

    /** One measured benchmark method. */
    record Row(int threads, String scenario, String library, double score, double error, double bytes,
               int runs, double min, double max) {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of("target", "bench");
        String include = "";
        boolean quick = false;
        int repeat = 1;
        int iterations = 5;
        List<String> profilers = new ArrayList<>();
        List<Path> merge = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--out" -> out = Path.of(args[++i]);
                case "--include" -> include = args[++i];
                case "--quick" -> quick = true;
                case "--iterations" -> iterations = Integer.parseInt(args[++i]);
                case "--profile" -> profilers.add(args[++i]);
                case "--repeat" -> repeat = Integer.parseInt(args[++i]);
                case "--merge" -> {
                    while (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                        merge.add(Path.of(args[++i]));
                    }
                }
                default -> {
                    System.err.println("unknown argument: " + args[i] + "\nusage: CoreBenchmarks [--out DIR]"
                            + " [--include REGEX] [--quick] [--iterations N] [--profile NAME] [--repeat N] [--merge FILE...]");
                    System.exit(2);
                }
            }
        }
        Files.createDirectories(out);
        List<Path> runs = new ArrayList<>(merge);
        if (merge.isEmpty()) {
            for (int run = 1; run <= repeat; run++) {
                Path json = out.resolve(repeat == 1 ? "core.json" : "core-" + run + ".json");
                ChainedOptionsBuilder opts = new OptionsBuilder()
                        .include(CoreBenchmark.class.getName() + "\\." + (include.isEmpty() ? "" : ".*" + include))
                        .addProfiler(GCProfiler.class)
                        .resultFormat(ResultFormatType.JSON)
                        .result(json.toString());
                if (quick) {
                    iterations = 1;
                }
                if (iterations != 5) {
                    opts.warmupIterations(iterations).warmupTime(TimeValue.seconds(1))
                            .measurementIterations(iterations).measurementTime(TimeValue.seconds(1));
                }
                for (String p : profilers) {
                    opts.addProfiler(p);
                }
                new Runner(opts.build()).run();
                runs.add(json);
            }
        }
        List<Row> rows = rows(runs);
        String text = table(rows, false);
        System.out.println();
        System.out.println(text);
        Path md = out.resolve("core.md");
        Files.writeString(md, table(rows, true));
        System.out.println("JMH JSON: " + runs + "\nMarkdown: " + md);
    }

    /** Per benchmark method: the median score over the runs (and that run's error and B/op). */
    static List<Row> rows(List<Path> runs) throws IOException {
        Map<String, List<JmhJson.Result>> byMethod = new LinkedHashMap<>();
        for (Path run : runs) {
            for (JmhJson.Result r : JmhJson.read(run)) {
                byMethod.computeIfAbsent(r.benchmark(), k -> new ArrayList<>()).add(r);
            }
        }
        List<Row> rows = new ArrayList<>();
        for (Map.Entry<String, List<JmhJson.Result>> e : byMethod.entrySet()) {
            List<JmhJson.Result> all = new ArrayList<>(e.getValue());
            all.sort(Comparator.comparingDouble(JmhJson.Result::score));
            JmhJson.Result median = all.get((all.size() - 1) / 2); // the lower median: a score that was measured
            String method = e.getKey().substring(e.getKey().lastIndexOf('.') + 1);
            String[] parts = method.split("_"); // t<threads>_<scenario>[_<library>]
            rows.add(new Row(median.threads(), parts[1], parts.length > 2 ? parts[2] : "", median.score(),
                    median.error(), median.bytes(), all.size(), all.get(0).score(), all.get(all.size() - 1).score()));
        }
        return rows;
    }

    static String table(List<Row> rows, boolean markdown) throws IOException {
        StringBuilder sb = new StringBuilder();
        int runs = rows.stream().mapToInt(Row::runs).max().orElse(1);
        if (runs > 1) {
            sb.append(markdown ? "_" : "").append("median of ").append(runs)
                    .append(" runs; ± error is JMH's 99.9% interval of the median run; range is min–max over the runs")
                    .append(markdown ? "_\n\n" : "\n\n");
        }
        for (int threads : new int[] {1, 2}) {
            Row base = find(rows, threads, "baseline", "");
            if (rows.stream().noneMatch(r -> r.threads() == threads)) {
                continue;
            }
            String head = threads + (threads == 1 ? " thread" : " threads, sharing the policy objects")
                    + (base == null ? "" : String.format(Locale.ROOT, "; bare call (baseline) %.1f ± %.1f ns/op, %.0f B/op",
                    base.score(), err(base.error()), base.bytes()) + range(base, runs));
            if (markdown) {
                sb.append("#### ").append(head).append("\n\n")
                        .append("| scenario | library | ns/op | ± error |" + (runs > 1 ? " range |" : "")
                                + " B/op | overhead ns | Sinew overhead ÷ this |\n")
                        .append("|---|---|---:|---:|" + (runs > 1 ? "---:|" : "") + "---:|---:|---:|\n");
            } else {
                sb.append("== ").append(head).append('\n')
                        .append(String.format(Locale.ROOT, "%-48s %-20s %10s %9s %13s %8s %11s %14s%n",
                                "scenario", "library", "ns/op", "± error", runs > 1 ? "range" : "", "B/op",
                                "overhead ns", "sinew ovh ÷"));
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
                        sb.append(String.format(Locale.ROOT, "| %s | %s | %.1f | %.1f |%s %.0f | %.1f | %s |%n", name,
                                lib.getValue(), row.score(), err(row.error()), runs > 1 ? " " + range(row) + " |" : "",
                                row.bytes(), overhead, ratio));
                    } else {
                        sb.append(String.format(Locale.ROOT, "%-48s %-20s %10.1f %9.1f %13s %8.0f %11.1f %14s%n", name,
                                lib.getValue(), row.score(), err(row.error()), runs > 1 ? range(row) : "", row.bytes(),
                                overhead, ratio));
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

    private static String range(Row r) {
        return String.format(Locale.ROOT, "%.1f–%.1f", r.min(), r.max());
    }

    private static String range(Row r, int runs) {
        return runs > 1 ? " (range " + range(r) + ")" : "";
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
