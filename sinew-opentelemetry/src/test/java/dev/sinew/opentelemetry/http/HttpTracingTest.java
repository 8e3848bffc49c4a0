package dev.sinew.opentelemetry.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.sinew.opentelemetry.SinewTracing;
import dev.sinew.opentelemetry.TestTelemetry;
import dev.sinew.pipeline.Pipeline;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A real HTTP roundtrip through the JDK client and server: the server's span continues the client's trace. */
class HttpTracingTest {

    private final TestTelemetry otel = new TestTelemetry();
    private final HttpTracing http = HttpTracing.create(otel.sdk);
    private final AtomicReference<String> traceparentReceived = new AtomicReference<>();
    private HttpServer server;
    private URI uri;

    @BeforeEach
    void startServer() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/stock", exchange -> {
            traceparentReceived.set(exchange.getRequestHeaders().getFirst("traceparent"));
            Span span = http.startServerSpan("GET /stock", exchange.getRequestHeaders()::getFirst);
            byte[] body;
            try (Scope ignored = span.makeCurrent()) {
                body = Span.current().getSpanContext().getTraceId().getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            } finally {
                exchange.close();
                span.end();
            }
        });
        server.start();
        uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/stock");
    }

    /** The server ends its span after it answered, so the client may get the answer first: wait for the span. */
    private SpanData serverSpan() {
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> otel.span("GET /stock"));
        return otel.span("GET /stock");
    }

    @AfterEach
    void stop() {
        server.stop(0);
        otel.close();
    }

    @Test
    void aTracedPipelineCallCarriesItsTraceToTheServer() throws Exception {
        Pipeline inventory = SinewTracing.create(otel.sdk).instrument(Pipeline.builder("inventory").build());
        HttpClient client = HttpClient.newHttpClient();

        String serverTraceId = inventory.call(() -> client.send(http.inject(HttpRequest.newBuilder(uri)).build(),
                HttpResponse.BodyHandlers.ofString()).body());

        SpanData clientSide = otel.span("inventory");
        SpanData serverSide = serverSpan();
        assertThat(serverTraceId).isEqualTo(clientSide.getTraceId());
        assertThat(serverSide.getTraceId()).isEqualTo(clientSide.getTraceId());
        assertThat(serverSide.getParentSpanId()).isEqualTo(clientSide.getSpanId());
        assertThat(serverSide.getParentSpanContext().isRemote()).isTrue();
        assertThat(serverSide.getKind()).isEqualTo(SpanKind.SERVER);
        assertThat(traceparentReceived.get()).startsWith("00-" + clientSide.getTraceId() + "-" + clientSide.getSpanId() + "-");
    }

    @Test
    void withoutACurrentSpanNothingIsSentAndTheServerStartsANewTrace() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        client.send(http.inject(HttpRequest.newBuilder(uri)).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(traceparentReceived.get()).isNull();
        SpanData serverSide = serverSpan();
        assertThat(serverSide.getParentSpanContext().isValid()).isFalse();
    }

    @Test
    void extractReadsTheContextFromAnyHeaderGetter() {
        Span span = otel.sdk.getTracer("test").spanBuilder("caller").startSpan();
        HttpRequest request = http.inject(Context.current().with(span), HttpRequest.newBuilder(uri)).build();
        span.end();

        Map<String, String> headers = Map.of("traceparent", request.headers().firstValue("traceparent").orElseThrow());
        Context extracted = http.extract(headers::get);

        assertThat(Span.fromContext(extracted).getSpanContext().getTraceId()).isEqualTo(span.getSpanContext().getTraceId());
        assertThat(Span.fromContext(extracted).getSpanContext().getSpanId()).isEqualTo(span.getSpanContext().getSpanId());
        assertThat(Span.fromContext(http.extract(name -> null)).getSpanContext().isValid()).isFalse();
    }
}
