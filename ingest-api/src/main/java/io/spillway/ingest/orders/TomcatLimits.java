package io.spillway.ingest.orders;

import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import org.apache.coyote.AbstractProtocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;

/**
 * Bounds what Tomcat holds on the heap by the heap's size. With virtual threads Tomcat starts a
 * request on every connection that has one, without a pool to bound them, and a request in
 * progress holds Tomcat's request processor and buffers (about 52 KiB: byte buffers for the request
 * line and headers, the body, the response headers and body, and a char buffer for the writer) and
 * its virtual thread's stack:
 * with the CPU saturated every connection has one, and 6,000 connections filled a 256 MB heap in the
 * stall benchmark whatever the door did with the requests (docs/benchmarks/ingest.md). Idle
 * processors kept for reuse ({@code server.tomcat.processor-cache}) hold as much each. So:
 *
 * <ul>
 *   <li>at most {@code requestLimit} requests run at once; the others' virtual threads wait for a
 *       turn before Tomcat gives them a processor, holding a few hundred bytes each;
 *   <li>idle processors kept for reuse are at most half that many;
 *   <li>each connection's socket buffers are 2 KiB each way instead of 8 KiB (an order with its
 *       headers, a few hundred bytes, fits in one; larger requests take more reads, nothing is
 *       refused for it);
 *   <li>{@code max-connections} is lowered to what the heap holds at that size; connections beyond it
 *       wait, established, in the operating system's accept queue ({@code server.tomcat.accept-count}).
 * </ul>
 *
 * <p>Runs after Spring Boot's own customizers, so that it wraps the virtual-thread executor they set
 * and lowers {@code server.tomcat.max-connections}, never raises it.
 *
 * <p>Limits: a request waiting for its turn is not answered until it gets one; under a saturated CPU
 * that wait is the latency, as it was before, only without the heap.
 */
final class TomcatLimits implements WebServerFactoryCustomizer<TomcatServletWebServerFactory>, Ordered {

    private static final Logger log = LoggerFactory.getLogger(TomcatLimits.class);
    private static final String SOCKET_BUFFER_BYTES = "2048";

    private final IngestProperties settings;
    private final long maxHeap;

    TomcatLimits(IngestProperties settings, long maxHeap) {
        this.settings = settings;
        this.maxHeap = maxHeap;
    }

    @Override
    public void customize(TomcatServletWebServerFactory factory) {
        factory.addConnectorCustomizers(connector -> {
            if (!(connector.getProtocolHandler() instanceof AbstractProtocol<?> protocol)) {
                return;
            }
            protocol.setProperty("socket.appReadBufSize", SOCKET_BUFFER_BYTES);
            protocol.setProperty("socket.appWriteBufSize", SOCKET_BUFFER_BYTES);
            int configured = protocol.getMaxConnections();
            int connections = settings.connectionLimit(configured, maxHeap);
            protocol.setMaxConnections(connections);
            int requests = settings.requestLimit(maxHeap);
            protocol.setProcessorCache(Math.min(protocol.getProcessorCache(), requests / 2));
            if (protocol.getExecutor() != null) {
                protocol.setExecutor(new Turns(protocol.getExecutor(), requests));
            }
            log.info("Tomcat: at most {} connections (server.tomcat.max-connections {}), {} requests in progress and {} "
                    + "idle processors for a {} MiB heap", connections, configured, requests, protocol.getProcessorCache(),
                    maxHeap >> 20);
        });
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }

    /** Runs each of Tomcat's tasks on the executor it had, at most {@code limit} at once. */
    static final class Turns implements Executor {

        private final Executor executor;
        private final Semaphore turns;

        Turns(Executor executor, int limit) {
            this.executor = executor;
            this.turns = new Semaphore(limit);
        }

        @Override
        public void execute(Runnable task) {
            executor.execute(() -> {
                turns.acquireUninterruptibly();
                try {
                    task.run();
                } finally {
                    turns.release();
                }
            });
        }
    }
}
