package dev.sinew.retry;

import dev.sinew.event.PipelineListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records the retry events of a pipeline as short strings. */
final class RecordingListener implements PipelineListener {

    final List<String> events = new CopyOnWriteArrayList<>();

    @Override
    public void onRetry(String pipeline, String policy, int attempt, long delayNanos, Throwable error, Object result) {
        events.add("retry " + policy + " #" + attempt + " " + delayNanos / 1_000_000 + "ms " + what(error, result));
    }

    @Override
    public void onRetryDenied(String pipeline, String policy, int attempt, Throwable error, Object result) {
        events.add("denied " + policy + " #" + attempt + " " + what(error, result));
    }

    @Override
    public void onRetriesExhausted(String pipeline, String policy, int attempts, Throwable error, Object result) {
        events.add("exhausted " + policy + " #" + attempts + " " + what(error, result));
    }

    private static String what(Throwable error, Object result) {
        return error != null ? error.getClass().getSimpleName() : String.valueOf(result);
    }
}
