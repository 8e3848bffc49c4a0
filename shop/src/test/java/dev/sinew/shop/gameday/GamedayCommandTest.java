package dev.sinew.shop.gameday;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line: help, the suite listing, and bad arguments refused with exit code 2 before anything starts. */
class GamedayCommandTest {

    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            CommandLine cl = new CommandLine(new GamedayCommand());
            cl.setOut(new java.io.PrintWriter(System.out, true));
            cl.setErr(new java.io.PrintWriter(System.err, true));
            int code = cl.execute(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void helpSaysWhatItDoesAndHowLongItTakes() {
        Run r = run("--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("kill -9").contains("--experiment").contains("--compare").contains("--attach")
                .contains("gameday.html").contains("minutes").contains("50% errors").doesNotContain("%n");
    }

    @Test
    void listShowsWhatRunsAndWhatIsSkippedWithoutStartingAnything() {
        Run r = run("--list", "--targets", "payment,inventory", "--faults", "kill,latency");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("payment kill").contains("payment latency").contains("inventory kill")
                .contains("inventory latency        not run: no service calls inventory over HTTP");
    }

    @Test
    void badArgumentsExitWith2AndSayWhy(@TempDir Path dir) throws Exception {
        assertThat(run("--rate", "0", "--list")).satisfies(r -> {
            assertThat(r.code()).isEqualTo(2);
            assertThat(r.err()).contains("rate: 0.0 is not allowed");
        });
        assertThat(run("--fault", "soon", "--list").err()).contains("--fault: 'soon' is not a duration like");
        assertThat(run("--targets", "db", "--list").err()).contains("target 'db' is not one of");
        assertThat(run("--experiment", dir.resolve("missing.json").toString()).err()).contains("no such file");
        Path bad = Files.writeString(dir.resolve("bad.json"), "{\"title\": \"x\",\n \"hypothesis\": [{\"probe\": \"audit\"}],\n"
                + " \"method\": [{\"fault\": \"kil\", \"target\": \"payment\", \"duration\": \"5s\"}]}");
        Run r = run("--experiment", bad.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("bad.json line 3").contains("fault 'kil' is not one of kill");
        assertThat(run("--compare", "--attach", "--targets", "payment").code()).isEqualTo(2);
    }
}
