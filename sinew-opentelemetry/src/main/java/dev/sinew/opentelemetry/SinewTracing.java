package dev.sinew.opentelemetry;

import dev.sinew.config.SinewRegistry;
import dev.sinew.pipeline.Pipeline;
import dev.sinew.pipeline.Policy;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Traces Sinew pipelines with OpenTelemetry: a {@link TracingPolicy} opens a span per call and a
 * {@link TracingListener} adds retry, rejection, timeout, breaker and fallback events to it.
 *
 * <pre>{@code
 * SinewRegistry registry = SinewRegistry.of(properties);
 * SinewTracing.create(openTelemetry).instrument(registry);   // every pipeline, now and later
 * }</pre>
 */
public final class SinewTracing {

    private final Tracer tracer;
    private final SpanKind spanKind;
    private final TracingListener listener = new TracingListener();

    private SinewTracing(Builder b) {
        this.tracer = b.openTelemetry.getTracer(TracingNames.INSTRUMENTATION_SCOPE);
        this.spanKind = b.spanKind;
    }

    /** Tracing with the defaults: spans of kind {@code INTERNAL}. */
    public static SinewTracing create(OpenTelemetry openTelemetry) {
        return builder(openTelemetry).build();
    }

    public static Builder builder(OpenTelemetry openTelemetry) {
        return new Builder(openTelemetry);
    }

    /** Shorthand for {@code create(openTelemetry).instrument(registry)}. */
    public static SinewTracing instrument(OpenTelemetry openTelemetry, SinewRegistry registry) {
        SinewTracing tracing = create(openTelemetry);
        tracing.instrument(registry);
        return tracing;
    }

    /**
     * A new tracing policy named {@value TracingPolicy#DEFAULT_NAME}, for one pipeline; add it
     * first (outermost) in a {@code Pipeline.builder}, together with {@link #listener()}.
     */
    public TracingPolicy policy() {
        return new TracingPolicy(TracingPolicy.DEFAULT_NAME, tracer, spanKind);
    }

    /** The listener that turns pipeline events into span events; one instance serves every pipeline. */
    public TracingListener listener() {
        return listener;
    }

    /**
     * Traces every pipeline of {@code registry}, those it has and those it creates later: the
     * policy goes outermost (it stays there when the registry is reconfigured), the listener into
     * each pipeline's listener slot.
     */
    public void instrument(SinewRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        registry.addOuterPolicy(pipeline -> policy());
        registry.addListener(listener);
    }

    /**
     * Traces one pipeline built by hand: puts a new policy outermost and attaches the listener.
     * For a pipeline of a {@link SinewRegistry} use {@link #instrument(SinewRegistry)}, which
     * survives reconfiguration.
     */
    public Pipeline instrument(Pipeline pipeline) {
        Objects.requireNonNull(pipeline, "pipeline");
        List<Policy> policies = new ArrayList<>();
        policies.add(policy());
        policies.addAll(pipeline.policies());
        pipeline.replacePolicies(policies);
        pipeline.events().add(listener);
        return pipeline;
    }

    /** Builds {@link SinewTracing}. */
    public static final class Builder {
        private final OpenTelemetry openTelemetry;
        private SpanKind spanKind = SpanKind.INTERNAL;

        private Builder(OpenTelemetry openTelemetry) {
            this.openTelemetry = Objects.requireNonNull(openTelemetry, "openTelemetry");
        }

        /**
         * The kind of the per-call spans. Default {@code INTERNAL}: the HTTP or messaging client
         * inside the call usually opens the {@code CLIENT} span; choose {@code CLIENT} when
         * nothing else traces the outgoing call.
         */
        public Builder spanKind(SpanKind kind) {
            this.spanKind = Objects.requireNonNull(kind, "span-kind");
            return this;
        }

        public SinewTracing build() {
            return new SinewTracing(this);
        }
    }
}
