package dev.sinew.shop.runtime;

import dev.sinew.config.SinewRegistry;
import dev.sinew.shop.metrics.ServiceMetrics;
import dev.sinew.shop.tracing.ShopTelemetry;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpClient;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** What a module gets from the runtime: its options, its database, its pipelines and peer clients. */
public final class ServiceContext {

    private final ServiceOptions options;
    private final Database db;
    private final SinewRegistry registry;
    private final ShopTelemetry telemetry;
    private final ServiceMetrics metrics;
    private final HttpClient http = PeerClient.newHttpClient();
    private final Map<String, PeerClient> peers = new ConcurrentHashMap<>();

    ServiceContext(ServiceOptions options, Database db, SinewRegistry registry, ShopTelemetry telemetry,
                   ServiceMetrics metrics) {
        this.options = options;
        this.db = db;
        this.registry = registry;
        this.telemetry = telemetry;
        this.metrics = metrics;
    }

    /** The service's meters (common tags {@code service} and {@code instance}), scraped at {@code /metrics}. */
    public MeterRegistry meters() {
        return metrics.registry();
    }

    /** Closes {@code binding} (outbox gauges, a background task) when the service stops. */
    public void closeOnStop(AutoCloseable binding) {
        metrics.own(binding);
    }

    public ServiceOptions options() {
        return options;
    }

    public Database db() {
        return db;
    }

    public SinewRegistry registry() {
        return registry;
    }

    /** The service's tracing: HTTP and outbox trace propagation. */
    public ShopTelemetry telemetry() {
        return telemetry;
    }

    /** The client for a peer service, calling through the pipeline of the same name. */
    public PeerClient peer(String name) {
        return peers.computeIfAbsent(name,
                n -> new PeerClient(options.service(), n, options.peer(n), registry.pipeline(n), http, telemetry.http()));
    }
}
