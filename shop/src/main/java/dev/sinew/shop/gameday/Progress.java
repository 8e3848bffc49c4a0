package dev.sinew.shop.gameday;

import dev.sinew.chaos.gameday.ExperimentResult;
import dev.sinew.shop.load.LoadGenerator;
import dev.sinew.shop.load.LoadResult;
import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The progress line of a game day: which experiment, which phase, what the load sees over the last
 * settled seconds, elapsed time. Refreshed every second on a terminal; otherwise one line per phase.
 * Each finished experiment leaves one line with its verdict.
 */
final class Progress {

    private final PrintStream out;
    private final boolean terminal = System.console() != null;
    private final long t0 = System.nanoTime();
    private volatile int total;
    private volatile int index;
    private volatile String experiment = "";
    private volatile String phase = "";
    private volatile LoadGenerator load;
    private volatile boolean running;
    private Thread thread;

    Progress(PrintStream out) {
        this.out = out;
    }

    void start(int total, LoadGenerator load) {
        this.total = total;
        this.load = load;
        if (out == null || !terminal) {
            return;
        }
        running = true;
        thread = new Thread(() -> {
            while (running) {
                LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1));
                if (running) {
                    synchronized (this) {
                        out.print("\r\033[K" + line());
                        out.flush();
                    }
                }
            }
        }, "gameday-progress");
        thread.setDaemon(true);
        thread.start();
    }

    void experiment(Plan p) {
        index++;
        experiment = p.name();
        phase("waiting for a steady state");
    }

    synchronized void phase(String phase) {
        this.phase = phase;
        if (out != null && !terminal) {
            out.println(line());
        }
    }

    synchronized void done(ExperimentResult r) {
        if (out == null) {
            return;
        }
        out.print(terminal ? "\r\033[K" : "");
        out.printf(Locale.ROOT, "[%2d/%d] %-24s %-7s %s%n", index, total, r.name(), r.verdict().status(), r.verdict().reason());
        out.flush();
    }

    void stop() {
        running = false;
        if (out != null && terminal) {
            out.print("\r\033[K");
            out.flush();
        }
    }

    String line() {
        long el = (System.nanoTime() - t0) / 1_000_000_000L;
        String served = "";
        LoadGenerator l = load;
        if (l != null) {
            long now = l.elapsedNanos();
            LoadResult w = l.window(now - TimeUnit.MILLISECONDS.toNanos(5_500), now - TimeUnit.MILLISECONDS.toNanos(2_500));
            if (w.total().total() > 0) {
                served = String.format(Locale.ROOT, "  load: %.1f%% served, p99 %.0f ms", w.total().successRatio() * 100,
                        w.total().p99Millis());
            }
        }
        String exp = index == 0 ? "" : String.format(Locale.ROOT, "[%d/%d] %s: ", index, total, experiment);
        return String.format(Locale.ROOT, "%d:%02d %s%s%s", el / 60, el % 60, exp, phase, served);
    }
}
