package dev.sinew.outbox.cli;

import dev.sinew.outbox.DeadLetter;
import dev.sinew.outbox.DeadLetters;
import dev.sinew.outbox.Lag;
import dev.sinew.outbox.store.ConnectionSource;
import dev.sinew.outbox.store.H2Recovery;
import dev.sinew.outbox.store.Schema;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import javax.sql.DataSource;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Command line for operators: migrate the schema, show the relay lag, list and redrive dead letters.
 *
 * <pre>
 * java -cp ... dev.sinew.outbox.cli.OutboxCli migrate --jdbc-url jdbc:h2:file:./data/shop
 * ... lag --jdbc-url jdbc:postgresql://127.0.0.1:5432/shop --user app --password secret
 * ... dead-letters list --jdbc-url ...
 * ... dead-letters redrive 42 --jdbc-url ...      (or --all [--consumer NAME])
 * </pre>
 *
 * Exit codes: 0 success, 1 failure (message on stderr), 2 bad usage.
 */
@Command(name = "sinew-outbox", mixinStandardHelpOptions = true, version = "sinew-outbox 0.1.0",
        description = "Operate the Sinew transactional outbox, inbox and dead letters in a database.",
        subcommands = {OutboxCli.Migrate.class, OutboxCli.LagCommand.class, OutboxCli.DeadLettersCommand.class,
                CommandLine.HelpCommand.class},
        footer = {"", "Database options may also come from SINEW_JDBC_URL, SINEW_JDBC_USER and SINEW_JDBC_PASSWORD.",
                "Exit codes: 0 success, 1 failure, 2 bad usage."})
public final class OutboxCli implements Runnable {

    @Spec
    CommandLine.Model.CommandSpec spec;

    /** Runs the command line and exits the JVM with its exit code. */
    public static void main(String[] args) {
        System.exit(run(System.out, System.err, args));
    }

    /** Runs the command line in-process and returns the exit code (for tests and embedding). */
    public static int run(PrintStream out, PrintStream err, String... args) {
        CommandLine cl = new CommandLine(new OutboxCli());
        PrintWriter o = new PrintWriter(out, true);
        PrintWriter e = new PrintWriter(err, true);
        cl.setOut(o);
        cl.setErr(e);
        cl.setExecutionExceptionHandler((ex, cmd, parse) -> {
            cmd.getErr().println("error: " + message(ex));
            return 1;
        });
        cl.setParameterExceptionHandler((ex, args2) -> {
            CommandLine cmd = ex.getCommandLine();
            String m = String.valueOf(ex.getMessage());
            m = m.startsWith("Error: ") ? m.substring("Error: ".length()) : m;
            cmd.getErr().println("error: " + m.replace('\n', ' ') + " (see '" + cmd.getCommandSpec().qualifiedName()
                    + " --help')");
            return 2;
        });
        int code = cl.execute(args);
        o.flush();
        e.flush();
        return code;
    }

    private static String message(Throwable ex) {
        String m = ex.getMessage();
        if (ex instanceof SQLException && m != null) {
            int nl = m.indexOf('\n');
            m = nl > 0 ? m.substring(0, nl) : m;
        }
        return m == null ? ex.getClass().getSimpleName() : m.replace('\n', ' ');
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command: migrate, lag or dead-letters");
    }

    /** The database options every command takes. */
    static final class Db {
        @Option(names = "--jdbc-url", required = true, defaultValue = "${env:SINEW_JDBC_URL}",
                description = "JDBC URL, e.g. jdbc:h2:file:./data/shop or jdbc:postgresql://127.0.0.1:5432/shop")
        String url;

        @Option(names = "--user", defaultValue = "${env:SINEW_JDBC_USER}", description = "database user")
        String user;

        @Option(names = "--password", defaultValue = "${env:SINEW_JDBC_PASSWORD}", description = "database password")
        String password;

        DataSource dataSource() {
            // an embedded H2 file left by a killed process would open without its last commits
            H2Recovery.recoverUrl(url);
            return new DriverManagerDataSource(url, user, password);
        }

        DataSource verified() throws SQLException {
            DataSource ds = dataSource();
            Schema.verify(ds);
            return ds;
        }
    }

    @Command(name = "migrate", mixinStandardHelpOptions = true,
            description = "Create the outbox, inbox and dead-letter tables, or migrate them to this version.")
    static final class Migrate implements Callable<Integer> {
        @Mixin
        Db db;
        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws SQLException {
            Schema.migrate(db.dataSource());
            spec.commandLine().getOut().println("schema is at version " + Schema.CURRENT_VERSION);
            return 0;
        }
    }

    @Command(name = "lag", mixinStandardHelpOptions = true,
            description = "Show how many committed outbox rows are not yet sent, and the age of the oldest.")
    static final class LagCommand implements Callable<Integer> {
        @Mixin
        Db db;
        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws SQLException {
            Lag lag = Lag.measure(db.verified(), Clock.systemUTC());
            spec.commandLine().getOut().println("unsent: " + lag.unsentRows() + " rows, oldest: "
                    + format(lag.oldestAge()));
            return 0;
        }

