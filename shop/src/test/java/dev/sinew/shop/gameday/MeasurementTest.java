package dev.sinew.shop.gameday;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.sinew.chaos.gameday.Backlog;
import dev.sinew.chaos.gameday.RouteResult;
import dev.sinew.chaos.gameday.Second;
import dev.sinew.shop.load.Outcome;
import dev.sinew.shop.load.Route;
import dev.sinew.shop.load.Sample;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The game day's numbers from synthetic samples: per route, per second, recovery and backlog. */
class MeasurementTest {

    private static final long S = 1_000_000_000L;
    private static final long MS = 1_000_000L;

    /** 10 requests a second on PRODUCTS; from {@code badFrom} to {@code badTo} (seconds) each ORDER is degraded and slow. */
    private static List<Sample> run(int seconds, int badFrom, int badTo) {
        List<Sample> out = new ArrayList<>();
        for (int s = 0; s < seconds; s++) {
            for (int i = 0; i < 10; i++) {
                long at = s * S + i * 100 * MS;
                out.add(new Sample(Route.PRODUCTS, Outcome.OK, 200, at, 10 * MS));
                boolean bad = s >= badFrom && s < badTo;
                out.add(new Sample(Route.ORDER, bad ? Outcome.DEGRADED : Outcome.OK, bad ? 201 : 201, at,
                        bad ? 600 * MS : 20 * MS));
            }
        }
        return out;
    }

    @Test
    void routesCountOutcomesAndLatencyOfTheWindowOnly() {
        List<Sample> samples = new ArrayList<>(run(20, 5, 10));
        samples.add(new Sample(Route.LOGIN, Outcome.REJECTED, 503, 6 * S, 30 * MS));
        samples.add(new Sample(Route.LOGIN, Outcome.FAILED, -1, 7 * S, 2_000 * MS));
        samples.add(new Sample(Route.LOGIN, Outcome.FAILED, -1, 15 * S, 2_000 * MS)); // outside the window

        List<RouteResult> r = Measurement.routes(samples, 5 * S, 10 * S, EnumSet.of(Route.ORDER, Route.LOGIN),
                Duration.ofSeconds(1));

        assertThat(r).extracting(RouteResult::route).containsExactly("products", "login", "order");
        RouteResult order = r.get(2);
        assertThat(order.total()).isEqualTo(50);
        assertThat(order.degraded()).isEqualTo(50);
        assertThat(order.success()).isEqualTo(1.0);
        assertThat(order.affected()).isTrue();
        assertThat(order.p50Millis()).isEqualTo(600.0);
        assertThat(order.answeredWithin()).isEqualTo(1.0);
        RouteResult login = r.get(1);
        assertThat(login.total()).isEqualTo(2);
        assertThat(login.rejected()).isEqualTo(1);
        assertThat(login.failed()).isEqualTo(1);
        assertThat(login.answeredWithin()).isEqualTo(0.5); // the 503 came fast; the failure did not count
        assertThat(r.get(0).affected()).isFalse();
        assertThat(r.get(0).p99Millis()).isEqualTo(10.0);
    }

    @Test
    void timelineHasOnePointPerSecondWithShares() {
        List<Second> t = Measurement.timeline(run(20, 5, 10), 0, 20 * S);
        assertThat(t).hasSize(20);
        assertThat(t.get(4).ok()).isEqualTo(1.0);
        assertThat(t.get(5).ok()).isEqualTo(0.5);
        assertThat(t.get(5).success()).isEqualTo(1.0);
        assertThat(t.get(5).requests()).isEqualTo(20);
        assertThat(t.get(5).p99Millis()).isEqualTo(600.0);
        assertThat(t.get(12).p50Millis()).isEqualTo(10.0);
    }

    @Test
    void recoveryIsTheStartOfTheFirstSteadyStretchAfterTheFault() {
        // fault 5..10 s; orders degraded until 13 s: recovered 3 s after the fault ended
        List<Second> t = Measurement.timeline(run(25, 5, 13), 0, 25 * S);
        assertThat(Measurement.recovery(t, 5, 10.0)).isCloseTo(3.0, within(1e-9));
        // degraded only during the fault: back at once
        assertThat(Measurement.recovery(Measurement.timeline(run(25, 5, 10), 0, 25 * S), 5, 10.0)).isEqualTo(0.0);
        // never back within the timeline
        assertThat(Measurement.recovery(Measurement.timeline(run(25, 5, 25), 0, 25 * S), 5, 10.0)).isNull();
        // one good second in the middle of a bad stretch is not a recovery
        List<Sample> flapping = new ArrayList<>(run(25, 5, 16));
        flapping.removeIf(s -> s.route() == Route.ORDER && s.intendedNanos() / S == 12);
        Double r = Measurement.recovery(Measurement.timeline(flapping, 0, 25 * S), 5, 10.0);
        assertThat(r).isCloseTo(6.0, within(1e-9));
    }

    @Test
    void backlogPeakAndDrainAgainstTheBaseline() {
        List<long[]> series = List.of(new long[] {1 * S, 2}, new long[] {4 * S, 1}, new long[] {6 * S, 40},
                new long[] {9 * S, 120}, new long[] {11 * S, 60}, new long[] {13 * S, 1}, new long[] {15 * S, 0});
        Backlog b = Measurement.backlog(series, 5 * S, 10 * S);
        assertThat(b.baseline()).isEqualTo(2);
        assertThat(b.peak()).isEqualTo(120);
        assertThat(b.drained()).isTrue();
        assertThat(b.drainSeconds()).isCloseTo(3.0, within(1e-9));

        Backlog stuck = Measurement.backlog(series.subList(0, 5), 5 * S, 10 * S);
        assertThat(stuck.drained()).isFalse();
        assertThat(stuck.drainSeconds()).isNull();

        Backlog flat = Measurement.backlog(List.of(new long[] {1 * S, 0}, new long[] {7 * S, 0}), 5 * S, 10 * S);
        assertThat(flat.peak()).isZero();
        assertThat(flat.drained()).isTrue();
        assertThat(flat.drainSeconds()).isNull();
    }
}
