package dev.sinew.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClaimFloorsTest {

    private static final long WINDOW = 2_000;
    private static final long SWEEP = 10_000;

    @Test
    void aProofBecomesAFloorOnlyOnceItIsAWindowOld() {
        ClaimFloors f = new ClaimFloors(4, WINDOW, SWEEP, 0);
        assertThat(f.floor(1, 0)).isZero();
        f.proven(1, 500);
        f.settle(100);
        assertThat(f.floor(1, 100)).isZero();
        assertThat(f.floor(1, 2_099)).isZero();
        assertThat(f.floor(1, 2_100)).isEqualTo(500);
        assertThat(f.floor(2, 2_100)).as("another partition").isZero();
    }

    @Test
    void floorsOnlyRiseAndFollowTheNewestProofThatIsAWindowOld() {
        ClaimFloors f = new ClaimFloors(2, WINDOW, SWEEP, 0);
        f.proven(0, 100);
        f.settle(0);
        f.proven(0, 200);
        f.settle(500);
        f.proven(0, 150); // lower than what is proven already: ignored
        f.settle(1_000);
        f.proven(0, 400);
        f.settle(1_600);
        assertThat(f.floor(0, 2_000)).isEqualTo(100);
        assertThat(f.floor(0, 2_500)).isEqualTo(200);
        assertThat(f.floor(0, 3_000)).isEqualTo(200);
        assertThat(f.floor(0, 3_600)).isEqualTo(400);
        assertThat(f.floor(0, 100_000)).isEqualTo(400);
    }

    @Test
    void marksAreTakenAtMostFourTimesPerWindow() {
        ClaimFloors f = new ClaimFloors(1, WINDOW, SWEEP, 0);
        f.proven(0, 100);
        f.settle(0);
        f.proven(0, 200);
        f.settle(10); // recorded, but no new mark until 500 ms after the last one
        assertThat(f.floor(0, 2_010)).isEqualTo(100);
        f.proven(0, 300);
        f.settle(510);
        assertThat(f.floor(0, 2_510)).isEqualTo(300);
    }

    @Test
    void everyProofOfOneClaimGoesIntoTheSameMark() {
        ClaimFloors f = new ClaimFloors(3, WINDOW, SWEEP, 0);
        f.proven(0, 10);
        f.proven(1, 20);
        f.proven(2, 30);
        f.settle(0);
        assertThat(List.of(f.floor(0, 2_000), f.floor(1, 2_000), f.floor(2, 2_000))).containsExactly(10L, 20L, 30L);
    }

    @Test
    void aGainedPartitionStartsFromNoFloor() {
        ClaimFloors f = new ClaimFloors(2, WINDOW, SWEEP, 0);
        f.proven(0, 100);
        f.proven(1, 100);
        f.settle(0);
        assertThat(f.floor(0, 3_000)).isEqualTo(100);
        f.reset(0);
        assertThat(f.floor(0, 3_000)).isZero();
        assertThat(f.floor(1, 3_000)).isEqualTo(100);
        f.proven(0, 300);
        f.settle(3_000);
        assertThat(f.floor(0, 4_999)).isZero();
        assertThat(f.floor(0, 5_000)).isEqualTo(300);
    }

    @Test
    void lowestFloorIsTheMinimumOverThePartitions() {
        ClaimFloors f = new ClaimFloors(3, WINDOW, SWEEP, 0);
        f.proven(0, 300);
        f.proven(1, 200);
        f.proven(2, 900);
        f.settle(0);
        assertThat(f.lowestFloor(List.of(0, 2), 2_000)).isEqualTo(300);
        assertThat(f.lowestFloor(List.of(0, 1, 2), 2_000)).isEqualTo(200);
        assertThat(f.lowestFloor(List.of(), 2_000)).isZero();
    }

    @Test
    void aSweepIsDueEveryIntervalAndLastsUntilABatchIsNotFull() {
        ClaimFloors f = new ClaimFloors(1, WINDOW, SWEEP, 0);
        assertThat(f.sweepDue(9_999)).isFalse();
        assertThat(f.sweepDue(10_000)).isTrue();
        f.swept(true, 10_050);
        assertThat(f.sweepDue(10_060)).as("full batch: more may lie below the floors").isTrue();
        f.swept(false, 10_100);
        assertThat(f.sweepDue(10_200)).isFalse();
        assertThat(f.sweepDue(20_099)).isFalse();
        assertThat(f.sweepDue(20_100)).isTrue();
    }
}
