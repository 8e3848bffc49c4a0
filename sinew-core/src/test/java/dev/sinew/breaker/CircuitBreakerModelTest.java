package dev.sinew.breaker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sinew.event.CircuitState;
import dev.sinew.pipeline.Outcome;
import dev.sinew.pipeline.Pipeline;
import dev.sinew.time.TestClock;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The breaker against a small single-threaded reference model: after every step of a random
 * sequence of calls (fast success, failure, slow success, slow failure), clock advances and
 * operator actions, both must be in the same state and agree on whether the call was let through.
 */
class CircuitBreakerModelTest {

    private static final long SLOW_MS = 500;
    private static final long OPEN_MS = 1000;
    private static final long MAX_OPEN_MS = 4000;

    enum Kind { SUCCESS, FAILURE, SLOW_SUCCESS, SLOW_FAILURE, ADVANCE, FORCE_OPEN, DISABLE, RESET }

    record Action(Kind kind, long millis) {
        @Override
        public String toString() {
            return kind == Kind.ADVANCE ? "ADVANCE(" + millis + "ms)" : kind.name();
        }
    }

    record Setup(WindowType type, int size, int minimumCalls, double failureThreshold, double slowThreshold,
                 int probes, double multiplier) {
    }

    @Provide
    Arbitrary<Setup> setups() {
        Arbitrary<WindowType> type = Arbitraries.of(WindowType.class);
        Arbitrary<Integer> size = Arbitraries.integers().between(1, 6);
        Arbitrary<Integer> min = Arbitraries.integers().between(1, 6);
        Arbitrary<Double> thr = Arbitraries.of(20.0, 50.0, 75.0, 100.0);
        Arbitrary<Double> slow = Arbitraries.of(40.0, 50.0, 100.0);
        Arbitrary<Integer> probes = Arbitraries.integers().between(1, 4);
        Arbitrary<Double> mult = Arbitraries.of(1.0, 2.0);
        return Combinators.combine(type, size, min, thr, slow, probes, mult)
                .as((t, s, m, f, sl, p, mu) -> new Setup(t, s, t == WindowType.COUNT ? Math.min(m, s) : m, f, sl, p, mu));
    }

