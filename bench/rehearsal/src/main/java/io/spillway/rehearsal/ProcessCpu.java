package io.spillway.rehearsal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU used by the stack's processes, from /proc/PID/stat: user + system time of the process, its
 * live children (PostgreSQL's backends) and the children it has reaped (backends that ended).
 *
 * <p>Limits: Linux only; a child that ended and was not yet reaped is missed.
 */
final class ProcessCpu {

    static final long TICKS_PER_SECOND = 100; // USER_HZ on Linux

    private final Map<String, Long> pids = new LinkedHashMap<>();

    void watch(String name, long pid) {
        pids.put(name, pid);
    }

    /** Clock ticks used so far, per watched process (with its children). */
    Map<String, Long> read() {
        Map<String, Long> ticks = new LinkedHashMap<>();
        Map<Long, Long> childTicks = childTicksByParent();
        pids.forEach((name, pid) -> {
            String[] fields = fields(pid);
            if (fields != null) {
                // after the name: state(0) ppid(1) … utime(11) stime(12) cutime(13) cstime(14)
                long own = Long.parseLong(fields[11]) + Long.parseLong(fields[12])
                        + Long.parseLong(fields[13]) + Long.parseLong(fields[14]);
                ticks.put(name, own + childTicks.getOrDefault(pid, 0L));
            }
        });
        return ticks;
    }

    private static Map<Long, Long> childTicksByParent() {
        Map<Long, Long> byParent = new java.util.HashMap<>();
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            processes.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).forEach(p -> {
                String[] fields = fields(Long.parseLong(p.getFileName().toString()));
                if (fields != null) {
                    byParent.merge(Long.parseLong(fields[1]),
                            Long.parseLong(fields[11]) + Long.parseLong(fields[12]), Long::sum);
                }
            });
        } catch (IOException e) {
            return byParent;
        }
        return byParent;
    }

    private static String[] fields(long pid) {
        try {
            return Figures.statFields(Files.readString(Path.of("/proc/" + pid + "/stat")));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
