package dev.sinew.opentelemetry.outbox;

import dev.sinew.opentelemetry.TracingNames;
import dev.sinew.outbox.IncomingMessage;
import dev.sinew.outbox.MessageHandler;
import dev.sinew.outbox.Outbox;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Carries the trace through the outbox: the producer's context goes into the message headers
 * ({@code traceparent}, {@code tracestate}; the relay and {@code KafkaTransport} pass headers on
 * unchanged) and the consumer's processing span continues it, so one order is one trace from the
 * HTTP request through the database and the broker to the inventory update.
 *
 * <pre>{@code
 * outboxTracing.publish(outbox, tx, "orders", orderId, json, Map.of());     // producer, in its transaction
 * inbox.process(message, outboxTracing.traced((tx, m) -> reserve(tx, m)));  // consumer
 * }</pre>
 */
public final class OutboxTracing {

    static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("messaging.system");
    static final AttributeKey<String> DESTINATION = AttributeKey.stringKey("messaging.destination.name");
    static final AttributeKey<String> OPERATION = AttributeKey.stringKey("messaging.operation.type");
    static final AttributeKey<String> MESSAGE_ID = AttributeKey.stringKey("messaging.message.id");
    /** The {@code messaging.system} attribute of outbox spans. */
    public static final String SYSTEM_NAME = "sinew_outbox";

    private static final TextMapSetter<Map<String, String>> SETTER = (headers, name, value) -> {
        if (headers != null) {
            headers.put(name, value);
        }
    };
    private static final TextMapGetter<Map<String, String>> GETTER =
            (headers, name) -> headers == null ? null : headers.get(name);

    private final TextMapPropagator propagator;
    private final Tracer tracer;

    private OutboxTracing(OpenTelemetry openTelemetry) {
        this.propagator = openTelemetry.getPropagators().getTextMapPropagator();
        this.tracer = openTelemetry.getTracer(TracingNames.INSTRUMENTATION_SCOPE);
    }

    public static OutboxTracing create(OpenTelemetry openTelemetry) {
        return new OutboxTracing(Objects.requireNonNull(openTelemetry, "openTelemetry"));
    }

    /** A copy of {@code headers} (may be null) with the current context added, for {@code Outbox.publish}. */
    public Map<String, String> withContext(Map<String, String> headers) {
        return withContext(Context.current(), headers);
    }

    /** A copy of {@code headers} (may be null) with {@code context} added, replacing earlier trace headers. */
    public Map<String, String> withContext(Context context, Map<String, String> headers) {
        Map<String, String> out = headers == null ? new HashMap<>() : new HashMap<>(headers);
        propagator.inject(context, out, SETTER);
        return out;
    }

    /**
     * Publishes through {@code outbox} inside a {@code PRODUCER} span {@code "publish <topic>"},
     * a child of the current span, whose context the message carries. The span records the
     * message id; a failed publish ends it with status {@code ERROR}. Arguments as in
     * {@link Outbox#publish}.
     */
    public String publish(Outbox outbox, Connection tx, String topic, String key, byte[] payload,
                          Map<String, String> headers) throws SQLException {
        Objects.requireNonNull(outbox, "outbox");
        Span span = tracer.spanBuilder("publish " + topic).setSpanKind(SpanKind.PRODUCER)
                .setAttribute(SYSTEM, SYSTEM_NAME)
                .setAttribute(DESTINATION, String.valueOf(topic))
                .setAttribute(OPERATION, "send")
                .startSpan();
        try (Scope ignored = span.makeCurrent()) {
            String id = outbox.publish(tx, topic, key, payload, withContext(headers));
            span.setAttribute(MESSAGE_ID, id);
            return id;
        } catch (SQLException | RuntimeException e) {
            span.recordException(e);
            span.setStatus(StatusCode.ERROR, String.valueOf(e.getMessage()));
            throw e;
        } finally {
            span.end();
        }
    }

    /** The producer's context carried by {@code message}, on top of the current one. */
    public Context extract(IncomingMessage message) {
        return propagator.extract(Context.current(), message.headers(), GETTER);
    }

    /**
     * Wraps a handler so that each attempt runs in a {@code CONSUMER} span
     * {@code "process <topic>"}, a child of the producer's span from the message headers; a
     * failing attempt ends it with status {@code ERROR} and the exception recorded (the inbox
     * then retries or dead-letters as usual).
     */
    public MessageHandler traced(MessageHandler handler) {
        Objects.requireNonNull(handler, "handler");
        return (tx, message) -> {
            Span span = tracer.spanBuilder("process " + message.topic()).setSpanKind(SpanKind.CONSUMER)
                    .setParent(extract(message))
                    .setAttribute(SYSTEM, SYSTEM_NAME)
                    .setAttribute(DESTINATION, message.topic())
                    .setAttribute(OPERATION, "process")
                    .setAttribute(MESSAGE_ID, message.messageId())
                    .startSpan();
            try (Scope ignored = span.makeCurrent()) {
                handler.handle(tx, message);
            } catch (Exception e) {
                span.recordException(e);
                span.setStatus(StatusCode.ERROR, String.valueOf(e.getMessage()));
                throw e;
            } finally {
                span.end();
            }
        };
    }
}
