package org.forecaster.ingest.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.forecaster.core.wire.Point;
import org.forecaster.core.wire.PointReader;
import org.forecaster.core.wire.Topics;
import org.forecaster.core.wire.WireJson;
import org.forecaster.testkit.EmbeddedKafka;
import org.forecaster.testkit.KafkaTestResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.xerial.snappy.Snappy;

/**
 * {@code POST /api/v1/write} against a real Prometheus (Debian package {@code prometheus}, installed by
 * {@code bin/test-deps}): Prometheus scrapes a tiny exporter in this test every second and remote-writes to the
 * service, whose samples must arrive as raw events and, windowed, as points; a NaN gauge and a label value the
 * series-id rule refuses are dead-lettered with their reasons, and a gauge that disappears leaves staleness markers
 * that are counted, not forwarded. Test profile: step 10 s, grace 2 s, request limit 4096 bytes, API key
 * "test-key", series labels instance, job, room. Same broker and application as IngestPipelineIT (same test resource).
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = true, initArgs = @ResourceArg(name = "topics",
        value = "telemetry.raw:2,telemetry.points:2,telemetry.dlq:1"))
class RemoteWriteIT {
    private static final String KEY = "test-key";
    private static final Duration DEADLINE = Duration.ofSeconds(90);
    /** Scrapes that still show {@code it_vanishing}; after them it is gone and Prometheus marks it stale. */
    private static final int VANISHING_SCRAPES = 5;

    private static HttpServer exporter;
    private static Process prometheus;
    private static Path prometheusLog;

    @TestHTTPResource("/api/v1/write")
    URI writeUri;

    @Inject
    MeterRegistry registry;

    @AfterAll
    static void stopPrometheusAndExporter() throws InterruptedException {
        if (prometheus != null) {
            prometheus.destroy();
            if (!prometheus.waitFor(20, TimeUnit.SECONDS)) {
                prometheus.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        if (exporter != null) {
            exporter.stop(0);
        }
    }

    @Test
    void shouldTurnWhatARealPrometheusWritesIntoRawEventsPointsAndDeadLetters() throws Exception {
        Path binary = prometheusBinary();
        Assumptions.assumeTrue(binary != null, "prometheus is not installed (Debian package 'prometheus'; bin/test-deps installs it)");
        // Under target/, so Prometheus' log and TSDB stay for a look after a failure and go with `mvn clean`.
        Path dir = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "remote-write-it");
        String target = "127.0.0.1:" + startExporter();
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, """
                global:
                  scrape_interval: 1s
                  scrape_timeout: 1s
                scrape_configs:
                  - job_name: it
                    static_configs:
                      - targets: ['%s']
                remote_write:
                  - url: %s
                    authorization:
                      credentials: %s
                    queue_config:
                      batch_send_deadline: 1s
                      min_backoff: 100ms
                      max_backoff: 1s
                    metadata_config:
                      send_interval: 2s
                """.formatted(target, writeUri, KEY));
        prometheusLog = dir.resolve("prometheus.log");
        prometheus = new ProcessBuilder(binary.toString(), "--config.file=" + config, "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + freePort())
                .redirectErrorStream(true).redirectOutput(prometheusLog.toFile()).start();

        String queueDepth = "it_queue_depth.instance=" + target + ".job=it.room=lab";
        String up = "up.instance=" + target + ".job=it";
        List<ConsumerRecord<String, byte[]>> raw = KafkaTestResource.broker().consumeUntil(Topics.RAW,
                l -> prometheusRunning() && l.stream().filter(r -> queueDepth.equals(r.key())).count() >= 3
                        && l.stream().anyMatch(r -> up.equals(r.key())), DEADLINE, true);
        List<ConsumerRecord<String, byte[]>> depth = raw.stream().filter(r -> queueDepth.equals(r.key())).toList();
        assertTrue(depth.size() >= 3, "raw events of " + queueDepth + " within " + DEADLINE + "; " + logTail());
        for (ConsumerRecord<String, byte[]> r : depth) {
            JsonNode event = WireJson.mapper().readTree(r.value());
            assertEquals(queueDepth, event.get("series").textValue());
            assertEquals(7.0, event.get("value").doubleValue());
            assertEquals(r.timestamp(), event.get("ts").longValue(), "the record time is the sample time");
            assertEquals("lab", event.get("labels").get("room").textValue());
            assertEquals("it", event.get("labels").get("job").textValue());
            assertEquals(target, event.get("labels").get("instance").textValue());
        }
        assertTrue(raw.stream().filter(r -> up.equals(r.key())).allMatch(r -> new String(r.value(), StandardCharsets.UTF_8).contains("\"value\":1.0")),
                "Prometheus' own 'up' series arrives as 1");

        // Windowed like any raw event: a point of the constant gauge.
        List<ConsumerRecord<String, byte[]>> points = KafkaTestResource.broker().consumeUntil(Topics.POINTS,
                l -> !prometheusRunning() || l.stream().anyMatch(r -> queueDepth.equals(r.key())), DEADLINE, true);
        Point point = points.stream().filter(r -> queueDepth.equals(r.key())).map(r -> PointReader.read(r.value())).findFirst()
                .orElseThrow(() -> new AssertionError("no point for " + queueDepth + " within " + DEADLINE + "; " + logTail()));
        assertTrue(point.count() >= 1, "count " + point.count());
        assertEquals(7.0, point.mean(), 1e-12);
        assertEquals(7.0, point.min());
        assertEquals(7.0, point.max());
        assertTrue(point.windowStart().isAfter(Instant.parse("2026-01-01T00:00:00Z")), "live data: " + point.windowStart());

        // Samples the event rules refuse are dead-lettered with their reason.
        String humidity = "it_humidity_ratio.instance=" + target + ".job=it.room=lab";
        String door = "it_door_open.instance=" + target + ".job=it.room=lab b";
        List<ConsumerRecord<String, byte[]>> dead = KafkaTestResource.broker().consumeUntil(Topics.DLQ,
                l -> l.stream().anyMatch(r -> humidity.equals(r.key())) && l.stream().anyMatch(r -> door.equals(r.key())), DEADLINE, true);
        assertEquals("non-finite-value", dead.stream().filter(r -> humidity.equals(r.key())).map(r -> EmbeddedKafka.header(r, Topics.DLQ_REASON))
                .findFirst().orElseThrow(() -> new AssertionError("no dead letter for " + humidity)));
        ConsumerRecord<String, byte[]> doorLetter = dead.stream().filter(r -> door.equals(r.key())).findFirst()
                .orElseThrow(() -> new AssertionError("no dead letter for " + door));
        assertEquals("bad-series", EmbeddedKafka.header(doorLetter, Topics.DLQ_REASON));
        assertTrue(EmbeddedKafka.header(doorLetter, Topics.DLQ_MESSAGE).contains("may only contain"));
        assertTrue(new String(doorLetter.value(), StandardCharsets.UTF_8).contains("\"value\":1.0"), "the sample itself, as JSON");

        // The vanished gauge leaves staleness markers: counted, neither sent nor dead-lettered.
        await("staleness markers counted", () -> counter("forecast.ingest.remote.write.stale.markers") > 0);
        String vanishing = "it_vanishing.instance=" + target + ".job=it.room=lab";
        List<ConsumerRecord<String, byte[]>> rawAgain = KafkaTestResource.broker().consumeUntil(Topics.RAW, l -> false, Duration.ofSeconds(2), true);
        List<ConsumerRecord<String, byte[]>> vanished = rawAgain.stream().filter(r -> vanishing.equals(r.key())).toList();
        assertTrue(!vanished.isEmpty() && vanished.size() <= VANISHING_SCRAPES, vanished.size() + " raw events of " + vanishing);
        assertTrue(vanished.stream().allMatch(r -> new String(r.value(), StandardCharsets.UTF_8).contains("\"value\":3.0")));
        assertTrue(dead.stream().noneMatch(r -> vanishing.equals(r.key())), "no staleness marker is dead-lettered");
        assertTrue(counter("forecast.ingest.events.accepted", "path", "remote-write") >= 6, "accepted remote-write events counted");
    }

    @Test
    void shouldAnswerWhatPrometheusCanActOn() throws IOException {
        byte[] empty = Snappy.compress(new byte[0]);
        given().header("X-Api-Key", KEY).contentType("application/x-protobuf").header("Content-Encoding", "snappy").body(empty)
                .when().post("/api/v1/write").then().statusCode(204);
        given().contentType("application/x-protobuf").body(empty).when().post("/api/v1/write")
                .then().statusCode(401).body("error", equalTo("unauthorized"));
        given().header("Authorization", "Bearer test-kez").contentType("application/x-protobuf").body(empty).when().post("/api/v1/write")
                .then().statusCode(401).body("error", equalTo("unauthorized"));
        given().header("Authorization", "Bearer " + KEY).contentType("application/x-protobuf").body(empty).when().post("/api/v1/write")
                .then().statusCode(204);
        given().header("X-Api-Key", KEY).contentType("application/x-protobuf").body("{\"series\":\"x\"}".getBytes(StandardCharsets.UTF_8))
                .when().post("/api/v1/write").then().statusCode(400).body("error", equalTo("bad-snappy"))
                .body("message", containsString("not snappy"));
        given().header("X-Api-Key", KEY).contentType("application/x-protobuf").body(Snappy.compress(new byte[] {0x0a, 0x05, 0x0a}))
                .when().post("/api/v1/write").then().statusCode(400).body("error", equalTo("bad-protobuf"));
        given().header("X-Api-Key", KEY).contentType("application/x-protobuf;proto=io.prometheus.write.v2.Request").body(empty)
                .when().post("/api/v1/write").then().statusCode(415).body("error", equalTo("unsupported-version"));
        given().header("X-Api-Key", KEY).contentType("application/x-protobuf").body(new byte[4097])
                .when().post("/api/v1/write").then().statusCode(413).body("error", equalTo("too-large"));
    }

    /** The tiny exporter Prometheus scrapes: text exposition format, {@code it_vanishing} only in the first scrapes. */
    private static int startExporter() throws IOException {
        AtomicInteger scrapes = new AtomicInteger();
        exporter = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        exporter.createContext("/metrics", exchange -> {
            StringBuilder body = new StringBuilder("""
                    # TYPE it_queue_depth gauge
                    it_queue_depth{room="lab"} 7
                    # TYPE it_humidity_ratio gauge
                    it_humidity_ratio{room="lab"} NaN
                    # TYPE it_door_open gauge
                    it_door_open{room="lab b"} 1
                    """);
            if (scrapes.incrementAndGet() <= VANISHING_SCRAPES) {
                body.append("# TYPE it_vanishing gauge\nit_vanishing{room=\"lab\"} 3\n");
            }
            byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4");
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        exporter.start();
        return exporter.getAddress().getPort();
    }

    /** /usr/bin/prometheus, else the first on the PATH, else null. */
    private static Path prometheusBinary() {
        return Stream.concat(Stream.of(Path.of("/usr/bin/prometheus")),
                        Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)).filter(d -> !d.isEmpty())
                                .map(d -> Path.of(d, "prometheus")))
                .filter(Files::isExecutable).findFirst().orElse(null);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Fails at once, with Prometheus' log, when it has exited: waiting for its data would only time out. */
    private static boolean prometheusRunning() {
        if (!prometheus.isAlive()) {
            throw new AssertionError("prometheus exited with " + prometheus.exitValue() + "; " + logTail());
        }
        return true;
    }

    private static String logTail() {
        try {
            List<String> lines = Files.readAllLines(prometheusLog);
            return "prometheus log (" + prometheusLog + "):\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "prometheus log unreadable: " + e;
        }
    }

    private double counter(String name) {
        Counter c = registry.find(name).counter();
        return c == null ? 0 : c.count();
    }

    private double counter(String name, String tag, String value) {
        Counter c = registry.find(name).tag(tag, value).counter();
        return c == null ? 0 : c.count();
    }

    /** Polls {@code condition} until it holds or {@link #DEADLINE} passes; a timeout shows the log's tail. */
    private static void await(String what, BooleanSupplier condition) {
        try {
            Awaitility.await(what).atMost(DEADLINE).pollInterval(Duration.ofMillis(100)).until(condition::getAsBoolean);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(what + ": not within " + DEADLINE + "; " + logTail(), e);
        }
    }
}
