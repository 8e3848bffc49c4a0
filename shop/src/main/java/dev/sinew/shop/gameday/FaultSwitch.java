package dev.sinew.shop.gameday;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sinew.chaos.proxy.LinkFaults;
import dev.sinew.console.security.AdminToken;
import dev.sinew.shop.launcher.Shop;
import dev.sinew.shop.launcher.ShopNodes;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Switches in-process faults on every service's calls to a target through {@code /admin/faults}
 * (the services must run with {@code --chaos}). A fault "on payment" is put into every caller's
 * pipeline named {@code payment}; the answer says which services actually call it.
 */
final class FaultSwitch {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ShopNodes shop;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    FaultSwitch(ShopNodes shop) {
        this.shop = shop;
    }

    /** Fails with a hint when the gateway does not take faults (started without --chaos). */
    void requireChaos() {
        try {
            HttpResponse<String> r = send("gateway", HttpRequest.newBuilder(URI.create(shop.url("gateway") + "/admin/faults")).GET());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("the shop does not take in-process faults (GET /admin/faults: "
                        + r.statusCode() + " " + r.body().trim() + "); start it with ./sinew shop --chaos");
            }
        } catch (IOException e) {
            throw new IllegalStateException("the gateway does not answer at " + shop.url("gateway") + ": " + e.getMessage(), e);
        }
    }

    /**
     * Turns the fault on in every service but the target; returns the services that call the target
     * (have a pipeline of that name). {@code body} is the /admin/faults request.
     */
    List<String> enable(String target, String body) {
        List<String> callers = new ArrayList<>();
        for (String s : Shop.SERVICES) {
            if (s.equals(target)) {
                continue;
            }
            try {
                HttpResponse<String> r = send(s, HttpRequest.newBuilder(URI.create(shop.url(s) + "/admin/faults"))
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)));
                if (r.statusCode() != 200) {
                    throw new IllegalStateException(s + " refused the fault " + body + ": " + r.statusCode() + " " + r.body().trim());
                }
                JsonNode n = JSON.readTree(r.body());
                if (n.path("pipeline").asBoolean(false)) {
                    callers.add(s);
                }
            } catch (IOException e) {
                throw new IllegalStateException(s + " did not take the fault: " + e.getMessage(), e);
            }
        }
        return callers;
    }

    /**
     * Turns every fault off on every running service and on the broker's proxy link; best effort (a
     * service that is down has none).
     */
    List<String> clearAll() {
        List<String> problems = new ArrayList<>();
        if (shop.brokerProxyPort() > 0) {
            try {
                shop.brokerLink(LinkFaults.NONE);
            } catch (RuntimeException e) {
                problems.add("broker proxy link: " + e.getMessage());
            }
        }
        for (String s : Shop.SERVICES) {
            if (shop.pid(s) < 0 || shop.frozen(s)) {
                continue;
            }
            try {
                HttpResponse<String> r = send(s, HttpRequest.newBuilder(URI.create(shop.url(s) + "/admin/faults")).DELETE());
                if (r.statusCode() != 200) {
                    problems.add(s + ": " + r.statusCode());
                }
            } catch (IOException e) {
                problems.add(s + ": " + e.getMessage());
            }
        }
        return problems;
    }

    private HttpResponse<String> send(String service, HttpRequest.Builder b) throws IOException {
        Path tokenFile = shop.dataDir().resolve("admin-token");
        if (Files.isRegularFile(tokenFile)) { // the launcher's services require it on every /admin route
            b.header("Authorization", "Bearer " + AdminToken.read(tokenFile).value());
        }
        try {
            return http.send(b.timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
