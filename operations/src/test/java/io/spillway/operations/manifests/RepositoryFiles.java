package io.spillway.operations.manifests;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the repository's files are: Surefire passes the root; from an IDE, the nearest parent with keda/. */
public final class RepositoryFiles {

    private RepositoryFiles() {}

    public static Path root() {
        String configured = System.getProperty("spillway.repository");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("keda"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("cannot find the repository root (no keda/ above " + Path.of("").toAbsolutePath() + ")");
        }
        return dir;
    }

    public static Path resolve(String relative) {
        return root().resolve(relative);
    }
}
