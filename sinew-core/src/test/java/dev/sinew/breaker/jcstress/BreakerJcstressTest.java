package dev.sinew.breaker.jcstress;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.openjdk.jcstress.JCStress;
import org.openjdk.jcstress.Options;
import org.openjdk.jcstress.infra.Status;
import org.openjdk.jcstress.infra.collectors.DiskReadCollector;
import org.openjdk.jcstress.infra.collectors.InProcessCollector;
import org.openjdk.jcstress.infra.collectors.TestResult;

/**
 * Runs the breaker's jcstress tests ({@code *Stress} in this package) from {@code mvn verify}, in
 * jcstress's short "sanity" mode with short iterations, and fails if any of them saw a FORBIDDEN
 * outcome or did not run cleanly. jcstress forks its own JVMs with this JVM's class path.
 */
class BreakerJcstressTest {

    private static final List<String> TESTS = List.of("HalfOpenProbesStress", "OpenToHalfOpenStress", "ClosedToOpenStress");

    @Test
    void breakerJcstressTestsSeeNoForbiddenOutcome() throws Exception {
        Path reports = Files.createDirectories(Path.of("target", "jcstress"));
        Options opts = new Options(new String[] {
            "-t", "dev\\.sinew\\.breaker\\.jcstress\\..*Stress",
            "-m", "sanity",
            "-time", "100",
            "-c", "2",
            "-sc", "false",
            "-r", reports.toString(),
        });
        assertThat(opts.parse()).as("jcstress options").isTrue();
        Path resultFile = Path.of(opts.getResultFile());
        try {
            new JCStress(opts).run();
            InProcessCollector collector = new InProcessCollector();
            DiskReadCollector reader = new DiskReadCollector(resultFile.toString(), collector);
            try {
                reader.dump();
            } finally {
                reader.close();
            }
            Collection<TestResult> results = collector.getTestResults();
            assertThat(results.stream().map(r -> r.getName().substring(r.getName().lastIndexOf('.') + 1))
                    .collect(Collectors.toSet())).as("jcstress tests that ran").containsAll(TESTS);
            List<String> failures = new ArrayList<>();
            for (TestResult r : results) {
                if (r.status() != Status.NORMAL) {
                    failures.add(r.getName() + ": " + r.status() + " " + r.getMessages() + " " + r.getVmErr());
                } else if (!r.grading().isPassed) {
                    failures.add(r.getName() + ": " + r.grading().failureMessages + " states " + r.getStateKeys().stream()
                            .map(k -> k + "=" + r.getCount(k)).collect(Collectors.joining(", ")));
                }
            }
            assertThat(failures).as("jcstress failures").isEmpty();
        } finally {
            deleteQuietly(resultFile);
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // only a leftover result file
        }
    }
}