    @Provide
    Arbitrary<List<Action>> actions() {
        Arbitrary<Action> call = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, Arbitraries.just(new Action(Kind.SUCCESS, 0))),
                net.jqwik.api.Tuple.of(6, Arbitraries.just(new Action(Kind.FAILURE, 0))),
                net.jqwik.api.Tuple.of(3, Arbitraries.just(new Action(Kind.SLOW_SUCCESS, 0))),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(new Action(Kind.SLOW_FAILURE, 0))),
                net.jqwik.api.Tuple.of(4, Arbitraries.longs().between(1, 2500).map(ms -> new Action(Kind.ADVANCE, ms))),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(new Action(Kind.FORCE_OPEN, 0))),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(new Action(Kind.DISABLE, 0))),
                net.jqwik.api.Tuple.of(2, Arbitraries.just(new Action(Kind.RESET, 0))));
        return call.list().ofMinSize(1).ofMaxSize(80);
    }

    @Property(tries = 1000)
    void breakerFollowsTheModel(@ForAll("setups") Setup setup, @ForAll("actions") List<Action> actions) {
        TestClock clock = new TestClock();
        CircuitBreakerConfig config = CircuitBreakerConfig.builder().windowType(setup.type()).windowSize(setup.size())
                .minimumCalls(setup.minimumCalls()).failureRateThreshold(setup.failureThreshold())
                .slowCallRateThreshold(setup.slowThreshold()).slowCallDuration(Duration.ofMillis(SLOW_MS))
                .openDuration(Duration.ofMillis(OPEN_MS)).openDurationMultiplier(setup.multiplier())
                .maxOpenDuration(Duration.ofMillis(MAX_OPEN_MS)).halfOpenProbes(setup.probes()).build();
        CircuitBreaker cb = CircuitBreaker.of(config);
        Pipeline p = Pipeline.builder("model").clock(clock).add(cb).build();
        Model model = new Model(setup, clock.nanoTime());
        List<Action> done = new ArrayList<>();
        for (Action a : actions) {
            done.add(a);
            boolean permittedByModel = model.apply(a);
            Boolean permitted = run(p, cb, clock, a);
            String where = "after " + done;
            if (permitted != null) {
                assertThat(permitted).as("call permitted " + where).isEqualTo(permittedByModel);
            }
            model.normalize(clock.nanoTime());
            assertThat(cb.state()).as("state " + where).isEqualTo(model.state);
        }
    }

    /** Runs the action on the real breaker; for calls, returns whether it was let through. */
    private static Boolean run(Pipeline p, CircuitBreaker cb, TestClock clock, Action a) {
        Outcome<String> o;
        switch (a.kind()) {
            case SUCCESS -> o = p.tryCall(() -> "ok");
            case FAILURE -> o = p.tryCall(() -> {
                throw new IOException("down");
            });
            case SLOW_SUCCESS -> o = p.tryCall(() -> {
                clock.advance(Duration.ofMillis(SLOW_MS));
                return "slow";
            });
            case SLOW_FAILURE -> o = p.tryCall(() -> {
                clock.advance(Duration.ofMillis(SLOW_MS));
                throw new IOException("slow and down");
            });
            case ADVANCE -> {
                clock.advance(Duration.ofMillis(a.millis()));
                return null;
            }
            case FORCE_OPEN -> {
                cb.forceOpen();
                return null;
            }
            case DISABLE -> {
                cb.disable();
                return null;
            }
            default -> {
                cb.reset();
                return null;
            }
        }
        return !o.isRejected();
    }

    /** The reference: plain fields, lists and arithmetic; no concurrency, no packing. */
    static final class Model {
        final Setup setup;
        long now;
        CircuitState state = CircuitState.CLOSED;
        /** outcomes of a COUNT window: {failed, slow}; of a TIME window: {failed, slow, second}. */
        final Deque<long[]> window = new ArrayDeque<>();
        long openUntil;
        int openings;
        int probesDone;
        int probeFailures;
        int probeSlow;

        Model(Setup setup, long now) {
            this.setup = setup;
            this.now = now;
        }

        boolean slowOn() {
            return setup.slowThreshold() < 100;
        }

        void normalize(long t) {
            if (state == CircuitState.OPEN && t >= openUntil) {
                state = CircuitState.HALF_OPEN;
                probesDone = 0;
                probeFailures = 0;
                probeSlow = 0;
            }
        }

        boolean apply(Action a) {
            switch (a.kind()) {
                case ADVANCE -> {
                    now += a.millis() * 1_000_000L;
                    return false;
                }
                case FORCE_OPEN -> {
                    state = CircuitState.FORCED_OPEN;
                    return false;
                }
                case DISABLE -> {
                    state = CircuitState.DISABLED;
                    return false;
                }
                case RESET -> {
                    state = CircuitState.CLOSED;
                    window.clear();
                    openings = 0;
                    return false;
                }
                default -> {
                    return call(a.kind() == Kind.FAILURE || a.kind() == Kind.SLOW_FAILURE,
                            a.kind() == Kind.SLOW_SUCCESS || a.kind() == Kind.SLOW_FAILURE);
                }
            }
        }

        private boolean call(boolean failed, boolean slow) {
            normalize(now);
            if (state == CircuitState.OPEN || state == CircuitState.FORCED_OPEN) {
                return false;
            }
            if (slow) {
                now += SLOW_MS * 1_000_000L;
            }
            if (state == CircuitState.DISABLED) {
                return true;
            }
            if (state == CircuitState.HALF_OPEN) {
                probesDone++;
                probeFailures += failed ? 1 : 0;
                probeSlow += slow ? 1 : 0;
                int n = setup.probes();
                if (probeFailures * 100.0 >= setup.failureThreshold() * n || (slowOn() && probeSlow * 100.0 >= setup.slowThreshold() * n)) {
                    open(openings + 1);
                } else if (probesDone == n) {
                    state = CircuitState.CLOSED;
                    window.clear();
                    openings = 0;
                }
                return true;
            }
            long second = Math.floorDiv(now, 1_000_000_000L);
            window.addLast(new long[] {failed ? 1 : 0, slow ? 1 : 0, second});
            if (setup.type() == WindowType.COUNT) {
                while (window.size() > setup.size()) {
                    window.removeFirst();
                }
            } else {
                window.removeIf(o -> o[2] <= second - setup.size());
            }
            long total = window.size();
            long failures = window.stream().filter(o -> o[0] == 1).count();
            long slowCalls = window.stream().filter(o -> o[1] == 1).count();
            if (total >= setup.minimumCalls() && (failures * 100.0 >= setup.failureThreshold() * total
                    || (slowOn() && slowCalls * 100.0 >= setup.slowThreshold() * total))) {
                open(1);
            }
            return true;
        }

        private void open(int n) {
            state = CircuitState.OPEN;
            openings = n;
            long d = OPEN_MS;
            for (int i = 1; i < n; i++) {
                d = Math.min(MAX_OPEN_MS, (long) (d * setup.multiplier()));
            }
            openUntil = now + d * 1_000_000L;
        }
    }
}
