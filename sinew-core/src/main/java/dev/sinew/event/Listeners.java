package dev.sinew.event;

import java.util.Arrays;

/** Fans events out to several listeners; one that throws does not stop the others. */
final class Listeners implements PipelineListener {

    private final PipelineListener[] all;

    Listeners(PipelineListener[] all) {
        this.all = all;
    }

    static PipelineListener of(PipelineListener a, PipelineListener b) {
        if (a == NONE) {
            return b;
        }
        if (b == NONE) {
            return a;
        }
        PipelineListener[] left = a instanceof Listeners l ? l.all : new PipelineListener[] {a};
        PipelineListener[] merged = Arrays.copyOf(left, left.length + 1);
        merged[left.length] = b;
        return new Listeners(merged);
    }

    static PipelineListener without(PipelineListener from, PipelineListener removed) {
        if (from == removed) {
            return NONE;
        }
        if (!(from instanceof Listeners l)) {
            return from;
        }
        PipelineListener[] kept = Arrays.stream(l.all).filter(x -> x != removed).toArray(PipelineListener[]::new);
        return kept.length == 0 ? NONE : kept.length == 1 ? kept[0] : new Listeners(kept);
    }

    @Override
    public boolean observesCalls() {
        for (PipelineListener l : all) {
            if (l.observesCalls()) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void onSuccess(String pipeline, long durationNanos) {
        for (PipelineListener l : all) {
            try {
                l.onSuccess(pipeline, durationNanos);
            } catch (RuntimeException ignored) {
                // a broken listener must not break the call or the other listeners
            }
        }
    }

    @Override
    public void onFailure(String pipeline, long durationNanos, Throwable error, Object result) {
        for (PipelineListener l : all) {
            try {
                l.onFailure(pipeline, durationNanos, error, result);
            } catch (RuntimeException ignored) {
                // see onSuccess
            }
        }
    }

    @Override
    public void onRejected(String pipeline, String policy, RejectionKind kind) {
        for (PipelineListener l : all) {
            try {
                l.onRejected(pipeline, policy, kind);
            } catch (RuntimeException ignored) {
                // see onSuccess
            }
        }
    }

    @Override
    public void onRetry(String pipeline, String policy, int attempt, long delayNanos, Throwable error, Object result) {
        for (PipelineListener l : all) {
            try {
                l.onRetry(pipeline, policy, attempt, delayNanos, error, result);
            } catch (RuntimeException ignored) {
                // see onSuccess
            }
        }
    }

    @Override
    public void onRetryDenied(String pipeline, String policy, int attempt, Throwable error, Object result) {
        for (PipelineListener l : all) {
            try {
                l.onRetryDenied(pipeline, policy, attempt, error, result);
            } catch (RuntimeException ignored) {
                // see onSuccess
            }
        }
    }

    @Override
    public void onRetriesExhausted(String pipeline, String policy, int attempts, Throwable error, Object result) {
        for (PipelineListener l : all) {
            try {
                l.onRetriesExhausted(pipeline, policy, attempts, error, result);
            } catch (RuntimeException ignored) {
                // see onSuccess
            }
        }
    }

    @Override
    public void onTimeout(String pipeline, String policy, long timeoutNanos) {
        for (PipelineListener l : all) {
            try {
                l.onTimeout(pipeline, policy, timeoutNanos);
            } catch (RuntimeException ignored) {
                // see onSuccess
            }
        }
    }

    @Override
    public void onStateChange(String pipeline, String policy, CircuitState from, CircuitState to) {
        for (PipelineListener l : all) {
            try {
                l.onStateChange(pipeline, policy, from, to);
            } catch (RuntimeException ignored) {
                // see onSuccess
            }
        }
    }

    @Override
    public void onFallback(String pipeline, String policy, Throwable error, Object result, RejectionKind rejection) {
        for (PipelineListener l : all) {
            try {
                l.onFallback(pipeline, policy, error, result, rejection);
            } catch (RuntimeException ignored) {
                // see onSuccess
            }
        }
    }
}
