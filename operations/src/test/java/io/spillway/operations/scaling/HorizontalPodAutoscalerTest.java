package io.spillway.operations.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import io.spillway.operations.scaling.HorizontalPodAutoscaler.Behavior;
import java.util.List;
import org.junit.jupiter.api.Test;

class HorizontalPodAutoscalerTest {

    @Test
    void asksForTheCeilingOfLagOverThreshold() {
        assertThat(HorizontalPodAutoscaler.proposal(10_001, 1_000, 1)).isEqualTo(11);
        assertThat(HorizontalPodAutoscaler.proposal(1, 1_000, 3)).isEqualTo(1);
    }

    @Test
    void keepsTheCurrentCountWithinTenPercentOfTheTarget() {
        // 4 replicas, target 1,000 each. 4,400 / 4,000 is 1.1 but 1 − 1.1 is −0.10000000000000009 in
        // float64, so exactly 10 % over is already outside the tolerance, in the controller as here.
        assertThat(HorizontalPodAutoscaler.proposal(4_399, 1_000, 4)).isEqualTo(4);
        assertThat(HorizontalPodAutoscaler.proposal(4_400, 1_000, 4)).isEqualTo(5);
        assertThat(HorizontalPodAutoscaler.proposal(3_600, 1_000, 4)).isEqualTo(4);
        assertThat(HorizontalPodAutoscaler.proposal(3_599, 1_000, 4)).isEqualTo(4);
        assertThat(HorizontalPodAutoscaler.proposal(2_999, 1_000, 4)).isEqualTo(3);
    }

    @Test
    void withoutBehaviourScalesUpAtMostToTwiceTheCurrentOrFourPerStep() {
        HorizontalPodAutoscaler hpa = new HorizontalPodAutoscaler(1, 100, Behavior.legacy());
        int replicas = 1;
        int[] expected = {4, 8, 16, 32, 50};
        long now = 0;
        for (int step : expected) {
            now += 15;
            replicas = hpa.sync(now, replicas, List.of(50));
            assertThat(replicas).isEqualTo(step);
        }
    }

    @Test
    void theDefaultBehaviourAddsFourPodsOrDoublesPerFifteenSeconds() {
        HorizontalPodAutoscaler hpa = new HorizontalPodAutoscaler(1, 100, Behavior.kubernetesDefault());
        assertThat(hpa.sync(15, 1, List.of(50))).isEqualTo(5);  // max(1 + 4, 2 × 1)
        assertThat(hpa.sync(30, 5, List.of(50))).isEqualTo(10); // max(5 + 4, 2 × 5)
        assertThat(hpa.sync(45, 10, List.of(50))).isEqualTo(20);
    }

    @Test
    void scaleUpPoliciesCountWhatWasAddedWithinTheirPeriod() {
        HorizontalPodAutoscaler hpa = new HorizontalPodAutoscaler(1, 100, new Behavior(
                new HorizontalPodAutoscaler.Rules(0, HorizontalPodAutoscaler.SelectPolicy.MAX,
                        List.of(new HorizontalPodAutoscaler.Policy(HorizontalPodAutoscaler.PolicyType.PODS, 2, 60))),
                Behavior.kubernetesDefault().scaleDown(), false));
        assertThat(hpa.sync(0, 1, List.of(10))).isEqualTo(3);
        assertThat(hpa.sync(15, 3, List.of(10))).isEqualTo(3); // the 2 pods of this minute are used up
        assertThat(hpa.sync(60, 3, List.of(10))).isEqualTo(5);
    }

    @Test
    void holdsScaleDownForThreeHundredSecondsOfLowerRecommendations() {
        HorizontalPodAutoscaler hpa = new HorizontalPodAutoscaler(1, 12, Behavior.kubernetesDefault());
        int replicas = hpa.sync(0, 1, List.of(12));
        assertThat(replicas).isEqualTo(5);
        replicas = hpa.sync(15, replicas, List.of(12));
        replicas = hpa.sync(30, replicas, List.of(12));
        assertThat(replicas).isEqualTo(12);
        // The lag is gone at 45 s; the recommendation of 12 made at 30 s counts for 300 s after it.
        for (long t = 45; t <= 315; t += 15) {
            replicas = hpa.sync(t, replicas, List.of(1));
            assertThat(replicas).as("at %d s", t).isEqualTo(12);
        }
        assertThat(hpa.sync(330, replicas, List.of(1))).isEqualTo(1);
    }

    @Test
    void spillwaysBehaviourGoesToThePartitionCountInOneStepAndDownOnePodAMinute() {
        HorizontalPodAutoscaler hpa = new HorizontalPodAutoscaler(1, 12, SpillwayScaling.behavior());
        int replicas = hpa.sync(0, 1, List.of(12));
        assertThat(replicas).isEqualTo(12);
        for (long t = 15; t <= 285; t += 15) {
            replicas = hpa.sync(t, replicas, List.of(1));
        }
        assertThat(replicas).isEqualTo(12);
        replicas = hpa.sync(300, replicas, List.of(1));
        assertThat(replicas).isEqualTo(11);
        replicas = hpa.sync(345, replicas, List.of(1));
        assertThat(replicas).isEqualTo(11); // one pod per 60 s
        assertThat(hpa.sync(360, replicas, List.of(1))).isEqualTo(10);
    }

    @Test
    void neverLeavesMinAndMaxReplicas() {
        HorizontalPodAutoscaler hpa = new HorizontalPodAutoscaler(2, 12, SpillwayScaling.behavior());
        assertThat(hpa.sync(0, 2, List.of(13))).isEqualTo(12);
        HorizontalPodAutoscaler other = new HorizontalPodAutoscaler(2, 12, Behavior.legacy());
        assertThat(other.sync(0, 3, List.of(0))).isEqualTo(2);
    }
}
