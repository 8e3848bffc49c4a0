package dev.sinew.shop.gameday;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sinew.chaos.experiment.ExperimentParser;
import dev.sinew.chaos.experiment.FaultKind;
import dev.sinew.chaos.experiment.ProofKind;
import dev.sinew.chaos.experiment.RollbackAction;
import dev.sinew.shop.load.Route;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The default matrix, its skips with reasons, and experiment files made runnable. */
class SuiteTest {

    private static final Suite.Shape SHAPE = new Suite.Shape(Duration.ofSeconds(8), Duration.ofSeconds(2), 0.5, 0.99, 0.99,
            Duration.ofSeconds(1));

    @Test
    void defaultSuiteCoversEveryTargetAndSaysWhyItSkipsSome() {
        Suite s = Suite.defaults(Suite.TARGETS, Suite.FAULTS, SHAPE);
        assertThat(s.plans()).hasSize(27);
        assertThat(s.plans().get(0).name()).isEqualTo("payment kill");
        assertThat(s.skipped()).extracting(x -> x.target() + " " + x.fault())
                .containsExactly("payment blackhole", "inventory latency", "inventory errors", "inventory blackhole",
                        "recommendation blackhole", "auth blackhole", "catalog blackhole", "order blackhole");
        assertThat(s.skipped().get(0).reason()).contains("only the Kafka connections go through the TCP fault proxy");
        assertThat(s.plans()).extracting(Plan::name).endsWith("broker kill", "broker freeze", "broker latency",
                "broker errors", "broker blackhole");
        assertThat(s.skipped()).allSatisfy(x -> assertThat(x.reason()).isNotBlank());
        Plan catalogLatency = s.plans().stream().filter(p -> p.name().equals("catalog latency")).findFirst().orElseThrow();
        assertThat(catalogLatency.fault()).isEqualTo("+2 s latency");
        assertThat(catalogLatency.affected()).contains(Route.PRODUCTS, Route.ORDER).doesNotContain(Route.LOGIN);
        assertThat(catalogLatency.checks()).anyMatch(c -> c.kind() == Check.Kind.SUCCESS && c.route() == Route.LOGIN)
                .anyMatch(c -> c.kind() == Check.Kind.ANSWERED_WITHIN && c.route() == Route.PRODUCTS)
                .anyMatch(c -> c.kind() == Check.Kind.AUDIT);
        Plan brokerKill = s.plans().stream().filter(p -> p.name().equals("broker kill")).findFirst().orElseThrow();
        assertThat(brokerKill.proofs().get(0).kind()).isEqualTo(ProofKind.BROKER_UNREACHABLE);
        assertThat(brokerKill.rollbacks().get(0).action()).isEqualTo(RollbackAction.RESTART);
        // a full outage (kill, freeze) also judges the retry amplification toward the node; slow or failing half not
        assertThat(plan(s, "payment kill").checks()).anyMatch(c -> c.kind() == Check.Kind.AMPLIFICATION && c.atLeast() == 1.2);
        assertThat(plan(s, "catalog freeze").checks()).anyMatch(c -> c.kind() == Check.Kind.AMPLIFICATION);
        assertThat(catalogLatency.checks()).noneMatch(c -> c.kind() == Check.Kind.AMPLIFICATION);
        // the broker's latency, errors and blackhole go through the fault proxy, proven by a Kafka request through it
        Plan brokerLatency = plan(s, "broker latency");
        assertThat(brokerLatency.fault()).isEqualTo("+2 s latency (proxy)");
        assertThat(brokerLatency.faults().get(0).kind()).isEqualTo(FaultKind.LATENCY);
        assertThat(brokerLatency.affected()).isEmpty();
        assertThat(brokerLatency.proofs().get(0).kind()).isEqualTo(ProofKind.ANSWERS_SLOWER);
        assertThat(brokerLatency.proofs().get(0).within()).isEqualTo(Duration.ofSeconds(5));
        Plan brokerErrors = plan(s, "broker errors");
        assertThat(brokerErrors.fault()).isEqualTo("connection reset (proxy)");
        assertThat(brokerErrors.faults().get(0).kind()).isEqualTo(FaultKind.RESET);
        assertThat(brokerErrors.proofs().get(0).kind()).isEqualTo(ProofKind.ANSWERS_ERRORS);
        Plan blackhole = plan(s, "broker blackhole");
        assertThat(blackhole.fault()).isEqualTo("blackhole (proxy)");
        assertThat(blackhole.proofs().get(0).kind()).isEqualTo(ProofKind.STOPS_ANSWERING);
        assertThat(List.of(brokerLatency, brokerErrors, blackhole)).allSatisfy(p -> {
            assertThat(p.rollbacks().get(0).action()).isEqualTo(RollbackAction.CLEAR_FAULTS);
            assertThat(p.checks()).anyMatch(c -> c.kind() == Check.Kind.AUDIT)
                    .allMatch(c -> c.kind() != Check.Kind.ANSWERED_WITHIN); // no route needs the broker
        });

        assertThat(Suite.defaults(List.of("gateway"), Suite.FAULTS, SHAPE).skipped().get(0).reason()).contains("entry point");
        assertThatThrownBy(() -> Suite.defaults(List.of("paymnet"), Suite.FAULTS, SHAPE))
                .hasMessageContaining("target 'paymnet' is not one of payment");
        assertThatThrownBy(() -> Suite.defaults(Suite.TARGETS, List.of("slow"), SHAPE))
                .hasMessageContaining("fault 'slow' is not one of kill, freeze, latency, errors, blackhole");
    }

