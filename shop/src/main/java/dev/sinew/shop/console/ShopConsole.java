package dev.sinew.shop.console;

import dev.sinew.console.Console;
import dev.sinew.console.control.DegradationSwitch;
import dev.sinew.console.scrape.Target;
import dev.sinew.console.security.AdminToken;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The console process of the shop: watches the services given with {@code --service}, offers the
 * shop's degradations (recommendations off, catalog from cache), read-only mode for order writes
 * (gateway and order) and the shop's end-to-end probe ({@link ShopProbe}). Started by the launcher
 * ({@code ./sinew shop}); the admin token comes from {@code --token-file} (created if missing).
 */
@Command(name = "ShopConsole", mixinStandardHelpOptions = true,
        description = "The Sinew console for the reference shop: live service map, alerts, controls, probes, incidents.")
public final class ShopConsole implements Callable<Integer> {

    @Option(names = "--port", defaultValue = "8090", description = "HTTP port (default: ${DEFAULT-VALUE}; 0 = free port)")
    int port;

    @Option(names = "--bind", defaultValue = "127.0.0.1", description = "listen address (default: ${DEFAULT-VALUE}, loopback only)")
    String bind;

    @Option(names = "--data-dir", defaultValue = "data/console", description = "history, audit log, incidents (default: ${DEFAULT-VALUE})")
    Path dataDir;

    @Option(names = "--token-file", defaultValue = "data/admin-token", description = "the admin token, created at first start (default: ${DEFAULT-VALUE})")
    Path tokenFile;

    @Option(names = "--service", paramLabel = "<name>=<url>", required = true,
            description = "a service to watch, repeatable, e.g. gateway=http://127.0.0.1:8080")
    Map<String, String> services = new LinkedHashMap<>();

    @Option(names = "--no-auto-incident", description = "do not open an incident when a paging alert fires")
    boolean noAutoIncident;

    @Option(names = "--shop-state", paramLabel = "<file>",
            description = "the launcher's shop-state.json: fault controls (freeze, kill, thaw, start) go through the launcher")
    Path shopState;

    @Option(names = "--chaos", description = "enable the fault controls that break nodes (freeze, kill, stop); off by default")
    boolean chaos;

    public static void main(String[] args) {
        dev.sinew.shop.launcher.ParentWatchdog.installIfRequested();
        int code = new CommandLine(new ShopConsole()).execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }

    @Override
    public Integer call() throws Exception {
        Console.Builder b = builder(services, dataDir, AdminToken.loadOrCreate(tokenFile), bind, port, !noAutoIncident);
        if (shopState != null) {
            b.faults(new LauncherFaults(shopState), chaos);
            b.gameday(gamedayCommand(shopState.toAbsolutePath().getParent()));
        }
        Console console = b.build().start();
        System.out.println("console listening on " + console.url() + "/");
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            console.close();
            stopped.countDown();
        }, "console-shutdown"));
        stopped.await();
        return 0;
    }

    /**
     * The game day runner against the shop whose data dir is {@code shopDataDir}, with the console's
     * own java and classpath: {@code GamedayCommand --attach --data-dir <dir>} (the console adds the
     * experiment and {@code --out}). On SIGTERM (stop from the console) the runner rolls back its faults.
     */
    static List<String> gamedayCommand(Path shopDataDir) {
        String java = ProcessHandle.current().info().command().orElse("java");
        return List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                dev.sinew.shop.gameday.GamedayCommand.class.getName(), "--attach", "--data-dir", shopDataDir.toString());
    }

    /** The console settings for a shop whose services listen at {@code services} (name → base URL). */
    public static Console.Builder builder(Map<String, String> services, Path dataDir, AdminToken token, String bind, int port,
                                          boolean autoIncident) {
        Console.Builder b = Console.builder().dataDir(dataDir).token(token).bindAddress(bind).port(port)
                .openIncidentOnPage(autoIncident);
        services.forEach((name, url) -> b.target(Target.of(name, url)));
        sw(b, services, "recommendations-off", "the gateway serves popular products (fallback:popular) without asking recommendation",
                List.of(new DegradationSwitch.Edge("gateway", "recommendation")));
        sw(b, services, "catalog-from-cache", "the last known catalog is served (stale:catalog); nobody calls catalog",
                List.of(new DegradationSwitch.Edge("gateway", "catalog"), new DegradationSwitch.Edge("recommendation", "catalog"),
                        new DegradationSwitch.Edge("order", "catalog")));
        for (String s : List.of("gateway", "order")) {
            if (services.containsKey(s)) {
                b.readOnlyService(s);
            }
        }
        if (services.containsKey("gateway") && services.containsKey("inventory")) {
            ShopProbe probe = new ShopProbe(URI.create(services.get("gateway")), URI.create(services.get("inventory")),
                    "alice", "alice");
            probe.steps().forEach(b::probeStep);
        }
        return b;
    }

    private static void sw(Console.Builder b, Map<String, String> services, String name, String description,
                           List<DegradationSwitch.Edge> edges) {
        List<DegradationSwitch.Edge> present = new ArrayList<>();
        for (DegradationSwitch.Edge e : edges) {
            if (services.containsKey(e.service())) {
                present.add(e);
            }
        }
        if (!present.isEmpty()) {
            b.degradationSwitch(new DegradationSwitch(name, description, present));
        }
    }
}
