package dev.sinew.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * CPU time per operation, for benchmarks on a shared, loaded machine: wall-clock time per
 * operation grows with every time slice the benchmark thread waits for a core, CPU time does not.
 * Reports {@code cpu.worker} (CPU of the JMH worker threads per op: the calling thread's own work)
 * and {@code cpu.process} (CPU of the whole JVM per op: adds the garbage collector's work, which
 * an allocating observer causes, and whatever else runs, e.g. the JIT). Both divide by all
 * operations of the iteration, as {@code -prof gc} does for bytes per op.
 *
 * <pre>{@code -prof dev.sinew.bench.CpuTimeProfiler}</pre>
 */
public final class CpuTimeProfiler implements InternalProfiler {

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private Map<Long, Long> workersBefore = Map.of();
    private long processBefore;

    @Override
    public String getDescription() {
        return "CPU time per operation of the benchmark threads and of the whole JVM";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmark, IterationParams iteration) {
        workersBefore = workerCpu();
        processBefore = os.getProcessCpuTime();
    }

    @Override
    public Collection<? extends Result> afterIteration(BenchmarkParams benchmark, IterationParams iteration,
                                                       IterationResult result) {
        long process = os.getProcessCpuTime() - processBefore;
        long workers = 0;
        for (Map.Entry<Long, Long> e : workerCpu().entrySet()) {
            workers += e.getValue() - workersBefore.getOrDefault(e.getKey(), 0L);
        }
        double ops = result.getMetadata().getAllOps();
        return List.of(
                new ScalarResult("cpu.worker", ops == 0 ? Double.NaN : workers / ops, "ns/op", AggregationPolicy.AVG),
                new ScalarResult("cpu.process", ops == 0 ? Double.NaN : process / ops, "ns/op", AggregationPolicy.AVG));
    }

    private Map<Long, Long> workerCpu() {
        Map<Long, Long> cpu = new HashMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().contains("jmh-worker")) {
                long ns = threads.getThreadCpuTime(t.getId());
                if (ns >= 0) {
                    cpu.put(t.getId(), ns);
                }
            }
        }
        return cpu;
    }
}