    private static Plan plan(Suite s, String name) {
        return s.plans().stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void brokerProxyFaultsInAFileBecomePlans() {
        Plan p = Suite.fromExperiment(ExperimentParser.parse("broker.json", """
                {"title": "Kafka slow, then cut",
                 "hypothesis": [{"probe": "success", "route": "order", "at-least": 0.99}, {"probe": "audit"}],
                 "method": [{"fault": "latency", "target": "broker", "duration": "6s", "latency": "1s"},
                            {"fault": "reset", "target": "broker", "duration": "3s"},
                            {"fault": "blackhole", "target": "broker", "duration": "4s"}]}
                """), SHAPE);
        assertThat(p.fault()).isEqualTo("+1 s latency (proxy) on broker + connection reset (proxy) on broker"
                + " + blackhole (proxy) on broker");
        assertThat(p.affected()).isEmpty();
        assertThat(p.proofs()).extracting(x -> x.kind()).containsExactly(ProofKind.ANSWERS_SLOWER,
                ProofKind.ANSWERS_ERRORS, ProofKind.STOPS_ANSWERING);
        assertThat(p.rollbacks()).extracting(x -> x.action()).containsOnly(RollbackAction.CLEAR_FAULTS);
    }

    @Test
    void anExperimentFileBecomesAPlan() {
        Plan p = Suite.fromExperiment(ExperimentParser.parse("pay.json", """
                {"title": "payment slow",
                 "hypothesis": [{"probe": "success", "route": "GET /api/products", "at-least": 0.95},
                                {"probe": "p99", "route": "order", "at-most": "1s"}, {"probe": "audit"}],
                 "method": [{"fault": "latency", "target": "payment", "duration": "4s", "latency": "1500ms"}],
                 "abort": [{"when": "success-below", "route": "all", "success": 0.3}]}
                """), SHAPE);
        assertThat(p.name()).isEqualTo("payment slow");
        assertThat(p.fault()).isEqualTo("+1500 ms latency on payment");
        assertThat(p.faultDuration()).isEqualTo(Duration.ofSeconds(4));
        assertThat(p.affected()).containsExactlyInAnyOrder(Route.ORDER, Route.PAY);
        assertThat(p.checks()).extracting(Check::kind).containsExactly(Check.Kind.SUCCESS, Check.Kind.P99, Check.Kind.AUDIT);
        assertThat(p.checks().get(0).route()).isEqualTo(Route.PRODUCTS);
        assertThat(p.aborts().get(0).routes()).hasSize(Route.values().length);
        assertThat(p.proofs()).extracting(x -> x.kind()).containsExactly(ProofKind.ANSWERS_SLOWER);
        assertThat(p.rollbacks()).extracting(x -> x.action()).containsExactly(RollbackAction.CLEAR_FAULTS);
    }

    @Test
    void unrunnableFilesAreRefusedWithTheReason() {
        String blackhole = """
                {"title": "t", "hypothesis": [{"probe": "audit"}],
                 "method": [{"fault": "blackhole", "target": "payment", "duration": "4s"}]}""";
        assertThatThrownBy(() -> Suite.fromExperiment(ExperimentParser.parse("b.json", blackhole), SHAPE))
                .hasMessageContaining("blackhole on payment: only the broker's (Kafka) connections go through the TCP fault proxy");
        String reset = """
                {"title": "t", "hypothesis": [{"probe": "audit"}],
                 "method": [{"fault": "reset", "target": "catalog", "duration": "4s"}]}""";
        assertThatThrownBy(() -> Suite.fromExperiment(ExperimentParser.parse("r.json", reset), SHAPE))
                .hasMessageContaining("reset on catalog: only the broker's (Kafka) connections");
        String brokerErrors = """
                {"title": "t", "hypothesis": [{"probe": "audit"}],
                 "method": [{"fault": "error-rate", "target": "broker", "duration": "4s", "rate": 0.5}]}""";
        assertThatThrownBy(() -> Suite.fromExperiment(ExperimentParser.parse("e.json", brokerErrors), SHAPE))
                .hasMessageContaining("error-rate on broker: a Kafka client has no error rate to inject; use reset");
        String inventoryErrors = """
                {"title": "t", "hypothesis": [{"probe": "audit"}],
                 "method": [{"fault": "error-rate", "target": "inventory", "duration": "4s", "rate": 0.5}]}""";
        assertThatThrownBy(() -> Suite.fromExperiment(ExperimentParser.parse("i.json", inventoryErrors), SHAPE))
                .hasMessageContaining("no service calls inventory over HTTP");
        String badRoute = """
                {"title": "t", "hypothesis": [{"probe": "success", "route": "POST /orders", "at-least": 0.9}],
                 "method": [{"fault": "kill", "target": "payment", "duration": "4s"}]}""";
        assertThatThrownBy(() -> Suite.fromExperiment(ExperimentParser.parse("r.json", badRoute), SHAPE))
                .hasMessageContaining("route 'POST /orders' is not one of all, products");
        String badTarget = """
                {"title": "t", "hypothesis": [{"probe": "audit"}],
                 "method": [{"fault": "kill", "target": "db", "duration": "4s"}]}""";
        assertThatThrownBy(() -> Suite.fromExperiment(ExperimentParser.parse("t.json", badTarget), SHAPE))
                .hasMessageContaining("unknown target 'db'");
    }

    @Test
    void theExampleFilesInTheDocsRun() throws Exception {
        Plan pay = Suite.fromExperiment(ExperimentParser.read(Path.of("../docs/experiments/payment-latency.json")), SHAPE);
        assertThat(pay.fault()).isEqualTo("+2 s latency on payment");
        assertThat(pay.checks()).extracting(Check::kind)
                .containsExactly(Check.Kind.SUCCESS, Check.Kind.SUCCESS, Check.Kind.P99, Check.Kind.AUDIT);
        assertThat(pay.aborts()).extracting(AbortRule::kind)
                .containsExactly(AbortRule.Kind.SUCCESS_BELOW, AbortRule.Kind.DUPLICATE_CHARGE);
        Plan broker = Suite.fromExperiment(ExperimentParser.read(Path.of("../docs/experiments/broker-down.json")), SHAPE);
        assertThat(broker.target()).isEqualTo("broker");
        assertThat(broker.faultDuration()).isEqualTo(Duration.ofSeconds(15));
        assertThat(broker.rollbacks()).extracting(r -> r.action()).containsExactly(RollbackAction.RESTART);
    }
}
