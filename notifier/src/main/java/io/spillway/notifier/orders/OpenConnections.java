package io.spillway.notifier.orders;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.web.embedded.netty.NettyServerCustomizer;
import reactor.netty.http.server.HttpServer;

/**
 * Counts the connections open on this instance's HTTP server ({@code spillway.notifier.connections.open}):
 * every event stream holds one, so this is what a vanished client must give back. Counted per
 * channel, from its creation to its close, whatever HTTP does on it.
 */
class OpenConnections implements NettyServerCustomizer {

    private final AtomicInteger open = new AtomicInteger();

    OpenConnections(MeterRegistry meters) {
        Gauge.builder("spillway.notifier.connections.open", open, AtomicInteger::get)
                .description("HTTP connections open on this instance")
                .register(meters);
    }

    @Override
    public HttpServer apply(HttpServer server) {
        return server.doOnChannelInit((observer, channel, remoteAddress) -> {
            open.incrementAndGet();
            channel.closeFuture().addListener(closed -> open.decrementAndGet());
        });
    }

    int count() {
        return open.get();
    }
}
