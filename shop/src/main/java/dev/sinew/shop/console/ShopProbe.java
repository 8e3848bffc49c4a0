package dev.sinew.shop.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sinew.console.verify.ProbeStep;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The shop's synthetic end-to-end probe, as a user would go: browse the catalog (a stale or
 * fallback answer fails the step: the system is not back yet), log in, place a test order of one
 * {@value #PRODUCT}, see it paid, and see its stock reserved by inventory (through Kafka). Each
 * step is bounded (5 s per request, 15 s for the reservation) so a verification never hangs.
 */
public final class ShopProbe {

    /** The product the test orders buy (500 in stock at seed). */
    public static final String PRODUCT = "p-001";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI gateway;
    private final URI inventory;
    private final String user;
    private final String password;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(1)).build();

    public ShopProbe(URI gateway, URI inventory, String user, String password) {
        this.gateway = gateway;
        this.inventory = inventory;
        this.user = user;
        this.password = password;
    }

    /** The steps, in order: browse, log in, place order, pay, stock reserved. */
    public Map<String, ProbeStep> steps() {
        Map<String, ProbeStep> s = new LinkedHashMap<>();
        s.put("browse", this::browse);
        s.put("log in", this::login);
        s.put("place order", this::placeOrder);
        s.put("pay", this::pay);
        s.put("stock reserved", this::reserved);
        return s;
    }

    /** A full (not degraded) catalog; a blip is forgiven: five tries, 1 s apart. */
    private String browse(Map<String, Object> state) throws Exception {
        String problem = null;
        for (int attempt = 1; attempt <= 5; attempt++) {
            HttpResponse<String> r = send(HttpRequest.newBuilder(gateway.resolve("/api/products")).GET());
            String degraded = r.headers().firstValue("X-Sinew-Degraded").orElse(null);
            int n = r.statusCode() == 200 ? JSON.readTree(r.body()).path("products").size() : 0;
            if (r.statusCode() != 200) {
                problem = "GET /api/products answered " + r.statusCode();
            } else if (degraded != null) {
                problem = "the catalog answered degraded (" + degraded + "): not back yet";
            } else if (n == 0) {
                problem = "no products listed";
            } else {
                return n + " products" + (attempt > 1 ? " (attempt " + attempt + ")" : "");
            }
            if (attempt < 5) {
                Thread.sleep(1000);
            }
        }
        throw new IllegalStateException(problem + " (5 tries)");
    }

    private String login(Map<String, Object> state) throws Exception {
        String body = JSON.createObjectNode().put("user", user).put("password", password).toString();
        HttpResponse<String> r = send(HttpRequest.newBuilder(gateway.resolve("/api/login"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)));
        expect(r, 200);
        state.put("token", JSON.readTree(r.body()).path("token").asText());
        return "logged in as " + user;
    }

    private String placeOrder(Map<String, Object> state) throws Exception {
        String body = "{\"items\":[{\"productId\":\"" + PRODUCT + "\",\"quantity\":1}]}";
        HttpResponse<String> r = send(HttpRequest.newBuilder(gateway.resolve("/api/orders"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + state.get("token"))
                .header("Idempotency-Key", "probe-" + UUID.randomUUID())
                .POST(HttpRequest.BodyPublishers.ofString(body)));
        expect(r, 201);
        JsonNode order = JSON.readTree(r.body());
        state.put("orderId", order.path("orderId").asText());
        return "order " + order.path("orderId").asText() + " " + order.path("status").asText();
    }

    private String pay(Map<String, Object> state) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        String status = "";
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = send(HttpRequest.newBuilder(gateway.resolve("/api/orders/" + state.get("orderId") + "/pay"))
                    .header("Authorization", "Bearer " + state.get("token"))
                    .POST(HttpRequest.BodyPublishers.noBody()));
            expect(r, 200);
            status = JSON.readTree(r.body()).path("status").asText();
            if ("PAID".equals(status)) {
                return "PAID";
            }
            if ("PAYMENT_FAILED".equals(status)) {
                throw new IllegalStateException("payment failed");
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("still " + status + " after 10 s");
    }

    private String reserved(Map<String, Object> state) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = send(HttpRequest.newBuilder(inventory.resolve("/reservations/" + state.get("orderId"))).GET());
            if (r.statusCode() == 200) {
                last = JSON.readTree(r.body()).path("status").asText();
                if ("RESERVED".equals(last)) {
                    return "inventory reserved the stock";
                }
                if ("OUT_OF_STOCK".equals(last)) {
                    throw new IllegalStateException("inventory says OUT_OF_STOCK");
                }
            } else {
                last = "HTTP " + r.statusCode();
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("no reservation within 15 s (last: " + last + ")");
    }

    private HttpResponse<String> send(HttpRequest.Builder b) throws IOException, InterruptedException {
        return http.send(b.timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void expect(HttpResponse<String> r, int status) {
        if (r.statusCode() != status) {
            String body = r.body().length() > 200 ? r.body().substring(0, 200) : r.body();
            throw new IllegalStateException(r.request().method() + " " + r.request().uri().getPath() + " answered "
                    + r.statusCode() + ": " + body);
        }
    }
}
