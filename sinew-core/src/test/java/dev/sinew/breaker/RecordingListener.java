package dev.sinew.breaker;

import dev.sinew.event.CircuitState;
import dev.sinew.event.PipelineListener;
import dev.sinew.event.RejectionKind;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** Collects the breaker events of a pipeline for assertions. */
final class RecordingListener implements PipelineListener {

    record Change(CircuitState from, CircuitState to) {
    }

    final Queue<Change> changes = new ConcurrentLinkedQueue<>();
    final AtomicInteger rejections = new AtomicInteger();
    final List<RejectionKind> rejectionKinds = new CopyOnWriteArrayList<>();

    @Override
    public void onStateChange(String pipeline, String policy, CircuitState from, CircuitState to) {
        changes.add(new Change(from, to));
    }

    @Override
    public void onRejected(String pipeline, String policy, RejectionKind kind) {
        rejections.incrementAndGet();
        if (rejectionKinds.size() < 100) {
            rejectionKinds.add(kind);
        }
    }
}
