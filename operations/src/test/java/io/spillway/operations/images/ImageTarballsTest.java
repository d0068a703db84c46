package io.spillway.operations.images;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spillway.operations.manifests.Manifests;
import io.spillway.operations.manifests.RepositoryFiles;
import io.spillway.operations.manifests.Tools;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The four image tarballs Jib wrote (mvn -Pimages, after infra/images/build-base-image.sh), read as
 * files: entrypoint, user, ports, layers and base, against the Deployments that will run them.
 * Runs only in the images profile (operations/pom.xml), where the tarballs exist.
 */
class ImageTarballsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The entries of a tarball (docker-archive: manifest.json, config, layers), small ones read whole. */
    static Map<String, byte[]> read(Path tar) throws IOException {
        Map<String, byte[]> entries = new HashMap<>();
        try (InputStream in = Files.newInputStream(tar)) {
            byte[] header = new byte[512];
            while (in.readNBytes(header, 0, 512) == 512 && header[0] != 0) {
                String name = new String(header, 0, 100, java.nio.charset.StandardCharsets.US_ASCII).trim().replace("\0", "");
                long size = Long.parseLong(new String(header, 124, 12, java.nio.charset.StandardCharsets.US_ASCII).trim().replace("\0", ""), 8);
                byte[] body = size < 1_000_000 ? in.readNBytes((int) size) : skip(in, size);
                entries.put(name, body);
                in.skipNBytes((512 - size % 512) % 512);
            }
        }
        return entries;
    }

    private static byte[] skip(InputStream in, long size) throws IOException {
        in.skipNBytes(size);
        return new byte[0];
    }

    private static JsonNode json(Map<String, byte[]> entries, String name) throws IOException {
        assertThat(entries).containsKey(name);
        return JSON.readTree(entries.get(name));
    }

    private static Path tarball(String service) {
        Path tar = RepositoryFiles.resolve(service + "/target/jib-image.tar");
        assertThat(tar).as("%s: build the images first (infra/images/build-base-image.sh, then mvn -Pimages package)", service).isRegularFile();
        return tar;
    }

    @ParameterizedTest
    @CsvSource({
        "ingest-api, 8080, io.spillway.ingest.IngestApplication",
        "notifier, 8081, io.spillway.notifier.NotifierApplication",
        "inventory-service, 8082, io.spillway.inventory.InventoryApplication",
        "order-processor, 8083, io.spillway.processor.ProcessorApplication"
    })
    void eachImageRunsItsServiceAsTheNonRootUserOnTheBaseWithItsPortsOpen(String service, int port, String mainClass) throws IOException {
        Map<String, byte[]> image = read(tarball(service));
        JsonNode manifest = json(image, "manifest.json").get(0);
        JsonNode config = json(image, manifest.path("Config").asText());

        List<String> entrypoint = new ArrayList<>();
        config.at("/config/Entrypoint").forEach(e -> entrypoint.add(e.asText()));
        assertThat(entrypoint).startsWith("java").contains("-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError")
                .endsWith(mainClass);
        assertThat(config.at("/config/User").asText()).isEqualTo("10001:10001");
        assertThat(config.at("/config/ExposedPorts").has(port + "/tcp")).as("port %d", port).isTrue();
        assertThat(config.at("/config/ExposedPorts").has("8090/tcp")).as("management port").isTrue();
        assertThat(config.at("/config/Env").toString()).contains("PATH=/opt/java/bin");
        assertThat(config.path("created").asText()).isEqualTo("1970-01-01T00:00:00Z");

        // Layers: the base's one, then Jib's (dependencies, resources, classes, …), each in the archive.
        JsonNode diffIds = config.at("/rootfs/diff_ids");
        assertThat(manifest.path("Layers")).hasSize(diffIds.size());
        assertThat(diffIds.size()).isGreaterThanOrEqualTo(4);
        manifest.path("Layers").forEach(l -> assertThat(image).containsKey(l.asText()));
        Map<String, byte[]> base = read(RepositoryFiles.resolve("target/images/spillway-base.tar"));
        JsonNode baseConfig = json(base, json(base, "manifest.json").get(0).path("Config").asText());
        assertThat(diffIds.get(0)).isEqualTo(baseConfig.at("/rootfs/diff_ids/0"));
        assertThat(config.at("/config/Labels/io.spillway.debian.packages").asText()).contains("libc6_");

        // The Deployment runs this image as that user on those ports.
        JsonNode deployment = Manifests.render("infra/k8s/overlays/production").get("Deployment", service);
        JsonNode container = deployment.at("/spec/template/spec/containers/0");
        assertThat(container.path("image").asText()).startsWith("spillway/" + service + ":");
        assertThat(deployment.at("/spec/template/spec/securityContext/runAsUser").asInt()).isEqualTo(10001);
        List<Integer> ports = new ArrayList<>();
        container.path("ports").forEach(p -> ports.add(p.path("containerPort").asInt()));
        assertThat(ports).containsExactlyInAnyOrder(port, 8090);
    }

    @Test
    void theBaseImageIsTheSameByteForByteWhenBuiltAgain(@TempDir Path out) throws IOException {
        Tools.Outcome outcome = Tools.run(RepositoryFiles.root(), RepositoryFiles.resolve("infra/images/build-base-image.sh").toString(),
                out.toString());
        assertThat(outcome.exitCode()).as(outcome.stderr()).isZero();
        assertThat(Files.readAllBytes(out.resolve("spillway-base.tar")))
                .isEqualTo(Files.readAllBytes(RepositoryFiles.resolve("target/images/spillway-base.tar")));
    }
}
