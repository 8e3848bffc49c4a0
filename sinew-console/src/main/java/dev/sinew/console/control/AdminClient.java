package dev.sinew.console.control;

import dev.sinew.console.admin.AdminException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sinew.console.scrape.Target;
import dev.sinew.console.security.AdminToken;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The console's client of a service's admin API ({@code /admin/...}, see {@code AdminRoutes} in the
 * shop): sends the admin token, bounds every call to 2 s, and turns a refusal into
 * {@link AdminException} carrying the service's own reason.
 */
public final class AdminClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final AdminToken token;

    public AdminClient(AdminToken token) {
        this.token = token;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(1)).build();
    }

    public JsonNode get(Target t, String path) {
        return send(t, HttpRequest.newBuilder(t.resolve(path)).GET(), path);
    }

    public JsonNode post(Target t, String path, Object body) {
        try {
            return send(t, HttpRequest.newBuilder(t.resolve(path))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))), path);
        } catch (IOException e) {
            throw new AdminException(500, "internal_error", e.getMessage());
        }
    }

    private JsonNode send(Target t, HttpRequest.Builder b, String path) {
        HttpResponse<String> r;
        try {
            r = http.send(b.timeout(Duration.ofSeconds(2)).header("Authorization", "Bearer " + token.value()).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AdminException(502, "service_unreachable", t.service() + " (" + t.instance()
                    + ") did not answer " + path + ": " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AdminException(503, "interrupted", "interrupted");
        }
        JsonNode body;
        try {
            body = r.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(r.body());
        } catch (IOException e) {
            body = JSON.createObjectNode().put("message", r.body());
        }
        if (r.statusCode() >= 300) {
            int status = r.statusCode() >= 500 ? 502 : r.statusCode();
            throw new AdminException(status, body.path("error").asText("service_refused"),
                    t.service() + ": " + body.path("message").asText(r.body()));
        }
        return body;
    }
}
