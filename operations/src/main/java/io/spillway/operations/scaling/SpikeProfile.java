package io.spillway.operations.scaling;

/**
 * Orders arriving per second over time. A flash sale's opening is a block: {@code orders} arriving
 * at {@code ratePerSecond} from {@code startSecond}, then nothing; {@link #plus} adds a background.
 */
@FunctionalInterface
public interface SpikeProfile {

    /** Orders that arrive during second {@code second} (from {@code second} to {@code second + 1}). */
    double ordersDuring(long second);

    static SpikeProfile block(long startSecond, long orders, double ratePerSecond) {
        if (orders < 0 || ratePerSecond <= 0) {
            throw new IllegalArgumentException("need orders >= 0 and a positive rate");
        }
        return second -> {
            double before = Math.min(orders, Math.max(0, (second - startSecond) * ratePerSecond));
            double after = Math.min(orders, Math.max(0, (second + 1 - startSecond) * ratePerSecond));
            return after - before;
        };
    }

    static SpikeProfile steady(double ratePerSecond) {
        return second -> ratePerSecond;
    }

    default SpikeProfile plus(SpikeProfile other) {
        return second -> ordersDuring(second) + other.ordersDuring(second);
    }
}
