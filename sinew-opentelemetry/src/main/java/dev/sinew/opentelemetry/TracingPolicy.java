package dev.sinew.opentelemetry;

import dev.sinew.pipeline.AbstractPolicy;
import dev.sinew.pipeline.Async;
import dev.sinew.pipeline.AsyncStage;
import dev.sinew.pipeline.Classifier;
import dev.sinew.pipeline.PolicyContext;
import dev.sinew.pipeline.Rejection;
import dev.sinew.pipeline.Stage;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * Opens one span per call through the pipeline, named after the pipeline, and makes it current
 * while the inner policies and the call run, so that the {@link TracingListener}'s events and any
 * span the call itself starts (an HTTP client span, say) land under it. Put it outermost; get one
 * from {@link SinewTracing#policy()}.
 *
 * <p>The span ends when the call ends: status {@code ERROR} with the exception recorded when the
 * call failed, {@code ERROR} with the refusal's message when a policy rejected it, {@code ERROR}
 * for a result the pipeline's classifier counts as failed; status unset otherwise (a fallback's
 * answer is a success). Asynchronous calls end the span when the future completes.
 *
 * <p>A policy rather than a listener because a span is per-call state: the policy keeps it on the
 * stack (or in the future's callback), where a listener would need a map from calls to spans.
 */
public final class TracingPolicy extends AbstractPolicy {

    /** The name {@link SinewTracing} gives it. */
    public static final String DEFAULT_NAME = "tracing";

    private static final String SUCCESS = "success";
    private static final String FAILURE = "failure";
    private static final String REJECTED = "rejected";
    private static final String IGNORED = "ignored";

    private final Tracer tracer;
    private final SpanKind kind;
    // set once in onAttach, before the pipeline publishes its chain (a volatile write)
    private String spanName = "";
    private Classifier classifier = Classifier.DEFAULT;

    TracingPolicy(String name, Tracer tracer, SpanKind kind) {
        super(name);
        this.tracer = Objects.requireNonNull(tracer, "tracer");
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    @Override
    protected void onAttach(PolicyContext ctx) {
        this.spanName = ctx.pipeline();
        this.classifier = ctx.classifier();
    }

    @Override
    public Object execute(Stage next, Callable<?> call) throws Exception {
        Context parent = Context.current(); // read once: the span's parent and the base of its context
        Span span = start(parent);
        Object r;
        try (Scope ignored = parent.with(span).makeCurrent()) {
            r = next.call(call);
        } catch (Throwable t) {
            endFailed(span, t);
            throw t;
        }
        end(span, r);
        return r;
    }

    @Override
    public CompletableFuture<Object> executeAsync(AsyncStage next, Supplier<? extends CompletionStage<?>> call) {
        Context parent = Context.current();
        Span span = start(parent);
        Context context = parent.with(span);
        Supplier<CompletionStage<?>> attempt = () -> {
            try (Scope ignored = context.makeCurrent()) {
                return completingIn(context, call.get());
            }
        };
        CompletableFuture<Object> inner;
        try (Scope ignored = context.makeCurrent()) {
            inner = next.call(attempt);
        } catch (Throwable t) {
            inner = CompletableFuture.failedFuture(t);
        }
        CompletableFuture<Object> out = new CompletableFuture<>();
        inner.whenComplete((v, e) -> {
            if (e != null) {
                Throwable error = Async.unwrap(e);
                endFailed(span, error);
                out.completeExceptionally(error);
            } else {
                end(span, v);
                out.complete(v);
            }
        });
        return out;
    }

    private Span start(Context parent) {
        return tracer.spanBuilder(spanName).setParent(parent).setSpanKind(kind).startSpan();
    }

    /**
     * Sets both attributes when the span ends, next to each other: on a recording SDK span each
     * attribute write takes the span's lock, and setting {@code sinew.pipeline} at the start needed
     * a recording check (another lock) to keep unsampled calls from building an attribute map; on a
     * non-recording span both writes do nothing. Span processors' {@code onStart} therefore does not
     * see {@code sinew.pipeline} (the span name is the pipeline name).
     */
    private void setAttributes(Span span, String outcome) {
        span.setAttribute(TracingNames.PIPELINE, spanName);
        span.setAttribute(TracingNames.OUTCOME, outcome);
    }

    private void end(Span span, Object result) {
        if (result instanceof Rejection rejection) {
            setAttributes(span, REJECTED);
            span.setStatus(StatusCode.ERROR, rejection.exception().getMessage());
        } else if (classifier.isFailureResult(result)) {
            setAttributes(span, FAILURE);
            span.setStatus(StatusCode.ERROR, "failing result");
        } else {
            setAttributes(span, SUCCESS);
        }
        span.end();
    }

    private void endFailed(Span span, Throwable error) {
        span.recordException(error);
        if (classifier.isFailure(error)) {
            setAttributes(span, FAILURE);
            span.setStatus(StatusCode.ERROR, String.valueOf(error.getMessage()));
        } else {
            setAttributes(span, IGNORED);
        }
        span.end();
    }

    /** Starts a span and calls the next stage: no wait, so an inner timeout may use the pipeline's start reading. */
    @Override
    public boolean entersWithoutDelay() {
        return true;
    }

    /**
     * The user's stage, relayed so that whatever reacts to its completion inside the pipeline
     * (a retry deciding, a breaker recording, a fallback answering) runs with the call's span
     * current and its events land on it. Cancelling the relay cancels the user's stage, as
     * {@link Async#start} does for the stage it is given.
     */
    private static CompletionStage<?> completingIn(Context context, CompletionStage<?> stage) {
        if (stage == null) {
            return null; // Async.start reports the missing stage
        }
        CompletableFuture<Object> relay = new CompletableFuture<>();
        stage.whenComplete((v, e) -> {
            try (Scope ignored = context.makeCurrent()) {
                if (e != null) {
                    relay.completeExceptionally(e);
                } else {
                    relay.complete(v);
                }
            }
        });
        if (stage instanceof Future<?> source) {
            relay.whenComplete((v, e) -> {
                if (relay.isCancelled()) {
                    source.cancel(true);
                }
            });
        }
        return relay;
    }
}
