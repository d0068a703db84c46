package io.spillway.operations.scaling;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The replica arithmetic of Kubernetes' HPA controller ({@code pkg/controller/podautoscaler}) for
 * {@code AverageValue} metrics, as KEDA configures it: per metric {@code ceil(value / target)} unless
 * the ratio is within the tolerance, the largest proposal across metrics, then the behaviour
 * (stabilization windows and rate policies), then min/max replicas. One instance is one HPA; time is
 * given by the caller in seconds, so it runs in a simulation. Not modelled: pods that are not ready
 * (the controller treats them conservatively only for resource metrics) and the metrics' own delay.
 */
public final class HorizontalPodAutoscaler {

    /** The controller's default {@code --horizontal-pod-autoscaler-tolerance}. */
    public static final double TOLERANCE = 0.1;

    public enum PolicyType { PODS, PERCENT }

    public enum SelectPolicy { MAX, MIN, DISABLED }

    public record Policy(PolicyType type, int value, int periodSeconds) {}

    /** One direction of {@code spec.behavior}. */
    public record Rules(int stabilizationWindowSeconds, SelectPolicy select, List<Policy> policies) {
        public Rules {
            policies = List.copyOf(policies);
        }
    }

    /**
     * {@code spec.behavior}; {@code legacyUp} replaces the up policies by the rule the controller
     * applies to an HPA without behaviour: at most {@code max(2 × current, 4)} per sync.
     */
    public record Behavior(Rules scaleUp, Rules scaleDown, boolean legacyUp) {

        /** What the API server fills in for an autoscaling/v2 HPA that says nothing. */
        public static Behavior kubernetesDefault() {
            return new Behavior(
                    new Rules(0, SelectPolicy.MAX, List.of(new Policy(PolicyType.PODS, 4, 15), new Policy(PolicyType.PERCENT, 100, 15))),
                    new Rules(300, SelectPolicy.MAX, List.of(new Policy(PolicyType.PERCENT, 100, 15))),
                    false);
        }

        /** No behaviour: the controller's older normalisation, up to max(2 × current, 4) per step. */
        public static Behavior legacy() {
            return new Behavior(new Rules(0, SelectPolicy.MAX, List.of()), kubernetesDefault().scaleDown(), true);
        }
    }

    private record Recommendation(long at, int replicas) {}

    private record ScaleEvent(long at, int change) {}

    private final int minReplicas;
    private final int maxReplicas;
    private final Behavior behavior;
    private final Deque<Recommendation> recommendations = new ArrayDeque<>();
    private final Deque<ScaleEvent> upEvents = new ArrayDeque<>();
    private final Deque<ScaleEvent> downEvents = new ArrayDeque<>();

    public HorizontalPodAutoscaler(int minReplicas, int maxReplicas, Behavior behavior) {
        if (minReplicas < 1 || maxReplicas < minReplicas) {
            throw new IllegalArgumentException("need 1 <= minReplicas <= maxReplicas");
        }
        this.minReplicas = minReplicas;
        this.maxReplicas = maxReplicas;
        this.behavior = behavior;
    }

    /**
     * {@code GetExternalMetricReplicas} for an {@code AverageValue} target: the current count when
     * {@code |1 − value / (target × current)| ≤ 0.1}, otherwise {@code ceil(value / target)}.
     */
    public static int proposal(double value, double target, int current) {
        double usageRatio = value / (target * current);
        if (Math.abs(1.0 - usageRatio) <= TOLERANCE) {
            return current;
        }
        return (int) Math.ceil(value / target);
    }

    /**
     * One sync of the controller at time {@code now} (seconds): returns the new replica count.
     *
     * @param proposals each metric's proposal ({@link #proposal}); the largest wins
     */
    public int sync(long now, int current, List<Integer> proposals) {
        int desired = proposals.stream().mapToInt(Integer::intValue).max().orElse(current);
        int stabilized = stabilize(now, current, desired);
        int limited = limitRate(now, current, stabilized);
        int result = Math.max(minReplicas, Math.min(maxReplicas, limited));
        if (result > current) {
            upEvents.addLast(new ScaleEvent(now, result - current));
        } else if (result < current) {
            downEvents.addLast(new ScaleEvent(now, current - result));
        }
        return result;
    }

    private int stabilize(long now, int current, int desired) {
        long upCutoff = now - behavior.scaleUp().stabilizationWindowSeconds();
        long downCutoff = now - behavior.scaleDown().stabilizationWindowSeconds();
        int up = desired;
        int down = desired;
        for (Recommendation r : recommendations) {
            if (r.at() > upCutoff) {
                up = Math.min(up, r.replicas());
            }
            if (r.at() > downCutoff) {
                down = Math.max(down, r.replicas());
            }
        }
        long keep = Math.max(behavior.scaleUp().stabilizationWindowSeconds(), behavior.scaleDown().stabilizationWindowSeconds());
        recommendations.removeIf(r -> r.at() <= now - keep);
        recommendations.addLast(new Recommendation(now, desired));
        int recommendation = current;
        if (recommendation < up) {
            recommendation = up;
        }
        if (recommendation > down) {
            recommendation = down;
        }
        return recommendation;
    }

    private int limitRate(long now, int current, int desired) {
        if (desired > current) {
            int limit = behavior.legacyUp() ? Math.max(2 * current, 4) : upLimit(now, current);
            return Math.min(desired, Math.max(limit, current));
        }
        if (desired < current) {
            int limit = downLimit(now, current);
            return Math.max(desired, Math.min(limit, current));
        }
        return desired;
    }

    private int upLimit(long now, int current) {
        Rules rules = behavior.scaleUp();
        if (rules.select() == SelectPolicy.DISABLED) {
            return current;
        }
        int result = rules.select() == SelectPolicy.MAX ? Integer.MIN_VALUE : Integer.MAX_VALUE;
        for (Policy policy : rules.policies()) {
            int periodStart = current - changedWithin(upEvents, now, policy.periodSeconds());
            int proposed = policy.type() == PolicyType.PODS
                    ? periodStart + policy.value()
                    : (int) Math.ceil(periodStart * (1 + policy.value() / 100.0));
            result = rules.select() == SelectPolicy.MAX ? Math.max(result, proposed) : Math.min(result, proposed);
        }
        return rules.policies().isEmpty() ? maxReplicas : result;
    }

    private int downLimit(long now, int current) {
        Rules rules = behavior.scaleDown();
        if (rules.select() == SelectPolicy.DISABLED) {
            return current;
        }
        // "Max" means the policy that allows the largest change, which downwards is the smallest count.
        int result = rules.select() == SelectPolicy.MAX ? Integer.MAX_VALUE : Integer.MIN_VALUE;
        for (Policy policy : rules.policies()) {
            int periodStart = current + changedWithin(downEvents, now, policy.periodSeconds());
            int proposed = policy.type() == PolicyType.PODS
                    ? periodStart - policy.value()
                    : (int) (periodStart * (1 - policy.value() / 100.0));
            result = rules.select() == SelectPolicy.MAX ? Math.min(result, proposed) : Math.max(result, proposed);
        }
        return rules.policies().isEmpty() ? minReplicas : result;
    }

    private static int changedWithin(Deque<ScaleEvent> events, long now, int periodSeconds) {
        events.removeIf(e -> e.at() <= now - 3600);
        int sum = 0;
        for (ScaleEvent e : events) {
            if (e.at() > now - periodSeconds) {
                sum += e.change();
            }
        }
        return sum;
    }
}
