package io.spillway.operations.scaling;

/**
 * KEDA's cron scaler as the HPA sees it: between {@code start} and {@code end} (seconds of the
 * simulation, end exclusive) the metric is {@code desiredReplicas} against an {@code AverageValue}
 * target of 1, outside it the metric is 1. So it is a floor while the window is open, and the
 * only trigger that keeps the workload active before any lag exists (the pre-warm).
 */
public record CronFloor(long start, long end, int desiredReplicas) {

    public CronFloor {
        if (end <= start || desiredReplicas < 1) {
            throw new IllegalArgumentException("need start < end and desiredReplicas >= 1");
        }
    }

    public boolean active(long now) {
        return now >= start && now < end;
    }

    /** The value the cron scaler reports at {@code now}. */
    public int metric(long now) {
        return active(now) ? desiredReplicas : 1;
    }
}
