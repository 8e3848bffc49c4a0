package dev.sinew.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class DemoTest {

    @Test
    void callersNeverSeeAnErrorAndTheFailingDownstreamIsNotAmplified() throws Exception {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        List<PhaseReport> reports = Demo.run(new DemoOptions(50, 2, false), new PrintStream(buffer, true, StandardCharsets.UTF_8));
        String out = buffer.toString(StandardCharsets.UTF_8);

        assertThat(reports).extracting(PhaseReport::phase).containsExactly("healthy", "50% errors", "hanging", "recovered");
        assertThat(reports).allSatisfy(r -> assertThat(r.failed()).as(r.phase() + " failed calls").isZero());
        assertThat(reports.get(0).ok()).isEqualTo(reports.get(0).calls());
        // a half-failing downstream would see 1.75x its load from 3 naive attempts; budget and breaker keep it lower
        assertThat(reports.get(1).amplification()).isLessThan(1.3);
        // a hanging downstream is shed by the breaker instead of receiving 3 attempts per call
        assertThat(reports.get(2).amplification()).isLessThan(1.0);
        assertThat(out).contains("verdict").contains("callers never saw an error");
    }

    @Test
    void optionsAreValidatedWithAClearMessage() {
        assertThatThrownBy(() -> DemoOptions.parse(new String[] {"--rate", "0"}))
                .hasMessageContaining("--rate").hasMessageContaining("'0'").hasMessageContaining("1 to 2000");
        assertThatThrownBy(() -> DemoOptions.parse(new String[] {"--fast"})).hasMessageContaining("unknown option '--fast'");
        assertThat(DemoOptions.parse(new String[] {"--help"}).help()).isTrue();
        assertThat(DemoOptions.parse(new String[] {"--seconds", "3"}).secondsPerPhase()).isEqualTo(3);
    }
}
