package dev.sinew.console.scrape;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PromTextTest {

    @Test
    void parsesNamesLabelsAndValues() {
        List<Sample> s = PromText.parse("""
                # HELP sinew_calls_seconds calls
                # TYPE sinew_calls_seconds histogram
                sinew_calls_seconds_bucket{instance="127.0.0.1:8080",le="0.001",outcome="success",pipeline="catalog",service="gateway"} 3
                sinew_calls_seconds_bucket{le="+Inf",outcome="success",pipeline="catalog"} 7.0
                sinew_breaker_failure_rate{pipeline="catalog",policy="breaker"} NaN
                process_start_time_seconds 1.7E9
                weird{msg="a \\"quoted\\" \\\\ back\\nslash"} 1 1700000000000

                """);
        assertThat(s).hasSize(5);
        assertThat(s.get(0).name()).isEqualTo("sinew_calls_seconds_bucket");
        assertThat(s.get(0).label("pipeline")).isEqualTo("catalog");
        assertThat(s.get(0).label("le")).isEqualTo("0.001");
        assertThat(s.get(0).value()).isEqualTo(3);
        assertThat(PromText.number(s.get(1).label("le"))).isInfinite();
        assertThat(s.get(2).value()).isNaN();
        assertThat(s.get(3).labels()).isEmpty();
        assertThat(s.get(3).value()).isEqualTo(1.7e9);
        assertThat(s.get(4).label("msg")).isEqualTo("a \"quoted\" \\ back\nslash");
        assertThat(s.get(4).value()).isEqualTo(1);
    }

    @Test
    void skipsMalformedLinesInsteadOfFailing() {
        List<Sample> s = PromText.parse("ok 1\nbroken{a=\"x} 2\nnovalue{a=\"x\"}\nbad_number{} abc\nfine{a=\"b\"} 2\n");
        assertThat(s).extracting(Sample::name).containsExactly("ok", "fine");
    }
}
