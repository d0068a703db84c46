package io.spillway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** An order's event stream as a client reads it: every event until the server ends the stream. */
final class ServerSentEvents {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ServerSentEvents() {}

    static List<Event> readToTheEnd(HttpClient http, String url) throws Exception {
        HttpResponse<InputStream> response = http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(60))
                        .header("Accept", "text/event-stream")
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        List<Event> events = new ArrayList<>();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String name = null;
            StringBuilder data = new StringBuilder();
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.startsWith("event:")) {
                    name = line.substring(6).trim();
                } else if (line.startsWith("data:")) {
                    data.append(line.substring(5).trim());
                } else if (line.isEmpty() && name != null) {
                    events.add(new Event(name, JSON.readTree(data.toString())));
                    name = null;
                    data.setLength(0);
                }
            }
        }
        return events;
    }

    record Event(String name, JsonNode data) {

        /** The events after which the stream of an order of a sale without a hold ends. */
        boolean terminalWithoutHold() {
            return name.equals("confirmed") || name.equals("rejected");
        }
    }
}
