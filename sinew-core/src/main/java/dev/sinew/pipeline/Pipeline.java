package dev.sinew.pipeline;

import dev.sinew.event.Events;
import dev.sinew.event.PipelineListener;
import dev.sinew.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Policies composed around calls to one downstream, outermost first: in
 * {@code fallback, retry, breaker, bulkhead, timeout} the fallback sees what the retry gave up on,
 * and the timeout bounds each attempt. Thread-safe; build one per downstream and share it.
 *
 * <p>Three ways to call: {@link #call}/{@link #get}/{@link #run} throw the call's own exceptions
 * unchanged and a {@link RejectedException} when a policy refused; {@link #callAsync} does the
 * same through a future; {@link #tryCall} returns an {@link Outcome} and throws nothing.
 */
public final class Pipeline {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private final String name;
    private final Clock clock;
    private final Classifier classifier;
    private final Events events = new Events();
    private volatile Chain chain;

    private Pipeline(Builder b) {
        this.name = b.name;
        this.clock = b.clock;
        this.classifier = b.classifier;
        for (PipelineListener l : b.listeners) {
            events.add(l);
        }
        this.chain = link(b.policies);
    }

    /** Starts a pipeline named {@code name} (letters, digits, '.', '_', '-'; used in metrics and errors). */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    public String name() {
        return name;
    }

    public Clock clock() {
        return clock;
    }

    public Classifier classifier() {
        return classifier;
    }

    /** The listener slot: attach metrics, tracing or console listeners here at any time. */
    public Events events() {
        return events;
    }

    /** The policies, outermost first. */
    public List<Policy> policies() {
        return chain.policies;
    }

    /** The first policy of the given type, e.g. {@code policy(CircuitBreaker.class)}. */
    public <P extends Policy> Optional<P> policy(Class<P> type) {
        for (Policy p : chain.policies) {
            if (type.isInstance(p)) {
                return Optional.of(type.cast(p));
            }
        }
        return Optional.empty();
    }

    /** The policy with the given name. */
    public Optional<Policy> policy(String policyName) {
        return chain.policies.stream().filter(p -> p.name().equals(policyName)).findFirst();
    }

    /**
     * Replaces the policy list, keeping any instance that is already part of this pipeline (and so
     * its state). Used by live reconfiguration; calls in flight finish on the old list.
     */
    public synchronized void replacePolicies(List<? extends Policy> policies) {
        chain = link(policies);
    }

    /** Runs {@code call} through the pipeline. The call's exceptions come out unchanged. */
    @SuppressWarnings("unchecked")
    public <T> T call(Callable<T> call) throws Exception {
        Chain c = chain;
        if (!events.observed()) {
            Object r = c.head.call(call);
            if (r instanceof Rejection rejection) {
                throw rejection.exception();
            }
            return (T) r;
        }
        Object r = callListened(c, call);
        if (r instanceof Rejection rejection) {
            throw rejection.exception();
        }
        return (T) r;
    }

    /** Runs {@code call} through the pipeline; its unchecked exceptions come out unchanged. */
    public <T> T get(Supplier<T> call) {
        try {
            return call(call::get);
        } catch (Exception e) {
            throw Pipeline.<RuntimeException>sneaky(e);
        }
    }

    /** Runs {@code call} through the pipeline; its unchecked exceptions come out unchanged. */
    public void run(Runnable call) {
        try {
            call(() -> {
                call.run();
                return null;
            });
        } catch (Exception e) {
            throw Pipeline.<RuntimeException>sneaky(e);
        }
    }

    /**
     * Runs {@code call} through the pipeline and never throws: the value, the failure or the
     * rejection comes back as an {@link Outcome}. A rejection allocates nothing.
     */
    @SuppressWarnings("unchecked")
    public <T> Outcome<T> tryCall(Callable<T> call) {
        Object r;
        try {
            Chain c = chain;
            r = events.observed() ? callListened(c, call) : c.head.call(call);
        } catch (Throwable t) {
            return Outcome.failure(t);
        }
        if (r instanceof Rejection rejection) {
            return rejection.outcome();
        }
        return Outcome.success((T) r);
    }

    /**
     * Runs an asynchronous call through the pipeline. The future fails with the call's own
     * exception (not wrapped) or with a {@link RejectedException}.
     */
    @SuppressWarnings("unchecked")
    public <T> CompletableFuture<T> callAsync(Supplier<? extends CompletionStage<T>> call) {
        boolean listened = events.observed();
        long start = listened ? clock.nanoTime() : 0L;
        CompletableFuture<Object> f;
        try {
            f = chain.asyncHead.call(call);
        } catch (Throwable t) {
            f = CompletableFuture.failedFuture(t);
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        f.whenComplete((v, e) -> {
            if (e != null) {
                Throwable cause = Async.unwrap(e);
                if (listened) {
                    events.callListener().onFailure(name, clock.nanoTime() - start, cause, null);
                }
                result.completeExceptionally(cause);
            } else if (v instanceof Rejection rejection) {
                if (listened) {
                    events.callListener().onFailure(name, clock.nanoTime() - start, rejection.exception(), null);
                }
                result.completeExceptionally(rejection.exception());
            } else {
                if (listened) {
                    reportValue(v, clock.nanoTime() - start);
                }
                result.complete((T) v);
            }
        });
        return result;
    }

    private Object callListened(Chain c, Callable<?> call) throws Exception {
        long start = clock.nanoTime();
        CallStart handed = c.handsStart ? CallStart.begin(events, start) : null;
        Object r;
        try {
            r = c.head.call(call);
        } catch (Throwable t) {
            if (handed != null) {
                handed.end();
            }
            events.callListener().onFailure(name, clock.nanoTime() - start, t, null);
            throw t;
        }
        if (handed != null) {
            handed.end();
        }
        if (r instanceof Rejection rejection) {
            events.callListener().onFailure(name, clock.nanoTime() - start, rejection.exception(), null);
            return rejection; // the caller throws it or turns it into the preallocated outcome
        }
        reportValue(r, clock.nanoTime() - start);
        return r;
    }

    private void reportValue(Object value, long nanos) {
        if (classifier.isFailureResult(value)) {
            events.callListener().onFailure(name, nanos, null, value);
        } else {
            events.callListener().onSuccess(name, nanos);
        }
    }

    private Chain link(List<? extends Policy> policies) {
        List<Policy> list = List.copyOf(policies);
        Set<String> names = new HashSet<>();
        for (Policy p : list) {
            if (!names.add(p.name())) {
                throw new IllegalArgumentException("pipeline '" + name + "': two policies are named '" + p.name()
                        + "'; give each policy of a pipeline its own name");
            }
        }
        Chain old = chain;
        PolicyContext context = new PolicyContext(name, clock, events, classifier);
        for (Policy p : list) {
            if (old == null || !old.policies.contains(p)) {
                p.attach(context);
            }
        }
        Stage head = Callable::call;
        AsyncStage asyncHead = Async::start;
        for (int i = list.size() - 1; i >= 0; i--) {
            Policy p = list.get(i);
            Stage next = head;
            AsyncStage asyncNext = asyncHead;
            head = c -> p.execute(next, c);
            asyncHead = c -> p.executeAsync(asyncNext, c);
        }
        return new Chain(list, head, asyncHead, handsStart(list));
    }

    /** Whether a timed call's start reading can serve the first timeout (see {@link CallStart}). */
    private boolean handsStart(List<Policy> list) {
        if (clock != Clock.system()) {
            return false;
        }
        for (Policy p : list) {
            if (p.takesCallStart()) {
                return true;
            }
            if (!p.entersWithoutDelay()) {
                return false;
            }
        }
        return false;
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> E sneaky(Throwable t) throws E {
        throw (E) t;
    }

    private record Chain(List<Policy> policies, Stage head, AsyncStage asyncHead, boolean handsStart) {
    }

    /** Builds a {@link Pipeline}. */
    public static final class Builder {
        private final String name;
        private final List<Policy> policies = new ArrayList<>();
        private final List<PipelineListener> listeners = new ArrayList<>();
        private Clock clock = Clock.system();
        private Classifier classifier = Classifier.DEFAULT;

        private Builder(String name) {
            if (name == null || !NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("pipeline name: '" + name
                        + "' is not valid; use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit");
            }
            this.name = name;
        }

        /** Adds policies, outermost first: each added policy wraps those added after it. */
        public Builder add(Policy... more) {
            for (Policy p : more) {
                policies.add(Objects.requireNonNull(p, "policy"));
            }
            return this;
        }

        /** The clock for every policy; tests pass a {@code TestClock}. Default: the system clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** What counts as a failure for policies not given their own classifier. */
        public Builder classifier(Classifier classifier) {
            this.classifier = Objects.requireNonNull(classifier, "classifier");
            return this;
        }

        /** Attaches a listener from the start. */
        public Builder listener(PipelineListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        public Pipeline build() {
            return new Pipeline(this);
        }
    }
}
