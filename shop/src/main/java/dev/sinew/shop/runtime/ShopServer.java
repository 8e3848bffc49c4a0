package dev.sinew.shop.runtime;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sinew.config.SinewRegistry;
import dev.sinew.shop.admin.AdminRoutes;
import dev.sinew.shop.tracing.ServerSpans;
import dev.sinew.shop.tracing.ShopTelemetry;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runtime every service shares: database, pipelines, a Javalin server with {@code /health/live},
 * {@code /health/ready}, a request body limit and JSON errors for every 4xx/5xx.
 */
public final class ShopServer implements AutoCloseable {

    /** Request bodies above this are refused with 413. */
    public static final int MAX_BODY_BYTES = 64 * 1024;
    /** A refused body up to this size is read and dropped before the 413, so the client gets the answer. */
    static final int DISCARD_LIMIT_BYTES = 1024 * 1024;

    private static final int[] ERROR_CODES = {400, 401, 403, 404, 405, 406, 408, 409, 411, 413, 414, 415, 422, 429,
        431, 500, 501, 502, 503, 504};

    private final Logger log;
    private final ServiceOptions options;
    private final ShopModule module;
    private final Database db;
    private final Javalin app;
    private final ShopTelemetry telemetry;
    private final Observability observability;

    private ShopServer(ServiceOptions options, ShopModule module, Database db, Javalin app, ShopTelemetry telemetry,
                       Observability observability) {
        this.options = options;
        this.module = module;
        this.db = db;
        this.app = app;
        this.telemetry = telemetry;
        this.observability = observability;
        this.log = LoggerFactory.getLogger("shop." + options.service());
    }

    /**
     * Opens the database and starts the module while, in parallel, the HTTP server starts (class
     * loading of both halves overlaps on two cores). Until the module has started, every route but
     * {@code /health/live} answers 503 "starting" with {@code Retry-After: 1}.
     */
    public static ShopServer start(ServiceOptions options, ShopModule module) throws Exception {
        return start(options, module, null);
    }

    /** As {@link #start(ServiceOptions, ShopModule)}, exporting spans to an OTLP/HTTP collector (or null). */
    public static ShopServer start(ServiceOptions options, ShopModule module, String otlpEndpoint) throws Exception {
        ShopTelemetry telemetry = ShopTelemetry.create(options.service(), otlpEndpoint);
        Logger log = LoggerFactory.getLogger("shop." + options.service());
        long t0 = System.nanoTime();
        if (options.jdbcUrl() == null) {
            Files.createDirectories(options.dataDir());
        }
        AtomicReference<Database> dbRef = new AtomicReference<>();
        AtomicBoolean started = new AtomicBoolean();
        AtomicReference<Observability> obsRef = new AtomicReference<>();
        AtomicReference<FaultAdmin> faultsRef = new AtomicReference<>();
        long startedMillis = System.currentTimeMillis();
        AdminRoutes admin = AdminRoutes.fromSystemProperty(options.service()); // null: no admin API
        CompletableFuture<Javalin> http = CompletableFuture.supplyAsync(
                () -> startHttp(options, module, dbRef, obsRef, faultsRef, started, log, telemetry, admin), runnable -> {
                    Thread t = new Thread(runnable, options.service() + "-http-start");
                    t.setDaemon(true);
                    t.start();
                });
        Database db = null;
        Observability obs = null;
        try {
            Properties pipelines = pipelineProperties(options.service());
            if (options.naive()) {
                log.warn("naive clients (--naive): no timeouts, unbudgeted retries, no breakers on calls to peers");
                pipelines = NaiveClients.of(pipelines);
            }
            SinewRegistry registry = SinewRegistry.of(pipelines);
            telemetry.instrument(registry);
            faultsRef.set(FaultAdmin.installIfEnabled(options, registry)); // null (and no fault policy) without --chaos
            if (admin != null) {
                admin.bind(registry, pipelines);
            }
            // the instance tag needs the port: only a free port (0, tests) waits for the server first
            obs = Observability.start(options, options.port() != 0 ? options.port() : await(http).port(),
                    registry, startedMillis);
            obsRef.set(obs);
            db = Database.open(options, obs.metrics.registry());
            dbRef.set(db);
            module.start(new ServiceContext(options, db, registry, telemetry, obs.metrics));
            Javalin app = await(http);
            started.set(true);
            ShopServer server = new ShopServer(options, module, db, app, telemetry, obs);
            log.info("{} listening on http://127.0.0.1:{} (database {}), started in {} ms", options.service(),
                    app.port(), db.postgres() ? db.url() : options.dataDir(), (System.nanoTime() - t0) / 1_000_000);
            return server;
        } catch (Exception | Error e) {
            http.thenAccept(Javalin::stop);
            try {
                module.close();
            } catch (Exception ignored) {
                // already failing
            }
            if (db != null) {
                db.close();
            }
            telemetry.close();
            if (obs != null) {
                obs.close();
            }
            throw e;
        }
    }

    private static Javalin await(CompletableFuture<Javalin> http) throws Exception {
        try {
            return http.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception ex ? ex : e;
        }
    }

