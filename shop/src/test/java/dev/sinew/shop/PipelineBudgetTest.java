package dev.sinew.shop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sinew.time.DurationFormat;
import java.io.InputStream;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * The timeouts along {@code gateway → order → payment} fit the game day's 1 s answer bound: a frozen
 * or failing order must be refused by the gateway well before 1 s, and order's own payment call plus
 * its database work must fit in what the gateway waits for order, or a slow payment would turn every
 * order into a 503.
 */
class PipelineBudgetTest {

    /** What order needs besides its payment call: two or three H2 statements on a loaded machine. */
    private static final Duration ORDER_OWN_WORK = Duration.ofMillis(200);
    /** What the gateway and the network need besides waiting for order, under load. */
    private static final Duration GATEWAY_OWN_WORK = Duration.ofMillis(150);
    private static final Duration ANSWER_WITHIN = Duration.ofSeconds(1);

    @Test
    void gatewayWaitsForOrderLongEnoughForPaymentAndAnswersWellWithinOneSecond() throws Exception {
        Duration gatewayOverall = duration("gateway", "sinew.pipeline.order.overall-timeout.duration");
        Duration gatewayAttempt = duration("gateway", "sinew.pipeline.order.timeout.duration");
        Duration paymentOverall = duration("order", "sinew.pipeline.payment.overall-timeout.duration");

        assertThat(gatewayAttempt).isLessThanOrEqualTo(gatewayOverall);
        assertThat(gatewayAttempt).as("one attempt of gateway → order covers order's payment call and its own work")
                .isGreaterThanOrEqualTo(paymentOverall.plus(ORDER_OWN_WORK));
        assertThat(gatewayOverall.plus(GATEWAY_OWN_WORK)).as("gateway → order bound plus the gateway's own work")
                .isLessThanOrEqualTo(ANSWER_WITHIN.minus(Duration.ofMillis(50)));
    }

    private static Duration duration(String service, String key) throws Exception {
        Properties p = new Properties();
        try (InputStream in = PipelineBudgetTest.class.getResourceAsStream("/pipelines/" + service + ".properties")) {
            assertThat(in).as(service + ".properties").isNotNull();
            p.load(in);
        }
        String v = p.getProperty(key);
        assertThat(v).as(service + ": " + key).isNotNull();
        return DurationFormat.parse(v);
    }
}
