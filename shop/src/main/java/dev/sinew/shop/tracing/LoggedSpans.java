package dev.sinew.shop.tracing;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes every ended span as one DEBUG line of the logger {@value #LOGGER} (name, kind, ids, parent,
 * duration, status): a look at the spans without a collector. Installed only when that logger is
 * at DEBUG when the service starts.
 */
final class LoggedSpans implements SpanExporter {

    /** The logger; {@code <logger name="shop.spans" level="DEBUG"/>} turns the span lines on. */
    static final String LOGGER = "shop.spans";

    private static final Logger log = LoggerFactory.getLogger(LOGGER);

    static boolean enabled() {
        return log.isDebugEnabled();
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
        for (SpanData s : spans) {
            log.debug("span name=\"{}\" kind={} trace={} id={} parent={} duration_ms={} status={}",
                    s.getName(), s.getKind(), s.getTraceId(), s.getSpanId(),
                    s.getParentSpanContext().isValid() ? s.getParentSpanId() : "-",
                    (s.getEndEpochNanos() - s.getStartEpochNanos()) / 1_000_000, s.getStatus().getStatusCode());
        }
        return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
        return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
        return CompletableResultCode.ofSuccess();
    }
}
