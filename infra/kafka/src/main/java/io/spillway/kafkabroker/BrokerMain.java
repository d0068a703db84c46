package io.spillway.kafkabroker;

import java.io.IOException;
import java.io.InputStream;

/**
 * The broker process: what {@code kafka-storage.sh format} and then {@code kafka-server-start.sh}
 * run, in one JVM. {@code kafka.tools.StorageTool} formats the log directory (a directory already
 * formatted is kept), then {@code kafka.Kafka} runs the server from the same properties file, until
 * SIGTERM, which it answers with a controlled shutdown.
 *
 * <p>It also stops when its standard input closes: the launcher ({@code
 * io.spillway.localstack.KafkaBroker}) holds the other end, so a launcher that dies, even killed
 * with {@code -9}, never leaves a broker behind holding its ports and directory.
 *
 * <p>Limits: one JVM start instead of the scripts' two; the formatting is the tool's {@code format}
 * command with {@code --ignore-formatted}, with its output on standard output as the script shows
 * it.
 */
public final class BrokerMain {

    private BrokerMain() {}

    /** {@code BrokerMain --cluster-id ID --config server.properties}. */
    public static void main(String[] args) {
        if (args.length != 4 || !args[0].equals("--cluster-id") || !args[2].equals("--config")) {
            System.err.println("usage: BrokerMain --cluster-id ID --config server.properties");
            System.exit(2);
        }
        String clusterId = args[1];
        String config = args[3];
        stopWhenTheLauncherIsGone(System.in);
        int formatted;
        try {
            formatted = kafka.tools.StorageTool.execute(
                    new String[] {"format", "--config", config, "--cluster-id", clusterId, "--ignore-formatted"},
                    System.out);
        } catch (RuntimeException e) {
            System.err.println("kafka-storage format failed: " + e.getMessage());
            formatted = 1;
        }
        if (formatted != 0) {
            System.exit(formatted);
        }
        kafka.Kafka.main(new String[] {config});
    }

    private static void stopWhenTheLauncherIsGone(InputStream launcher) {
        Thread watcher = new Thread(() -> {
            try {
                while (launcher.read() != -1) {
                    // The launcher never writes; only the end of the stream matters.
                }
            } catch (IOException closed) {
                // The same as the end of the stream.
            }
            // Runs Kafka's shutdown hook: the same controlled shutdown as SIGTERM.
            System.exit(0);
        }, "launcher-watch");
        watcher.setDaemon(true);
        watcher.start();
    }
}
