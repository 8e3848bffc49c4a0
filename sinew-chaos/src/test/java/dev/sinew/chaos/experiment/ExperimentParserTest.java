package dev.sinew.chaos.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.sinew.chaos.experiment.Experiment.Abort;
import dev.sinew.chaos.experiment.Experiment.Fault;
import dev.sinew.chaos.experiment.Experiment.Probe;
import dev.sinew.chaos.experiment.Experiment.Proof;
import dev.sinew.chaos.experiment.Experiment.Rollback;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ExperimentParserTest {

    @Test
    void readsAGoodFile() throws Exception {
        Experiment e = ExperimentParser.read(Path.of("src/test/resources/experiments/payment-latency.json"));
        assertThat(e.title()).isEqualTo("Payment answers 2 s late");
        assertThat(e.hypothesis()).containsExactly(
                new Probe(ProbeKind.SUCCESS, "POST /orders", 0.99, null),
                new Probe(ProbeKind.P99, "GET /", null, Duration.ofMillis(800)),
                new Probe(ProbeKind.AUDIT, null, null, null));
        assertThat(e.method()).containsExactly(
                new Fault(FaultKind.LATENCY, "payment", Duration.ofSeconds(30), Duration.ofSeconds(2), null),
                new Fault(FaultKind.ERROR_RATE, "payment", Duration.ofSeconds(20), null, 0.5),
                new Fault(FaultKind.BROKER_DOWN, "broker", Duration.ofSeconds(10), null, null));
        assertThat(e.rollback()).containsExactly(new Rollback(RollbackAction.CLEAR_FAULTS, "payment"));
        assertThat(e.abort()).containsExactly(
                new Abort(AbortKind.SUCCESS_BELOW, "POST /orders", 0.5, null),
                new Abort(AbortKind.P99_ABOVE, "GET /", null, Duration.ofSeconds(5)),
                new Abort(AbortKind.AUDIT_FAILS, null, null, null));
        assertThat(e.proof()).containsExactly(new Proof(ProofKind.ANSWERS_SLOWER, "payment", Duration.ofSeconds(5)));
        assertThat(e.faultDuration()).isEqualTo(Duration.ofSeconds(30));
        assertThat(e.method()).isUnmodifiable();
    }

    private static ExperimentException reject(String text) {
        return catchThrowableOfType(ExperimentException.class, () -> ExperimentParser.parse("experiments/pay.json", text));
    }

    private static final String HEAD = """
            {
              "title": "pay",
              "hypothesis": [{"probe": "audit"}],
              "method": [
            """;

    @Test
    void anUnknownFaultNamesTheLineAndTheAllowedValues() {
        ExperimentException e = reject(HEAD + """
                    {"fault": "latency", "target": "payment", "duration": "5s", "latency": "1s"},
                    {"fault": "kil", "target": "payment", "duration": "5s"}
                  ]
                }
                """);
        assertThat(e.line()).isEqualTo(6);
        assertThat(e.column()).isEqualTo(15);
        assertThat(e).hasMessage("experiments/pay.json line 6, column 15: fault 'kil' is not one of "
                + "kill, freeze, latency, blackhole, error-rate, broker-down, reset");
    }

    @Test
    void malformedJsonGivesTheLine() {
        ExperimentException e = reject(HEAD + """
                    {"fault": "kill", "target": "payment" "duration": "5s"}
                  ]
                }
                """);
        assertThat(e.line()).isEqualTo(5);
        assertThat(e.reason()).startsWith("malformed JSON");
    }

    @Test
    void aMissingKeyNamesTheKey() {
        ExperimentException e = reject(HEAD + """
                    {"fault": "kill",
                     "target": "payment"}
                  ]
                }
                """);
        assertThat(e.line()).isEqualTo(5);
        assertThat(e.reason()).isEqualTo("'duration' is required here");
    }

    @Test
    void aBadDurationSaysWhatIsAllowed() {
        ExperimentException e = reject(HEAD + """
                    {"fault": "freeze", "target": "payment",
                     "duration": "5 sec"}
                  ]
                }
                """);
        assertThat(e.line()).isEqualTo(6);
        assertThat(e.reason()).contains("'duration' must be", "250ms", "'5 sec'");
    }

    @Test
    void aRateOutsideZeroToOneIsRejected() {
        ExperimentException e = reject(HEAD + """
                    {"fault": "error-rate", "target": "payment", "duration": "5s", "rate": 50}
                  ]
                }
                """);
        assertThat(e.line()).isEqualTo(5);
        assertThat(e.reason()).isEqualTo("'rate' must be a number from 0 to 1, was 50");
    }

    @Test
    void aKeyTheFaultDoesNotUseIsRejected() {
        ExperimentException e = reject(HEAD + """
                    {"fault": "kill", "target": "payment", "duration": "5s", "latency": "2s"}
                  ]
                }
                """);
        assertThat(e.reason()).isEqualTo("a kill fault takes no 'latency'; its keys are fault, target, duration");
    }

    @Test
    void aResetTakesOnlyTargetAndDuration() {
        ExperimentException e = reject(HEAD + """
                    {"fault": "reset", "target": "broker", "duration": "5s", "rate": 1}
                  ]
                }
                """);
        assertThat(e.reason()).isEqualTo("a reset fault takes no 'rate'; its keys are fault, target, duration");
    }

    @Test
    void unknownKeysAndEmptyMethodAndWrongTypesAreRejected() {
        assertThat(reject("{\"title\": \"t\", \"hypothesis\": [{\"probe\": \"audit\"}], \"method\": [], \"rolback\": []}").reason())
                .isEqualTo("unknown key 'rolback' in the experiment; allowed: abort, hypothesis, method, proof, rollback, title");
        assertThat(reject("{\"title\": \"t\", \"hypothesis\": [{\"probe\": \"audit\"}], \"method\": []}").reason())
                .isEqualTo("'method' must not be empty");
        assertThat(reject("{\"title\": 5, \"hypothesis\": [], \"method\": []}").reason())
                .isEqualTo("'title' must be non-blank text, was a number");
        assertThat(reject("{\"title\": \"t\", \"hypothesis\": [{\"probe\": \"p99\", \"route\": \"GET /\", \"at-most\": \"fast\"}], \"method\": []}")
                .reason()).contains("'at-most' must be");
        assertThat(reject("").reason()).contains("empty");
        assertThat(reject("{\"title\": \"t\", \"title\": \"u\"}").reason()).contains("duplicate key 'title'");
    }

    @Test
    void anUnknownProbeAbortOrProofListsTheAllowedOnes() {
        String base = "{\"title\": \"t\", \"method\": [{\"fault\": \"kill\", \"target\": \"a\", \"duration\": \"1s\"}],\n";
        assertThat(reject(base + "\"hypothesis\": [{\"probe\": \"latency\"}]}").reason())
                .isEqualTo("probe 'latency' is not one of success, p99, audit");
        assertThat(reject(base + "\"hypothesis\": [{\"probe\": \"audit\"}], \"abort\": [{\"when\": \"never\"}]}").reason())
                .isEqualTo("when 'never' is not one of success-below, p99-above, audit-fails");
        ExperimentException e = reject(base + "\"hypothesis\": [{\"probe\": \"audit\"}],\n\"proof\": [{\"check\": \"dead\", \"target\": \"a\", \"within\": \"1s\"}]}");
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.reason()).isEqualTo("check 'dead' is not one of stops-answering, answers-slower, answers-errors, broker-unreachable");
    }
}
