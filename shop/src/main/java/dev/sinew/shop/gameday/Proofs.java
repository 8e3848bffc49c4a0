package dev.sinew.shop.gameday;

import dev.sinew.chaos.experiment.Experiment;
import dev.sinew.chaos.experiment.ProofKind;
import dev.sinew.shop.launcher.ShopNodes;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Shows that a fault really took effect: a killed process is gone (the broker's port refuses
 * connections), a frozen service stops answering {@code /health/live}, an in-process fault shows
 * up in the callers' pipelines of that name (timeouts, failures, fallbacks, rejections, or calls
 * that got slower). Times are on the load generator's clock.
 */
final class Proofs {

    /** What a proof showed ({@code held}), or why it did not hold (yet). */
    record Result(boolean held, String text) {
    }

    private final ShopNodes shop;
    private final MetricsWatch watch;
    private final LongSupplier clock;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();

    Proofs(ShopNodes shop, MetricsWatch watch, LongSupplier clock) {
        this.shop = shop;
        this.watch = watch;
        this.clock = clock;
    }

    private static Result held(String what) {
        return new Result(true, what);
    }

    private static Result notYet(String why) {
        return new Result(false, why);
    }

    /** Polls the proofs until all hold or their time is up. */
    Result prove(List<Experiment.Proof> proofs, long f0, List<String> callers) {
        List<String> shown = new ArrayList<>();
        for (Experiment.Proof p : proofs) {
            long deadline = f0 + p.within().toNanos();
            String ok = null;
            String last = "not checked";
            while (true) {
                Result r = once(p, f0, callers);
                if (r.held()) {
                    ok = r.text() + String.format(Locale.ROOT, " (%.1f s after the fault started)", (clock.getAsLong() - f0) / 1e9);
                    break;
                }
                last = r.text();
                if (clock.getAsLong() > deadline) {
                    break;
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(250));
            }
            if (ok == null) {
                return notYet(p.kind().label() + " " + p.target() + " not seen within " + Gameday.secs(p.within()) + ": " + last);
            }
            shown.add(ok);
        }
        return held(String.join("; ", shown));
    }

    private Result once(Experiment.Proof p, long f0, List<String> callers) {
        String t = p.target();
        if ("broker".equals(t) && p.kind() != ProofKind.BROKER_UNREACHABLE && shop.pid(t) > 0 && !shop.frozen(t)
                && shop.brokerProxyPort() > 0) {
            return throughProxy(p.kind());
        }
        switch (p.kind()) {
            case STOPS_ANSWERING -> {
                if (shop.pid(t) < 0) {
                    return held(t + " process gone");
                }
                if ("broker".equals(t)) {
                    return shop.frozen(t) ? held("broker process stopped (state T)")
                            : notYet("broker still running");
                }
                boolean frozen = shop.frozen(t);
                return answersLive(t) ? notYet(t + " still answers /health/live")
                        : held(t + ": /health/live no answer within 500 ms" + (frozen ? " (process stopped, state T)" : ""));
            }
            case BROKER_UNREACHABLE -> {
                if (shop.pid(t) < 0 && !accepts(shop.port(t))) {
                    return held("broker: port " + shop.port(t) + " refuses connections");
                }
                return notYet("broker still accepts connections");
            }
            case ANSWERS_SLOWER, ANSWERS_ERRORS -> {
                if (callers.isEmpty()) {
                    return notYet("no service has a pipeline named " + t);
                }
                long now = clock.getAsLong();
                double before = watch.trouble(t, f0);
                double after = watch.trouble(t, now);
                if (after > before) {
                    return held(String.format(Locale.ROOT, "%.0f timeouts/failures/fallbacks/rejections on the %s pipeline of %s",
                            after - before, t, String.join(", ", callers)));
                }
                if (p.kind() == ProofKind.ANSWERS_SLOWER) {
                    // a client without timeouts sees no failure, only slow calls: compare the mean call time
                    double[] base = watch.calls(t, f0);
                    double[] all = watch.calls(t, now);
                    double n = all[1] - base[1];
                    double mean = n > 0 ? (all[0] - base[0]) / n : 0;
                    double baseMean = base[1] > 0 ? base[0] / base[1] : 0;
                    if (n > 0 && mean >= 0.1 && mean >= 2 * baseMean) {
                        return held(String.format(Locale.ROOT, "calls through the %s pipeline of %s took %.0f ms on"
                                + " average (%.0f calls; before: %.0f ms)", t, String.join(", ", callers), mean * 1000, n,
                                baseMean * 1000));
                    }
                }
                return notYet("the " + t + " pipelines of " + callers
                        + " show no timeout, failure, fallback, rejection or slower calls");
            }
        }
        return notYet("unknown proof " + p.kind());
    }

    /**
     * A fault on the broker's proxy link: a Kafka request through the proxy, compared with one sent to
     * the broker directly (so a broker that is merely slow itself does not count).
     */
    private Result throughProxy(ProofKind kind) {
        BrokerProbe.Result direct = BrokerProbe.apiVersions(shop.port("broker"), Duration.ofSeconds(2));
        if (!direct.answered()) {
            return notYet("the broker itself did not answer a Kafka request (" + direct.describe() + ")");
        }
        Duration wait = kind == ProofKind.ANSWERS_SLOWER ? Duration.ofSeconds(6) : Duration.ofSeconds(1);
        BrokerProbe.Result proxied = BrokerProbe.apiVersions(shop.brokerProxyPort(), wait);
        String seen = "a Kafka request through the fault proxy: " + proxied.describe() + "; directly: "
                + direct.describe();
        boolean ok = switch (kind) {
            case STOPS_ANSWERING -> proxied.kind() == BrokerProbe.Result.Kind.NO_ANSWER;
            case ANSWERS_ERRORS -> proxied.kind() == BrokerProbe.Result.Kind.FAILED;
            case ANSWERS_SLOWER -> !proxied.answered() || proxied.millis() >= direct.millis() + 1_000;
            case BROKER_UNREACHABLE -> false;
        };
        return ok ? held("broker: " + seen) : notYet(seen);
    }

    private boolean answersLive(String service) {
        try {
            HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(shop.url(service) + "/health/live"))
                    .timeout(Duration.ofMillis(500)).GET().build(), HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
