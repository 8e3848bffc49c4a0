package dev.sinew.shop.launcher;

import dev.sinew.console.security.AdminToken;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The console as a child process of the launcher ({@code dev.sinew.shop.console.ShopConsole}),
 * watching every service of a {@link Shop}; its data under {@code <dataDir>/console}, its log in
 * {@code <dataDir>/console/console.log}, the shop's admin token. Started after the services, stopped
 * with them.
 */
public final class ConsoleProcess implements AutoCloseable {

    private static final String MAIN = "dev.sinew.shop.console.ShopConsole";

    private final Shop shop;
    private final int port;
    private Process process;

    private ConsoleProcess(Shop shop, int port) {
        this.shop = shop;
        this.port = port;
    }

    /**
     * Starts the console of {@code shop} on {@code port} and waits until it answers. {@code extraArgs}
     * go to {@code ShopConsole}, e.g. {@code --chaos} (fault controls that break nodes) or
     * {@code --no-auto-incident}.
     */
    public static ConsoleProcess start(Shop shop, int port, Duration timeout, List<String> extraArgs) {
        ConsoleProcess c = new ConsoleProcess(shop, port);
        c.launch(timeout, extraArgs);
        return c;
    }

    private void launch(Duration timeout, List<String> extraArgs) {
        Path dir = shop.dataDir().resolve("console");
        List<String> cmd = new ArrayList<>(List.of(shop.javaExecutable(), "-Xmx128m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-D" + ParentWatchdog.PROPERTY + "=true", "-cp", shop.classpath(), MAIN,
                "--port", Integer.toString(port), "--data-dir", dir.toString(),
                "--token-file", shop.adminTokenFile().toString(),
                "--shop-state", shop.dataDir().resolve("shop-state.json").toString()));
        cmd.addAll(extraArgs);
        for (String s : Shop.SERVICES) {
            cmd.add("--service");
            cmd.add(s + "=" + shop.url(s));
        }
        try {
            Files.createDirectories(dir);
            process = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("console.log").toFile()))
                    .redirectInput(ProcessBuilder.Redirect.PIPE)
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the console: " + e.getMessage(), e);
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the console exited (code " + process.exitValue() + "); "
                        + dir.resolve("console.log") + " ends with:\n" + Shop.tail(dir.resolve("console.log"), 30));
            }
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(url() + "/health/live"))
                        .timeout(Duration.ofMillis(500)).build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        close();
        throw new IllegalStateException("the console did not answer within " + timeout + "; see " + dir.resolve("console.log"));
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public long pid() {
        return process.pid();
    }

    /** The admin token the console asks for. */
    public String token() {
        return AdminToken.read(shop.adminTokenFile()).value();
    }

    /** SIGTERM, SIGKILL after 10 s. */
    @Override
    public void close() {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.toHandle().destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
