package dev.sinew.outbox;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/** A broker stand-in: records what it accepted, in order; can be switched to fail. */
final class RecordingTransport implements Transport {
    private final ReentrantLock lock = new ReentrantLock();
    private final List<OutboxMessage> accepted = new ArrayList<>();
    final AtomicInteger failures = new AtomicInteger();
    final AtomicInteger sends = new AtomicInteger();
    volatile boolean down;
    /** Fail every n-th send (0: never). */
    volatile int failEvery;
    /** Runs at the start of every send, e.g. to hold a batch in flight. */
    volatile java.util.concurrent.Callable<?> beforeSend;

    @Override
    public void send(List<OutboxMessage> batch) throws Exception {
        java.util.concurrent.Callable<?> hook = beforeSend;
        if (hook != null) {
            hook.call();
        }
        int n = sends.incrementAndGet();
        if (down || (failEvery > 0 && n % failEvery == 0)) {
            failures.incrementAndGet();
            throw new java.io.IOException("broker unavailable (test)");
        }
        lock.lock();
        try {
            accepted.addAll(batch);
        } finally {
            lock.unlock();
        }
    }

    List<OutboxMessage> accepted() {
        lock.lock();
        try {
            return List.copyOf(accepted);
        } finally {
            lock.unlock();
        }
    }

    int size() {
        lock.lock();
        try {
            return accepted.size();
        } finally {
            lock.unlock();
        }
    }

    /** Message ids accepted more than once. */
    Set<String> duplicates() {
        Set<String> seen = new HashSet<>();
        Set<String> dup = new HashSet<>();
        for (OutboxMessage m : accepted()) {
            if (!seen.add(m.messageId())) {
                dup.add(m.messageId());
            }
        }
        return dup;
    }

    /** Payloads (as text) per key, in the order accepted. */
    Map<String, List<String>> byKey() {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (OutboxMessage m : accepted()) {
            out.computeIfAbsent(m.key(), k -> new ArrayList<>()).add(new String(m.payload()));
        }
        return out;
    }
}
