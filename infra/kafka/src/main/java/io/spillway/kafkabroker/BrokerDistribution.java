package io.spillway.kafkabroker;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * Where the broker's code is: this module's jar and Apache Kafka's jars, listed at build time by
 * the dependency plugin, the equivalent of a Kafka distribution's {@code libs/}. Read by the
 * launcher, which has none of these jars on its own classpath; nothing here loads a Kafka class.
 *
 * <p>Limits: the list holds absolute paths into the local Maven repository of the machine that
 * built this jar, so the jar serves that machine's builds only, as the test classpath does.
 */
public final class BrokerDistribution {

    private static final String CLASSPATH = "classpath.txt";
    private static final String VERSION = "broker.properties";

    private BrokerDistribution() {}

    /** The class whose {@code main} formats the storage and runs {@code kafka.Kafka}. */
    public static String mainClass() {
        return "io.spillway.kafkabroker.BrokerMain";
    }

    /** The Apache Kafka version of the broker, the one the production manifests name. */
    public static String kafkaVersion() {
        Properties properties = new Properties();
        try (InputStream in = resource(VERSION)) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties.getProperty("kafka.version");
    }

    /** The broker JVM's classpath: this module first, then Kafka's jars. */
    public static String classpath() {
        List<String> entries = new ArrayList<>();
        entries.add(ownLocation().toString());
        try (InputStream in = resource(CLASSPATH)) {
            for (String entry : new String(in.readAllBytes(), StandardCharsets.UTF_8).trim().split(File.pathSeparator)) {
                if (!entry.isBlank()) {
                    if (!Files.exists(Path.of(entry))) {
                        throw new IllegalStateException("the broker's jar " + entry
                                + " is missing: rebuild infra/kafka (mvn -pl infra/kafka package)");
                    }
                    entries.add(entry);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return String.join(File.pathSeparator, entries);
    }

    private static InputStream resource(String name) {
        InputStream in = BrokerDistribution.class.getResourceAsStream(name);
        if (in == null) {
            throw new IllegalStateException(name + " is missing from spillway-kafka-broker: build it with Maven");
        }
        return in;
    }

    private static Path ownLocation() {
        try {
            return Path.of(BrokerDistribution.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
