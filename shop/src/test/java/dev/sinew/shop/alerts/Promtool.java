package dev.sinew.shop.alerts;

import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs Prometheus' {@code promtool} as a child process. Missing promtool fails the test (it does
 * not skip it): the rules would otherwise go untested without anyone noticing.
 */
public final class Promtool {

    static final String MISSING = "promtool not found on the PATH (nor at -Dpromtool=...). The alert rule tests need it:"
            + " install Debian's `prometheus` package (`apt-get install -y prometheus`, it ships promtool);"
            + " .ci/run installs it when missing.";

    private static final long TIMEOUT_SECONDS = 120;

    /** What promtool printed (stdout and stderr together) and its exit code. */
    public record Result(int exitCode, String output) {}

    private final Path executable;

    private Promtool(Path executable) {
        this.executable = executable;
    }

    /** Finds promtool via -Dpromtool or the PATH, or fails the calling test saying how to install it. */
    public static Promtool require() {
        String property = System.getProperty("promtool");
        if (property != null && !property.isBlank()) {
            Path p = Path.of(property);
            if (!Files.isExecutable(p)) {
                fail("-Dpromtool=" + property + " is not an executable file. " + MISSING);
            }
            return new Promtool(p);
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                if (dir.isEmpty()) {
                    continue;
                }
                Path candidate = Path.of(dir, "promtool");
                if (Files.isExecutable(candidate)) {
                    return new Promtool(candidate);
                }
            }
        }
        return fail(MISSING);
    }

    /** Runs {@code promtool <args>} in {@code workDir} and waits for it (at most two minutes). */
    public Result run(Path workDir, String... args) throws IOException, InterruptedException {
        return runWithInput(workDir, "", args);
    }

    /** Runs {@code promtool <args>} with {@code input} on its stdin ({@code check metrics} reads it there). */
    public Result runWithInput(Path workDir, String input, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(executable.toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .start();
        try (var stdin = process.getOutputStream()) {
            stdin.write(input.getBytes(StandardCharsets.UTF_8));
        }
        // the output is small (a few KiB even when every case fails), so reading it before waiting is safe
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("promtool " + String.join(" ", args) + " did not finish within " + TIMEOUT_SECONDS + " s; output so far:\n" + output);
        }
        return new Result(process.exitValue(), output);
    }

    /** Runs promtool and fails with its whole output unless it exits with 0. */
    public String succeed(Path workDir, String... args) throws IOException, InterruptedException {
        Result r = run(workDir, args);
        if (r.exitCode() != 0) {
            fail("promtool " + String.join(" ", args) + " (in " + workDir + ") exited with " + r.exitCode() + ":\n" + r.output());
        }
        return r.output();
    }
}
