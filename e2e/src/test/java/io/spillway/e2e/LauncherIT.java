package io.spillway.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.spillway.localstack.Ports;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code ./spillway} as a new user runs it: {@code demo} starts the whole stack (broker, database,
 * four services as their own processes), sells a sale without overselling, admits a room's buyers
 * within its rate and cap to a stand-in checkout that verifies their tokens, {@code up} again changes
 * nothing, and {@code down} leaves no process behind. It uses the jars this build just made, a
 * state directory and ports of its own, so it never meets a developer's running stack.
 */
class LauncherIT {

    private static final Path SCRIPT = Path.of("..", "spillway").toAbsolutePath().normalize();

    @Test
    void demoSellsTheSaleWithoutOversellingAndDownLeavesNothingRunning() throws Exception {
        Instant began = Instant.now();
        Path home = Files.createTempDirectory("spillway-launcher");
        Map<String, String> environment = new HashMap<>();
        environment.put("SPILLWAY_HOME", home.toString());
        environment.put("SPILLWAY_SKIP_BUILD", "1");
        environment.put("SPILLWAY_ORDER_TOKEN_SECRET", "launcher-test-order-token-secret-of-48-characters");
        for (String port : List.of("KAFKA", "KAFKA_CONTROLLER", "POSTGRES", "INGEST", "NOTIFIER", "INVENTORY", "PROCESSOR")) {
            environment.put("SPILLWAY_" + port + "_PORT", String.valueOf(Ports.free()));
        }
        try {
            Run demo = run(environment, 480, "demo", "--buyers", "300", "--stock", "100", "--seats", "20",
                    "--hold-buyers", "100", "--room-buyers", "120", "--room-rate", "600", "--room-max-active", "20");
            assertThat(demo.exitCode).as(demo.output).isZero();
            assertThat(demo.output).contains("oversold:  0").contains("undecided: 0").contains("confirmed: ");
            // The sale with a hold: paid, expired and cancelled holds, and returned tickets sold again.
            assertThat(demo.output).containsPattern("the buyers' page of this sale: http://127\\.0\\.0\\.1:[0-9]+/s/demo-")
                    .contains("unended:   0").containsPattern("resold: +[1-9]")
                    .containsPattern("paid: +[1-9]").containsPattern("expired: +[1-9]")
                    .containsPattern("cancelled: +[1-9]");
            // The room: every buyer admitted within the rate and the cap, each token verified by the
            // stand-in checkout through the JWKS, each admission ended by its leave.
            assertThat(demo.output).containsPattern("room demo-room-[0-9]+: at most 600 admitted a minute, at most 20 active")
                    .containsPattern("joined: +120 of 120 buyers")
                    .containsPattern("admitted: +120 in ")
                    .contains("tokens verified by the stand-in checkout through the JWKS: 120 of 120")
                    .containsPattern("leaves: +120 accepted \\(202\\), 120 admissions ended")
                    .contains("admitted twice: 0");
            assertThat(figure(demo.output, "admitted: .* at most ([0-9]+) in any 60 s")).isBetween(1, 600);
            assertThat(figure(demo.output, "active: +at most ([0-9]+) at once")).isBetween(1, 20);

            List<Long> pids = startedProcesses(home);
            assertThat(pids).hasSize(7);
            assertThat(pids).allMatch(LauncherIT::alive);

            String paymentToken = Files.readString(home.resolve("payment-token"));
            String admissionKeys = Files.readString(home.resolve("admission-keys.json"));

            Run again = run(environment, 120, "up");
            assertThat(again.exitCode).as(again.output).isZero();
            assertThat(startedProcesses(home)).containsExactlyInAnyOrderElementsOf(pids);
            assertThat(Files.getPosixFilePermissions(home.resolve("admin-token")))
                    .as("a generated secret")
                    .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
            assertThat(Files.getPosixFilePermissions(home.resolve("order-token-secret")))
                    .as("a secret taken from the environment")
                    .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
            assertThat(Files.getPosixFilePermissions(home.resolve("payment-token")))
                    .as("a generated payment token")
                    .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
            assertThat(paymentToken).hasSizeGreaterThanOrEqualTo(32)
                    .isNotEqualTo(Files.readString(home.resolve("admin-token")));
            assertThat(Files.readString(home.resolve("payment-token")))
                    .as("generated once: the second up keeps it").isEqualTo(paymentToken);
            // The admission keys: made once, the owner's only; inventory-service serves their public parts.
            assertThat(Files.getPosixFilePermissions(home.resolve("admission-keys.json")))
                    .as("generated admission keys")
                    .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
            assertThat(Files.readString(home.resolve("admission-keys.json")))
                    .as("generated once: the second up keeps them").isEqualTo(admissionKeys);
            HttpResponse<String> jwks = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    "http://127.0.0.1:" + environment.get("SPILLWAY_INVENTORY_PORT") + "/.well-known/jwks.json")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(jwks.statusCode()).isEqualTo(200);
            assertThat(jwks.body()).contains("\"kid\":\"admission-1\"").doesNotContain("\"d\"");
            assertThat(admissionKeys).contains("\"d\"");

            // kill -9 and up at once: the dead process (a zombie until something reaps it) is not
            // mistaken for a live one; up starts one new notifier, never a second copy.
            long notifier = Long.parseLong(Files.readString(home.resolve("run/notifier.pid")).trim());
            ProcessHandle.of(notifier).orElseThrow().destroyForcibly();
            Run afterCrash = run(environment, 240, "up");
            assertThat(afterCrash.exitCode).as(afterCrash.output).isZero();
            long restarted = Long.parseLong(Files.readString(home.resolve("run/notifier.pid")).trim());
            assertThat(restarted).isNotEqualTo(notifier);
            assertThat(alive(restarted)).isTrue();
            assertThat(ProcessHandle.allProcesses()
                            .filter(LauncherIT::alive)
                            .filter(process -> process.info().startInstant().orElse(Instant.MIN).isAfter(began))
                            .filter(process -> process.info().commandLine().orElse("").contains("notifier-0.1.0-SNAPSHOT-exec.jar")))
                    .as("notifier processes")
                    .hasSize(1);
            pids = startedProcesses(home);

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

    @Test
    void aZombieIsNotTakenForARunningPart() throws Exception {
        Path home = Files.createTempDirectory("spillway-launcher");
        // A child that exits under a parent that never waits for it stays a zombie: kill -0 succeeds.
        Process parent = new ProcessBuilder("bash", "-c", "sleep 0.1 & echo $!; exec sleep 60").start();
        try {
            long zombie = Long.parseLong(parent.inputReader().readLine().trim());
            await().atMost(Duration.ofSeconds(10)).until(() -> processState(zombie).equals("Z"));
            Files.createDirectories(home.resolve("run"));
            Files.writeString(home.resolve("run/kafka.pid"), zombie + "\n");

            Run status = run(Map.of("SPILLWAY_HOME", home.toString()), 30, "status");

            assertThat(status.output).containsPattern("kafka +stopped");
        } finally {
            parent.destroyForcibly();
        }
    }

    private static int figure(String output, String pattern) {
        Matcher matcher = Pattern.compile(pattern).matcher(output);
        assertThat(matcher.find()).as("%s in:%n%s", pattern, output).isTrue();
        return Integer.parseInt(matcher.group(1));
    }

    private static String processState(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
        return stat.substring(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    }

    private static boolean alive(ProcessHandle process) {
        return alive(process.pid());
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

    /** Running: a zombie (exited, not yet reaped by init) counts as dead, as the launcher counts it. */
    private static boolean alive(long pid) {
        try {
            return !processState(pid).equals("Z");
        } catch (IOException gone) {
            return false;
        }
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
