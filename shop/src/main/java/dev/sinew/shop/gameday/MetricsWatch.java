package dev.sinew.shop.gameday;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sinew.chaos.gameday.Amplification;
import dev.sinew.shop.launcher.ShopNodes;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Watches the shop the way its operators would, once a second: the callers' {@code /metrics}
 * (breaker states, timeouts, retries, fallbacks and rejections per pipeline), the outbox lag of
 * order and inventory, order's oldest order awaiting inventory, and their readiness details
 * ({@code kafka: FAILING}). The game day reads
 * detection times, fault proofs and the queue backlog from what it saw. Times are on the load
 * generator's clock.
 */
final class MetricsWatch implements AutoCloseable {

    /** Services whose pipelines call others (their /metrics show breakers). */
    static final List<String> CALLERS = List.of("gateway", "order", "recommendation");
    /** Services with an outbox (their /metrics show the lag). */
    static final List<String> OUTBOXES = List.of("order", "inventory");

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Order's gauge of the oldest order still waiting for inventory's answer (see the shop's InventoryWait). */
    static final String AWAITING_INVENTORY = "shop_orders_awaiting_inventory_oldest_seconds";
    /**
     * The game day's threshold on {@link #AWAITING_INVENTORY}: healthy, orders wait well under a second;
     * the alert ShopOrdersAwaitingInventory fires at 30 s held for 1 min (for operators, not for an 8 s window).
     */
    static final double AWAITING_INVENTORY_DETECT_SECONDS = 5;

    private static final Set<String> TROUBLE = Set.of("sinew_timeouts_total", "sinew_retries_total",
            "sinew_fallbacks_total", "sinew_rejections_total");

    /**
     * What one scrape of one service showed. {@code lagRows} is null when the service has no outbox or did
     * not answer; {@code awaitingInventory} (seconds) is null but for order.
     */
    record Scrape(long at, String service, Set<String> openBreakers, Map<String, Double> trouble,
                  Map<String, double[]> calls, Map<String, double[]> retries, Double lagRows, Set<String> failing,
                  Double awaitingInventory) {
    }

    private final ShopNodes shop;
    private final LongSupplier clock;
    private final HttpClient http;
    private final List<Scrape> scrapes = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    MetricsWatch(ShopNodes shop, LongSupplier clock) {
        this.shop = shop;
        this.clock = clock;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofMillis(500)).build();
        this.thread = new Thread(this::loop, "gameday-metrics");
        this.thread.setDaemon(true);
    }

    MetricsWatch start() {
        thread.start();
        return this;
    }

    private void loop() {
        while (running) {
            long t0 = System.nanoTime();
            scrapeOnce();
            long left = TimeUnit.SECONDS.toNanos(1) - (System.nanoTime() - t0);
            if (left > 0) {
                LockSupport.parkNanos(left);
            }
        }
    }

    void scrapeOnce() {
        Set<String> services = new HashSet<>(CALLERS);
        services.addAll(OUTBOXES);
        Map<String, CompletableFuture<Scrape>> futures = new LinkedHashMap<>();
        for (String s : services) {
            futures.put(s, scrape(s));
        }
        for (CompletableFuture<Scrape> f : futures.values()) {
            try {
                Scrape s = f.get(2, TimeUnit.SECONDS);
                if (s != null) {
                    synchronized (scrapes) {
                        scrapes.add(s);
                    }
                }
            } catch (Exception e) {
                // a frozen or dead service: no scrape this second
            }
        }
    }

