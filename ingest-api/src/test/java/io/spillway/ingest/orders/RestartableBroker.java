package io.spillway.ingest.orders;

import io.spillway.localstack.KafkaBroker;
import io.spillway.localstack.Ports;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A broker of one test's own, on ports and a directory that stay the same, so that the test can stop
 * it under a running service and start it again as the same broker. The shared broker of the test
 * run is never stopped.
 */
final class RestartableBroker implements AutoCloseable {

    private final Path directory;
    private final int port = Ports.free();
    private final int controllerPort = Ports.free();
    private KafkaBroker broker;

    private RestartableBroker(Path directory) {
        this.directory = directory;
    }

    static RestartableBroker start(String name) throws Exception {
        RestartableBroker broker = new RestartableBroker(Files.createTempDirectory(name));
        broker.restart();
        return broker;
    }

    /** Stops the broker; its data stays for {@link #restart}. */
    void stop() {
        if (broker != null) {
            broker.close();
            broker = null;
        }
    }

    void restart() throws Exception {
        broker = KafkaBroker.start(directory, port, controllerPort);
    }

    /** The same address whether the broker runs or not, for the service under test. */
    String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    @Override
    public void close() {
        stop();
    }
}