        private static String format(Duration d) {
            if (d.isZero()) {
                return "-";
            }
            return d.toMillis() < 10_000 ? d.toMillis() + " ms" : d.toSeconds() + " s";
        }
    }

    @Command(name = "dead-letters", mixinStandardHelpOptions = true,
            description = "List or redrive messages that a consumer gave up on.",
            subcommands = {DeadLettersCommand.ListCommand.class, DeadLettersCommand.RedriveCommand.class})
    static final class DeadLettersCommand implements Runnable {
        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            throw new CommandLine.ParameterException(spec.commandLine(), "missing command: list or redrive");
        }

        @Command(name = "list", mixinStandardHelpOptions = true, description = "List dead letters, oldest first.")
        static final class ListCommand implements Callable<Integer> {
            @Mixin
            Db db;
            @Spec
            CommandLine.Model.CommandSpec spec;
            @Option(names = "--consumer", description = "only this consumer's dead letters")
            String consumer;

            @Override
            public Integer call() throws SQLException {
                DeadLetters dls = DeadLetters.of(db.verified());
                List<DeadLetter> list = consumer == null ? dls.list() : dls.list(consumer);
                PrintWriter out = spec.commandLine().getOut();
                if (list.isEmpty()) {
                    out.println("no dead letters");
                    return 0;
                }
                out.printf("%-6s %-16s %-36s %-20s %-16s %8s %-24s %-7s %s%n", "ID", "CONSUMER", "MESSAGE ID", "TOPIC",
                        "KEY", "ATTEMPTS", "FAILED AT", "REDRIVE", "ERROR");
                for (DeadLetter d : list) {
                    out.printf("%-6d %-16s %-36s %-20s %-16s %8d %-24s %-7s %s%n", d.id(), d.consumer(), d.messageId(),
                            d.topic(), d.key() == null ? "-" : d.key(), d.attempts(), d.failedAt(),
                            d.redriveRequested() ? "pending" : "-", firstLine(d.error()));
                }
                out.println(list.size() + " dead letter" + (list.size() == 1 ? "" : "s"));
                return 0;
            }

            private static String firstLine(String error) {
                int nl = error.indexOf('\n');
                String s = (nl < 0 ? error : error.substring(0, nl)).strip();
                return s.length() <= 120 ? s : s.substring(0, 117) + "...";
            }
        }

        @Command(name = "redrive", mixinStandardHelpOptions = true,
                description = {"Mark dead letters for redrive. The running consumer processes them on its next",
                        "redrive check (Inbox.redriveRequested), once each, in one transaction with its inbox record."})
        static final class RedriveCommand implements Callable<Integer> {
            @Mixin
            Db db;
            @Spec
            CommandLine.Model.CommandSpec spec;

            @CommandLine.ArgGroup(multiplicity = "1")
            Target target;

            static final class Target {
                @Parameters(paramLabel = "<id>", description = "the dead letter's id (see dead-letters list)")
                Long id;
                @Option(names = "--all", required = true, description = "all dead letters (of --consumer, if given)")
                boolean all;
            }

            @Option(names = "--consumer", description = "with --all: only this consumer's dead letters")
            String consumer;

            @Override
            public Integer call() throws SQLException {
                DeadLetters dls = DeadLetters.of(db.verified());
                PrintWriter out = spec.commandLine().getOut();
                if (target.all) {
                    int n = dls.redriveAll(consumer);
                    out.println("marked " + n + " dead letter" + (n == 1 ? "" : "s") + " for redrive");
                } else {
                    if (consumer != null) {
                        throw new CommandLine.ParameterException(spec.commandLine(),
                                "--consumer only goes with --all");
                    }
                    dls.redrive(target.id);
                    out.println("marked dead letter " + target.id + " for redrive");
                }
                return 0;
            }
        }
    }

    /** A DataSource over {@link DriverManager}: the CLI opens one or two connections, no pool needed. */
    static final class DriverManagerDataSource extends ConnectionSource {
        private final String url;
        private final String user;
        private final String password;

        DriverManagerDataSource(String url, String user, String password) {
            this.url = url;
            this.user = user;
            this.password = password;
        }

        @Override
        public Connection getConnection() throws SQLException {
            return getConnection(user, password);
        }

        @Override
        public Connection getConnection(String user, String password) throws SQLException {
            try {
                return user == null ? DriverManager.getConnection(url) : DriverManager.getConnection(url, user, password);
            } catch (SQLException e) {
                if ("08001".equals(e.getSQLState()) && e.getMessage() != null && e.getMessage().startsWith("No suitable driver")) {
                    throw new SQLException("no JDBC driver for " + url + " (supported: jdbc:h2:..., jdbc:postgresql:...)", e);
                }
                throw new SQLException("cannot connect to " + url + ": " + message(e), e.getSQLState(), e);
            }
        }
    }
}
