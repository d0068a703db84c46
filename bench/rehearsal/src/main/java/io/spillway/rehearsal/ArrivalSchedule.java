package io.spillway.rehearsal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * When each buyer clicks, fixed before the run (an open model: a buyer arrives at its time whatever
 * the system under test is doing, so a slow answer cannot slow the arrivals down and hide itself).
 * Three phases: a ramp before the opening whose rate grows linearly, a spike at the opening at a
 * constant rate, and a tail whose rate decays exponentially.
 *
 * <p>Limits: no think time between a buyer's clicks, one order per buyer.
 */
record ArrivalSchedule(double rampSeconds, double spikeSeconds, double tailSeconds, double rampShare,
        double spikeShare) {

    /** How fast the tail's rate decays: at its end it is e^-3 (5 %) of its start. */
    static final double TAIL_DECAY = 3.0;

    ArrivalSchedule {
        if (rampSeconds < 0 || spikeSeconds <= 0 || tailSeconds < 0) {
            throw new IllegalArgumentException("phases must not be negative and the spike must last");
        }
        if (rampShare < 0 || spikeShare <= 0 || rampShare + spikeShare > 1) {
            throw new IllegalArgumentException("shares must be in [0, 1] and add up to at most 1");
        }
    }

    /** The opening, in seconds from the start of the schedule. */
    double openingSeconds() {
        return rampSeconds;
    }

    double durationSeconds() {
        return rampSeconds + spikeSeconds + tailSeconds;
    }

    /** Each buyer's arrival in milliseconds from the start, ascending; the same for the same seed. */
    List<Long> arrivalsMillis(int buyers, long seed) {
        Random random = new Random(seed);
        int ramp = (int) Math.round(buyers * rampShare);
        int spike = (int) Math.round(buyers * spikeShare);
        if (tailSeconds == 0) {
            spike = buyers - ramp;
        }
        int tail = buyers - ramp - spike;
        List<Long> arrivals = new ArrayList<>(buyers);
        for (int i = 0; i < ramp; i++) {
            // density growing linearly from 0: the inverse of its distribution function F(t) = (t/T)^2
            arrivals.add(toMillis(rampSeconds * Math.sqrt(random.nextDouble())));
        }
        for (int i = 0; i < spike; i++) {
            arrivals.add(toMillis(rampSeconds + spikeSeconds * random.nextDouble()));
        }
        double truncation = 1 - Math.exp(-TAIL_DECAY);
        for (int i = 0; i < tail; i++) {
            double fraction = -Math.log(1 - random.nextDouble() * truncation) / TAIL_DECAY;
            arrivals.add(toMillis(rampSeconds + spikeSeconds + tailSeconds * fraction));
        }
        Collections.sort(arrivals);
        return arrivals;
    }

    private static long toMillis(double seconds) {
        return Math.round(seconds * 1000);
    }
}
