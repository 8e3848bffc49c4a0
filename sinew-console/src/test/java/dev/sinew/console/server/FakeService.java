package dev.sinew.console.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in service over real HTTP (JDK server): answers /metrics and /diagnose with what the test
 * sets, and records the admin calls it gets (refusing those without the right token).
 */
final class FakeService implements AutoCloseable {

    final HttpServer server;
    final String token;
    final List<String> adminCalls = new CopyOnWriteArrayList<>();
    volatile String metrics = "";
    volatile String diagnose = "{\"verdict\":\"no failing dependency\",\"dependencies\":[]}";
    volatile boolean readOnly;

    FakeService(String token) throws IOException {
        this.token = token;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/metrics", x -> send(x, 200, "text/plain", metrics));
        server.createContext("/diagnose", x -> send(x, 200, "application/json", diagnose));
        server.createContext("/admin/", x -> {
            if (!("Bearer " + token).equals(x.getRequestHeaders().getFirst("Authorization"))) {
                send(x, 401, "application/json", "{\"error\":\"unauthorized\",\"message\":\"token\"}");
                return;
            }
            String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            if (x.getRequestMethod().equals("POST")) {
                adminCalls.add(x.getRequestURI().getPath() + " " + body);
                if (x.getRequestURI().getPath().equals("/admin/read-only")) {
                    readOnly = body.contains("\"on\":true");
                }
            }
            if (x.getRequestURI().getPath().contains("/breakers/missing")) {
                send(x, 404, "application/json", "{\"error\":\"not_found\",\"message\":\"no pipeline 'missing'\"}");
                return;
            }
            send(x, 200, "application/json", "{\"service\":\"fake\",\"breaker\":\"forced_open\",\"readOnly\":{\"on\":" + readOnly
                    + "},\"pipelines\":[]}");
        });
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private static void send(HttpExchange x, int status, String type, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", type);
        x.sendResponseHeaders(status, b.length);
        try (OutputStream os = x.getResponseBody()) {
            os.write(b);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
