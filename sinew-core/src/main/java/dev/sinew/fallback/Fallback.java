package dev.sinew.fallback;

import dev.sinew.event.PipelineListener;
import dev.sinew.pipeline.AbstractPolicy;
import dev.sinew.pipeline.Async;
import dev.sinew.pipeline.AsyncStage;
import dev.sinew.pipeline.Classifier;
import dev.sinew.pipeline.PolicyContext;
import dev.sinew.pipeline.Rejection;
import dev.sinew.pipeline.Stage;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Answers in place of the downstream when the inner policies and the call failed or were refused:
 * cached data, a default, a degraded response. Usually the outermost policy, so it sees what the
 * retry gave up on. What it handles: failures per the classifier (ignored exceptions pass
 * through), failing results, and (unless turned off) rejections.
 */
public final class Fallback extends AbstractPolicy {

    private final FallbackFunction<?> function;
    private final List<Class<? extends Throwable>> handle;
    private final boolean handleRejections;
    private final Classifier ownClassifier;
    private Classifier classifier = Classifier.DEFAULT;
    private String pipeline = "";

    private Fallback(Builder b) {
        super(b.name);
        this.function = b.function;
        this.handle = List.copyOf(b.handle);
        this.handleRejections = b.handleRejections;
        this.ownClassifier = b.classifier;
    }

    /** A fallback named "fallback" handling every failure and rejection with {@code function}. */
    public static Fallback of(FallbackFunction<?> function) {
        return builder(function).build();
    }

    /** A fallback that returns {@code value} on every failure and rejection. */
    public static Fallback ofValue(Object value) {
        return builder(cause -> value).build();
    }

    public static Builder builder(FallbackFunction<?> function) {
        return new Builder(function);
    }

    @Override
    protected void onAttach(PolicyContext ctx) {
        this.classifier = ownClassifier != null ? ownClassifier : ctx.classifier();
        this.pipeline = ctx.pipeline();
    }

    @Override
    public Object execute(Stage next, Callable<?> call) throws Exception {
        Object r;
        try {
            r = next.call(call);
        } catch (Exception e) {
            if (!handles(e)) {
                throw e;
            }
            return answer(new FallbackCause(e, null));
        }
        if (r instanceof Rejection rejection) {
            return handleRejections ? answer(new FallbackCause(rejection.exception(), null)) : r;
        }
        if (classifier.isFailureResult(r)) {
            return answer(new FallbackCause(null, r));
        }
        return r;
    }

    @Override
    public CompletableFuture<Object> executeAsync(AsyncStage next, Supplier<? extends CompletionStage<?>> call) {
        CompletableFuture<Object> inner;
        try {
            inner = next.call(call);
        } catch (Throwable t) {
            inner = CompletableFuture.failedFuture(t);
        }
        CompletableFuture<Object> out = new CompletableFuture<>();
        inner.whenComplete((v, e) -> {
            FallbackCause cause = null;
            if (e != null) {
                Throwable error = Async.unwrap(e);
                if (error instanceof Exception ex && handles(ex)) {
                    cause = new FallbackCause(error, null);
                } else {
                    out.completeExceptionally(error);
                    return;
                }
            } else if (v instanceof Rejection rejection && handleRejections) {
                cause = new FallbackCause(rejection.exception(), null);
            } else if (!(v instanceof Rejection) && classifier.isFailureResult(v)) {
                cause = new FallbackCause(null, v);
            }
            if (cause == null) {
                out.complete(v);
                return;
            }
            try {
                out.complete(answer(cause));
            } catch (Throwable t) {
                out.completeExceptionally(t);
            }
        });
        return out;
    }

    private boolean handles(Exception e) {
        if (!classifier.isFailure(e)) {
            return false;
        }
        if (handle.isEmpty()) {
            return true;
        }
        for (Class<? extends Throwable> c : handle) {
            if (c.isInstance(e)) {
                return true;
            }
        }
        return false;
    }

    private Object answer(FallbackCause cause) throws Exception {
        if (events().active()) {
            PipelineListener l = events().listener();
            l.onFallback(pipeline, name(), cause.error(), cause.result(), cause.rejectionKind());
        }
        return function.apply(cause);
    }

    /** Builds a {@link Fallback}. */
    public static final class Builder {
        private final FallbackFunction<?> function;
        private final List<Class<? extends Throwable>> handle = new ArrayList<>();
        private String name = "fallback";
        private boolean handleRejections = true;
        private Classifier classifier;

        private Builder(FallbackFunction<?> function) {
            this.function = Objects.requireNonNull(function, "fallback function");
        }

        /** The policy name within its pipeline (default "fallback"). */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /** Only exceptions of these types get the fallback; others pass through. */
        @SafeVarargs
        public final Builder handle(Class<? extends Throwable>... types) {
            for (Class<? extends Throwable> t : types) {
                handle.add(Objects.requireNonNull(t, "handle type"));
            }
            return this;
        }

        /** Whether rejections (breaker open, bulkhead full, rate limited) get the fallback; default true. */
        public Builder handleRejections(boolean handleRejections) {
            this.handleRejections = handleRejections;
            return this;
        }

        /** Own rules for failures and failing results; default: the pipeline's classifier. */
        public Builder classifier(Classifier classifier) {
            this.classifier = Objects.requireNonNull(classifier, "classifier");
            return this;
        }

        public Fallback build() {
            return new Fallback(this);
        }
    }

    /** Never waits on the way in. */
    @Override
    public boolean entersWithoutDelay() {
        return true;
    }

}
