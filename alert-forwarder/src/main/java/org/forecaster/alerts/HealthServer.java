package org.forecaster.alerts;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The forwarder's small HTTP face, on the paths the Quarkus services use so probes and the PodMonitor treat it
 * alike: {@code /q/health/live} (the process answers), {@code /q/health/ready} (open alerts rebuilt, forwarding) and
 * {@code /q/metrics} (Prometheus text). The JDK's own server: one thread, no framework.
 */
final class HealthServer implements AutoCloseable {
    private final HttpServer server;

    private HealthServer(HttpServer server) {
        this.server = server;
    }

    /** Serves on {@code port} of every interface (0: a free port); fails with the bind error if it is taken. */
    static HealthServer start(int port, BooleanSupplier ready, Supplier<String> metrics) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress(port), 0);
        s.createContext("/q/health/live", ex -> respond(ex, 200, "application/json", "{\"status\":\"UP\"}"));
        s.createContext("/q/health/ready", ex -> {
            boolean up = ready.getAsBoolean();
            respond(ex, up ? 200 : 503, "application/json", up ? "{\"status\":\"UP\"}" : "{\"status\":\"DOWN\"}");
        });
        s.createContext("/q/metrics", ex -> respond(ex, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.get()));
        s.start();
        return new HealthServer(s);
    }

    int port() {
        return server.getAddress().getPort();
    }

    private static void respond(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
