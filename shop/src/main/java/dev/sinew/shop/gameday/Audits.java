package dev.sinew.shop.gameday;

import dev.sinew.chaos.gameday.Invariants;
import dev.sinew.shop.audit.Audit;
import dev.sinew.shop.audit.AuditReport;
import dev.sinew.shop.launcher.ShopNodes;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * The shop's audit as the game day runs it: only while order, payment and inventory all run
 * unfrozen (a frozen service holds its H2 file server and the audit would hang; a dead one would
 * make the audit the file's server), on a daemon thread given up after 20 s, and polled until the
 * invariants hold or a limit passes.
 */
final class Audits {

    private final ShopNodes shop;
    private final Duration grace;

    /** {@code grace}: orders updated more recently are in flight, counted but not judged. */
    Audits(ShopNodes shop, Duration grace) {
        this.shop = shop;
        this.grace = grace;
    }

    /** Polls the audit until it passes or {@code limit} has passed. */
    Invariants settle(Duration limit) {
        return settle(limit, null);
    }

    /**
     * Polls the audit until it finds nothing beyond what {@code before} found (null: until it passes),
     * or {@code limit} has passed; returns the last audit's full counts.
     */
    Invariants settle(Duration limit, Invariants before) {
        long deadline = System.nanoTime() + limit.toNanos();
        AuditReport last = null;
        String error = null;
        int runs = 0;
        long t0 = System.nanoTime();
        while (true) {
            try {
                AuditReport r = auditable() ? run(grace) : null;
                if (r != null) {
                    last = r;
                    runs++;
                    error = null;
                    if (invariants(last, "").noWorseThan(before)) {
                        break;
                    }
                } else {
                    error = "order, payment or inventory is frozen or down";
                }
            } catch (SQLException e) {
                error = e.getMessage();
            }
            if (System.nanoTime() > deadline) {
                break;
            }
            LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(2));
        }
        if (last == null) {
            return Invariants.notChecked(error);
        }
        boolean settled = invariants(last, "").noWorseThan(before);
        String note = settled
                ? (runs > 1 ? String.format(Locale.ROOT, "settled after %.0f s", (System.nanoTime() - t0) / 1e9) : "")
                : "still failing after " + Gameday.secs(limit) + ": " + String.join("; ", last.violations().subList(0, Math.min(3, last.violations().size())));
        return invariants(last, note);
    }

    private static Invariants invariants(AuditReport r, String note) {
        return new Invariants(true, r.lostOrders(), r.duplicateCharges(), r.violationCount(), note);
    }

    private static final List<String> AUDITED = List.of("order", "payment", "inventory");
    private static final Duration AUDIT_TIMEOUT = Duration.ofSeconds(20);

    /** True when every service the audit reads runs and is not frozen. */
    boolean auditable() {
        return AUDITED.stream().allMatch(s -> shop.pid(s) > 0 && !shop.frozen(s));
    }

    /** One audit, or null when it fails. */
    AuditReport once(Duration grace) {
        try {
            return run(grace);
        } catch (SQLException e) {
            return null;
        }
    }

    /** The audit on a daemon thread, given up after {@link #AUDIT_TIMEOUT} (an H2 file server that does not answer). */
    AuditReport run(Duration grace) throws SQLException {
        CompletableFuture<AuditReport> f = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                f.complete(Audit.ofDataDir(shop.dataDir(), grace).run());
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        }, "gameday-audit");
        t.setDaemon(true);
        t.start();
        try {
            return f.get(AUDIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            t.interrupt();
            throw new SQLException("the audit got no answer within " + Gameday.secs(AUDIT_TIMEOUT) + " (a database server not answering)");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SQLException se) {
                throw se;
            }
            throw new SQLException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted", e);
        }
    }
}
