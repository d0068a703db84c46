package io.spillway.operations.manifests;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the command-line tools the checks need (kubectl for kustomize, promtool). A missing tool
 * fails the test with what to install: CI installs both (.ci/run), and a check that silently
 * skipped would let broken manifests through.
 */
public final class Tools {

    /** What a finished command printed and how it ended. */
    public record Outcome(int exitCode, String stdout, String stderr) {}

    private Tools() {}

    public static Path find(String command, String debianPackage) {
        String override = System.getenv("SPILLWAY_" + command.toUpperCase(java.util.Locale.ROOT));
        if (override != null && !override.isBlank()) {
            return Path.of(override);
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, command);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new AssertionError(command + " is not installed: it is needed to check the manifests and rules "
                + "(apt-get install " + debianPackage + "; .ci/run does this)");
    }

    public static Outcome run(Path directory, String... command) {
        List<String> line = new ArrayList<>(List.of(command));
        try {
            Path out = Files.createTempFile("spillway-tool", ".out");
            Path err = Files.createTempFile("spillway-tool", ".err");
            try {
                Process process = new ProcessBuilder(line).directory(directory.toFile())
                        .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
                if (!process.waitFor(120, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new AssertionError(String.join(" ", line) + " did not finish in 120 s");
                }
                return new Outcome(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                        Files.readString(err, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new AssertionError("cannot run " + String.join(" ", line), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted running " + String.join(" ", line), e);
        }
    }
}
