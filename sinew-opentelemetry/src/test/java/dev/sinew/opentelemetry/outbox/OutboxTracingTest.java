package dev.sinew.opentelemetry.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sinew.opentelemetry.TestTelemetry;
import dev.sinew.outbox.IncomingMessage;
import dev.sinew.outbox.Inbox;
import dev.sinew.outbox.InboxConfig;
import dev.sinew.outbox.InboxResult;
import dev.sinew.outbox.MessageHandler;
import dev.sinew.outbox.Outbox;
import dev.sinew.outbox.OutboxConfig;
import dev.sinew.outbox.OutboxMessage;
import dev.sinew.outbox.Relay;
import dev.sinew.outbox.RelayConfig;
import dev.sinew.outbox.Transport;
import dev.sinew.time.TestClock;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Outbox on H2 → relay → an in-process transport that hands each message to the inbox, as the
 * Kafka consumer loop would: the consumer's processing span continues the producer's trace.
 */
class OutboxTracingTest {

    private final TestTelemetry otel = new TestTelemetry();
    private final OutboxTracing tracing = OutboxTracing.create(otel.sdk);
    private final JdbcDataSource ds = new JdbcDataSource();
    private final List<IncomingMessage> delivered = new CopyOnWriteArrayList<>();
    private final List<InboxResult> results = new CopyOnWriteArrayList<>();
    private final List<String> traceIdsSeenByHandler = new CopyOnWriteArrayList<>();
    private volatile MessageHandler handler;
    private Inbox inbox;
    private Relay relay;

    @BeforeEach
    void setUp() throws Exception {
        ds.setURL("jdbc:h2:mem:otel-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000");
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t_order (id VARCHAR(64) PRIMARY KEY)");
            s.execute("CREATE TABLE t_reservation (order_id VARCHAR(64) PRIMARY KEY)");
        }
        inbox = Inbox.create(ds, InboxConfig.builder().consumer("inventory").maxAttempts(3)
                .backoff(Duration.ofMillis(1), Duration.ofMillis(1)).clock(new TestClock()).build());
        Transport toInbox = batch -> {
            for (OutboxMessage m : batch) {
                IncomingMessage in = new IncomingMessage(m.messageId(), m.topic(), m.key(), m.payload(), m.headers());
                delivered.add(in);
                results.add(inbox.process(in, tracing.traced(handler)));
            }
        };
        relay = Relay.start(ds, toInbox, RelayConfig.builder().name("test-relay").pollInterval(Duration.ofMillis(10)).build());
    }

    @AfterEach
    void tearDown() throws Exception {
        relay.close();
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("SHUTDOWN");
        }
        otel.close();
    }

    private void reserve(Connection tx, IncomingMessage m) throws Exception {
        traceIdsSeenByHandler.add(Span.current().getSpanContext().getTraceId());
        try (PreparedStatement ps = tx.prepareStatement("INSERT INTO t_reservation (order_id) VALUES (?)")) {
            ps.setString(1, m.key());
            ps.executeUpdate();
        }
    }

    /** The producer side of an order: one transaction writes the order and its message, inside a request span. */
    private Span placeOrder(String orderId) throws Exception {
        Outbox outbox = Outbox.create(ds, OutboxConfig.defaults());
        Span request = otel.sdk.getTracer("test").spanBuilder("POST /orders").setSpanKind(SpanKind.SERVER).startSpan();
        try (Scope ignored = request.makeCurrent(); Connection tx = ds.getConnection()) {
            tx.setAutoCommit(false);
            try (PreparedStatement ps = tx.prepareStatement("INSERT INTO t_order (id) VALUES (?)")) {
                ps.setString(1, orderId);
                ps.executeUpdate();
            }
            tracing.publish(outbox, tx, "orders", orderId, "{}".getBytes(StandardCharsets.UTF_8), Map.of("app", "shop"));
            tx.commit();
        } finally {
            request.end();
        }
        return request;
    }

    @Test
    void oneOrderIsOneTraceFromTheRequestThroughTheOutboxToTheConsumer() throws Exception {
        handler = this::reserve;
        Span request = placeOrder("order-1");

        await().atMost(Duration.ofSeconds(10)).until(() -> results.contains(InboxResult.PROCESSED));

        String traceId = request.getSpanContext().getTraceId();
        SpanData publish = otel.span("publish orders");
        SpanData process = otel.span("process orders");
        assertThat(publish.getKind()).isEqualTo(SpanKind.PRODUCER);
        assertThat(publish.getTraceId()).isEqualTo(traceId);
        assertThat(publish.getParentSpanId()).isEqualTo(request.getSpanContext().getSpanId());
        assertThat(publish.getAttributes().get(OutboxTracing.MESSAGE_ID)).isEqualTo(delivered.get(0).messageId());
        assertThat(process.getKind()).isEqualTo(SpanKind.CONSUMER);
        assertThat(process.getTraceId()).isEqualTo(traceId);
        assertThat(process.getParentSpanId()).isEqualTo(publish.getSpanId());
        assertThat(process.getAttributes().get(OutboxTracing.MESSAGE_ID)).isEqualTo(delivered.get(0).messageId());
        assertThat(process.getAttributes().get(OutboxTracing.DESTINATION)).isEqualTo("orders");
        assertThat(process.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
        assertThat(traceIdsSeenByHandler).containsExactly(traceId);
        assertThat(delivered.get(0).headers()).containsEntry("app", "shop").containsKey("traceparent");
    }

    @Test
    void aFailedAttemptIsAnErrorSpanAndTheRetryContinuesTheSameTrace() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        handler = (tx, m) -> {
            if (attempts.incrementAndGet() == 1) {
                throw new IllegalStateException("stock service busy");
            }
            reserve(tx, m);
        };
        Span request = placeOrder("order-2");

        await().atMost(Duration.ofSeconds(10)).until(() -> results.contains(InboxResult.PROCESSED));

        List<SpanData> processed = otel.spans().stream().filter(s -> s.getName().equals("process orders")).toList();
        assertThat(processed).hasSize(2);
        assertThat(processed).extracting(SpanData::getTraceId).containsOnly(request.getSpanContext().getTraceId());
        assertThat(processed.get(0).getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(processed.get(0).getEvents()).extracting(e -> e.getName()).containsExactly("exception");
        assertThat(processed.get(1).getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    }

    @Test
    void withContextAddsTheCurrentContextToACopyOfTheHeaders() {
        Map<String, String> app = Map.of("app", "shop");
        assertThat(tracing.withContext(app)).isEqualTo(app); // no current span: nothing to add

        Span span = otel.sdk.getTracer("test").spanBuilder("job").startSpan();
        try (Scope ignored = span.makeCurrent()) {
            Map<String, String> headers = tracing.withContext(app);
            assertThat(headers).containsEntry("app", "shop");
            assertThat(headers.get("traceparent"))
                    .startsWith("00-" + span.getSpanContext().getTraceId() + "-" + span.getSpanContext().getSpanId() + "-");
        } finally {
            span.end();
        }
        assertThat(app).doesNotContainKey("traceparent");
    }
}
