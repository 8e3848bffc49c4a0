package dev.sinew.shop.runtime;

import dev.sinew.opentelemetry.http.HttpTracing;
import dev.sinew.pipeline.Pipeline;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * Calls one peer service over HTTP, every call through that peer's Sinew {@link Pipeline}.
 * A 5xx answer and a connect/IO error are failures (the breaker counts them, the retry may retry
 * them, a {@code Retry-After} is honoured through {@link PeerUnavailableException}); 2xx–4xx are
 * results. Every request also carries its own timeout, so nothing hangs even without the pipeline.
 */
public final class PeerClient {

    private static final Duration BACKSTOP = Duration.ofSeconds(5);

    private final String self;
    private final String peer;
    private final URI base;
    private final Pipeline pipeline;
    private final HttpClient http;
    private final HttpTracing tracing;

    public PeerClient(String self, String peer, URI base, Pipeline pipeline, HttpClient http) {
        this(self, peer, base, pipeline, http, null);
    }

    /** With {@code tracing}: every request carries {@code traceparent} (null: none). */
    public PeerClient(String self, String peer, URI base, Pipeline pipeline, HttpClient http, HttpTracing tracing) {
        this.self = self;
        this.peer = peer;
        this.base = base;
        this.pipeline = pipeline;
        this.http = http;
        this.tracing = tracing;
    }

    public String name() {
        return peer;
    }

    public Pipeline pipeline() {
        return pipeline;
    }

    public PeerResponse get(String path) throws Exception {
        return send("GET", path, null, Map.of());
    }

    public PeerResponse post(String path, String json, Map<String, String> headers) throws Exception {
        return send("POST", path, json, headers);
    }

    /** GET through the pipeline, the 2xx answer checked against {@code contract} inside the call. */
    public PeerResponse get(String path, ResponseContract contract) throws Exception {
        return send("GET", path, null, Map.of(), contract);
    }

    /**
     * Sends through the pipeline and checks a 2xx answer against {@code contract} inside the call: an
     * answer that does not parse or validate fails the call with a {@code ContractViolationException}
     * (metrics: {@code outcome=contract_error}; the breaker counts it as a failure).
     */
    public PeerResponse send(String method, String path, String json, Map<String, String> headers,
                             ResponseContract contract) throws Exception {
        return pipeline.call(() -> ResponseContract.verify(once(method, path, json, headers), contract));
    }

    /** Sends through the pipeline; throws the last failure or a {@code RejectedException}. */
    public PeerResponse send(String method, String path, String json, Map<String, String> headers) throws Exception {
        return pipeline.call(() -> once(method, path, json, headers));
    }

    private PeerResponse once(String method, String path, String json, Map<String, String> headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path))
                .timeout(BACKSTOP)
                .header("Accept", "application/json")
                .header("X-Sinew-Caller", self);
        headers.forEach(b::header);
        if (tracing != null) {
            tracing.inject(b); // traceparent: the pipeline call's span is the server span's parent
        }
        if (json != null) {
            b.header("Content-Type", "application/json");
            b.method(method, HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (r.statusCode() >= 500) {
            throw new PeerUnavailableException(peer, r.statusCode(), retryAfter(r), r.body());
        }
        return new PeerResponse(r.statusCode(), r.body());
    }

    private static Duration retryAfter(HttpResponse<?> r) {
        return r.headers().firstValue("Retry-After").map(v -> {
            try {
                long s = Long.parseLong(v.trim());
                return s >= 0 ? Duration.ofSeconds(s) : null;
            } catch (NumberFormatException e) {
                return null;
            }
        }).orElse(null);
    }

    /** The shared client of a service: HTTP/1.1, 1 s connect timeout. */
    public static HttpClient newHttpClient() {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(1))
                .build();
    }
}
