package dev.sinew.shop.launcher;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sinew.chaos.proxy.LinkFaults;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A shop started by {@code ./sinew shop} in another process, driven through its state file and its
 * launcher's control port (so a node started again stays the launcher's child).
 */
public final class RemoteShop implements ShopNodes {

    private final Path dataDir;
    private final ShopState state;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private RemoteShop(Path dataDir) {
        this.dataDir = dataDir.toAbsolutePath();
        this.state = new ShopState(this.dataDir.resolve("shop-state.json"));
    }

    /** The shop whose launcher runs on {@code dataDir}; fails with a hint when there is none. */
    public static RemoteShop attach(Path dataDir) {
        RemoteShop s = new RemoteShop(dataDir);
        ShopState.Snapshot snap = s.snapshot();
        if (snap.controlPort() <= 0 || !ProcessHandle.of(snap.launcherPid()).map(ProcessHandle::isAlive).orElse(false)) {
            throw new IllegalStateException("the shop launcher of " + s.dataDir + " (pid " + snap.launcherPid()
                    + ") is not running; start it with ./sinew shop --chaos --data-dir " + dataDir);
        }
        return s;
    }

    private ShopState.Snapshot snapshot() {
        return state.read().orElseThrow(() -> new IllegalStateException("no shop running in " + dataDir
                + " (no shop-state.json); start one with ./sinew shop --chaos --data-dir " + dataDir));
    }

    private ShopState.Node node(String node) {
        ShopState.Node n = snapshot().nodes().get(node);
        if (n == null) {
            throw new IllegalArgumentException("unknown node '" + node + "'; expected one of " + Shop.NODES);
        }
        return n;
    }

    @Override
    public String url(String service) {
        return node(service).url();
    }

    @Override
    public int port(String node) {
        return node(node).port();
    }

    @Override
    public long pid(String node) {
        long pid = node(node).pid();
        return pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) ? pid : -1;
    }

    @Override
    public void kill(String node) {
        control(node, "kill");
    }

    @Override
    public void startNode(String node) {
        control(node, "start");
    }

    @Override
    public void freeze(String node) {
        control(node, "freeze");
    }

    @Override
    public void thaw(String node) {
        control(node, "thaw");
    }

    @Override
    public Path dataDir() {
        return dataDir;
    }

    @Override
    public int brokerProxyPort() {
        int p = snapshot().brokerProxyPort();
        return p > 0 ? p : -1;
    }

    @Override
    public void brokerLink(LinkFaults faults) {
        if (brokerProxyPort() < 0) {
            ShopNodes.super.brokerLink(faults);
        }
        try {
            control(Shop.BROKER, "link", new ObjectMapper().writeValueAsString(faults.toMap()));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private void control(String node, String action) {
        control(node, action, "");
    }

    private void control(String node, String action, String body) {
        int port = snapshot().controlPort();
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + port + "/nodes/" + node + "/" + action))
                    .header("Authorization", Shop.controlAuthorization(dataDir))
                    .timeout(Duration.ofSeconds(200)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException(node + " " + action + " failed: " + r.body().trim());
            }
        } catch (IOException e) {
            throw new IllegalStateException(node + " " + action + ": the launcher does not answer on port " + port
                    + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
