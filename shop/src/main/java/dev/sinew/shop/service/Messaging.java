package dev.sinew.shop.service;

import dev.sinew.kafka.KafkaInboxConsumer;
import dev.sinew.kafka.KafkaInboxConsumerConfig;
import dev.sinew.kafka.KafkaTransport;
import dev.sinew.kafka.KafkaTransportConfig;
import dev.sinew.micrometer.OutboxMetrics;
import dev.sinew.opentelemetry.log.TraceMdc;
import dev.sinew.opentelemetry.outbox.OutboxTracing;
import dev.sinew.outbox.Inbox;
import dev.sinew.outbox.InboxConfig;
import dev.sinew.outbox.MessageHandler;
import dev.sinew.outbox.Outbox;
import dev.sinew.outbox.OutboxConfig;
import dev.sinew.outbox.Relay;
import dev.sinew.outbox.RelayConfig;
import dev.sinew.shop.runtime.ServiceContext;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A service's durable messaging: its outbox (always), and — when {@code --kafka} is given — a relay
 * to Kafka and an inbox consumer of one topic. Without {@code --kafka} messages wait in the outbox.
 */
final class Messaging implements AutoCloseable {

    /** OrderPlaced, published by order, consumed by inventory. */
    static final String ORDERS_TOPIC = "shop.orders";
    /** StockReserved / OutOfStock, published by inventory, consumed by order. */
    static final String INVENTORY_TOPIC = "shop.inventory";

    private static final Logger log = LoggerFactory.getLogger(Messaging.class);

    final Outbox outbox;
    final Inbox inbox;
    private final OutboxTracing tracing;
    private KafkaTransport transport;
    private Relay relay;
    private volatile KafkaInboxConsumer consumer;
    private Thread consumerStart;

    Messaging(ServiceContext ctx, String consumes, MessageHandler handler) throws SQLException {
        String service = ctx.options().service();
        tracing = ctx.telemetry().outbox();
        outbox = Outbox.create(ctx.db().dataSource(), OutboxConfig.defaults());
        inbox = Inbox.create(ctx.db().dataSource(), InboxConfig.builder().consumer(service).maxAttempts(5)
                .backoff(Duration.ofMillis(100), Duration.ofSeconds(2)).build());
        // lag and dead letters at /metrics; with --chaos every second, so the game day sees a backlog drain per second
        ctx.closeOnStop(OutboxMetrics.builder(ctx.db().dataSource())
                .refreshInterval(Duration.ofSeconds(ctx.options().chaos() ? 1 : 5)).bind(ctx.meters()));
        String kafka = ctx.options().kafka();
        if (kafka == null) {
            log.warn("{}: no --kafka given; messages stay in the outbox and nothing is consumed", service);
            return;
        }
        transport = KafkaTransport.create(KafkaTransportConfig.builder().bootstrapServers(kafka)
                .clientId(service + "-relay").maxBlock(Duration.ofSeconds(2)).deliveryTimeout(Duration.ofSeconds(5))
                .requestTimeout(Duration.ofSeconds(3)).build());
        relay = Relay.start(ctx.db().dataSource(), transport, RelayConfig.builder().name(service + "-relay")
                .pollInterval(Duration.ofMillis(50)).leaseDuration(Duration.ofSeconds(5))
                .leaseRenewInterval(Duration.ofSeconds(1)).backoff(Duration.ofMillis(100), Duration.ofSeconds(2))
                .closeTimeout(Duration.ofSeconds(3)).build());
        KafkaInboxConsumerConfig consumerConfig = KafkaInboxConsumerConfig.builder().bootstrapServers(kafka)
                .groupId(service).topics(consumes).clientId(service + "-consumer")
                .property("group.instance.id", service + "-1")
                .backoff(Duration.ofMillis(200), Duration.ofSeconds(2)).build();
        // creating a Kafka consumer costs ~300 ms of class loading; the service can serve without it (what it
        // consumes waits in Kafka), so it starts beside the HTTP server instead of before it
        MessageHandler tracedHandler = traced(handler);
        consumerStart = new Thread(() -> {
            try {
                consumer = KafkaInboxConsumer.start(inbox, tracedHandler, consumerConfig);
            } catch (RuntimeException e) {
                log.error("{}: the Kafka inbox consumer could not start", service, e);
            }
        }, service + "-consumer-start");
        consumerStart.setDaemon(true);
        consumerStart.start();
    }

    /**
     * Publishes in {@code tx} inside a producer span whose context the message carries, so the
     * consumer's handler continues the current trace (the request's, or the message's being handled).
     */
    String publish(Connection tx, String topic, String key, byte[] payload) throws SQLException {
        return tracing.publish(outbox, tx, topic, key, payload, Map.of());
    }

    /** Each attempt in a consumer span, a child of the producer's; its ids in the MDC for the log lines. */
    private MessageHandler traced(MessageHandler handler) {
        return tracing.traced((tx, m) -> {
            try (TraceMdc.Ids ids = TraceMdc.put()) {
                handler.handle(tx, m);
            }
        });
    }

    boolean kafkaConfigured() {
        return transport != null;
    }

    /** True while the inbox consumer backs off after failures (false before it has started). */
    boolean consumerFailing() {
        KafkaInboxConsumer c = consumer;
        return c != null && c.failing();
    }

    Relay relay() {
        return relay;
    }

    @Override
    public void close() {
        if (consumerStart != null) {
            try {
                consumerStart.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        KafkaInboxConsumer c = consumer;
        if (c != null) {
            c.close();
        }
        if (relay != null) {
            relay.close();
        }
        if (transport != null) {
            transport.close();
        }
    }
}
