package io.spillway.rehearsal;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the notifier's open streams and heap in use from its Prometheus endpoint once a second:
 * {@code spillway_notifier_streams_open} and the sum of {@code jvm_memory_used_bytes{area="heap"}}.
 *
 * <p>Limits: heap in use includes garbage not yet collected, so heap per stream is an upper bound.
 */
final class NotifierSampler implements AutoCloseable {

    record Sample(long at, double streams, double heapBytes) {}

    private final HttpClient http = HttpClient.newHttpClient();
    private final String notifier;
    private final Clock clock;
    private final List<Sample> samples = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    NotifierSampler(String notifier, Clock clock) {
        this.notifier = notifier;
        this.clock = clock;
        this.thread = Thread.ofPlatform().daemon().start(this::loop);
    }

    private void loop() {
        while (running) {
            try {
                Sample sample = sample();
                synchronized (samples) {
                    samples.add(sample);
                }
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                // a missed sample: the notifier was too busy to answer within the timeout
            }
        }
    }

    Sample sample() throws Exception {
        String text = http.send(HttpRequest.newBuilder(URI.create(notifier + "/actuator/prometheus"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
        return new Sample(clock.now(), sum(text, "spillway_notifier_streams_open", ""),
                sum(text, "jvm_memory_used_bytes", "area=\"heap\""));
    }

    /** The sum of a metric's samples in Prometheus text whose labels contain {@code labelPart}. */
    static double sum(String prometheusText, String metric, String labelPart) {
        double sum = 0;
        for (String line : prometheusText.split("\n")) {
            if (line.startsWith(metric) && (line.length() == metric.length() || line.charAt(metric.length()) == '{'
                    || line.charAt(metric.length()) == ' ') && line.contains(labelPart)) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    List<Sample> samples() {
        synchronized (samples) {
            return List.copyOf(samples);
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
