package dev.sinew.chaos.proxy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The HTTP API of a {@link FaultProxy}:
 * <ul>
 *   <li>{@code GET /links}: every link with its port, upstream and faults;</li>
 *   <li>{@code POST /links/{name}/faults} with a JSON object of faults: replaces the link's faults;</li>
 *   <li>{@code DELETE /links/{name}/faults}: clears them.</li>
 * </ul>
 * Errors come back as {@code {"error": "..."}}: 400 for a bad body, 404 for an unknown link or path,
 * 405 for a wrong method.
 */
public final class ProxyApi implements AutoCloseable {

    private static final int MAX_BODY = 64 * 1024;

    private final FaultProxy proxy;
    private final ObjectMapper json = new ObjectMapper();
    private final HttpServer server;
    private final ExecutorService executor;

    private ProxyApi(FaultProxy proxy, InetSocketAddress address) throws IOException {
        this.proxy = proxy;
        this.server = HttpServer.create(address, 16);
        this.executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "sinew-proxy-api");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/links", this::handle);
    }

    /** Serves the API of {@code proxy} on {@code address} (port 0 picks a free port). */
    public static ProxyApi start(FaultProxy proxy, InetSocketAddress address) throws IOException {
        ProxyApi api = new ProxyApi(proxy, address);
        api.server.start();
        return api;
    }

    /** The port the API listens on. */
    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String[] parts = ex.getRequestURI().getPath().replaceAll("/+$", "").split("/");
            // "", "links", name, "faults"
            String method = ex.getRequestMethod();
            if (parts.length == 2) {
                if (!method.equals("GET")) {
                    send(ex, 405, error("use GET on /links"));
                    return;
                }
                List<Map<String, Object>> out = new ArrayList<>();
                for (Link l : proxy.links()) {
                    out.add(describe(l));
                }
                send(ex, 200, out);
                return;
            }
            if (parts.length != 4 || !parts[3].equals("faults")) {
                send(ex, 404, error("no such path; use /links or /links/{name}/faults"));
                return;
            }
            Optional<Link> link = proxy.link(parts[2]);
            if (link.isEmpty()) {
                send(ex, 404, error("no link named '" + parts[2] + "'"));
                return;
            }
            switch (method) {
                case "GET" -> send(ex, 200, describe(link.get()));
                case "DELETE" -> {
                    proxy.faults(parts[2], LinkFaults.NONE);
                    send(ex, 200, describe(link.get()));
                }
                case "POST", "PUT" -> post(ex, link.get());
                default -> send(ex, 405, error("use GET, POST or DELETE on /links/{name}/faults"));
            }
        } catch (UncheckedIOException e) {
            send(ex, 500, error(e.getMessage()));
        }
    }

    private void post(HttpExchange ex, Link link) throws IOException {
        LinkFaults faults;
        try (InputStream in = ex.getRequestBody()) {
            byte[] body = in.readNBytes(MAX_BODY + 1);
            if (body.length > MAX_BODY) {
                send(ex, 413, error("body larger than " + MAX_BODY + " bytes"));
                return;
            }
            if (body.length == 0) {
                send(ex, 400, error("empty body; send a JSON object with keys " + LinkFaults.KEYS));
                return;
            }
            JsonNode node = json.readTree(body);
            faults = LinkFaults.fromJson(node);
        } catch (JsonProcessingException e) {
            send(ex, 400, error("malformed JSON at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ": " + e.getOriginalMessage()));
            return;
        } catch (IllegalArgumentException e) {
            send(ex, 400, error(e.getMessage()));
            return;
        }
        proxy.faults(link.name(), faults);
        send(ex, 200, describe(link));
    }

    private static Map<String, Object> describe(Link l) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", l.name());
        m.put("listen", l.listenHost() + ":" + l.port());
        m.put("upstream", l.upstream());
        m.put("faults", l.faults().toMap());
        m.put("connections", l.openConnections());
        return m;
    }

    private static Map<String, Object> error(String reason) {
        return Map.of("error", reason);
    }

    private void send(HttpExchange ex, int status, Object body) throws IOException {
        byte[] bytes = json.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
