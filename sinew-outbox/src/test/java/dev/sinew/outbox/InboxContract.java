package dev.sinew.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sinew.time.TestClock;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Inbox: exactly-once processing, retries, dead letters, redrive. Runs on H2 and PostgreSQL. */
abstract class InboxContract extends DbTestBase {

    TestClock clock;
    Inbox inbox;

    @BeforeEach
    void setUp() throws Exception {
        clock = new TestClock();
        inbox = Inbox.create(db.dataSource(), InboxConfig.builder().consumer("inventory").maxAttempts(3)
                .backoff(Duration.ofMillis(100), Duration.ofSeconds(1)).clock(clock).build());
        db.execute("CREATE TABLE IF NOT EXISTS t_effect (message_id VARCHAR(64) NOT NULL, note VARCHAR(64))");
    }

    static IncomingMessage message(String id, String key) {
        return new IncomingMessage(id, "orders", key, ("body of " + id).getBytes(), Map.of("trace", "t-" + id));
    }

    /** A handler whose side effect is a row in t_effect, written in the inbox transaction. */
    static MessageHandler recording(String note) {
        return (tx, m) -> {
            try (PreparedStatement ps = tx.prepareStatement("INSERT INTO t_effect (message_id, note) VALUES (?, ?)")) {
                ps.setString(1, m.messageId());
                ps.setString(2, note);
                ps.executeUpdate();
            }
        };
    }

    long effects(String messageId) throws SQLException {
        return db.count("t_effect WHERE message_id = '" + messageId + "'");
    }

