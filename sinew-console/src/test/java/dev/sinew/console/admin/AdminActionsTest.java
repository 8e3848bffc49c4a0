package dev.sinew.console.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sinew.breaker.CircuitBreaker;
import dev.sinew.config.SinewRegistry;
import dev.sinew.event.CircuitState;
import dev.sinew.event.RejectionKind;
import dev.sinew.pipeline.Outcome;
import dev.sinew.pipeline.Pipeline;
import dev.sinew.pipeline.RejectedException;
import dev.sinew.retry.Retry;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AdminActionsTest {

    static final Map<String, String> PROPS = Map.of(
            "sinew.pipeline.default.breaker.window-size", "20",
            "sinew.pipeline.catalog.timeout.duration", "400ms",
            "sinew.pipeline.catalog.retry.max-attempts", "2");

    SinewRegistry registry;
    AdminActions admin;
    Pipeline catalog;

    @BeforeEach
    void setUp() {
        registry = SinewRegistry.of(PROPS);
        admin = new AdminActions("gateway", registry, PROPS);
        catalog = registry.pipeline("catalog");
    }

    @Test
    void forcesTheBreakerOpenClosedAndResetsIt() throws Exception {
        assertThat(admin.breaker("catalog", "open")).isEqualTo("forced_open");
        assertThatThrownBy(() -> catalog.call(() -> "x")).isInstanceOf(RejectedException.class);
        assertThat(admin.breaker("catalog", "close")).isEqualTo("disabled");
        assertThat(catalog.call(() -> "x")).isEqualTo("x");
        assertThat(admin.breaker("catalog", "reset")).isEqualTo("closed");
        assertThatThrownBy(() -> admin.breaker("catalog", "explode")).isInstanceOf(AdminException.class)
                .hasMessageContaining("'explode'").hasMessageContaining("[open, close, reset]");
        assertThatThrownBy(() -> admin.breaker("nope", "open")).isInstanceOf(AdminException.class)
                .hasMessageContaining("no pipeline 'nope'").satisfies(e -> assertThat(((AdminException) e).status()).isEqualTo(404));
    }

    @Test
    void aSwitchedOffPipelineRefusesAtOnceWithoutCallingAndOnAgainCalls() throws Exception {
        int[] called = {0};
        admin.switchOff("catalog", true);
        Outcome<String> o = catalog.tryCall(() -> {
            called[0]++;
            return "x";
        });
        assertThat(o.isRejected()).isTrue();
        assertThat(o.rejection().kind()).isEqualTo(RejectionKind.SWITCHED_OFF);
        assertThat(called[0]).isZero();
        assertThat(admin.state().toString()).contains("switchedOff=true");
        admin.switchOff("catalog", false);
        assertThat(catalog.call(() -> {
            called[0]++;
            return "y";
        })).isEqualTo("y");
        assertThat(called[0]).isEqualTo(1);
    }

    @Test
    void liveSettingsKeepBreakerStateAndRejectBadInputWhole() {
        admin.breaker("catalog", "open");
        Map<String, String> now = admin.configure("catalog", Map.of("retry.max-attempts", "4", "breaker.open-duration", "7s"));
        assertThat(now).containsEntry("retry.max-attempts", "4").containsEntry("breaker.window-size", "20")
                .containsEntry("breaker.open-duration", "7s");
        assertThat(catalog.policy(Retry.class).orElseThrow().config().maxAttempts()).isEqualTo(4);
        CircuitBreaker cb = catalog.policy(CircuitBreaker.class).orElseThrow();
        assertThat(cb.state()).as("state kept across reconfigure").isEqualTo(CircuitState.FORCED_OPEN);

        Map<String, String> bad = new HashMap<>();
        bad.put("retry.max-attempts", "2");
        bad.put("breaker.failure-rate-threshold", "150");
        assertThatThrownBy(() -> admin.configure("catalog", bad)).isInstanceOf(AdminException.class)
                .hasMessageContaining("sinew.pipeline.catalog.breaker.failure-rate-threshold")
                .hasMessageContaining("'150'");
        assertThat(catalog.policy(Retry.class).orElseThrow().config().maxAttempts()).as("nothing applied").isEqualTo(4);
        assertThatThrownBy(() -> admin.configure("catalog", Map.of("../x", "1"))).isInstanceOf(AdminException.class)
                .hasMessageContaining("expected <policy>.<key>");
        assertThatThrownBy(() -> admin.configure("catalog", Map.of())).isInstanceOf(AdminException.class);

        Map<String, String> remove = new HashMap<>();
        remove.put("retry.max-attempts", null);
        assertThat(admin.configure("catalog", remove)).doesNotContainKey("retry.max-attempts");
        assertThat(catalog.policy(Retry.class).orElseThrow().config().maxAttempts()).as("back to the default").isEqualTo(3);
    }

    @Test
    void readOnlyModeValidatesRetryAfter() {
        admin.readOnly().set(true, 7);
        assertThat(admin.readOnly().refuses()).isTrue();
        assertThat(admin.readOnly().state().retryAfterSeconds()).isEqualTo(7);
        assertThatThrownBy(() -> admin.readOnly().set(true, 0)).isInstanceOf(AdminException.class)
                .hasMessageContaining("retryAfterSeconds");
        admin.readOnly().set(false, 5);
        assertThat(admin.readOnly().refuses()).isFalse();
    }
}
