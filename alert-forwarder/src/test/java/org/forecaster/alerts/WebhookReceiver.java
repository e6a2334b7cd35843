package org.forecaster.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * Alertmanager's webhook receiver in the test: records, per notification, each alert's series and status
 * ({@code firing}/{@code resolved}), so a test can count how often Alertmanager told about each alert.
 */
final class WebhookReceiver implements AutoCloseable {
    /** One alert in one notification. */
    record Notified(String series, String status) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpServer server;
    private final List<Notified> notified = new ArrayList<>();

    WebhookReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/hook", ex -> {
            JsonNode body = JSON.readTree(ex.getRequestBody());
            synchronized (notified) {
                for (JsonNode a : body.path("alerts")) {
                    notified.add(new Notified(a.path("labels").path("series").asText(), a.path("status").asText()));
                }
            }
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        server.start();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
    }

    /** How many notifications told that {@code series}' alert was {@code status}. */
    long count(String series, String status) {
        synchronized (notified) {
            return notified.stream().filter(n -> n.series().equals(series) && n.status().equals(status)).count();
        }
    }

    List<Notified> all() {
        synchronized (notified) {
            return List.copyOf(notified);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
