package dev.sinew.bench;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeExecutor;
import dev.failsafe.RetryPolicy;
import dev.failsafe.function.CheckedSupplier;
import dev.sinew.breaker.CircuitBreaker;
import dev.sinew.breaker.CircuitBreakerConfig;
import dev.sinew.bulkhead.Bulkhead;
import dev.sinew.bulkhead.BulkheadConfig;
import dev.sinew.event.CircuitState;
import dev.sinew.pipeline.Outcome;
import dev.sinew.pipeline.Pipeline;
import dev.sinew.ratelimit.RateLimiter;
import dev.sinew.ratelimit.RateLimiterConfig;
import dev.sinew.retry.Retry;
import dev.sinew.retry.RetryBudget;
import dev.sinew.retry.RetryConfig;
import dev.sinew.timeout.Timeout;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Sinew, Resilience4j and Failsafe on the same scenarios with the same settings, in one class so
 * that one JMH invocation measures them all (run by {@code bench/run-core} through
 * {@link CoreBenchmarks}).
 *
 * <p>Method names are {@code t<threads>_<scenario>_<library>}. The {@code t2_} methods run the same
 * code on two threads that share one set of policy objects ({@link Scope#Benchmark}). The protected
 * call is a preallocated callable returning a constant, so the call itself allocates nothing and
 * what is measured is each library's own cost.
 *
 * <p>Settings, identical for the three libraries: circuit breaker with a count window of 100 calls
 * (failure threshold 50%, minimum 100 calls, open for an hour); retry with 3 attempts (first one
 * succeeds); rate limiter at 1e9 permits per second (never limits); bulkhead of 100 concurrent calls
 * without waiting. Pipelines are retry → breaker → rate limiter → bulkhead, outermost first.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class CoreBenchmark {

    static final Object VALUE = "ok";
    static final Duration LONG_OPEN = Duration.ofHours(1);
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    // the protected call, one instance per library's functional interface
    Callable<Object> call;
    CheckedSupplier<Object> supplier;

    // Sinew
    Pipeline sinewBreaker;
    Pipeline sinewRetry;
    Pipeline sinewRetryBudget;
    Pipeline sinewPipeline;
    Pipeline sinewOpen;
    Pipeline sinewTimeout;

    // Resilience4j, decorated once
    Callable<Object> r4jBreaker;
    Callable<Object> r4jRetry;
    Callable<Object> r4jPipeline;
    Callable<Object> r4jOpen;
    io.github.resilience4j.timelimiter.TimeLimiter r4jTimeLimiter;
    /** Resilience4j's TimeLimiter times out futures only: a blocking call runs on a pool to get one. */
    ExecutorService r4jTimeoutPool;

    // Failsafe, executors built once
    FailsafeExecutor<Object> fsBreaker;
    FailsafeExecutor<Object> fsRetry;
    FailsafeExecutor<Object> fsPipeline;
    FailsafeExecutor<Object> fsOpen;
    FailsafeExecutor<Object> fsTimeout;

    @Setup
    public void setup() throws Exception {
        call = () -> VALUE;
        supplier = () -> VALUE;

        // ---- Sinew ----
        sinewBreaker = Pipeline.builder("breaker").add(sinewBreaker()).build();
        sinewRetry = Pipeline.builder("retry").add(Retry.of(RetryConfig.builder().maxAttempts(3).build())).build();
        sinewRetryBudget = Pipeline.builder("retry-budget")
                .add(Retry.of(RetryConfig.builder().maxAttempts(3).budget(RetryBudget.defaults()).build())).build();
        sinewPipeline = Pipeline.builder("pipeline").add(
                Retry.of(RetryConfig.builder().maxAttempts(3).build()),
                sinewBreaker(),
                RateLimiter.of(RateLimiterConfig.builder().permitsPerSecond(1e9).build()),
                Bulkhead.of(BulkheadConfig.builder().maxConcurrent(100).build())).build();
        CircuitBreaker open = sinewBreaker();
        sinewOpen = Pipeline.builder("open").add(open).build();
        Callable<Object> failing = () -> {
            throw new IllegalStateException("down");
        };
        for (int i = 0; i < 100; i++) {
            sinewOpen.tryCall(failing); // opened by failures, as in production (not forced)
        }
        check(open.state() == CircuitState.OPEN, "Sinew breaker did not open: " + open.state());
        sinewTimeout = Pipeline.builder("timeout").add(Timeout.of(TIMEOUT)).build(); // interrupts the call at the deadline

        // ---- Resilience4j ----
        r4jBreaker = io.github.resilience4j.circuitbreaker.CircuitBreaker.decorateCallable(r4jBreaker("breaker"), call);
        r4jRetry = io.github.resilience4j.retry.Retry.decorateCallable(r4jRetry("retry"), call);
        r4jPipeline = io.github.resilience4j.retry.Retry.decorateCallable(r4jRetry("pipeline"),
                io.github.resilience4j.circuitbreaker.CircuitBreaker.decorateCallable(r4jBreaker("pipeline"),
                        io.github.resilience4j.ratelimiter.RateLimiter.decorateCallable(
                                io.github.resilience4j.ratelimiter.RateLimiter.of("pipeline",
                                        io.github.resilience4j.ratelimiter.RateLimiterConfig.custom()
                                                .limitForPeriod(1_000_000_000)
                                                .limitRefreshPeriod(Duration.ofSeconds(1))
                                                .timeoutDuration(Duration.ZERO).build()),
                                io.github.resilience4j.bulkhead.Bulkhead.decorateCallable(
                                        io.github.resilience4j.bulkhead.Bulkhead.of("pipeline",
                                                io.github.resilience4j.bulkhead.BulkheadConfig.custom()
                                                        .maxConcurrentCalls(100)
                                                        .maxWaitDuration(Duration.ZERO).build()),
                                        call))));
        io.github.resilience4j.circuitbreaker.CircuitBreaker r4jOpenBreaker = r4jBreaker("open");
        r4jOpenBreaker.transitionToOpenState();
        r4jOpen = io.github.resilience4j.circuitbreaker.CircuitBreaker.decorateCallable(r4jOpenBreaker, call);
        r4jTimeLimiter = io.github.resilience4j.timelimiter.TimeLimiter.of(
                io.github.resilience4j.timelimiter.TimeLimiterConfig.custom().timeoutDuration(TIMEOUT).cancelRunningFuture(true).build());
        r4jTimeoutPool = Executors.newFixedThreadPool(2);

        // ---- Failsafe ----
        fsBreaker = Failsafe.with(fsBreaker());
        fsRetry = Failsafe.with(fsRetry());
        fsPipeline = Failsafe.with(fsRetry(), fsBreaker(),
                dev.failsafe.RateLimiter.<Object>burstyBuilder(1_000_000_000L, Duration.ofSeconds(1)).build(),
                dev.failsafe.Bulkhead.<Object>of(100));
        dev.failsafe.CircuitBreaker<Object> fsOpenBreaker = fsBreaker();
        fsOpenBreaker.open();
        fsOpen = Failsafe.with(fsOpenBreaker);
        fsTimeout = Failsafe.with(dev.failsafe.Timeout.<Object>builder(TIMEOUT).withInterrupt().build());

        // every scenario does what it claims before it is measured
        check(sinewPipeline.call(call) == VALUE && r4jPipeline.call() == VALUE && fsPipeline.get(supplier) == VALUE,
                "pipelines must pass the call through");
        check(t1_timeout_sinew() == VALUE && t1_timeout_r4j() == VALUE && t1_timeout_failsafe() == VALUE,
                "timeouts must pass the call through");
        check(t1_open_sinew() instanceof dev.sinew.pipeline.RejectedException, "Sinew open breaker must reject");
        check(t1_open_sinewOutcome().isRejected(), "Sinew open breaker must reject (outcome)");
        check(t1_open_r4j() instanceof io.github.resilience4j.circuitbreaker.CallNotPermittedException,
                "Resilience4j open breaker must reject");
        check(t1_open_failsafe() instanceof dev.failsafe.CircuitBreakerOpenException, "Failsafe open breaker must reject");
    }

    @TearDown
    public void tearDown() {
        r4jTimeoutPool.shutdownNow();
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalStateException(message);
        }
    }

    private static CircuitBreaker sinewBreaker() {
        return CircuitBreaker.of(CircuitBreakerConfig.builder()
                .windowSize(100).minimumCalls(100).failureRateThreshold(50).openDuration(LONG_OPEN).build());
    }

    private static io.github.resilience4j.circuitbreaker.CircuitBreaker r4jBreaker(String name) {
        return io.github.resilience4j.circuitbreaker.CircuitBreaker.of(name,
                io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.custom()
                        .slidingWindowType(SlidingWindowType.COUNT_BASED).slidingWindowSize(100)
                        .minimumNumberOfCalls(100).failureRateThreshold(50)
                        .waitDurationInOpenState(LONG_OPEN).build());
    }

    private static io.github.resilience4j.retry.Retry r4jRetry(String name) {
        return io.github.resilience4j.retry.Retry.of(name,
                io.github.resilience4j.retry.RetryConfig.custom().maxAttempts(3).build());
    }

    private static dev.failsafe.CircuitBreaker<Object> fsBreaker() {
        return dev.failsafe.CircuitBreaker.builder().withFailureThreshold(50, 100).withDelay(LONG_OPEN).build();
    }

    private static RetryPolicy<Object> fsRetry() {
        return RetryPolicy.builder().withMaxAttempts(3).build();
    }

    // ---------------------------------------------------------------- 1 thread

    @Benchmark
    public Object t1_baseline() throws Exception {
        return call.call();
    }

    @Benchmark
    public Object t1_breaker_sinew() throws Exception {
        return sinewBreaker.call(call);
    }

    @Benchmark
    public Object t1_breaker_r4j() throws Exception {
        return r4jBreaker.call();
    }

    @Benchmark
    public Object t1_breaker_failsafe() {
        return fsBreaker.get(supplier);
    }

    @Benchmark
    public Object t1_retry_sinew() throws Exception {
        return sinewRetry.call(call);
    }

    @Benchmark
    public Object t1_retry_sinewBudget() throws Exception {
        return sinewRetryBudget.call(call);
    }

    @Benchmark
    public Object t1_retry_r4j() throws Exception {
        return r4jRetry.call();
    }

    @Benchmark
    public Object t1_retry_failsafe() {
        return fsRetry.get(supplier);
    }

    @Benchmark
    public Object t1_pipeline_sinew() throws Exception {
        return sinewPipeline.call(call);
    }

    @Benchmark
    public Object t1_pipeline_r4j() throws Exception {
        return r4jPipeline.call();
    }

    @Benchmark
    public Object t1_pipeline_failsafe() {
        return fsPipeline.get(supplier);
    }

    @Benchmark
    public Object t1_open_sinew() {
        try {
            return sinewOpen.call(call);
        } catch (Exception e) {
            return e;
        }
    }

    @Benchmark
    public Outcome<Object> t1_open_sinewOutcome() {
        return sinewOpen.tryCall(call);
    }

    @Benchmark
    public Object t1_open_r4j() {
        try {
            return r4jOpen.call();
        } catch (Exception e) {
            return e;
        }
    }

    @Benchmark
    public Object t1_open_failsafe() {
        try {
            return fsOpen.get(supplier);
        } catch (RuntimeException e) {
            return e;
        }
    }

    @Benchmark
    public Object t1_timeout_sinew() throws Exception {
        return sinewTimeout.call(call);
    }

    @Benchmark
    public Object t1_timeout_r4j() throws Exception {
        return r4jTimeLimiter.executeFutureSupplier(() -> r4jTimeoutPool.submit(call));
    }

    @Benchmark
    public Object t1_timeout_failsafe() {
        return fsTimeout.get(supplier);
    }

    // ---------------------------------------------------------------- 2 threads, shared policies

    @Benchmark
    @Threads(2)
    public Object t2_baseline() throws Exception {
        return t1_baseline();
    }

    @Benchmark
    @Threads(2)
    public Object t2_breaker_sinew() throws Exception {
        return t1_breaker_sinew();
    }

    @Benchmark
    @Threads(2)
    public Object t2_breaker_r4j() throws Exception {
        return t1_breaker_r4j();
    }

    @Benchmark
    @Threads(2)
    public Object t2_breaker_failsafe() {
        return t1_breaker_failsafe();
    }

    @Benchmark
    @Threads(2)
    public Object t2_retry_sinew() throws Exception {
        return t1_retry_sinew();
    }

    @Benchmark
    @Threads(2)
    public Object t2_retry_sinewBudget() throws Exception {
        return t1_retry_sinewBudget();
    }

    @Benchmark
    @Threads(2)
    public Object t2_retry_r4j() throws Exception {
        return t1_retry_r4j();
    }

    @Benchmark
    @Threads(2)
    public Object t2_retry_failsafe() {
        return t1_retry_failsafe();
    }

    @Benchmark
    @Threads(2)
    public Object t2_pipeline_sinew() throws Exception {
        return t1_pipeline_sinew();
    }

    @Benchmark
    @Threads(2)
    public Object t2_pipeline_r4j() throws Exception {
        return t1_pipeline_r4j();
    }

    @Benchmark
    @Threads(2)
    public Object t2_pipeline_failsafe() {
        return t1_pipeline_failsafe();
    }

    @Benchmark
    @Threads(2)
    public Object t2_open_sinew() {
        return t1_open_sinew();
    }

    @Benchmark
    @Threads(2)
    public Outcome<Object> t2_open_sinewOutcome() {
        return t1_open_sinewOutcome();
    }

    @Benchmark
    @Threads(2)
    public Object t2_open_r4j() {
        return t1_open_r4j();
    }

    @Benchmark
    @Threads(2)
    public Object t2_open_failsafe() {
        return t1_open_failsafe();
    }

    @Benchmark
    @Threads(2)
    public Object t2_timeout_sinew() throws Exception {
        return t1_timeout_sinew();
    }

    @Benchmark
    @Threads(2)
    public Object t2_timeout_r4j() throws Exception {
        return t1_timeout_r4j();
    }

    @Benchmark
    @Threads(2)
    public Object t2_timeout_failsafe() {
        return t1_timeout_failsafe();
    }
}
