package dev.sinew.shop.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sinew.chaos.experiment.Experiment;
import dev.sinew.chaos.experiment.ExperimentParser;
import dev.sinew.chaos.experiment.FaultKind;
import dev.sinew.chaos.experiment.ProofKind;
import dev.sinew.chaos.experiment.RollbackAction;
import dev.sinew.console.incident.ExperimentExport;
import dev.sinew.console.incident.FaultRecord;
import dev.sinew.console.incident.Incident;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The console's experiment export, read back by the game day's strict parser. */
class ExperimentExportTest {

    @Test
    void everyFaultTheConsoleCanInjectBecomesAValidExperimentStep() {
        Incident i = new Incident("inc-20260101-120000", "payment and the broker", "RESOLVED", 1_000, "operator",
                100_000, "operator", "v-1", Map.of(), List.of(), List.of(
                new FaultRecord(10_000, "payment", "kill"),
                new FaultRecord(12_000, "catalog", "freeze"),
                new FaultRecord(40_000, "payment", "start"),
                new FaultRecord(50_000, "broker", "stop"),
                new FaultRecord(61_400, "broker", "start"),
                new FaultRecord(62_000, "catalog", "thaw")));
        assertThat(ExperimentExport.hasFaults(i)).isTrue();
        Experiment e = ExperimentParser.parse("export.json", ExperimentExport.json(i, 200_000));
        assertThat(e.title()).isEqualTo("Replay of inc-20260101-120000: payment and the broker");
        assertThat(e.method()).extracting(Experiment.Fault::kind, Experiment.Fault::target, Experiment.Fault::duration)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(FaultKind.KILL, "payment", Duration.ofSeconds(30)),
                        org.assertj.core.groups.Tuple.tuple(FaultKind.FREEZE, "catalog", Duration.ofSeconds(50)),
                        org.assertj.core.groups.Tuple.tuple(FaultKind.BROKER_DOWN, "broker", Duration.ofSeconds(11)));
        assertThat(e.rollback()).extracting(Experiment.Rollback::action)
                .containsExactly(RollbackAction.RESTART, RollbackAction.RESUME, RollbackAction.RESTART);
        assertThat(e.proof()).extracting(Experiment.Proof::kind)
                .containsExactly(ProofKind.STOPS_ANSWERING, ProofKind.STOPS_ANSWERING, ProofKind.BROKER_UNREACHABLE);
        assertThat(e.hypothesis()).hasSize(2);
    }

    @Test
    void onlyRepairsAreNothingToReplay() {
        Incident i = new Incident("inc-1", "t", "OPEN", 0, "operator", 0, null, null, Map.of(), List.of(),
                List.of(new FaultRecord(1, "catalog", "thaw")));
        assertThat(ExperimentExport.hasFaults(i)).isFalse();
    }
}
