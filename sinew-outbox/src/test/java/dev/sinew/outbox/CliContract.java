package dev.sinew.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sinew.outbox.cli.OutboxCli;
import dev.sinew.time.TestClock;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The picocli main run in-process against the test database. Runs on H2 and PostgreSQL. */
abstract class CliContract extends DbTestBase {

    record Run(int code, String out, String err) {
    }

    Run cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = OutboxCli.run(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), args);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** {@code command} followed by this database's connection options. */
    Run onDb(String... command) {
        List<String> args = new ArrayList<>(List.of(command));
        args.addAll(db.cliArgs());
        return cli(args.toArray(String[]::new));
    }

    private Inbox inbox() throws Exception {
        return Inbox.create(db.dataSource(), InboxConfig.builder().consumer("inventory").maxAttempts(2)
                .backoff(Duration.ofMillis(1), Duration.ofMillis(1)).clock(new TestClock()).build());
    }

    private void deadLetter(Inbox inbox, String id) throws Exception {
        inbox.process(new IncomingMessage(id, "orders", "k-" + id, "x".getBytes(), Map.of()), (tx, m) -> {
            throw new IllegalStateException("handler bug\nsecond line");
        });
    }

    @Test
    void helpListsTheCommands() {
        Run help = cli("--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("migrate", "lag", "dead-letters", "SINEW_JDBC_URL", "Exit codes");
        Run sub = cli("dead-letters", "redrive", "--help");
        assertThat(sub.code()).isZero();
        assertThat(sub.out()).contains("--all", "--jdbc-url", "<id>", "redrive check");
    }

    @Test
    void usageErrorsExitWithTwoAndOneLine() {
        Run none = cli();
        assertThat(none.code()).isEqualTo(2);
        assertThat(none.err()).startsWith("error: missing command");
        Run noUrl = cli("lag");
        assertThat(noUrl.code()).isEqualTo(2);
        assertThat(noUrl.err()).contains("error: Missing required option: '--jdbc-url");
        Run noTarget = onDb("dead-letters", "redrive");
        assertThat(noTarget.code()).isEqualTo(2);
        assertThat(noTarget.err()).startsWith("error: Missing required argument")
                .contains("(see 'sinew-outbox dead-letters redrive --help')");
        assertThat(noTarget.err().strip()).doesNotContain("\n");
        Run badId = onDb("dead-letters", "redrive", "abc");
        assertThat(badId.code()).isEqualTo(2);
        assertThat(badId.err()).contains("abc");
    }

    @Test
    void anUnmigratedDatabaseOrABadUrlFailsWithAClearMessage() throws Exception {
        db.dropAll();
        Run lag = onDb("lag");
        assertThat(lag.code()).isEqualTo(1);
        assertThat(lag.err()).startsWith("error: table sinew_schema_version does not exist").contains("migrate");
        assertThat(lag.err().strip()).doesNotContain("\n");
        Run badUrl = cli("lag", "--jdbc-url", "jdbc:nosuchdb:x");
        assertThat(badUrl.code()).isEqualTo(1);
        assertThat(badUrl.err()).startsWith("error: no JDBC driver for jdbc:nosuchdb:x");
    }

    @Test
    void migrateThenLag() throws Exception {
        db.dropAll();
        Run migrate = onDb("migrate");
        assertThat(migrate.code()).as(migrate.err()).isZero();
        assertThat(migrate.out()).contains("schema is at version 1");
        assertThat(onDb("lag").out()).contains("unsent: 0 rows, oldest: -");
        Outbox outbox = Outbox.create(db.dataSource(), OutboxConfig.defaults());
        publishCommitted(outbox, db.dataSource(), "orders", "a", "1");
        publishCommitted(outbox, db.dataSource(), "orders", "b", "2");
        Run lag = onDb("lag");
        assertThat(lag.code()).isZero();
        assertThat(lag.out()).startsWith("unsent: 2 rows, oldest: ");
    }

    @Test
    void listAndRedriveDeadLetters() throws Exception {
        Inbox inbox = inbox();
        assertThat(onDb("dead-letters", "list").out()).contains("no dead letters");
        deadLetter(inbox, "m-1");
        deadLetter(inbox, "m-2");
        deadLetter(inbox, "m-3");
        long first = inbox.deadLetters().list().get(0).id();
        Run list = onDb("dead-letters", "list");
        assertThat(list.code()).isZero();
        assertThat(list.out()).contains("ID", "CONSUMER", "MESSAGE ID", "ATTEMPTS", "ERROR", "m-1", "k-m-1", "inventory",
                "java.lang.IllegalStateException: handler bug", "3 dead letters");
        assertThat(list.out()).doesNotContain("second line");
        assertThat(onDb("dead-letters", "list", "--consumer", "billing").out()).contains("no dead letters");

        Run one = onDb("dead-letters", "redrive", String.valueOf(first));
        assertThat(one.code()).as(one.err()).isZero();
        assertThat(one.out()).contains("marked dead letter " + first + " for redrive");
        assertThat(onDb("dead-letters", "list").out()).contains("pending");
        List<String> processed = new ArrayList<>();
        assertThat(inbox.redriveRequested((tx, m) -> processed.add(m.messageId()))).isEqualTo(1);
        assertThat(processed).containsExactly("m-1");

        Run missing = onDb("dead-letters", "redrive", "999999");
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err()).isEqualTo("error: no dead letter with id 999999" + System.lineSeparator());

        Run all = onDb("dead-letters", "redrive", "--all", "--consumer", "inventory");
        assertThat(all.code()).isZero();
        assertThat(all.out()).contains("marked 2 dead letters for redrive");
        assertThat(inbox.redriveRequested((tx, m) -> processed.add(m.messageId()))).isEqualTo(2);
        assertThat(processed).containsExactly("m-1", "m-2", "m-3");
        assertThat(onDb("dead-letters", "list").out()).contains("no dead letters");
    }
}
