package dev.sinew.opentelemetry.log;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.Objects;
import java.util.concurrent.Callable;
import org.slf4j.MDC;

/**
 * Puts the current span's ids into the SLF4J MDC under {@value #TRACE_ID} and {@value #SPAN_ID},
 * so that log lines can be matched to traces (add {@code %X{trace_id}} to the log pattern).
 *
 * <pre>{@code
 * try (Scope s = span.makeCurrent(); TraceMdc.Ids ids = TraceMdc.put()) {
 *     log.info("reserving stock");               // carries trace_id and span_id
 * }
 * executor.execute(TraceMdc.wrap(task));          // the task runs in this context, with the ids
 * }</pre>
 */
public final class TraceMdc {

    /** MDC key of the 32-hex-digit trace id. */
    public static final String TRACE_ID = "trace_id";
    /** MDC key of the 16-hex-digit span id. */
    public static final String SPAN_ID = "span_id";

    private TraceMdc() {
    }

    /**
     * Puts the ids of the current span into the MDC (removes them if no valid span is current)
     * until the returned scope is closed, which restores what was there before.
     */
    public static Ids put() {
        String oldTrace = MDC.get(TRACE_ID);
        String oldSpan = MDC.get(SPAN_ID);
        SpanContext sc = Span.current().getSpanContext();
        if (sc.isValid()) {
            MDC.put(TRACE_ID, sc.getTraceId());
            MDC.put(SPAN_ID, sc.getSpanId());
        } else {
            MDC.remove(TRACE_ID);
            MDC.remove(SPAN_ID);
        }
        return new Ids(oldTrace, oldSpan);
    }

    /** {@code task} run in the context current now, with its ids in the MDC; for executors. */
    public static Runnable wrap(Runnable task) {
        Objects.requireNonNull(task, "task");
        Context context = Context.current();
        return () -> {
            try (Scope ignored = context.makeCurrent(); Ids ids = put()) {
                task.run();
            }
        };
    }

    /** {@code task} called in the context current now, with its ids in the MDC; for executors. */
    public static <T> Callable<T> wrap(Callable<T> task) {
        Objects.requireNonNull(task, "task");
        Context context = Context.current();
        return () -> {
            try (Scope ignored = context.makeCurrent(); Ids ids = put()) {
                return task.call();
            }
        };
    }

    /** The MDC entries to restore; close it on the thread that called {@link #put()}. */
    public static final class Ids implements AutoCloseable {
        private final String oldTrace;
        private final String oldSpan;

        private Ids(String oldTrace, String oldSpan) {
            this.oldTrace = oldTrace;
            this.oldSpan = oldSpan;
        }

        @Override
        public void close() {
            restore(TRACE_ID, oldTrace);
            restore(SPAN_ID, oldSpan);
        }

        private static void restore(String key, String value) {
            if (value == null) {
                MDC.remove(key);
            } else {
                MDC.put(key, value);
            }
        }
    }
}
