package dev.sinew.chaos.metastable;

import dev.sinew.pipeline.Pipeline;
import dev.sinew.retry.RandomSource;
import java.util.SplittableRandom;

/**
 * Runs one {@link Scenario} against one {@link ClientKind} in simulated time: Poisson arrivals of
 * new requests at {@code load × capacity} per second, each sent through the client's real Sinew
 * pipeline to the {@link Server}; the server freezes for the outage. After the last request is
 * issued the simulation runs on (no new requests) until every call has ended. Deterministic: the
 * arrivals and the backoff jitter come from the seed, the events run in (time, order) sequence.
 */
public final class Simulation {

    /** Simulated time after the run for calls in flight to finish (timeouts and backoffs). */
    private static final long DRAIN_NANOS = 30_000_000_000L;

    private Simulation() {
    }

    public static Result run(Scenario s, ClientKind kind) {
        SimClock clock = new SimClock();
        long end = s.durationS() * 1_000_000_000L;
        Recorder rec = new Recorder(Recorder.bucket(end + DRAIN_NANOS) + 1);
        Server server = new Server(clock, s.capacity(), s.queue(), rec);
        Pipeline pipeline = kind.pipeline(clock, s, RandomSource.seeded(s.seed() ^ 0x5DEECE66DL));
        SplittableRandom arrivals = new SplittableRandom(s.seed());
        double meanGapNanos = 1e9 / (s.load() * s.capacity());

        if (s.outageS() > 0) {
            clock.at(s.outageStartNanos(), () -> server.freeze(true));
            clock.at(s.outageEndNanos(), () -> server.freeze(false));
        }
        for (long t = 0; t < end; t += Recorder.BUCKET_NANOS) {
            long at = t + Recorder.BUCKET_NANOS - 1;
            clock.at(at, () -> rec.queue(at, server.queued()));
        }
        Runnable[] arrive = new Runnable[1];
        arrive[0] = () -> {
            long issued = clock.nanoTime();
            rec.request(issued);
            pipeline.callAsync(server::handle).whenComplete((v, e) -> {
                if (e == null) {
                    rec.good(issued);
                }
            });
            long next = issued + gap(arrivals, meanGapNanos);
            if (next < end) {
                clock.at(next, arrive[0]);
            }
        };
        clock.at(gap(arrivals, meanGapNanos), arrive[0]);
        clock.runUntil(end + DRAIN_NANOS);
        return new Result(s, kind, rec);
    }

    /** An exponentially distributed gap between arrivals, at least 1 ns. */
    private static long gap(SplittableRandom random, double meanNanos) {
        return Math.max(1L, (long) (-Math.log(1.0 - random.nextDouble()) * meanNanos));
    }
}
