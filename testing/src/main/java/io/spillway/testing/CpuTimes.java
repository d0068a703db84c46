package io.spillway.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * The machine's and some processes' CPU time, from {@code /proc}, so that a benchmark can say where
 * the CPU of a window went: {@code Reading.now(pids)} at its start and end, then {@link #between}.
 * Linux only; counts are in clock ticks of {@code USER_HZ} (100 per second on every Linux kernel
 * the JDK runs on).
 */
public final class CpuTimes {

    private static final double TICKS_PER_SECOND = 100;

    private CpuTimes() {}

    /** Busy, stolen and total ticks of the whole machine, and each named process's own ticks (by name). */
    public record Reading(long nanoTime, long busy, long steal, long total, Map<String, Long> processes) {

        /** Reads {@code /proc/stat} and each process's {@code /proc/<pid>/stat} now. */
        public static Reading now(Map<String, Long> pids) {
            String[] cpu = lines(Path.of("/proc/stat")).split("\n")[0].trim().split("\\s+");
            long user = Long.parseLong(cpu[1]), nice = Long.parseLong(cpu[2]), system = Long.parseLong(cpu[3]);
            long idle = Long.parseLong(cpu[4]), iowait = Long.parseLong(cpu[5]), irq = Long.parseLong(cpu[6]);
            long softirq = Long.parseLong(cpu[7]), steal = Long.parseLong(cpu[8]);
            Map<String, Long> processes = new TreeMap<>();
            pids.forEach((name, pid) -> processes.put(name, processTicks(pid)));
            return new Reading(System.nanoTime(), user + nice + system + irq + softirq, steal,
                    user + nice + system + idle + iowait + irq + softirq + steal, processes);
        }
    }

    /**
     * What the window from {@code from} to {@code to} used: the machine's busy cores, the share
     * stolen by the hypervisor, and each process's cores, e.g. {@code machine 1.93 cores (steal 1 %):
     * notifier 1.02, driver 0.71}.
     */
    public static String between(Reading from, Reading to) {
        double seconds = (to.nanoTime() - from.nanoTime()) / 1e9;
        StringBuilder line = new StringBuilder(String.format("machine %.2f cores (steal %.0f %%)",
                busySeconds(from, to) / seconds, 100 * stealShare(from, to)));
        String separator = ": ";
        for (String process : to.processes().keySet()) {
            line.append(separator).append(String.format("%s %.2f", process, processSeconds(from, to, process) / seconds));
            separator = ", ";
        }
        return line.toString();
    }

    /** CPU seconds the whole machine spent between the two readings. */
    public static double busySeconds(Reading from, Reading to) {
        return (to.busy() - from.busy()) / TICKS_PER_SECOND;
    }

    /** CPU seconds the named process spent between the two readings. */
    public static double processSeconds(Reading from, Reading to, String process) {
        long after = to.processes().get(process);
        return (after - from.processes().getOrDefault(process, after)) / TICKS_PER_SECOND;
    }

    /** The share of the machine's time the hypervisor took between the two readings. */
    public static double stealShare(Reading from, Reading to) {
        long total = to.total() - from.total();
        return total == 0 ? 0 : (to.steal() - from.steal()) / (double) total;
    }

    /** utime + stime of the process (fields 14 and 15 of {@code /proc/<pid>/stat}). */
    private static long processTicks(long pid) {
        String stat = lines(Path.of("/proc", Long.toString(pid), "stat"));
        // The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    private static String lines(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
