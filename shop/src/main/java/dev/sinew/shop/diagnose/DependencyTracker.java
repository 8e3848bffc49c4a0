package dev.sinew.shop.diagnose;

import dev.sinew.event.CircuitState;
import dev.sinew.event.PipelineListener;
import dev.sinew.pipeline.RejectedException;
import dev.sinew.shop.runtime.PeerUnavailableException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Listens to every pipeline of a service and keeps, per pipeline (= dependency), what
 * {@code /diagnose} reports: calls, failures, rejections and a latency histogram over the last
 * minute, when the breaker last changed state, the failure types of the last minute and the trace
 * id of a recent failed call. The success path is one map lookup and two lock-free counter
 * increments: no allocation.
 */
public final class DependencyTracker implements PipelineListener {

    static final int CALLS = 0;
    static final int FAILURES = 1;
    static final int REJECTIONS = 2;
    static final int LATENCY = 3;
    static final int WIDTH = LATENCY + LatencyBuckets.BOUNDS_MS.length;
    /** At most this many failure types are told apart per dependency; more go to "other". */
    static final int MAX_ERROR_TYPES = 16;

    private final LongSupplier clockMillis;
    private final Supplier<String> traceIds;
    private final Map<String, Dependency> dependencies = new ConcurrentHashMap<>();

    /**
     * @param clockMillis wall clock (ms) for the windows and "since"
     * @param traceIds    the current trace id on the calling thread, or null (see {@link TraceIds})
     */
    public DependencyTracker(LongSupplier clockMillis, Supplier<String> traceIds) {
        this.clockMillis = clockMillis;
        this.traceIds = traceIds;
    }

    /** What is known of one dependency; read by {@link Diagnosis}. */
    static final class Dependency {
        final MinuteWindow window;
        final Map<String, MinuteWindow> errors = new ConcurrentHashMap<>();
        volatile CircuitState state;
        volatile long stateSinceMillis;
        volatile String lastFailedTraceId;
        final AtomicLong lastFailureMillis = new AtomicLong();

        Dependency(LongSupplier clockMillis) {
            this.window = new MinuteWindow(WIDTH, clockMillis);
        }
    }

    Dependency dependency(String pipeline) {
        Dependency d = dependencies.get(pipeline);
        return d != null ? d : dependencies.computeIfAbsent(pipeline, p -> new Dependency(clockMillis));
    }

    Map<String, Dependency> dependencies() {
        return dependencies;
    }

    @Override
    public void onSuccess(String pipeline, long durationNanos) {
        MinuteWindow w = dependency(pipeline).window;
        w.add(CALLS);
        w.add(LATENCY + LatencyBuckets.of(durationNanos));
    }

    @Override
    public void onFailure(String pipeline, long durationNanos, Throwable error, Object result) {
        Dependency d = dependency(pipeline);
        d.window.add(CALLS);
        d.window.add(LATENCY + LatencyBuckets.of(durationNanos));
        if (error instanceof RejectedException) {
            d.window.add(REJECTIONS);
            return;
        }
        d.window.add(FAILURES);
        String type = errorType(error);
        MinuteWindow w = d.errors.get(type);
        if (w == null) {
            w = d.errors.computeIfAbsent(d.errors.size() < MAX_ERROR_TYPES ? type : "other",
                    t -> new MinuteWindow(1, clockMillis));
        }
        w.add(0);
        d.lastFailureMillis.set(clockMillis.getAsLong());
        String trace = traceIds.get();
        if (trace != null) {
            d.lastFailedTraceId = trace;
        }
    }

    @Override
    public void onStateChange(String pipeline, String policy, CircuitState from, CircuitState to) {
        Dependency d = dependency(pipeline);
        d.state = to;
        d.stateSinceMillis = clockMillis.getAsLong();
    }

    /** A failure's type: "HTTP 503" for a peer's 5xx answer, else the exception's simple class name. */
    static String errorType(Throwable error) {
        if (error == null) {
            return "failed result";
        }
        if (error instanceof PeerUnavailableException p) {
            return "HTTP " + p.status();
        }
        return error.getClass().getSimpleName();
    }
}
