package dev.sinew.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sinew.config.SinewRegistry;
import dev.sinew.pipeline.Pipeline;
import dev.sinew.time.TestClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Binding a whole {@link SinewRegistry}: pipelines created before and after, budgets, unbinding. */
class RegistryMetricsTest {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final SinewRegistry sinew = SinewRegistry.builder().clock(new TestClock())
            .properties(Map.of("sinew.pipeline.payment.retry.max-attempts", "2")).build();

    @Test
    void bindsPipelinesCreatedBeforeAndAfterAndTheirBudgets() {
        Pipeline before = sinew.pipeline("payment");
        MetricsBinding binding = SinewMetrics.bind(meters, sinew);
        Pipeline after = sinew.pipeline("inventory");

        before.tryCall(() -> "ok");
        after.tryCall(() -> "ok");

        assertThat(meters.get("sinew.calls").tags("pipeline", "payment", "outcome", "success").functionTimer().count()).isEqualTo(1);
        assertThat(meters.get("sinew.calls").tags("pipeline", "inventory", "outcome", "success").functionTimer().count()).isEqualTo(1);
        assertThat(meters.find("sinew.breaker.state").tags("pipeline", "inventory", "state", "closed").gauge().value())
                .isEqualTo(1.0);
        assertThat(meters.find("sinew.budget.remaining").tag("budget", "payment").gauge()).isNotNull();
        assertThat(meters.find("sinew.budget.remaining").tag("budget", "inventory").gauge())
                .as("the budget of a pipeline created after binding").isNotNull();

        binding.close();
        assertThat(meters.getMeters()).isEmpty();
        assertThat(before.events().active()).isFalse();
        assertThat(after.events().active()).isFalse();
        sinew.pipeline("shipping");
        assertThat(meters.getMeters()).as("pipelines created after unbinding are not bound").isEmpty();
    }
}