    String inboxStatus(String messageId) throws SQLException {
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT status FROM sinew_inbox WHERE consumer = 'inventory' AND message_id = ?")) {
            ps.setString(1, messageId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    @Test
    void processesOnceAndSkipsRedeliveries() throws Exception {
        IncomingMessage m = message("m1", "order-1");
        assertThat(inbox.process(m, recording("ok"))).isEqualTo(InboxResult.PROCESSED);
        assertThat(inbox.process(m, recording("again"))).isEqualTo(InboxResult.DUPLICATE);
        assertThat(effects("m1")).isEqualTo(1);
        assertThat(inboxStatus("m1")).isEqualTo("PROCESSED");
        Inbox other = Inbox.create(db.dataSource(), InboxConfig.builder().consumer("billing").clock(clock).build());
        assertThat(other.process(m, recording("billing"))).as("each consumer processes once").isEqualTo(InboxResult.PROCESSED);
        assertThat(effects("m1")).isEqualTo(2);
    }

    @Test
    void concurrentDeliveriesOfOneMessageAreProcessedOnce() throws Exception {
        IncomingMessage m = message("m-concurrent", "k");
        CountDownLatch inHandler = new CountDownLatch(1);
        CountDownLatch proceed = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        MessageHandler slow = (tx, msg) -> {
            calls.incrementAndGet();
            recording("slow").handle(tx, msg);
            inHandler.countDown();
            proceed.await();
        };
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<InboxResult> first = pool.submit(() -> inbox.process(m, slow));
            assertThat(inHandler.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            Future<InboxResult> second = pool.submit(() -> inbox.process(m, slow));
            proceed.countDown();
            assertThat(List.of(first.get(), second.get()))
                    .containsExactlyInAnyOrder(InboxResult.PROCESSED, InboxResult.DUPLICATE);
        } finally {
            pool.shutdownNow();
        }
        assertThat(calls.get()).isEqualTo(1);
        assertThat(effects("m-concurrent")).isEqualTo(1);
    }

    @Test
    void processAllRunsABatchInOneTransactionAndSkipsWhatWasSeen() throws Exception {
        inbox.process(message("b2", "k"), recording("earlier"));
        List<Connection> connections = new ArrayList<>();
        List<String> order = new ArrayList<>();
        MessageHandler handler = (tx, m) -> {
            connections.add(tx);
            order.add(m.messageId());
            recording("batch").handle(tx, m);
        };
        List<IncomingMessage> batch = List.of(message("b1", "k"), message("b2", "k"), message("b3", "k"),
                message("b1", "k"), message("b4", "k"));
        assertThat(inbox.processAll(batch, handler)).containsExactly(InboxResult.PROCESSED, InboxResult.DUPLICATE,
                InboxResult.PROCESSED, InboxResult.DUPLICATE, InboxResult.PROCESSED);
        assertThat(order).containsExactly("b1", "b3", "b4");
        assertThat(connections).as("one transaction for the batch").hasSize(3).containsOnly(connections.get(0));
        for (String id : List.of("b1", "b2", "b3", "b4")) {
            assertThat(effects(id)).as(id).isEqualTo(1);
            assertThat(inboxStatus(id)).isEqualTo("PROCESSED");
        }
        assertThat(inbox.processAll(batch, handler)).as("a redelivered batch is all duplicates")
                .containsOnly(InboxResult.DUPLICATE);
    }

    @Test
    void processAllFallsBackToOneByOneWhenAMessageFailsSoOnlyThePoisonIsDeadLettered() throws Exception {
        List<String> order = new ArrayList<>();
        MessageHandler handler = (tx, m) -> {
            order.add(m.messageId());
            recording("ok").handle(tx, m);
            if (m.messageId().equals("p2")) {
                throw new IllegalArgumentException("unparseable order");
            }
        };
        List<IncomingMessage> batch = List.of(message("p1", "k"), message("p2", "k"), message("p3", "k"));
        assertThat(inbox.processAll(batch, handler))
                .containsExactly(InboxResult.PROCESSED, InboxResult.DEAD_LETTERED, InboxResult.PROCESSED);
        assertThat(order).as("the batch attempt, then one by one in order with the poison's retries")
                .containsExactly("p1", "p2", "p1", "p2", "p2", "p2", "p3");
        assertThat(effects("p1")).as("the rolled-back batch left nothing behind").isEqualTo(1);
        assertThat(effects("p2")).isZero();
        assertThat(effects("p3")).isEqualTo(1);
        assertThat(inboxStatus("p2")).isEqualTo("DEAD");
        assertThat(inbox.deadLetters().list()).singleElement().satisfies(d -> assertThat(d.messageId()).isEqualTo("p2"));
    }

    @Test
    void processAllFallsBackWhenAnotherConsumerInstanceRecordsAMessageMidBatch() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        MessageHandler handler = (tx, m) -> {
            if (calls.incrementAndGet() == 1) {
                // a second instance of this consumer (after a rebalance) processes r2 meanwhile and commits
                assertThat(inbox.process(message("r2", "k"), recording("other instance"))).isEqualTo(InboxResult.PROCESSED);
            }
            recording("batch").handle(tx, m);
        };
        List<IncomingMessage> batch = List.of(message("r1", "k"), message("r2", "k"), message("r3", "k"));
        assertThat(inbox.processAll(batch, handler))
                .containsExactly(InboxResult.PROCESSED, InboxResult.DUPLICATE, InboxResult.PROCESSED);
        for (String id : List.of("r1", "r2", "r3")) {
            assertThat(effects(id)).as(id).isEqualTo(1);
        }
    }

    @Test
    void aFailingHandlerIsRetriedWithBackoffAndItsWritesRolledBack() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        MessageHandler flaky = (tx, m) -> {
            recording("attempt " + attempts.incrementAndGet()).handle(tx, m);
            if (attempts.get() < 3) {
                throw new IllegalStateException("stock service busy");
            }
        };
        long before = clock.nanoTime();
        assertThat(inbox.process(message("m2", "k"), flaky)).isEqualTo(InboxResult.PROCESSED);
        assertThat(attempts.get()).isEqualTo(3);
        assertThat(effects("m2")).as("failed attempts left nothing behind").isEqualTo(1);
        assertThat(clock.nanoTime() - before).as("waited at least two backoffs of >= 100 ms")
                .isGreaterThanOrEqualTo(Duration.ofMillis(200).toNanos());
        assertThat(inbox.deadLetters().list()).isEmpty();
        assertThat(inbox.deadLetters().count()).isZero();
    }

    @Test
    void aPoisonMessageIsDeadLetteredAfterMaxAttemptsWhileLaterMessagesKeepFlowing() throws Exception {
        MessageHandler handler = (tx, m) -> {
            if (new String(m.payload()).contains("poison")) {
                throw new IllegalArgumentException("cannot parse order " + m.messageId());
            }
            recording("ok").handle(tx, m);
        };
        List<IncomingMessage> stream = List.of(message("a1", "k1"),
                new IncomingMessage("p1", "orders", "k2", "poison".getBytes(), Map.of("trace", "x")),
                message("a2", "k1"), message("a3", "k2"));
        List<InboxResult> results = new ArrayList<>();
        for (IncomingMessage m : stream) {
            results.add(inbox.process(m, handler));
        }
        assertThat(results).containsExactly(InboxResult.PROCESSED, InboxResult.DEAD_LETTERED, InboxResult.PROCESSED,
                InboxResult.PROCESSED);
        assertThat(effects("a1") + effects("a2") + effects("a3")).isEqualTo(3);
        List<DeadLetter> dead = inbox.deadLetters().list();
        assertThat(dead).hasSize(1);
        assertThat(inbox.deadLetters().count()).isEqualTo(1);
        DeadLetter d = dead.get(0);
        assertThat(d.consumer()).isEqualTo("inventory");
        assertThat(d.messageId()).isEqualTo("p1");
        assertThat(d.topic()).isEqualTo("orders");
        assertThat(d.key()).isEqualTo("k2");
        assertThat(new String(d.payload())).isEqualTo("poison");
        assertThat(d.headers()).containsEntry("trace", "x");
        assertThat(d.attempts()).isEqualTo(3);
        assertThat(d.error()).startsWith("java.lang.IllegalArgumentException: cannot parse order p1");
        assertThat(d.failedAt()).isNotNull();
        assertThat(d.redriveRequested()).isFalse();
        assertThat(inboxStatus("p1")).isEqualTo("DEAD");
        assertThat(inbox.process(stream.get(1), handler)).as("a redelivered dead letter is skipped")
                .isEqualTo(InboxResult.DUPLICATE);
        assertThat(inbox.deadLetters().list("inventory")).hasSize(1);
        assertThat(inbox.deadLetters().list("billing")).isEmpty();
    }

