package dev.sinew.shop.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sinew.opentelemetry.log.TraceMdc;
import dev.sinew.shop.runtime.Json;
import dev.sinew.shop.runtime.ServiceContext;
import dev.sinew.shop.runtime.ServiceOptions;
import dev.sinew.shop.runtime.ShopModule;
import dev.sinew.shop.runtime.ShopServer;
import io.javalin.config.RoutesConfig;
import io.opentelemetry.api.trace.Span;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.MDC;

/** The server span of every shop request: new trace or continued, current in the handler, header on the answer. */
class ServerSpansTest {

    private static final String CALLER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String CALLER_SPAN = "00f067aa0ba902b7";

    @TempDir
    static Path dir;
    static ShopServer server;
    static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** Answers with what the handler sees: the current span's ids and the MDC's. */
    static final class EchoModule implements ShopModule {
        @Override
        public void start(ServiceContext ctx) {
        }

        @Override
        public void routes(RoutesConfig r) {
            r.get("/echo", c -> c.json(Map.of(
                    "traceId", Span.current().getSpanContext().getTraceId(),
                    "spanId", Span.current().getSpanContext().getSpanId(),
                    "mdcTraceId", String.valueOf(MDC.get(TraceMdc.TRACE_ID)),
                    "mdcSpanId", String.valueOf(MDC.get(TraceMdc.SPAN_ID)))));
            r.get("/fail", c -> {
                throw new IllegalStateException("boom");
            });
        }
    }

    @BeforeAll
    static void start() throws Exception {
        server = ShopServer.start(new ServiceOptions("echo", 0, dir, Map.of(), null, null, null, null), new EchoModule());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.baseUrl() + path)).timeout(Duration.ofSeconds(10));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String[] traceparent(HttpResponse<?> r) {
        String value = r.headers().firstValue(ServerSpans.RESPONSE_HEADER).orElseThrow();
        assertThat(value).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");
        return value.split("-");
    }

    @Test
    void aRequestWithoutTraceparentStartsANewTraceEachTime() throws Exception {
        HttpResponse<String> first = get("/echo");
        HttpResponse<String> second = get("/echo");

        String[] one = traceparent(first);
        String[] two = traceparent(second);
        assertThat(one[1]).isNotEqualTo(two[1]).isNotEqualTo(CALLER_TRACE); // no span left current on the thread
        // the handler runs in the server span, with its ids in the MDC
        assertThat(Json.parse(first.body()).path("traceId").asText()).isEqualTo(one[1]);
        assertThat(Json.parse(first.body()).path("spanId").asText()).isEqualTo(one[2]);
        assertThat(Json.parse(first.body()).path("mdcTraceId").asText()).isEqualTo(one[1]);
        assertThat(Json.parse(first.body()).path("mdcSpanId").asText()).isEqualTo(one[2]);
    }

    @Test
    void aRequestWithTraceparentContinuesTheCallersTrace() throws Exception {
        HttpResponse<String> r = get("/echo", "traceparent", "00-" + CALLER_TRACE + "-" + CALLER_SPAN + "-01");

        String[] ids = traceparent(r);
        assertThat(ids[1]).isEqualTo(CALLER_TRACE);
        assertThat(ids[2]).isNotEqualTo(CALLER_SPAN); // the server's own span, a child of the caller's
        assertThat(Json.parse(r.body()).path("mdcTraceId").asText()).isEqualTo(CALLER_TRACE);
    }

    @Test
    void failedAndUnknownRoutesAreTracedAndLeaveNoSpanBehind() throws Exception {
        HttpResponse<String> failed = get("/fail", "traceparent", "00-" + CALLER_TRACE + "-" + CALLER_SPAN + "-01");
        assertThat(failed.statusCode()).isEqualTo(500);
        assertThat(traceparent(failed)[1]).isEqualTo(CALLER_TRACE);

        HttpResponse<String> unknown = get("/nowhere", "traceparent", "00-" + CALLER_TRACE + "-" + CALLER_SPAN + "-01");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(traceparent(unknown)[1]).isEqualTo(CALLER_TRACE);

        // the worker threads are clean again: requests without traceparent get traces of their own
        for (int i = 0; i < 8; i++) {
            HttpResponse<String> r = get("/echo");
            assertThat(traceparent(r)[1]).isNotEqualTo(CALLER_TRACE);
            assertThat(Json.parse(r.body()).path("mdcTraceId").asText()).isEqualTo(traceparent(r)[1]);
        }
    }
}
