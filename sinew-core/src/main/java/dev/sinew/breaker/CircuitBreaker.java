package dev.sinew.breaker;

import dev.sinew.event.CircuitState;
import dev.sinew.event.Events;
import dev.sinew.event.RejectionKind;
import dev.sinew.pipeline.AbstractPolicy;
import dev.sinew.pipeline.Async;
import dev.sinew.pipeline.AsyncStage;
import dev.sinew.pipeline.Classifier;
import dev.sinew.pipeline.PolicyContext;
import dev.sinew.pipeline.Rejection;
import dev.sinew.pipeline.Stage;
import dev.sinew.time.Clock;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * A circuit breaker: stops calling a downstream that fails (or is slow) too often, and lets a few
 * probe calls decide when it is healthy again.
 *
 * <p><b>States.</b> CLOSED records outcomes in a sliding window (the last N calls, or the last N
 * seconds); once it holds at least {@code minimum-calls} calls and the failure rate or the slow-call
 * rate reaches its threshold, the breaker opens. OPEN rejects every call until the open duration
 * has passed (fixed, or multiplied on each consecutive re-open up to {@code max-open-duration},
 * with optional jitter; a close resets the growth). Then HALF_OPEN lets exactly
 * {@code half-open-probes} calls through, even when many threads race: once enough of them fail
 * (or are slow) that the threshold can no longer be missed the breaker re-opens at once; when all
 * of them ended below the thresholds it closes with an empty window. FORCED_OPEN and DISABLED are
 * operator states left only by {@link #reset()}.
 *
 * <p><b>Slow calls in flight.</b> With the slow-call threshold on (below 100%), the breaker also
 * notes when each call started (in a ring of time slots, see {@code InFlight}), and at most once
 * per eighth of the slow-call duration a permit request counts the calls still running for at
 * least the slow-call duration as slow calls in the slow-call rate (and in the minimum number of
 * calls). So a hanging downstream opens the breaker without waiting for the callers' timeouts.
 *
 * <p><b>What is recorded.</b> Exceptions and results are judged by the configured classifier (or
 * the pipeline's): failures and successes are recorded, ignored exceptions are not. A
 * {@link Rejection} from an inner policy (a bulkhead full) is passed through and not recorded; in
 * HALF_OPEN its probe permit is given back. A call's outcome is recorded into the state that
 * permitted it: a call let through while CLOSED that ends while HALF_OPEN is not a probe.
 *
 * <p><b>Cost.</b> Closed, COUNT window, slow-call threshold off: no clock read, no allocation, no
 * lock, three atomic operations per call at most. A TIME window reads the clock once per call.
 * Every transition is a CAS on one reference to an immutable state object, so each transition is
 * made by exactly one thread and reported exactly once.
 */
public final class CircuitBreaker extends AbstractPolicy {

    /** The name a breaker gets when none is given. */
    public static final String DEFAULT_NAME = "breaker";

    static final int IGNORED = 0;

    private final AtomicReference<State> state;
    private volatile Settings settings;
    private volatile Classifier classifier = Classifier.DEFAULT;
    private Clock clock = Clock.system();
    private Events events = new Events();
    private String pipeline = "";
    private Rejection openRejection;
    private Rejection forcedRejection;
    private Rejection probesTakenRejection;

    private CircuitBreaker(String name, CircuitBreakerConfig config) {
        super(name);
        Objects.requireNonNull(config, "config");
        this.settings = new Settings(config, null, clock.nanoTime());
        this.state = new AtomicReference<>(new Closed(Window.create(settings)));
        this.classifier = config.classifier() != null ? config.classifier() : Classifier.DEFAULT;
    }

    /** A breaker named {@value #DEFAULT_NAME}. */
    public static CircuitBreaker of(CircuitBreakerConfig config) {
        return new CircuitBreaker(DEFAULT_NAME, config);
    }

    /** A breaker with its own name (one pipeline can hold several breakers). */
    public static CircuitBreaker of(String name, CircuitBreakerConfig config) {
        return new CircuitBreaker(name, config);
    }

    @Override
    protected void onAttach(PolicyContext ctx) {
        this.clock = ctx.clock();
        this.events = ctx.events();
        this.pipeline = ctx.pipeline();
        this.openRejection = new Rejection(RejectionKind.CIRCUIT_OPEN, pipeline, name(), "the circuit breaker is open");
        this.forcedRejection = new Rejection(RejectionKind.CIRCUIT_OPEN, pipeline, name(), "the circuit breaker is forced open");
        this.probesTakenRejection = new Rejection(RejectionKind.CIRCUIT_OPEN, pipeline, name(),
                "the circuit breaker is half-open and every probe permit is taken");
        CircuitBreakerConfig c = settings.config;
        this.classifier = c.classifier() != null ? c.classifier() : ctx.classifier();
        // the in-flight tracker must use the pipeline's clock
        this.settings = new Settings(c, null, clock.nanoTime());
    }

    /** The settings in force. */
    public CircuitBreakerConfig config() {
        return settings.config;
    }

    /**
     * Applies new settings live and keeps the state: an open breaker stays open until its current
     * deadline, a half-open one finishes with the probe count it started with, a closed one keeps
     * its window (a resized COUNT window keeps the most recent outcomes, a TIME window keeps its
     * buckets; a change of window type starts an empty window). Calls in flight stay valid.
     */
    public synchronized void reconfigure(CircuitBreakerConfig config) {
        Objects.requireNonNull(config, "config");
        Settings old = settings;
        InFlight keep = config.slowCallsTracked() && old.tracker != null
                && old.tracker.slowNanos == config.slowCallDuration().toNanos() ? old.tracker : null;
        Settings s = new Settings(config, keep, clock.nanoTime());
        settings = s;
        classifier = config.classifier() != null ? config.classifier() : attached() ? context().classifier() : Classifier.DEFAULT;
        while (true) {
            State st = state.get();
            if (!(st instanceof Closed)) {
                return;
            }
            Closed c = (Closed) st;
            if (!c.window.fits(s)) {
                Closed n = new Closed(c.window.reshape(s, clock.nanoTime()));
                if (!state.compareAndSet(c, n)) {
                    continue;
                }
                c.successor = n;
                c = n;
            }
            // new thresholds apply at once to the outcomes already in the window
            long[] counts = c.window.counts(clock.nanoTime());
            if (s.shouldOpen(counts[0], counts[1], counts[2], 0)) {
                open(c, 1);
            }
            return;
        }
    }

    /** The current state; an open breaker whose open duration has passed turns half-open here. */
    public CircuitState state() {
        State st = state.get();
        if (st instanceof Open o && clock.nanoTime() - o.until >= 0) {
            halfOpen(o);
            st = state.get();
        }
        return st.kind();
    }

    /** Opens the breaker until {@link #reset()}: every call is rejected. */
    public void forceOpen() {
        moveTo(CircuitState.FORCED_OPEN);
    }

    /** Lets every call through and records nothing until {@link #reset()}. */
    public void disable() {
        moveTo(CircuitState.DISABLED);
    }

    /** Closes the breaker with an empty window and forgets earlier re-opens. Same as {@link #reset()}. */
    public void close() {
        reset();
    }

    /** Closes the breaker with an empty window and forgets earlier re-opens. */
    public void reset() {
        moveTo(CircuitState.CLOSED);
    }

    /** A snapshot of the window (closed) or of the probes (half-open); zeros in other states. */
    public Metrics metrics() {
        State st = state.get();
        long now = clock.nanoTime();
        if (st instanceof Closed c) {
            while (c.successor != null) {
                c = c.successor;
            }
            long[] n = c.window.counts(now);
            InFlight t = settings.tracker;
            return Metrics.of(st.kind(), n[0], n[1], n[2], t == null ? 0 : t.slowAt(now));
        }
        if (st instanceof HalfOpen h) {
            long v = h.outcomes.get();
            return Metrics.of(st.kind(), v & HalfOpen.MASK, (v >>> HalfOpen.BITS) & HalfOpen.MASK, v >>> (2 * HalfOpen.BITS), 0);
        }
        return Metrics.of(st.kind(), 0, 0, 0, 0);
    }

    /** The window of the current closed state, or null (for tests). */
    Window closedWindow() {
        State st = state.get();
        if (!(st instanceof Closed c)) {
            return null;
        }
        while (c.successor != null) {
            c = c.successor;
        }
        return c.window;
    }

    /** Percentage of failed calls in the window (0 when empty). */
    public double failureRate() {
        return metrics().failureRate();
    }

    /** Percentage of slow calls in the window (0 when empty). */
    public double slowCallRate() {
        return metrics().slowCallRate();
    }

    /** Number of calls in the window. */
    public int bufferedCalls() {
        return metrics().bufferedCalls();
    }

    /**
     * What the breaker currently counts.
     *
     * @param state             the state
     * @param bufferedCalls     calls recorded in the window (or probes completed when half-open)
     * @param failedCalls       failed calls among them
     * @param slowCalls         slow calls among them
     * @param slowCallsInFlight calls still running past the slow-call duration (closed, slow tracking on)
     * @param failureRate       percent of failed calls
     * @param slowCallRate      percent of slow calls, counting slow calls in flight
     */
    public record Metrics(CircuitState state, int bufferedCalls, int failedCalls, int slowCalls, int slowCallsInFlight,
                          double failureRate, double slowCallRate) {

        static Metrics of(CircuitState state, long total, long failed, long slow, long inFlight) {
            double fr = total == 0 ? 0 : failed * 100.0 / total;
            double sr = total + inFlight == 0 ? 0 : (slow + inFlight) * 100.0 / (total + inFlight);
            return new Metrics(state, (int) total, (int) failed, (int) slow, (int) inFlight, fr, sr);
        }
    }

    @Override
    public Object execute(Stage next, Callable<?> call) throws Exception {
        Settings s = settings;
        long start = s.measure ? clock.nanoTime() : 0L;
        State permit = state.get().acquire(this, s, start);
        if (permit == null) {
            return rejected();
        }
        Object r;
        try {
            r = next.call(call);
        } catch (Throwable t) {
            permit.complete(this, s, start, classify(t));
            throw t;
        }
        if (r instanceof Rejection) {
            permit.complete(this, s, start, IGNORED);
            return r;
        }
        permit.complete(this, s, start, classifier.isFailureResult(r) ? Window.FAILURE : Window.SUCCESS);
        return r;
    }

    @Override
    public CompletableFuture<Object> executeAsync(AsyncStage next, Supplier<? extends CompletionStage<?>> call) {
        Settings s = settings;
        long start = s.measure ? clock.nanoTime() : 0L;
        State permit = state.get().acquire(this, s, start);
        if (permit == null) {
            return CompletableFuture.completedFuture(rejected());
        }
        CompletableFuture<Object> f;
        try {
            f = next.call(call);
        } catch (Throwable t) {
            permit.complete(this, s, start, classify(t));
            return CompletableFuture.failedFuture(t);
        }
        CompletableFuture<Object> result = new CompletableFuture<>();
        f.whenComplete((v, e) -> {
            if (e != null) {
                Throwable cause = Async.unwrap(e);
                permit.complete(this, s, start, classify(cause));
                result.completeExceptionally(cause);
            } else {
                permit.complete(this, s, start, v instanceof Rejection ? IGNORED
                        : classifier.isFailureResult(v) ? Window.FAILURE : Window.SUCCESS);
                result.complete(v);
            }
        });
        return result;
    }

    private int classify(Throwable t) {
        Classifier c = classifier;
        if (c.isIgnored(t)) {
            return IGNORED;
        }
        return c.isFailure(t) ? Window.FAILURE : Window.SUCCESS;
    }

    private Rejection rejected() {
        State st = state.get();
        Rejection r = st instanceof ForcedOpen ? forcedRejection : st instanceof HalfOpen ? probesTakenRejection : openRejection;
        if (events.active()) {
            events.listener().onRejected(pipeline, name(), RejectionKind.CIRCUIT_OPEN);
        }
        return r;
    }

    // ---- transitions: each one a CAS from the state object that decided it ----

    private boolean transition(State from, State to) {
        if (!state.compareAndSet(from, to)) {
            return false;
        }
        if (events.active()) {
            events.listener().onStateChange(pipeline, name(), from.kind(), to.kind());
        }
        return true;
    }

    boolean open(State from, int openings) {
        Settings s = settings;
        long now = clock.nanoTime();
        long duration = openNanos(s, openings);
        Open open = new Open(openings, now + duration);
        if (!transition(from, open)) {
            return false;
        }
        // Rejections in OPEN read no clock: a timer marks the open time as over (see Open.acquire).
        clock.schedule(open::elapse, duration);
        return true;
    }

    void halfOpen(Open from) {
        transition(from, new HalfOpen(from.openings, settings.config.halfOpenProbes()));
    }

    void closeFrom(State from) {
        transition(from, new Closed(Window.create(settings)));
    }

    private void moveTo(CircuitState target) {
        while (true) {
            State st = state.get();
            if (st.kind() == target && target != CircuitState.CLOSED) {
                return;
            }
            State to = switch (target) {
                case FORCED_OPEN -> new ForcedOpen();
                case DISABLED -> new Disabled();
                default -> new Closed(Window.create(settings));
            };
            if (state.compareAndSet(st, to)) {
                if (st.kind() != target && events.active()) {
                    events.listener().onStateChange(pipeline, name(), st.kind(), target);
                }
                return;
            }
        }
    }

    /** Open duration of the n-th consecutive opening (1-based), grown, capped, then jittered. */
    static long openNanos(Settings s, int openings) {
        CircuitBreakerConfig c = s.config;
        double d = c.openDuration().toNanos() * Math.pow(c.openDurationMultiplier(), Math.max(0, openings - 1));
        d = Math.min(d, (double) c.maxOpenDuration().toNanos());
        double j = c.openDurationJitter();
        if (j > 0) {
            d *= 1 + j * (2 * ThreadLocalRandom.current().nextDouble() - 1);
        }
        return Math.max(1L, (long) d);
    }

    /** The settings derived from a config, read once per call. */
    static final class Settings {
        final CircuitBreakerConfig config;
        final boolean measure;
        final long slowNanos;
        final int minimumCalls;
        final double failureThreshold;
        final double slowThreshold;
        final InFlight tracker;
        final boolean timeWindow;

        Settings(CircuitBreakerConfig config, InFlight keep, long now) {
            this.config = config;
            this.measure = config.slowCallsTracked();
            this.slowNanos = config.slowCallDuration().toNanos();
            this.minimumCalls = config.minimumCalls();
            this.failureThreshold = config.failureRateThreshold();
            this.slowThreshold = config.slowCallRateThreshold();
            this.tracker = !measure ? null : keep != null ? keep : new InFlight(slowNanos, now);
            this.timeWindow = config.windowType() == WindowType.TIME;
        }

        /** The opening rule; {@code inFlightSlow} slow calls still running count as slow calls. */
        boolean shouldOpen(long total, long failures, long slow, long inFlightSlow) {
            if (total >= minimumCalls && failures * 100.0 >= failureThreshold * total) {
                return true;
            }
            if (measure) {
                long calls = total + inFlightSlow;
                return calls >= minimumCalls && (slow + inFlightSlow) * 100.0 >= slowThreshold * calls;
            }
            return false;
        }
    }

    // ---- states ----

    /** An immutable-ish state; the object that granted a permit receives that call's outcome. */
    abstract static class State {
        abstract CircuitState kind();

        /** Returns the state granting the permit (this or a successor), or null to reject. */
        abstract State acquire(CircuitBreaker cb, Settings s, long now);

        /** Records the outcome of a call this state permitted. */
        abstract void complete(CircuitBreaker cb, Settings s, long start, int code);
    }

    static final class Closed extends State {
        final Window window;
        volatile Closed successor;

        Closed(Window window) {
            this.window = window;
        }

        @Override
        CircuitState kind() {
            return CircuitState.CLOSED;
        }

        @Override
        State acquire(CircuitBreaker cb, Settings s, long now) {
            InFlight t = s.tracker;
            if (t != null) {
                if (t.checkDue(now) && inFlightOpens(cb, t, now)) {
                    if (cb.open(this, 1)) {
                        return null;
                    }
                    return cb.state.get().acquire(cb, s, now);
                }
                t.register(now);
            }
            return this;
        }

        private boolean inFlightOpens(CircuitBreaker cb, InFlight t, long now) {
            long slow = t.slowAt(now);
            if (slow == 0) {
                return false;
            }
            long[] c = window.counts(now);
            return cb.settings.shouldOpen(c[0], c[1], c[2], slow);
        }

        @Override
        void complete(CircuitBreaker cb, Settings s, long start, int code) {
            long now = 0L;
            if (s.measure) {
                now = cb.clock.nanoTime();
                s.tracker.unregister(start);
                if (code != IGNORED && now - start >= s.slowNanos) {
                    code |= Window.SLOW;
                }
            }
            if (code == IGNORED) {
                return;
            }
            Closed c = this;
            for (Closed n = c.successor; n != null; n = n.successor) {
                c = n;
            }
            Settings current = cb.settings;
            if (current.timeWindow && !s.measure) {
                now = cb.clock.nanoTime();
            }
            if (c.window.record(code, now, current)) {
                cb.open(c, 1);
            }
        }
    }

    /**
     * Open: every call is rejected until {@code until}. To keep rejections cheap (a clock read is
     * most of their cost) a timer on the pipeline's clock sets {@link #elapsed} when the open time
     * is over; until then a rejection reads one volatile flag. So that a stalled timer thread can
     * never keep a breaker open, every 64th rejection also checks the clock itself.
     */
    static final class Open extends State {
        private static final int CLOCK_CHECK_MASK = 63;
        final int openings;
        final long until;
        private volatile boolean elapsed;
        /** Rejections since opening; racy increments are fine, it only spaces out clock checks. */
        private int rejections;

        Open(int openings, long until) {
            this.openings = openings;
            this.until = until;
        }

        void elapse() {
            elapsed = true;
        }

        @Override
        CircuitState kind() {
            return CircuitState.OPEN;
        }

        @Override
        State acquire(CircuitBreaker cb, Settings s, long now) {
            if (!elapsed && !s.measure && (++rejections & CLOCK_CHECK_MASK) != 0) {
                return null;
            }
            long t = s.measure ? now : cb.clock.nanoTime();
            if (t - until < 0) {
                return null;
            }
            cb.halfOpen(this);
            return cb.state.get().acquire(cb, s, t);
        }

        @Override
        void complete(CircuitBreaker cb, Settings s, long start, int code) {
            // never grants a permit
        }
    }

    static final class HalfOpen extends State {
        static final int BITS = 20;
        static final long MASK = (1L << BITS) - 1;

        final int openings;
        final int probes;
        final AtomicInteger issued = new AtomicInteger();
        /** completed probes, failures, slow calls in 20-bit fields. */
        final AtomicLong outcomes = new AtomicLong();

        HalfOpen(int openings, int probes) {
            this.openings = openings;
            this.probes = probes;
        }

        @Override
        CircuitState kind() {
            return CircuitState.HALF_OPEN;
        }

        @Override
        State acquire(CircuitBreaker cb, Settings s, long now) {
            while (true) {
                int i = issued.get();
                if (i >= probes) {
                    return null;
                }
                if (issued.compareAndSet(i, i + 1)) {
                    return this;
                }
            }
        }

        @Override
        void complete(CircuitBreaker cb, Settings s, long start, int code) {
            if (code == IGNORED) {
                issued.decrementAndGet(); // the probe said nothing: let another one through
                return;
            }
            if (s.measure && cb.clock.nanoTime() - start >= s.slowNanos) {
                code |= Window.SLOW;
            }
            long delta = 1L | ((long) ((code >> 1) & 1) << BITS) | ((long) ((code >> 2) & 1) << (2 * BITS));
            long v = outcomes.addAndGet(delta);
            long done = v & MASK;
            long failed = (v >>> BITS) & MASK;
            long slow = v >>> (2 * BITS);
            Settings cur = cb.settings;
            // the denominator is fixed at the probe count, so once reached a threshold stays reached
            if (failed * 100.0 >= cur.failureThreshold * probes
                    || (cur.measure && slow * 100.0 >= cur.slowThreshold * probes)) {
                cb.open(this, openings + 1);
            } else if (done >= probes) {
                cb.closeFrom(this);
            }
        }
    }

    static final class ForcedOpen extends State {
        @Override
        CircuitState kind() {
            return CircuitState.FORCED_OPEN;
        }

        @Override
        State acquire(CircuitBreaker cb, Settings s, long now) {
            return null;
        }

        @Override
        void complete(CircuitBreaker cb, Settings s, long start, int code) {
        }
    }

    static final class Disabled extends State {
        @Override
        CircuitState kind() {
            return CircuitState.DISABLED;
        }

        @Override
        State acquire(CircuitBreaker cb, Settings s, long now) {
            return this;
        }

        @Override
        void complete(CircuitBreaker cb, Settings s, long start, int code) {
        }
    }

    @Override
    public String toString() {
        return super.toString() + "{" + state.get().kind() + "}";
    }

    /** Never waits on the way in. */
    @Override
    public boolean entersWithoutDelay() {
        return true;
    }

}
