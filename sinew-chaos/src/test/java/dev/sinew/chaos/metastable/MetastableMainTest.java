package dev.sinew.chaos.metastable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetastableMainTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) throws IOException {
        return MetastableMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void printsTheTableAndSummaryAndWritesMarkdown() throws IOException {
        int code = run("--capacity", "200", "--outage-at", "5", "--outage", "5", "--duration", "20",
                "--seed", "3", "--client", "both", "--out", dir.toString());

        assertThat(code).isZero();
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(text).contains("naive req good% att queue", "sinew req good% att queue", "OUTAGE",
                "time to recover after the outage", "amplification during the outage");
        Path md = dir.resolve("metastable.md");
        assertThat(text).contains("Markdown summary: " + md.toAbsolutePath());
        assertThat(Files.readString(md)).startsWith("# Metastability experiment")
                .contains("Server capacity 200/s", "| amplification during the outage |", "## Per second");
    }

    @Test
    void helpPrintsTheUsage() throws IOException {
        assertThat(run("--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("--capacity N", "--client K");
    }

    @Test
    void badArgumentsAreRejectedWithTheReason() throws IOException {
        assertThat(run("--load", "lots")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("error: --load: 'lots' is not a number");

        err.reset();
        assertThat(run("--client", "smart")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("--client: 'smart' is not one of naive, sinew, budget, both, all");

        err.reset();
        assertThat(run("--capacity", "0")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("capacity: 0 is not allowed");

        err.reset();
        assertThat(run("--outage", "30", "--duration", "20")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("an outage that ends within the run");

        err.reset();
        assertThat(run("--speed", "9")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown option '--speed'");

        err.reset();
        assertThat(run("--seed")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--seed: needs a value");
        assertThat(out.size()).isZero();
    }

    @Test
    void theScenarioBuilderNamesTheBadKey() {
        assertThatThrownBy(() -> Scenario.builder().load(0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("load: 0.0 is not allowed");
        assertThatThrownBy(() -> Scenario.builder().timeoutMs(0).build())
                .hasMessageStartingWith("timeout: 0 is not allowed");
        assertThatThrownBy(() -> Scenario.builder().queue(0).build())
                .hasMessageStartingWith("queue: 0 is not allowed");
    }
}
