package dev.sinew.console.scrape;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * One round of scrapes: {@code GET /metrics} and {@code GET /diagnose} of every target at once,
 * each bounded by a timeout so a frozen service costs the round at most that long and shows up
 * as "no answer within 800 ms".
 */
public final class Scraper {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final Duration timeout;

    public Scraper(Executor executor, Duration timeout) {
        this.timeout = timeout;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout)
                .executor(executor)
                .build();
    }

    /** Scrapes every target in parallel; returns when all answered or timed out. */
    public List<Scrape> round(List<Target> targets) {
        long now = System.currentTimeMillis();
        List<CompletableFuture<Scrape>> futures = new ArrayList<>();
        for (Target t : targets) {
            CompletableFuture<HttpResponse<String>> metrics = get(t, "/metrics");
            CompletableFuture<HttpResponse<String>> diagnose = get(t, "/diagnose");
            futures.add(metrics.thenCombine(diagnose, (m, d) -> toScrape(t, now, m, d))
                    .exceptionally(e -> new Scrape(t, now, List.of(), null, reason(t, e))));
        }
        List<Scrape> out = new ArrayList<>();
        for (CompletableFuture<Scrape> f : futures) {
            out.add(f.join());
        }
        return out;
    }

    private CompletableFuture<HttpResponse<String>> get(Target t, String path) {
        return http.sendAsync(HttpRequest.newBuilder(t.resolve(path)).timeout(timeout).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static Scrape toScrape(Target t, long now, HttpResponse<String> m, HttpResponse<String> d) {
        if (m.statusCode() != 200) {
            return new Scrape(t, now, List.of(), null, "/metrics answered " + m.statusCode());
        }
        JsonNode diag = null;
        if (d.statusCode() == 200) {
            try {
                diag = JSON.readTree(d.body());
            } catch (IOException e) {
                diag = null;
            }
        }
        return new Scrape(t, now, PromText.parse(m.body()), diag, null);
    }

    private String reason(Target t, Throwable e) {
        Throwable c = e;
        while (c.getCause() != null && (c instanceof java.util.concurrent.CompletionException
                || c instanceof java.util.concurrent.ExecutionException)) {
            c = c.getCause();
        }
        if (c instanceof HttpTimeoutException) {
            return "no answer within " + timeout.toMillis() + " ms (frozen or overloaded?)";
        }
        if (c instanceof java.net.ConnectException) {
            return "connection refused at " + t.instance() + " (process down?)";
        }
        return c.getClass().getSimpleName() + (c.getMessage() == null ? "" : ": " + c.getMessage());
    }
}
