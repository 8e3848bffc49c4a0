package dev.sinew.bench.outbox;

import dev.sinew.kafka.KafkaBroker;
import dev.sinew.kafka.KafkaInboxConsumer;
import dev.sinew.kafka.KafkaInboxConsumerConfig;
import dev.sinew.kafka.KafkaTransport;
import dev.sinew.kafka.KafkaTransportConfig;
import dev.sinew.outbox.Inbox;
import dev.sinew.outbox.InboxConfig;
import dev.sinew.outbox.MessageHandler;
import dev.sinew.outbox.Outbox;
import dev.sinew.outbox.OutboxConfig;
import dev.sinew.outbox.OutboxMessage;
import dev.sinew.outbox.Relay;
import dev.sinew.outbox.RelayConfig;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * The outbox → Kafka benchmark (issue 4, "Numbers"), run by {@code bench/run-outbox}.
 *
 * <p><b>Relay throughput.</b> Per database and relay setting: relays start on an empty outbox and
 * settle their leases; then one transaction inserts a backlog of {@code --rows} messages (a copy of
 * rows published once with {@link Outbox#publish}, fresh message ids) and commits; the clock runs
 * from that commit until the relays have sent and marked every row (their sent counters reach the
 * backlog; the outbox lag is then checked to be 0). Durable settings: PostgreSQL as configured
 * (synchronous_commit is reported), H2 in file mode, Kafka acks=all with idempotence (fixed by
 * {@link KafkaTransport}).
 *
 * <p><b>End-to-end latency.</b> Producer threads commit one message per transaction on a fixed
 * schedule ({@code --rate} per second, open loop: slot i is due at start + i/rate, and its latency
 * is measured from that due time, so a stalled producer or database adds to the latency instead of
 * hiding it). Relay → Kafka → {@link KafkaInboxConsumer} → {@link Inbox} → a handler that records
 * the receive time. Percentiles over the messages due in the measurement window after a warmup.
 */
public final class OutboxBenchmark {

    private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    private final Options o;
    private final List<ThroughputResult> throughput = new ArrayList<>();
    private final List<LatencyResult> latency = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final long started = System.nanoTime();
    private KafkaBroker broker;
    private Admin admin;

    private OutboxBenchmark(Options o) {
        this.o = o;
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
        System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
        // the broker probe logs every refused connection while the broker starts, and the producer
        // every leader change of a topic created a moment ago: noise here, errors still show
        System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka", System.getProperty("org.slf4j.simpleLogger.log.org.apache.kafka", "error"));
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println("run with --help for the options");
            System.exit(2);
            return;
        }
        if (o.help) {
            System.out.println(Options.HELP);
            return;
        }
        int rc = new OutboxBenchmark(o).run();
        System.exit(rc);
    }

    // ------------------------------------------------------------------------------------------

    private int run() throws Exception {
        Path tmp = Files.createTempDirectory("sinew-outbox-bench-");
        progress("temp dir %s; load average %s", tmp, loadAverage());
        String loadBefore = loadAverage();
        // Ctrl-C: KafkaBroker's own hook kills the broker, BenchDatabase's drops the database, this one the files
        Thread removeTmp = new Thread(() -> {
            if (!o.keepTmp) {
                deleteTree(tmp);
            }
        }, "bench-remove-tmp");
        Runtime.getRuntime().addShutdownHook(removeTmp);
        try {
            progress("starting Kafka broker (child process, %d partitions per topic)...", o.kafkaPartitions);
            broker = KafkaBroker.builder().dataDir(tmp.resolve("kafka")).partitions(o.kafkaPartitions)
                    .startTimeout(Duration.ofSeconds(120)).build().start();
            progress("broker pid %d at %s", broker.pid(), broker.bootstrapServers());
            Properties ap = new Properties();
            ap.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
            admin = Admin.create(ap);
            for (String db : o.databases) {
                try (BenchDatabase database = open(db, tmp)) {
                    progress("%s: database %s (%s)", database.kind, database.name(), database.version());
                    if (database.isPostgres()) {
                        notes.add("PostgreSQL: " + database.version() + ", synchronous_commit=" + database.setting("synchronous_commit")
                                + ", fsync=" + database.setting("fsync") + ", shared_buffers=" + database.setting("shared_buffers"));
                    } else {
                        notes.add("H2: " + database.version() + ", file mode (" + database.url + ")");
                    }
                    Outbox outbox = Outbox.create(database.dataSource(), OutboxConfig.defaults());
                    if (o.throughput) {
                        runThroughput(database, outbox);
                    }
                    if (o.latency) {
                        runLatency(database, outbox);
                    }
                }
            }
        } finally {
            if (admin != null) {
                admin.close(Duration.ofSeconds(5));
            }
            if (broker != null) {
                progress("stopping the broker (pid %s)", broker.isAlive() ? String.valueOf(broker.pid()) : "gone");
                try {
                    broker.stop();
                } catch (RuntimeException e) {
                    System.err.println("stopping the broker failed, killing it: " + e);
                    broker.kill();
                }
            }
            Runtime.getRuntime().removeShutdownHook(removeTmp);
            if (!o.keepTmp) {
                deleteTree(tmp);
            }
        }
        String report = report(loadBefore, loadAverage());
        System.out.println();
        System.out.println(report);
        Files.createDirectories(o.out);
        Path md = o.out.resolve("outbox.md");
        Files.writeString(md, report);
        progress("wrote %s", md);
        return 0;
    }

    private BenchDatabase open(String db, Path tmp) throws SQLException {
        int poolSize = Math.max(o.relays.stream().mapToInt(Integer::intValue).max().orElse(1), 1) + o.producers
                + o.consumers.stream().mapToInt(Integer::intValue).max().orElse(1) + 4;
        return switch (db) {
            case "pg" -> BenchDatabase.postgres(o.pgServer, o.pgUser, o.pgPassword, poolSize);
            case "h2" -> BenchDatabase.h2(tmp.resolve("h2"), poolSize);
            default -> throw new IllegalArgumentException(db);
        };
    }

    // ---------------------------------------------------------------------------- throughput

    private void runThroughput(BenchDatabase db, Outbox outbox) throws Exception {
        // the backlog: published once through the real API, then copied for every scenario
        progress("%s: publishing the %,d-row backlog with Outbox.publish (1 thread, 1,000 per transaction)...", db.kind, o.rows);
        long t0 = System.nanoTime();
        publishBacklog(db, outbox, "bench-template", o.rows);
        double publishSeconds = (System.nanoTime() - t0) / 1e9;
        notes.add(String.format(Locale.ROOT, "%s: publishing the backlog with `Outbox.publish` (1 thread, 1,000 messages per transaction) ran at %,.0f msg/s",
                db.kind, o.rows / publishSeconds));
        progress("%s: published %,d in %.1f s (%,.0f msg/s)", db.kind, o.rows, publishSeconds, o.rows / publishSeconds);
        db.saveTemplate();

        int warmRows = Math.min(o.rows, 20_000);
        progress("%s: warmup (%,d rows, batch 500, 1 relay; not reported)", db.kind, warmRows);
        throughputScenario(db, 500, 1, warmRows, true);
        for (int relays : o.relays) {
            for (int batch : o.batchSizes) {
                for (int rep = 1; rep <= o.repeat; rep++) {
                    ThroughputResult r = throughputScenario(db, batch, relays, o.rows, false);
                    throughput.add(r);
                    progress("%s: batch %d, %d relay(s): %,.0f msg/s (steady %,.0f msg/s), %.0f%% of relay time in Kafka send",
                            db.kind, batch, relays, r.rate(), r.steadyRate, r.sendShare * 100);
                }
            }
        }
    }

    private void publishBacklog(BenchDatabase db, Outbox outbox, String topic, int rows) throws SQLException {
        Random random = new Random(42);
        try (Connection c = db.dataSource().getConnection()) {
            c.setAutoCommit(false);
            for (int i = 0; i < rows; i++) {
                outbox.publish(c, topic, key(i), payload(random, i, 0), Map.of("traceparent", TRACEPARENT));
                if ((i + 1) % 1000 == 0 || i == rows - 1) {
                    c.commit();
                }
            }
        }
    }

    private ThroughputResult throughputScenario(BenchDatabase db, int batch, int relayCount, int rows, boolean warmup)
            throws Exception {
        String topic = "bench-tp-" + (db.isPostgres() ? "pg" : "h2") + "-" + batch + "-" + relayCount + "-" + shortId();
        createTopic(topic);
        List<TimedTransport> transports = new ArrayList<>();
        List<Relay> relays = new ArrayList<>();
        try {
            for (int i = 0; i < relayCount; i++) {
                TimedTransport t = new TimedTransport(KafkaTransport.create(KafkaTransportConfig.builder()
                        .bootstrapServers(broker.bootstrapServers()).clientId("bench-relay-" + i).build()));
                // connect the producer and fetch the topic's metadata before the clock starts
                t.send(List.of(new OutboxMessage(0, "warm-" + shortId(), topic, "warm", new byte[1], Map.of(), Instant.now())));
                t.sendNanos.set(0);
                t.batches.set(0);
                t.messages.set(0);
                transports.add(t);
            }
            RelayConfig rc = RelayConfig.builder().name("bench").batchSize(batch).pollInterval(o.throughputPoll).build();
            for (TimedTransport t : transports) {
                relays.add(Relay.start(db.dataSource(), t, rc));
            }
            awaitBalanced(relays);
            long[] startNanos = new long[1];
            try (Connection c = db.dataSource().getConnection()) {
                c.setAutoCommit(false);
                int n = db.copyTemplate(c, topic, rows);
                if (n != rows) {
                    throw new IllegalStateException("template has " + n + " rows, expected " + rows);
                }
                startNanos[0] = System.nanoTime();
                c.commit();
            }
            long start = startNanos[0];
            long at10 = 0;
            long at90 = 0;
            long lastPrint = start;
            long deadline = start + TimeUnit.SECONDS.toNanos(Math.max(120, rows / 500));
            long sent;
            while (true) {
                sent = relays.stream().mapToLong(Relay::sentCount).sum();
                long now = System.nanoTime();
                if (at10 == 0 && sent >= rows / 10) {
                    at10 = now;
                }
                if (at90 == 0 && sent >= rows * 9L / 10) {
                    at90 = now;
                }
                if (sent >= rows) {
                    break;
                }
                if (now - deadline > 0) {
                    throw new IllegalStateException("relays sent only " + sent + " of " + rows + " within the timeout");
                }
                if (now - lastPrint >= 1_000_000_000L) {
                    lastPrint = now;
                    progress("  %s batch %d x%d relay: %,d / %,d sent, %,.0f msg/s so far", db.kind, batch, relayCount,
                            sent, rows, sent / ((now - start) / 1e9));
                }
                LockSupport.parkNanos(10_000_000L);
            }
            long end = System.nanoTime();
            long unsent = relays.get(0).lag().unsentRows();
            if (unsent != 0) {
                throw new IllegalStateException("relays report all sent but lag() says " + unsent + " unsent rows");
            }
            double seconds = (end - start) / 1e9;
            long sendNanos = transports.stream().mapToLong(t -> t.sendNanos.get()).sum();
            long batches = transports.stream().mapToLong(t -> t.batches.get()).sum();
            double steady = at90 > at10 ? (rows * 0.8) / ((at90 - at10) / 1e9) : Double.NaN;
            return new ThroughputResult(db.kind, batch, relayCount, rows, seconds, steady,
                    sendNanos / (relayCount * (double) (end - start)), (double) rows / Math.max(1, batches), warmup);
        } finally {
            for (Relay r : relays) {
                r.close();
            }
            for (TimedTransport t : transports) {
                t.close();
            }
            db.truncate("sinew_outbox");
            db.vacuum("sinew_outbox");
        }
    }

    private static void awaitBalanced(List<Relay> relays) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        int share = 16 / relays.size();
        while (System.nanoTime() < deadline) {
            int total = 0;
            boolean fair = true;
            for (Relay r : relays) {
                int n = r.ownedPartitions().size();
                total += n;
                fair &= n >= share;
            }
            if (total == 16 && fair) {
                return;
            }
            LockSupport.parkNanos(50_000_000L);
        }
        throw new IllegalStateException("relays did not share the 16 partitions within 30 s");
    }

    // ---------------------------------------------------------------------------- latency

    private void runLatency(BenchDatabase db, Outbox outbox) throws Exception {
        for (int consumers : o.consumers) {
            for (Duration poll : o.pollIntervals) {
                LatencyResult r = latencyScenario(db, outbox, poll, consumers);
                latency.add(r);
                progress("%s: poll %d ms, %d consumer(s): p50 %.1f ms, p95 %.1f, p99 %.1f, max %.1f (%,d messages); "
                        + "acked by Kafka p50 %.1f, p99 %.1f", db.kind, poll.toMillis(), consumers,
                        r.p50, r.p95, r.p99, r.max, r.count, r.ackedP50, r.ackedP99);
            }
        }
    }

    private LatencyResult latencyScenario(BenchDatabase db, Outbox outbox, Duration poll, int consumerCount) throws Exception {
        String topic = "bench-lat-" + (db.isPostgres() ? "pg" : "h2") + "-" + poll.toMillis() + "-" + shortId();
        createTopic(topic);
        long periodNanos = 1_000_000_000L / o.rate;
        int warmupSlots = (int) (o.warmup.toNanos() / periodNanos);
        int measureSlots = (int) (o.duration.toNanos() / periodNanos);
        int totalSlots = warmupSlots + measureSlots;
        long[] latencies = new long[totalSlots];
        Arrays.fill(latencies, -1);
        long[] acked = new long[totalSlots];
        Arrays.fill(acked, -1);
        AtomicInteger received = new AtomicInteger();
        AtomicInteger primed = new AtomicInteger();
        MessageHandler handler = (tx, m) -> {
            long now = System.nanoTime();
            ByteBuffer b = ByteBuffer.wrap(m.payload());
            long slot = b.getLong();
            long due = b.getLong();
            if (slot < 0) {
                primed.incrementAndGet();
                return;
            }
            if (slot < totalSlots && latencies[(int) slot] < 0) {
                latencies[(int) slot] = now - due;
                received.incrementAndGet();
            }
        };
        Inbox inbox = Inbox.create(db.dataSource(), InboxConfig.builder().consumer("bench-" + shortId()).build());
        // records when Kafka acknowledged each message (send returned): splits the latency into
        // "outbox + relay + Kafka produce" and "Kafka fetch + consumer + inbox"
        TimedTransport transport = new TimedTransport(KafkaTransport.create(KafkaTransportConfig.builder()
                .bootstrapServers(broker.bootstrapServers()).clientId("bench-relay").build()), batch -> {
            long now = System.nanoTime();
            for (OutboxMessage m : batch) {
                ByteBuffer b = ByteBuffer.wrap(m.payload());
                long slot = b.getLong();
                if (slot >= 0 && slot < totalSlots && acked[(int) slot] < 0) {
                    acked[(int) slot] = now - b.getLong();
                }
            }
        });
        Relay relay = null;
        List<KafkaInboxConsumer> consumers = new ArrayList<>();
        long[] commitNanos = new long[totalSlots];
        AtomicLong maxBehind = new AtomicLong();
        AtomicReference<Throwable> producerError = new AtomicReference<>();
        List<Thread> producers = new ArrayList<>();
        try {
            relay = Relay.start(db.dataSource(), transport, RelayConfig.builder().name("bench").pollInterval(poll).build());
            String group = "bench-" + shortId();
            for (int i = 0; i < consumerCount; i++) {
                consumers.add(KafkaInboxConsumer.start(inbox, handler, KafkaInboxConsumerConfig.builder()
                        .bootstrapServers(broker.bootstrapServers()).groupId(group).clientId(group + "-" + i).topics(topic)
                        .redriveInterval(Duration.ZERO).build()));
            }
            // primer: until messages went through the whole path to every consumer, the group is not settled
            Random random = new Random(7);
            long primeDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            int primers = 0;
            while (primed.get() < 10 || consumers.stream().anyMatch(c -> c.processedCount() == 0)) {
                try (Connection c = db.dataSource().getConnection()) {
                    c.setAutoCommit(false);
                    for (int k = 0; k < o.kafkaPartitions * 2; k++) {
                        outbox.publish(c, topic, key(primers++), payload(random, -1, 0), Map.of());
                    }
                    c.commit();
                }
                LockSupport.parkNanos(200_000_000L);
                if (System.nanoTime() > primeDeadline) {
                    throw new IllegalStateException("primer messages did not arrive within 60 s");
                }
            }
            LockSupport.parkNanos(500_000_000L);
            progress("%s latency, poll %d ms, %d consumer(s): path is live; %d s warmup + %d s at %,d msg/s (%d producer threads, open loop)",
                    db.kind, poll.toMillis(), consumerCount, o.warmup.toSeconds(), o.duration.toSeconds(), o.rate, o.producers);
            AtomicInteger next = new AtomicInteger();
            long start = System.nanoTime() + 20_000_000L;
            for (int p = 0; p < o.producers; p++) {
                Thread t = new Thread(() -> {
                    Random rnd = new Random();
                    try {
                        int slot;
                        while ((slot = next.getAndIncrement()) < totalSlots) {
                            long due = start + slot * periodNanos;
                            long wait;
                            while ((wait = due - System.nanoTime()) > 0) {
                                LockSupport.parkNanos(wait);
                            }
                            long behind = -wait;
                            maxBehind.accumulateAndGet(behind, Math::max);
                            long t0 = System.nanoTime();
                            try (Connection c = db.dataSource().getConnection()) {
                                c.setAutoCommit(false);
                                outbox.publish(c, topic, key(slot), payload(rnd, slot, due), Map.of("traceparent", TRACEPARENT));
                                c.commit();
                            }
                            commitNanos[slot] = System.nanoTime() - t0;
                        }
                    } catch (Throwable e) {
                        producerError.compareAndSet(null, e);
                    }
                }, "bench-producer-" + p);
                t.setDaemon(true);
                producers.add(t);
                t.start();
            }
            long lastPrint = System.nanoTime();
            long end = start + totalSlots * periodNanos;
            long drainDeadline = end + TimeUnit.SECONDS.toNanos(60);
            while (received.get() < totalSlots && System.nanoTime() < drainDeadline && producerError.get() == null) {
                LockSupport.parkNanos(100_000_000L);
                long now = System.nanoTime();
                if (now - lastPrint >= 5_000_000_000L) {
                    lastPrint = now;
                    int due = (int) Math.min(totalSlots, Math.max(0, (now - start) / periodNanos));
                    progress("  %s poll %d ms: %,d / %,d due, %,d received, lag %s", db.kind, poll.toMillis(), due, totalSlots,
                            received.get(), relay.lag());
                }
            }
            for (Thread t : producers) {
                t.join(10_000);
            }
            if (producerError.get() != null) {
                throw new IllegalStateException("producer failed", producerError.get());
            }
            long[] window = Arrays.copyOfRange(latencies, warmupSlots, totalSlots);
            long missing = Arrays.stream(window).filter(v -> v < 0).count();
            long[] lat = Arrays.stream(window).filter(v -> v >= 0).sorted().toArray();
            long[] commits = Arrays.stream(Arrays.copyOfRange(commitNanos, warmupSlots, totalSlots)).sorted().toArray();
            long[] ack = Arrays.stream(Arrays.copyOfRange(acked, warmupSlots, totalSlots)).filter(v -> v >= 0).sorted().toArray();
            return new LatencyResult(db.kind, poll, consumerCount, o.rate, lat.length, missing,
                    ms(pct(lat, 50)), ms(pct(lat, 95)), ms(pct(lat, 99)), ms(pct(lat, 99.9)), ms(lat.length == 0 ? 0 : lat[lat.length - 1]),
                    ms(pct(ack, 50)), ms(pct(ack, 99)),
                    ms(pct(commits, 50)), ms(pct(commits, 99)), ms(maxBehind.get()),
                    (double) transport.messages.get() / Math.max(1, transport.batches.get()),
                    transport.batches.get() / (totalSlots * periodNanos / 1e9),
                    ms(transport.sendNanos.get() / Math.max(1, transport.batches.get())));
        } finally {
            for (Thread t : producers) {
                t.interrupt();
            }
            for (KafkaInboxConsumer c : consumers) {
                c.close();
            }
            if (relay != null) {
                relay.close();
            }
            transport.close();
            db.truncate("sinew_outbox", "sinew_inbox");
            db.vacuum("sinew_outbox");
            db.vacuum("sinew_inbox");
        }
    }

    private static long pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    // ---------------------------------------------------------------------------- helpers

    private void createTopic(String topic) throws Exception {
        admin.createTopics(List.of(new NewTopic(topic, o.kafkaPartitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
    }

    private String key(long i) {
        return "order-" + (i % o.keys);
    }

    /** {@code --payload-bytes} bytes: slot number and due time (nanoTime) first, then letters. */
    private byte[] payload(Random random, long slot, long due) {
        byte[] p = new byte[Math.max(16, o.payloadBytes)];
        for (int i = 16; i < p.length; i++) {
            p[i] = (byte) ('a' + random.nextInt(26));
        }
        ByteBuffer.wrap(p).putLong(slot).putLong(due);
        return p;
    }

    private static String shortId() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    private void progress(String format, Object... args) {
        double t = (System.nanoTime() - started) / 1e9;
        System.err.printf(Locale.ROOT, "[%6.1fs] %s%n", t, String.format(Locale.ROOT, format, args));
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "?";
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("cannot delete " + dir + ": " + e);
        }
    }

    // ---------------------------------------------------------------------------- report

    record ThroughputResult(String db, int batch, int relays, int rows, double seconds, double steadyRate,
                            double sendShare, double avgBatch, boolean warmup) {
        double rate() {
            return rows / seconds;
        }
    }

    record LatencyResult(String db, Duration poll, int consumers, int rate, int count, long missing, double p50, double p95,
                         double p99, double p999, double max, double ackedP50, double ackedP99, double commitP50,
                         double commitP99, double producerMaxBehind, double avgBatch, double batchesPerSecond,
                         double sendMs) {
    }

    private String report(String loadBefore, String loadAfter) {
        StringBuilder s = new StringBuilder();
        s.append("## Outbox → Kafka results\n\n");
        s.append("Machine: ").append(machine()).append("\n");
        s.append("JVM: ").append(System.getProperty("java.vm.name")).append(' ').append(System.getProperty("java.vm.version"))
                .append(", flags ").append(ManagementFactory.getRuntimeMXBean().getInputArguments()).append("\n");
        s.append("Kafka: ").append(org.apache.kafka.common.utils.internals.AppInfoParser.getVersion())
                .append(" (single KRaft broker, child process; topics with ").append(o.kafkaPartitions).append(" partitions)\n");
        for (String n : notes) {
            s.append(n).append("\n");
        }
        s.append("Load average (1/5/15 min): ").append(loadBefore).append(" at start, ").append(loadAfter).append(" at end\n");
        s.append("Arguments: ").append(o.argLine.isEmpty() ? "(defaults)" : o.argLine).append("\n\n");
        if (!throughput.isEmpty()) {
            s.append("### Relay throughput (backlog of ").append(String.format(Locale.ROOT, "%,d", o.rows))
                    .append(" messages, ").append(o.payloadBytes).append(" B payload, ").append(o.keys).append(" keys)\n\n");
            s.append("| database | batch size | relays | msg/s | steady msg/s (10–90%) | seconds | in Kafka send | rows per send |\n");
            s.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
            for (ThroughputResult r : throughput) {
                s.append(String.format(Locale.ROOT, "| %s | %d | %d | %,.0f | %,.0f | %.2f | %.0f%% | %.0f |%n", r.db, r.batch, r.relays,
                        r.rate(), r.steadyRate, r.seconds, r.sendShare * 100, r.avgBatch));
            }
            s.append("\n");
        }
        if (!latency.isEmpty()) {
            s.append("### End-to-end latency at a fixed rate (open loop, from the scheduled send time to the handler)\n\n");
            s.append("| database | relay poll | consumers | rate msg/s | messages | p50 ms | p95 ms | p99 ms | p99.9 ms | max ms | acked by Kafka p50 / p99 ms | publish+commit p50 / p99 ms | producer max behind ms | relay batches/s | rows per batch | ms in Kafka send per batch | missing |\n");
            s.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            for (LatencyResult r : latency) {
                s.append(String.format(Locale.ROOT, "| %s | %d ms | %d | %,d | %,d | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f / %.1f | %.2f / %.2f | %.1f | %.0f | %.0f | %.1f | %d |%n",
                        r.db, r.poll.toMillis(), r.consumers, r.rate, r.count, r.p50, r.p95, r.p99, r.p999, r.max, r.ackedP50,
                        r.ackedP99, r.commitP50, r.commitP99, r.producerMaxBehind, r.batchesPerSecond, r.avgBatch, r.sendMs, r.missing));
            }
            s.append("\n");
        }
        return s.toString();
    }

    private static String machine() {
        String cpu = "?";
        String mem = "?";
        String os = System.getProperty("os.name") + " " + System.getProperty("os.version");
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("?");
            mem = Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal"))
                    .findFirst().map(l -> String.format(Locale.ROOT, "%.1f GiB",
                            Long.parseLong(l.replaceAll("\\D", "")) / 1024.0 / 1024.0)).orElse("?");
            os = Files.readAllLines(Path.of("/etc/os-release")).stream().filter(l -> l.startsWith("PRETTY_NAME="))
                    .findFirst().map(l -> l.substring(13, l.length() - 1)).orElse("?") + ", Linux " + System.getProperty("os.version");
        } catch (IOException | RuntimeException e) {
            // keep what we have
        }
        return Runtime.getRuntime().availableProcessors() + " CPUs (" + cpu + "), " + mem + " RAM, " + os;
    }

    // ---------------------------------------------------------------------------- options

    static final class Options {
        static final String HELP = """
                usage: bench/run-outbox [options]

                Outbox -> Kafka benchmark: relay throughput from a backlog, and end-to-end latency at a
                fixed rate, for PostgreSQL and H2, through a real Kafka broker started as a child process.
                Prints progress on stderr, the tables on stdout, and writes them as Markdown to
                <out>/outbox.md.

                  --db LIST               databases: pg, h2 (default pg,h2)
                  --only WHAT             throughput | latency (default: both)
                throughput:
                  --rows N                backlog size (default 100000)
                  --batch-sizes LIST      relay batch-size values (default 200,500,1000)
                  --relays LIST           relay counts (default 1,2)
                  --repeat N              runs per setting (default 1)
                  --throughput-poll MS    relay poll-interval during throughput runs (default 100)
                latency:
                  --rate N                messages per second (default 1000)
                  --warmup SECONDS        not measured (default 5)
                  --duration SECONDS      measured (default 30)
                  --poll-intervals LIST   relay poll-interval values in ms (default 100,10)
                  --producers N           producer threads sharing the schedule (default 4)
                  --consumers LIST        KafkaInboxConsumer instances in one group (default 1,4;
                                          more than --kafka-partitions leaves some idle)
                common:
                  --payload-bytes N       payload size (default 200)
                  --keys N                distinct message keys (default 100)
                  --kafka-partitions N    partitions per topic (default 4)
                  --pg-server URL         PostgreSQL server (default jdbc:postgresql://127.0.0.1:5432/);
                                          a database sinew_bench_<random> is created and dropped
                  --pg-user NAME          (default postgres)   --pg-password PW (default empty)
                  --out DIR               where outbox.md goes (default target/bench)
                  --keep-tmp              keep the temp dir (H2 files, broker data and log)
                  --help
                """;

        boolean help;
        List<String> databases = List.of("pg", "h2");
        boolean throughput = true;
        boolean latency = true;
        int rows = 100_000;
        List<Integer> batchSizes = List.of(200, 500, 1000);
        List<Integer> relays = List.of(1, 2);
        int repeat = 1;
        Duration throughputPoll = Duration.ofMillis(100);
        int rate = 1000;
        Duration warmup = Duration.ofSeconds(5);
        Duration duration = Duration.ofSeconds(30);
        List<Duration> pollIntervals = List.of(Duration.ofMillis(100), Duration.ofMillis(10));
        int producers = 4;
        List<Integer> consumers = List.of(1, 4);
        int payloadBytes = 200;
        int keys = 100;
        int kafkaPartitions = 4;
        String pgServer = "jdbc:postgresql://127.0.0.1:5432/";
        String pgUser = "postgres";
        String pgPassword = "";
        Path out = Path.of("target", "bench");
        boolean keepTmp;
        String argLine = "";

        static Options parse(String[] args) {
            Options o = new Options();
            o.argLine = String.join(" ", args);
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (a.equals("--help") || a.equals("-h")) {
                    o.help = true;
                    continue;
                }
                if (a.equals("--keep-tmp")) {
                    o.keepTmp = true;
                    continue;
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(a.startsWith("--") ? a + " needs a value" : "unknown argument " + a);
                }
                String v = args[++i];
                switch (a) {
                    case "--db" -> {
                        o.databases = List.of(v.split(","));
                        for (String d : o.databases) {
                            if (!d.equals("pg") && !d.equals("h2")) {
                                throw new IllegalArgumentException("--db: " + d + " is not pg or h2");
                            }
                        }
                    }
                    case "--only" -> {
                        o.throughput = v.equals("throughput");
                        o.latency = v.equals("latency");
                        if (!o.throughput && !o.latency) {
                            throw new IllegalArgumentException("--only: expected throughput or latency, got " + v);
                        }
                    }
                    case "--rows" -> o.rows = positive(a, v);
                    case "--batch-sizes" -> o.batchSizes = ints(a, v);
                    case "--relays" -> o.relays = ints(a, v);
                    case "--repeat" -> o.repeat = positive(a, v);
                    case "--throughput-poll" -> o.throughputPoll = Duration.ofMillis(positive(a, v));
                    case "--rate" -> o.rate = positive(a, v);
                    case "--warmup" -> o.warmup = Duration.ofSeconds(Integer.parseInt(v));
                    case "--duration" -> o.duration = Duration.ofSeconds(positive(a, v));
                    case "--poll-intervals" -> o.pollIntervals = ints(a, v).stream().map(Duration::ofMillis).toList();
                    case "--producers" -> o.producers = positive(a, v);
                    case "--consumers" -> o.consumers = ints(a, v);
                    case "--payload-bytes" -> o.payloadBytes = positive(a, v);
                    case "--keys" -> o.keys = positive(a, v);
                    case "--kafka-partitions" -> o.kafkaPartitions = positive(a, v);
                    case "--pg-server" -> o.pgServer = v.endsWith("/") ? v : v + "/";
                    case "--pg-user" -> o.pgUser = v;
                    case "--pg-password" -> o.pgPassword = v;
                    case "--out" -> o.out = Path.of(v);
                    default -> throw new IllegalArgumentException("unknown option " + a);
                }
            }
            for (int r : o.relays) {
                if (r > 16) {
                    throw new IllegalArgumentException("--relays: " + r + " is more than the 16 outbox partitions");
                }
            }
            return o;
        }

        private static int positive(String key, String v) {
            try {
                int n = Integer.parseInt(v);
                if (n < 1) {
                    throw new NumberFormatException();
                }
                return n;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + ": " + v + " is not a positive integer");
            }
        }

        private static List<Integer> ints(String key, String v) {
            return Arrays.stream(v.split(",")).map(x -> positive(key, x.trim())).toList();
        }
    }
}
