package io.spillway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.spillway.localstack.Ports;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code ./spillway} as a new user runs it: {@code demo} starts the whole stack (broker, database,
 * four services as their own processes), sells a sale without overselling, {@code up} again changes
 * nothing, and {@code down} leaves no process behind. It uses the jars this build just made, a
 * state directory and ports of its own, so it never meets a developer's running stack.
 */
class LauncherIT {

    private static final Path SCRIPT = Path.of("..", "spillway").toAbsolutePath().normalize();

    @Test
    void demoSellsTheSaleWithoutOversellingAndDownLeavesNothingRunning() throws Exception {
        Path home = Files.createTempDirectory("spillway-launcher");
        Map<String, String> environment = new HashMap<>();
        environment.put("SPILLWAY_HOME", home.toString());
        environment.put("SPILLWAY_SKIP_BUILD", "1");
        for (String port : List.of("KAFKA", "KAFKA_CONTROLLER", "POSTGRES", "INGEST", "NOTIFIER", "INVENTORY", "PROCESSOR")) {
            environment.put("SPILLWAY_" + port + "_PORT", String.valueOf(Ports.free()));
        }
        try {
            Run demo = run(environment, 420, "demo", "--buyers", "300", "--stock", "100", "--seats", "20");
            assertThat(demo.exitCode).as(demo.output).isZero();
            assertThat(demo.output).contains("oversold:  0").contains("undecided: 0").contains("confirmed: ");

            List<Long> pids = startedProcesses(home);
            assertThat(pids).hasSize(7);
            assertThat(pids).allMatch(LauncherIT::alive);

            Run again = run(environment, 120, "up");
            assertThat(again.exitCode).as(again.output).isZero();
            assertThat(startedProcesses(home)).containsExactlyInAnyOrderElementsOf(pids);

            Run status = run(environment, 30, "status");
            assertThat(status.output).contains("ingest-api").doesNotContain("stopped");

            Run down = run(environment, 180, "down");
            assertThat(down.exitCode).as(down.output).isZero();
            assertThat(pids).noneMatch(LauncherIT::alive);
            assertThat(ProcessHandle.allProcesses()
                            .filter(process -> process.info().commandLine().orElse("").contains(home.toString())))
                    .as("processes still naming %s", home)
                    .isEmpty();
        } finally {
            run(environment, 180, "down");
        }
    }

    /** The wrappers' pids and the PostgreSQL server's own, as the launcher and PostgreSQL recorded them. */
    private static List<Long> startedProcesses(Path home) throws IOException {
        List<Long> pids = new ArrayList<>();
        try (Stream<Path> files = Files.list(home.resolve("run"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".pid")).toList()) {
                pids.add(Long.parseLong(Files.readString(file).trim()));
            }
        }
        Path postmaster = home.resolve("postgres/data/postmaster.pid");
        pids.add(Long.parseLong(Files.readAllLines(postmaster).getFirst().trim()));
        return pids;
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private static Run run(Map<String, String> environment, int timeoutSeconds, String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of(SCRIPT.toString()));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Path output = Files.createTempFile("spillway-launcher", ".out");
        builder.redirectOutput(output.toFile());
        Process process = builder.start();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("./spillway " + String.join(" ", arguments) + " did not finish in "
                    + timeoutSeconds + " s:\n" + Files.readString(output, StandardCharsets.UTF_8));
        }
        return new Run(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
    }

    private record Run(int exitCode, String output) {}
}
