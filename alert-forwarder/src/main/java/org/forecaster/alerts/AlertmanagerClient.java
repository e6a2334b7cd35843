package org.forecaster.alerts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/** Posts alerts to Alertmanager's {@code /api/v2/alerts} as one JSON array per request. Thread-safe. */
final class AlertmanagerClient implements AlertSink {
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    /** Enough of an error body to say why; Alertmanager's are one line. */
    private static final int MAX_DETAIL = 500;

    private final URI endpoint;
    private final Duration timeout;
    private final HttpClient http;

    AlertmanagerClient(URI endpoint, Duration timeout) {
        this.endpoint = endpoint;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    /** The request body: Alertmanager's JSON array of alerts (instants as RFC 3339, absent fields left out). */
    static byte[] json(List<AlertmanagerAlert> alerts) {
        try {
            return JSON.writeValueAsBytes(alerts);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode alerts: " + e.getOriginalMessage(), e);
        }
    }

    @Override
    public PostResult post(List<AlertmanagerAlert> alerts) {
        HttpRequest request = HttpRequest.newBuilder(endpoint).timeout(timeout).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(json(alerts))).build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            String body = response.body().strip();
            return PostResult.ofStatus(response.statusCode(), body.length() > MAX_DETAIL ? body.substring(0, MAX_DETAIL) + "..." : body);
        } catch (IOException e) {
            return PostResult.noAnswer(e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return PostResult.noAnswer("interrupted");
        }
    }

    URI endpoint() {
        return endpoint;
    }
}
