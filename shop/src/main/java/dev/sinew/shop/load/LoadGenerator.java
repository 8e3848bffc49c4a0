package dev.sinew.shop.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * An open-loop load generator for the shop's gateway: requests arrive as a Poisson process at the
 * target rate whether or not earlier ones have been answered, and each latency is measured from the
 * request's <em>intended</em> send time, so a stalled server shows up as latency instead of as a
 * quietly lower request rate (no coordinated omission).
 *
 * <pre>{@code
 * LoadResult r = LoadGenerator.run(LoadConfig.builder().target(shop.gatewayUrl()).rate(300).duration(Duration.ofSeconds(60)).build());
 * r.route(Route.PRODUCTS).p99Millis();
 *
 * LoadGenerator load = LoadGenerator.start(config);     // in the background
 * long from = load.elapsedNanos(); ... ; LoadResult during = load.window(from, load.elapsedNanos());
 * LoadResult all = load.stopAndAwait();
 * }</pre>
 *
 * <p>Bounded: at most {@link LoadConfig#maxInFlight()} requests in flight (one more counts as failed
 * at once), each gets {@link LoadConfig#requestTimeout()} to answer (then it counts as failed), and
 * the JDK {@link HttpClient} runs on a small fixed pool, so a hung server cannot exhaust threads.
 */
public final class LoadGenerator {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long LATE_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    private static final String[][] USERS = {{"alice", "alice"}, {"bob", "bob"}};

    private final LoadConfig config;
    private final ExecutorService pool;
    private final HttpClient http;
    private final Semaphore inFlight;
    private final ConcurrentLinkedQueue<Sample> samples = new ConcurrentLinkedQueue<>();
    private final Map<Outcome, LongAdder> counts = new EnumMap<>(Outcome.class);
    private final AtomicLong sent = new AtomicLong();
    private final AtomicReferenceArray<String> tokens = new AtomicReferenceArray<>(USERS.length);
    private final AtomicReferenceArray<String> orders = new AtomicReferenceArray<>(1024);
    private final AtomicLong orderCount = new AtomicLong();
    private final LongAdder lagNanos = new LongAdder();
    private final AtomicLong maxLagNanos = new AtomicLong();
    private final LongAdder lateSends = new LongAdder();
    private final Route[] wheel;
    private volatile List<String> productIds = List.of();
    private volatile boolean stopRequested;
    private volatile long startNanos;
    private volatile long endNanos;
    private Thread scheduler;

    private LoadGenerator(LoadConfig config) {
        this.config = config;
        this.pool = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "load-http");
            t.setDaemon(true);
            return t;
        });
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofMillis(Math.min(1000, config.requestTimeout().toMillis())))
                .executor(pool)
                .build();
        this.inFlight = new Semaphore(config.maxInFlight());
        for (Outcome o : Outcome.values()) {
            counts.put(o, new LongAdder());
        }
        List<Route> w = new ArrayList<>();
        config.mix().forEach((route, weight) -> {
            for (int i = 0; i < weight; i++) {
                w.add(route);
            }
        });
        this.wheel = w.toArray(new Route[0]);
    }

    /** Runs the load to its end (duration or request count) and returns what it saw. */
    public static LoadResult run(LoadConfig config) {
        return start(config).await();
    }

    /** Starts the load in the background: a short setup (product list, logins), then the arrivals. */
    public static LoadGenerator start(LoadConfig config) {
        LoadGenerator g = new LoadGenerator(config);
        g.setUp();
        g.scheduler = new Thread(g::arrivals, "load-arrivals");
        g.scheduler.setDaemon(true);
        g.startNanos = System.nanoTime();
        g.scheduler.start();
        if (config.progress()) {
            Thread p = new Thread(() -> g.progress(System.err), "load-progress");
            p.setDaemon(true);
            p.start();
        }
        return g;
    }

    /** Nanoseconds since the arrivals started: the clock of {@link Sample#intendedNanos()} and {@link #window}. */
    public long elapsedNanos() {
        return System.nanoTime() - startNanos;
    }

    /** Requests whose intended send time lies in [fromNanos, toNanos) and that have completed. */
    public LoadResult window(long fromNanos, long toNanos) {
        List<Sample> in = new ArrayList<>();
        for (Sample s : samples) {
            if (s.intendedNanos() >= fromNanos && s.intendedNanos() < toNanos) {
                in.add(s);
            }
        }
        return new LoadResult(in, (toNanos - fromNanos) / 1e9);
    }

    /**
     * How late this generator itself sent its requests (actual send time minus intended send time):
     * mean, max and how many were more than 5 ms late. The latencies include this lag (they count from
     * the intended time), so a busy client makes the shop look slower, never faster.
     */
    public String sendLag() {
        long n = sent.get();
        return String.format("client send lag: mean %.2f ms, max %.1f ms, %d of %d sent more than %d ms late",
                n == 0 ? 0 : lagNanos.sum() / 1e6 / n, maxLagNanos.get() / 1e6, lateSends.sum(), n, LATE_NANOS / 1_000_000);
    }

    /** Ends the arrivals now and waits for the requests in flight. */
    public LoadResult stopAndAwait() {
        stopRequested = true;
        return await();
    }

    /** Waits until the run ends (duration or count) and every request in flight has completed or timed out. */
    public LoadResult await() {
        try {
            scheduler.join();
            long deadline = System.nanoTime() + config.requestTimeout().toNanos() + TimeUnit.SECONDS.toNanos(2);
            while (inFlight.availablePermits() < config.maxInFlight() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        pool.shutdownNow();
        long end = endNanos > 0 ? endNanos : elapsedNanos();
        return new LoadResult(new ArrayList<>(samples), end / 1e9);
    }

    // ------------------------------------------------------------------------------------------

    private void setUp() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (productIds.isEmpty() && System.nanoTime() < deadline) {
            try {
                HttpResponse<String> r = http.send(get("/api/products").build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() / 100 == 2) {
                    productIds = parseProductIds(JSON.readTree(r.body()));
                }
            } catch (IOException e) {
                // the gateway is not up yet: try again
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (productIds.isEmpty()) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
            }
        }
        if (productIds.isEmpty()) {
            productIds = List.of("1");
        }
        // up to 3 attempts each: on a saturated shop one login can time out, and orders without a
        // session would then fail with 401 until a LOGIN request of the mix succeeds
        for (int i = 0; i < USERS.length; i++) {
            for (int attempt = 0; attempt < 3 && tokens.get(i) == null; attempt++) {
                try {
                    HttpResponse<String> r = http.send(login(i).build(), HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 200) {
                        tokens.set(i, JSON.readTree(r.body()).path("token").asText(null));
                    }
                } catch (IOException e) {
                    // ORDER requests without a session fail and are counted
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    static List<String> parseProductIds(JsonNode root) {
        JsonNode list = root;
        if (root.isObject()) {
            list = root.has("products") ? root.get("products") : root.has("items") ? root.get("items") : root;
        }
        List<String> ids = new ArrayList<>();
        if (list.isArray()) {
            for (JsonNode p : list) {
                JsonNode id = p.has("id") ? p.get("id") : p.get("productId");
                if (id != null && !id.isNull()) {
                    ids.add(id.asText());
                }
            }
        }
        return List.copyOf(ids);
    }

    private void arrivals() {
        SplittableRandom random = new SplittableRandom(config.seed());
        long durationNanos = config.duration().toNanos();
        double meanGapNanos = 1e9 / config.rate();
        long next = 0;
        while (!stopRequested && sent.get() < config.maxRequests() && next < durationNanos) {
            long now;
            while ((now = elapsedNanos()) < next) {
                LockSupport.parkNanos(next - now);
                if (stopRequested) {
                    break;
                }
            }
            if (stopRequested) {
                break;
            }
            fire(wheel[random.nextInt(wheel.length)], next, random);
            next += (long) (-Math.log(1 - random.nextDouble()) * meanGapNanos);
        }
        endNanos = Math.min(elapsedNanos(), Math.max(next, 1));
    }

    private void fire(Route planned, long intended, SplittableRandom random) {
        sent.incrementAndGet();
        long lag = elapsedNanos() - intended;
        lagNanos.add(lag);
        maxLagNanos.accumulateAndGet(lag, Math::max);
        if (lag > LATE_NANOS) {
            lateSends.increment();
        }
        Route route = planned;
        String orderId = null;
        if (route == Route.GET_ORDER || route == Route.PAY) {
            long n = orderCount.get();
            if (n == 0) {
                route = Route.PRODUCTS; // no order placed yet in this run
            } else {
                orderId = orders.get((int) (random.nextLong(Math.min(n, orders.length())) % orders.length()));
            }
        }
        int user = random.nextInt(USERS.length);
        if (orderId != null) {
            // an order is only visible to its owner: "<user index>:<order id>"
            int colon = orderId.indexOf(':');
            user = Integer.parseInt(orderId.substring(0, colon));
            orderId = orderId.substring(colon + 1);
        }
        if (route == Route.ORDER && tokens.get(user) == null) {
            user = 1 - user; // that user's login failed at setup; order as the other one
        }
        HttpRequest request = switch (route) {
            case PRODUCTS -> get("/api/products").build();
            case PRODUCT -> get("/api/products/" + productIds.get(random.nextInt(productIds.size()))).build();
            case RECOMMENDATIONS -> get("/api/recommendations?user=" + USERS[user][0]).build();
            case LOGIN -> login(user).build();
            case ORDER -> authorized(post("/api/orders", orderBody(random)), user)
                    .header("Idempotency-Key", UUID.randomUUID().toString()).build();
            case GET_ORDER -> authorized(get("/api/orders/" + orderId), user).build();
            case PAY -> authorized(post("/api/orders/" + orderId + "/pay", "{}"), user)
                    .header("Idempotency-Key", UUID.randomUUID().toString()).build();
        };
        if (!inFlight.tryAcquire()) {
            record(route, Outcome.FAILED, Sample.CLIENT_LIMIT, intended);
            return;
        }
        final Route r = route;
        final int u = user;
        http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .orTimeout(config.requestTimeout().toMillis() + 250, TimeUnit.MILLISECONDS)
                .whenComplete((resp, err) -> {
                    inFlight.release();
                    if (err != null || resp == null) {
                        record(r, Outcome.FAILED, -1, intended);
                        return;
                    }
                    int status = resp.statusCode();
                    Outcome o;
                    if (status / 100 == 2) {
                        o = resp.headers().firstValue("X-Sinew-Degraded").isPresent() ? Outcome.DEGRADED : Outcome.OK;
                        remember(r, u, resp.body());
                    } else if (status == 503 || status == 429) {
                        o = Outcome.REJECTED;
                    } else {
                        o = Outcome.FAILED;
                    }
                    record(r, o, status, intended);
                });
    }

    private void remember(Route route, int user, String body) {
        try {
            if (route == Route.ORDER) {
                String id = JSON.readTree(body).path("orderId").asText(null);
                if (id != null) {
                    long n = orderCount.getAndIncrement();
                    orders.set((int) (n % orders.length()), user + ":" + id);
                }
            } else if (route == Route.LOGIN) {
                String t = JSON.readTree(body).path("token").asText(null);
                if (t != null) {
                    tokens.set(user, t);
                }
            }
        } catch (IOException e) {
            // an unparsable success body: counted by its status, nothing to remember
        }
    }

    private void record(Route route, Outcome outcome, int status, long intended) {
        long latency = Math.max(0, elapsedNanos() - intended);
        samples.add(new Sample(route, outcome, status, intended, latency));
        counts.get(outcome).increment();
    }

    private String orderBody(SplittableRandom random) {
        int n = 1 + random.nextInt(2);
        StringBuilder sb = new StringBuilder("{\"items\":[");
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sb.append(',');
            }
            String id = productIds.get(random.nextInt(productIds.size()));
            sb.append("{\"productId\":").append(JSON.valueToTree(id).toString()).append(",\"quantity\":1}");
        }
        return sb.append("]}").toString();
    }

    private HttpRequest.Builder get(String path) {
        return HttpRequest.newBuilder(URI.create(config.target() + path)).timeout(config.requestTimeout()).GET();
    }

    private HttpRequest.Builder post(String path, String json) {
        return HttpRequest.newBuilder(URI.create(config.target() + path)).timeout(config.requestTimeout())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
    }

    private HttpRequest.Builder login(int user) {
        return post("/api/login", "{\"user\":\"" + USERS[user][0] + "\",\"password\":\"" + USERS[user][1] + "\"}");
    }

    private HttpRequest.Builder authorized(HttpRequest.Builder b, int user) {
        String token = tokens.get(user);
        return token == null ? b : b.header("Authorization", "Bearer " + token);
    }

    private void progress(PrintStream out) {
        while (scheduler.isAlive()) {
            LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1));
            out.printf("\r\033[K%5.0fs  sent %d  ok %d  degraded %d  rejected %d  failed %d  in flight %d",
                    elapsedNanos() / 1e9, sent.get(), counts.get(Outcome.OK).sum(), counts.get(Outcome.DEGRADED).sum(),
                    counts.get(Outcome.REJECTED).sum(), counts.get(Outcome.FAILED).sum(),
                    config.maxInFlight() - inFlight.availablePermits());
            out.flush();
        }
        out.print("\r\033[K");
        out.flush();
    }
}