    private CompletableFuture<Scrape> scrape(String service) {
        long at;
        String base;
        try {
            base = shop.url(service);
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(null);
        }
        at = clock.getAsLong();
        CompletableFuture<String> metrics = get(base + "/metrics");
        CompletableFuture<String> ready = OUTBOXES.contains(service) ? get(base + "/health/ready")
                : CompletableFuture.completedFuture(null);
        return metrics.thenCombine(ready, (m, r) -> {
            if (m == null) {
                return null;
            }
            PromText p = PromText.parse(m);
            Set<String> open = new HashSet<>();
            Map<String, Double> trouble = new HashMap<>();
            Map<String, double[]> calls = new HashMap<>();
            Map<String, double[]> retries = new HashMap<>(); // {retries scheduled, refusals before sending}
            for (PromText.Metric x : p.metrics()) {
                String pipeline = x.label("pipeline");
                if (pipeline.isEmpty()) {
                    continue;
                }
                if (!Double.isNaN(x.value()) && x.name().equals("sinew_retries_total") && x.label("result").equals("scheduled")) {
                    retries.computeIfAbsent(pipeline, k -> new double[2])[0] += x.value();
                }
                // a breaker, bulkhead, rate limiter or switch refused an attempt before it was sent (a budget
                // refusal is a retry not scheduled: counted by not being in "scheduled")
                if (!Double.isNaN(x.value()) && x.name().equals("sinew_rejections_total") && !x.label("kind").equals("budget_exhausted")) {
                    retries.computeIfAbsent(pipeline, k -> new double[2])[1] += x.value();
                }
                if (!Double.isNaN(x.value()) && (x.name().equals("sinew_calls_seconds_sum") || x.name().equals("sinew_calls_seconds_count"))) {
                    calls.computeIfAbsent(pipeline, k -> new double[2])[x.name().endsWith("_sum") ? 0 : 1] += x.value();
                }
                if (x.name().equals("sinew_breaker_state") && x.value() == 1.0
                        && (x.label("state").equals("open") || x.label("state").equals("forced_open"))) {
                    open.add(pipeline);
                } else if (TROUBLE.contains(x.name()) || (x.name().equals("sinew_calls_seconds_count")
                        && !x.label("outcome").equals("success"))) {
                    if (!Double.isNaN(x.value())) {
                        trouble.merge(pipeline, x.value(), Double::sum);
                    }
                }
            }
            Double lag = null;
            if (OUTBOXES.contains(service)) {
                double rows = p.sum("sinew_outbox_lag_rows", x -> true);
                lag = p.metrics().stream().anyMatch(x -> x.name().equals("sinew_outbox_lag_rows") && !Double.isNaN(x.value()))
                        ? rows : null;
            }
            Double awaiting = p.metrics().stream().filter(x -> x.name().equals(AWAITING_INVENTORY) && !Double.isNaN(x.value()))
                    .map(PromText.Metric::value).findFirst().orElse(null);
            Set<String> failing = new HashSet<>();
            if (r != null) {
                try {
                    JsonNode n = JSON.readTree(r);
                    n.fields().forEachRemaining(e -> {
                        if ("FAILING".equals(e.getValue().asText())) {
                            failing.add(e.getKey());
                        }
                    });
                } catch (Exception ignored) {
                    // not JSON: nothing failing to report
                }
            }
            return new Scrape(at, service, open, trouble, calls, retries, lag, failing, awaiting);
        });
    }

