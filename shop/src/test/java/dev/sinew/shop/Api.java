package dev.sinew.shop;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sinew.shop.runtime.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** A small HTTP client for the tests: every call has a 10 s timeout. */
final class Api {

    /** One answer. */
    record Reply(int status, Map<String, java.util.List<String>> headers, String body, long millis) {
        JsonNode json() {
            return Json.parse(body);
        }

        String header(String name) {
            for (Map.Entry<String, java.util.List<String>> e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name)) {
                    return e.getValue().get(0);
                }
            }
            return null;
        }
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    private Api() {
    }

    static Reply get(String url, String... headers) throws Exception {
        return send("GET", url, null, headers);
    }

    static Reply post(String url, String body, String... headers) throws Exception {
        return send("POST", url, body, headers);
    }

    static Reply send(String method, String url, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        long t0 = System.nanoTime();
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.headers().map(), r.body(), (System.nanoTime() - t0) / 1_000_000);
    }
}
