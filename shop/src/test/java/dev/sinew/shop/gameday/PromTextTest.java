package dev.sinew.shop.gameday;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PromTextTest {

    @Test
    void readsLabelsValuesAndSkipsComments() {
        PromText p = PromText.parse("""
                # HELP sinew_breaker_state state
                # TYPE sinew_breaker_state gauge
                sinew_breaker_state{instance="127.0.0.1:1",pipeline="payment",policy="breaker",service="order",state="open",} 1.0
                sinew_breaker_state{pipeline="payment",policy="breaker",state="closed"} 0.0
                sinew_outbox_lag_rows{service="order"} 12.0
                sinew_outbox_lag_rows{service="x"} NaN
                weird{a="with \\"quote\\", and comma"} 3
                up 1
                """);
        assertThat(p.anyOne("sinew_breaker_state", m -> m.label("pipeline").equals("payment") && m.label("state").equals("open"))).isTrue();
        assertThat(p.anyOne("sinew_breaker_state", m -> m.label("state").equals("closed"))).isFalse();
        assertThat(p.sum("sinew_outbox_lag_rows", m -> true)).isEqualTo(12.0);
        assertThat(p.metrics()).anyMatch(m -> m.name().equals("weird") && m.label("a").equals("with \"quote\", and comma"));
        assertThat(p.sum("up", m -> true)).isEqualTo(1.0);
    }
}