    private static Javalin startHttp(ServiceOptions options, ShopModule module, AtomicReference<Database> dbRef,
                                     AtomicReference<Observability> obsRef, AtomicReference<FaultAdmin> faultsRef,
                                     AtomicBoolean started, Logger log,
                                     ShopTelemetry telemetry, AdminRoutes admin) {
        Javalin app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.startup.showOldJavalinVersionWarning = false;
            cfg.http.maxRequestSize = MAX_BODY_BYTES;
            // Javalin copies each result to Jetty through a new buffer of this size (default: Jetty's
            // 32 KB output buffer): a quarter of the gateway's allocation at 300 requests/s. Answers are a
            // few KB; Jetty still buffers the output itself.
            cfg.http.responseBufferSize = 4096;
            cfg.router.ignoreTrailingSlashes = true;
            QueuedThreadPool pool = new QueuedThreadPool(64, 4, 30_000);
            pool.setName(options.service() + "-http");
            cfg.jetty.threadPool = pool;
            ServerSpans.install(cfg.routes, telemetry.http()); // first: the span covers every other handler
            cfg.routes.before(c -> {
                if (!started.get() && !c.path().equals("/health/live")) {
                    throw ApiException.unavailable("starting", options.service() + " is starting", 1);
                }
                String len = c.header("Content-Length");
                if (len != null) {
                    long n;
                    try {
                        n = Long.parseLong(len.trim());
                    } catch (NumberFormatException e) {
                        throw ApiException.badRequest("Content-Length is not a number");
                    }
                    if (n > MAX_BODY_BYTES) {
                        discardBody(c, n);
                        throw tooLarge(n);
                    }
                }
            });
            cfg.routes.get("/health/live", c -> Http.json(c, 200,
                    Json.object().put("status", "UP").put("service", options.service())));
            cfg.routes.get("/health/ready", c -> {
                Database db = dbRef.get();
                ObjectNode body = Json.object().put("service", options.service());
                boolean dbOk = db.healthy();
                body.put("database", dbOk ? "UP" : "DOWN");
                boolean ready = dbOk && module.ready(body);
                body.put("status", ready ? "UP" : "DOWN");
                Http.json(c, ready ? 200 : 503, body);
            });
            Observability.install(cfg, obsRef);
            if (admin != null) {
                admin.install(cfg.routes);
            }
            FaultAdmin.routes(cfg.routes, faultsRef::get, admin);
            module.routes(cfg.routes);
            cfg.routes.exception(ApiException.class, (e, c) -> {
                e.headers().forEach(c::header);
                Http.error(c, e.status(), e.code(), e.getMessage());
            });
            cfg.routes.exception(HttpResponseException.class, (e, c) -> {
                int status = e.getStatus();
                String code = status == 413 ? "body_too_large" : codeOf(status);
                String msg = status == 413
                        ? "request body is larger than " + MAX_BODY_BYTES + " bytes"
                        : e.getMessage();
                Http.error(c, status, code, msg);
            });
            cfg.routes.exception(Exception.class, (e, c) -> {
                log.error("{} {} failed: {}", c.method(), c.path(), e.toString(), e);
                Http.error(c, 500, "internal_error", options.service() + " failed: " + e.getClass().getSimpleName());
            });
            for (int code : ERROR_CODES) {
                cfg.routes.error(code, c -> {
                    if (c.attribute(Http.JSON_WRITTEN) == null) {
                        String message = code == 404 ? "no route for " + c.method() + " " + c.path()
                                : codeOf(code).replace('_', ' ');
                        Http.error(c, code, codeOf(code), message);
                    }
                });
            }
        });
        app.start("127.0.0.1", options.port());
        return app;
    }

    /**
     * Reads and drops a body refused as too large, when it is at most {@link #DISCARD_LIMIT_BYTES}. A
     * client still sending its body when the server answers and closes the connection gets a reset
     * instead of the 413 (seen with the JDK's HttpClient and a 110 KB order); reading the rest first
     * lets the answer through. A larger body is cut off, and a client that asked
     * {@code Expect: 100-continue} has sent nothing yet, so neither is read.
     */
    private static void discardBody(Context c, long n) {
        if (n > DISCARD_LIMIT_BYTES || "100-continue".equalsIgnoreCase(c.header("Expect"))) {
            return;
        }
        try {
            InputStream in = c.req().getInputStream();
            in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            // the client went away: nobody to answer
        }
    }

    static ApiException tooLarge(long n) {
        return new ApiException(413, "body_too_large",
                "request body of " + n + " bytes is larger than " + MAX_BODY_BYTES + " bytes");
    }

    static String codeOf(int status) {
        HttpStatus s = HttpStatus.forStatus(status);
        return s == HttpStatus.UNKNOWN ? "http_" + status : s.name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The pipelines of a service: {@code pipelines/<service>.properties} on the classpath. */
    public static Properties pipelineProperties(String service) throws IOException {
        Properties p = new Properties();
        try (InputStream in = ShopServer.class.getResourceAsStream("/pipelines/" + service + ".properties")) {
            if (in != null) {
                p.load(in);
            }
        }
        return p;
    }

    public int port() {
        return app.port();
    }

    public ServiceOptions options() {
        return options;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    @Override
    public void close() {
        log.info("{} stopping", options.service());
        try {
            app.stop();
        } catch (RuntimeException e) {
            log.warn("stopping HTTP failed: {}", e.toString());
        }
        try {
            module.close();
        } catch (Exception e) {
            log.warn("stopping {} failed: {}", options.service(), e.toString());
        }
        db.close();
        telemetry.close();
        observability.close();
    }
}