    private CompletableFuture<String> get(String url) {
        return http.sendAsync(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMillis(900)).GET().build(),
                        HttpResponse.BodyHandlers.ofString())
                .handle((r, e) -> e == null && r != null && (r.statusCode() == 200 || r.statusCode() == 503) ? r.body() : null);
    }

    List<Scrape> between(long fromNanos, long toNanos) {
        List<Scrape> out = new ArrayList<>();
        synchronized (scrapes) {
            for (Scrape s : scrapes) {
                if (s.at() >= fromNanos && s.at() < toNanos) {
                    out.add(s);
                }
            }
        }
        return out;
    }

    /**
     * The first sign in [from, to) that the system noticed a fault on {@code target}: a caller's
     * breaker of that name open, a readiness check naming it FAILING ({@code kafka} for the
     * broker, {@code payment} in order), or — for inventory and the broker, which no one calls
     * synchronously — order's oldest order awaiting inventory past {@link #AWAITING_INVENTORY_DETECT_SECONDS}.
     * Null when none.
     */
    Detection firstDetection(String target, long fromNanos, long toNanos) {
        String check = "broker".equals(target) ? "kafka" : target;
        boolean handoff = "inventory".equals(target) || "broker".equals(target);
        for (Scrape s : between(fromNanos, toNanos)) {
            if (handoff && s.awaitingInventory() != null && s.awaitingInventory() > AWAITING_INVENTORY_DETECT_SECONDS) {
                return new Detection(s.at(), String.format(java.util.Locale.ROOT,
                        "%s: oldest order awaiting inventory %.1f s (> %.0f s)", s.service(), s.awaitingInventory(),
                        AWAITING_INVENTORY_DETECT_SECONDS));
            }
            if (s.openBreakers().contains(target)) {
                return new Detection(s.at(), s.service() + ": " + target + " breaker open");
            }
            if (s.failing().contains(check)) {
                return new Detection(s.at(), s.service() + " /health/ready: " + check + " FAILING");
            }
        }
        return null;
    }

    record Detection(long at, String what) {
    }

    /** The callers' trouble counters (timeouts, retries, fallbacks, rejections, failed calls) for {@code pipeline}, summed, as last seen before {@code at}. */
    double trouble(String pipeline, long at) {
        Map<String, Double> last = new HashMap<>();
        synchronized (scrapes) {
            for (Scrape s : scrapes) {
                if (s.at() < at && CALLERS.contains(s.service())) {
                    last.put(s.service(), s.trouble().getOrDefault(pipeline, 0.0));
                }
            }
        }
        return last.values().stream().mapToDouble(Double::doubleValue).sum();
    }

    /** The callers' calls through {@code pipeline} as last seen before {@code at}: {seconds summed, count}. */
    double[] calls(String pipeline, long at) {
        Map<String, double[]> last = new HashMap<>();
        synchronized (scrapes) {
            for (Scrape s : scrapes) {
                if (s.at() < at && CALLERS.contains(s.service())) {
                    last.put(s.service(), s.calls().getOrDefault(pipeline, new double[2]));
                }
            }
        }
        double[] sum = new double[2];
        for (double[] v : last.values()) {
            sum[0] += v[0];
            sum[1] += v[1];
        }
        return sum;
    }

    /**
     * Retry amplification toward {@code pipeline} between two instants: over the callers that have such a
     * pipeline, the attempts sent (calls + retries scheduled − refusals before sending) ÷ the calls made,
     * from the counters as last seen before each instant.
     */
    Amplification amplification(String pipeline, long fromNanos, long toNanos) {
        Map<String, double[]> before = counters(pipeline, fromNanos);
        Map<String, double[]> after = counters(pipeline, toNanos);
        double calls = 0;
        double attempts = 0;
        List<String> callers = new ArrayList<>();
        for (Map.Entry<String, double[]> e : after.entrySet()) {
            double[] a = e.getValue();
            double[] b = before.getOrDefault(e.getKey(), new double[3]);
            callers.add(e.getKey());
            double c = Math.max(0, a[0] - b[0]); // a restarted caller starts from 0: count what it did since
            calls += c;
            attempts += Math.max(0, c + (a[1] - b[1]) - (a[2] - b[2]));
        }
        callers.sort(null);
        return new Amplification(Math.round(calls), Math.round(attempts), callers);
    }

    /** Per caller that has {@code pipeline}: {calls, retries scheduled, refusals} as last seen before {@code at}. */
    private Map<String, double[]> counters(String pipeline, long at) {
        Map<String, double[]> last = new HashMap<>();
        synchronized (scrapes) {
            for (Scrape s : scrapes) {
                if (s.at() < at && CALLERS.contains(s.service()) && s.calls().containsKey(pipeline)) {
                    double[] r = s.retries().getOrDefault(pipeline, new double[2]);
                    last.put(s.service(), new double[] {s.calls().get(pipeline)[1], r[0], r[1]});
                }
            }
        }
        return last;
    }

    /** Unsent outbox rows over time: at each scrape, the sum of the last value seen from every outbox service. */
    List<long[]> backlog(long fromNanos, long toNanos) {
        List<long[]> out = new ArrayList<>();
        Map<String, Double> last = new HashMap<>();
        synchronized (scrapes) {
            for (Scrape s : scrapes) {
                if (s.lagRows() == null) {
                    continue;
                }
                last.put(s.service(), s.lagRows());
                if (s.at() >= fromNanos && s.at() < toNanos) {
                    out.add(new long[] {s.at(), Math.round(last.values().stream().mapToDouble(Double::doubleValue).sum())});
                }
            }
        }
        return out;
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
