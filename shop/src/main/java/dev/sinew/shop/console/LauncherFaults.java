package dev.sinew.shop.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sinew.console.admin.AdminException;
import dev.sinew.console.control.FaultInjector;
import dev.sinew.shop.launcher.Shop;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Faults through the shop launcher: the console asks the running launcher (its control port, read
 * from {@code shop-state.json} at each call) to freeze, thaw, kill, stop or start a node, exactly as
 * {@code ./sinew shop freeze payment} does from a terminal.
 */
public final class LauncherFaults implements FaultInjector {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> NODES = List.of("gateway", "auth", "catalog", "recommendation", "order",
            "payment", "inventory", "broker");

    private final Path stateFile;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    public LauncherFaults(Path stateFile) {
        this.stateFile = stateFile;
    }

    @Override
    public List<String> nodes() {
        return NODES;
    }

    @Override
    public void apply(String node, String action) {
        int port;
        try {
            JsonNode state = JSON.readTree(Files.readString(stateFile));
            port = state.path("controlPort").asInt();
        } catch (IOException e) {
            throw new AdminException(503, "launcher_unknown", "cannot read " + stateFile + ": " + e.getMessage());
        }
        if (port <= 0) {
            throw new AdminException(503, "launcher_unknown", "no launcher control port in " + stateFile);
        }
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/nodes/" + node + "/" + action))
                    .header("Authorization", Shop.controlAuthorization(stateFile.toAbsolutePath().getParent()))
                    .timeout(Duration.ofSeconds(120)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new AdminException(r.statusCode() == 400 ? 400 : 502, "launcher_refused", r.body().trim());
            }
        } catch (IOException e) {
            throw new AdminException(502, "launcher_unreachable", "the shop launcher did not answer: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AdminException(503, "interrupted", "interrupted");
        }
    }
}