    private DeadLetter deadLetterFor(IncomingMessage m) throws Exception {
        MessageHandler failing = (tx, msg) -> {
            throw new IllegalStateException("bug #42");
        };
        assertThat(inbox.process(m, failing)).isEqualTo(InboxResult.DEAD_LETTERED);
        return inbox.deadLetters().list().get(0);
    }

    @Test
    void aMarkedDeadLetterIsRedrivenOnceByTheConsumer() throws Exception {
        IncomingMessage m = message("d1", "k");
        DeadLetter d = deadLetterFor(m);
        assertThat(inbox.redriveRequested(recording("fixed"))).as("nothing marked yet").isZero();
        inbox.deadLetters().redrive(d.id());
        assertThat(inbox.deadLetters().find(d.id())).hasValueSatisfying(x -> assertThat(x.redriveRequested()).isTrue());
        assertThat(inbox.redriveRequested(recording("fixed"))).isEqualTo(1);
        assertThat(inbox.redriveRequested(recording("fixed"))).isZero();
        assertThat(effects("d1")).isEqualTo(1);
        assertThat(inbox.deadLetters().list()).isEmpty();
        assertThat(inboxStatus("d1")).isEqualTo("PROCESSED");
        assertThat(inbox.process(m, recording("redelivered"))).isEqualTo(InboxResult.DUPLICATE);
        assertThat(effects("d1")).isEqualTo(1);
    }

    @Test
    void aFailedRedriveKeepsTheDeadLetterWithTheNewErrorAndOneMoreAttempt() throws Exception {
        DeadLetter d = deadLetterFor(message("d2", "k"));
        inbox.deadLetters().redrive(d.id());
        MessageHandler stillBroken = (tx, m) -> {
            recording("partial").handle(tx, m);
            throw new IllegalStateException("still broken");
        };
        assertThat(inbox.redriveRequested(stillBroken)).isZero();
        DeadLetter after = inbox.deadLetters().find(d.id()).orElseThrow();
        assertThat(after.attempts()).isEqualTo(4);
        assertThat(after.error()).startsWith("java.lang.IllegalStateException: still broken");
        assertThat(after.redriveRequested()).as("not retried in a loop").isFalse();
        assertThat(effects("d2")).isZero();
        assertThat(inboxStatus("d2")).isEqualTo("DEAD");
    }

    @Test
    void redriveNowRunsAHandlerAtOnceAndRedriveAllMarksEverything() throws Exception {
        DeadLetter d = deadLetterFor(message("d3", "k"));
        assertThat(inbox.deadLetters().redriveNow(d.id(), recording("now"))).isTrue();
        assertThat(effects("d3")).isEqualTo(1);
        assertThat(inbox.deadLetters().list()).isEmpty();
        assertThatThrownBy(() -> inbox.deadLetters().redriveNow(d.id(), recording("x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("no dead letter with id " + d.id());
        assertThatThrownBy(() -> inbox.deadLetters().redrive(12345))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("no dead letter with id 12345");
        deadLetterFor(message("d4", "k"));
        deadLetterFor(message("d5", "k"));
        assertThat(inbox.deadLetters().redriveAll("someone-else")).isZero();
        assertThat(inbox.deadLetters().redriveAll("inventory")).isEqualTo(2);
        assertThat(inbox.redriveRequested(recording("all"))).isEqualTo(2);
        assertThat(effects("d4") + effects("d5")).isEqualTo(2);
    }

    @Test
    void databaseFailuresAreThrownNotSwallowed() throws Exception {
        db.execute("DROP TABLE sinew_inbox");
        try {
            assertThatThrownBy(() -> inbox.process(message("x", "k"), recording("x"))).isInstanceOf(SQLException.class);
        } finally {
            db.dropAll();
        }
    }
}
