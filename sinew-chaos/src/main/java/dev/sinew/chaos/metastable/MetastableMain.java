package dev.sinew.chaos.metastable;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Command line for the metastability experiment:
 * {@code MetastableMain [--capacity N] [--load F] [--queue N] [--timeout MS] [--outage-at S]
 * [--outage S] [--duration S] [--seed N] [--client naive|sinew|budget|both|all] [--out DIR]}.
 * Prints a per-second table and a summary and writes {@code metastable.md} to the output directory.
 */
public final class MetastableMain {

    static final String USAGE = """
            usage: MetastableMain [options]
              --capacity N     server capacity, requests per second (default 1000)
              --load F         offered load as a fraction of capacity (default 0.9)
              --queue N        server queue bound (default: capacity, i.e. 1 s of work)
              --timeout MS     client per-attempt timeout in ms (default 500)
              --outage-at S    start of the outage, seconds into the run (default 10)
              --outage S       outage length in seconds; the server serves nothing (default 10)
              --duration S     length of the run in seconds (default 60)
              --seed N         random seed; the same seed gives the same numbers (default 1)
              --client K       naive, sinew (budget + breaker), budget (budget only), both (naive and
                               sinew) or all (default both)
              --out DIR        where metastable.md is written (default target/metastable)
              --help           this text
            """;

    private MetastableMain() {
    }

    public static void main(String[] args) throws IOException {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs with the given arguments; returns the exit code (0 ok, 2 bad arguments). */
    static int run(String[] args, PrintStream out, PrintStream err) throws IOException {
        Scenario.Builder b = Scenario.builder();
        List<ClientKind> kinds = List.of(ClientKind.NAIVE, ClientKind.SINEW);
        Path dir = Path.of("target", "metastable");
        try {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (a.equals("--help") || a.equals("-h")) {
                    out.print(USAGE);
                    return 0;
                }
                if (!a.startsWith("--")) {
                    throw new IllegalArgumentException("unexpected argument '" + a + "'");
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(a + ": needs a value");
                }
                String v = args[++i];
                switch (a) {
                    case "--capacity" -> b.capacity(integer(a, v));
                    case "--load" -> b.load(number(a, v));
                    case "--queue" -> b.queue(integer(a, v));
                    case "--timeout" -> b.timeoutMs(integer(a, v));
                    case "--outage-at" -> b.outageAt(integer(a, v));
                    case "--outage" -> b.outage(integer(a, v));
                    case "--duration" -> b.duration(integer(a, v));
                    case "--seed" -> b.seed(longValue(a, v));
                    case "--client" -> kinds = clients(v);
                    case "--out" -> dir = Path.of(v);
                    default -> throw new IllegalArgumentException("unknown option '" + a + "'");
                }
            }
            Scenario s = b.build();
            List<Result> results = new ArrayList<>();
            for (ClientKind k : kinds) {
                results.add(Simulation.run(s, k));
            }
            out.print(Report.table(results));
            out.println();
            out.print(Report.summary(results, false));
            Files.createDirectories(dir);
            Path md = dir.resolve("metastable.md");
            Files.writeString(md, Report.markdown(results));
            out.println();
            out.println("Markdown summary: " + md.toAbsolutePath());
            return 0;
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            err.print(USAGE);
            return 2;
        }
    }

    private static List<ClientKind> clients(String v) {
        return switch (v) {
            case "naive" -> List.of(ClientKind.NAIVE);
            case "sinew" -> List.of(ClientKind.SINEW);
            case "budget" -> List.of(ClientKind.BUDGET);
            case "both" -> List.of(ClientKind.NAIVE, ClientKind.SINEW);
            case "all" -> List.of(ClientKind.NAIVE, ClientKind.BUDGET, ClientKind.SINEW);
            default -> throw new IllegalArgumentException("--client: '" + v + "' is not one of naive, sinew, budget, both, all");
        };
    }

    private static int integer(String key, String v) {
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + ": '" + v + "' is not an integer");
        }
    }

    private static long longValue(String key, String v) {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + ": '" + v + "' is not an integer");
        }
    }

    private static double number(String key, String v) {
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + ": '" + v + "' is not a number");
        }
    }
}
