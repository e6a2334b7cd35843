package org.forecaster.serving.security;

import static io.restassured.RestAssured.given;
import static org.forecaster.serving.TestModels.STEP;
import static org.forecaster.serving.TestModels.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.forecaster.core.wire.ForecastRecord;
import org.forecaster.core.wire.Point;
import org.forecaster.core.wire.Topics;
import org.forecaster.core.wire.WireJson;
import org.forecaster.serving.Poll;
import org.forecaster.serving.TestModels;
import org.forecaster.testkit.EmbeddedKafka;
import org.forecaster.testkit.KafkaTestResource;
import org.forecaster.testkit.Management;
import org.junit.jupiter.api.Test;

/**
 * Attacks on the model service (issue 17) on a real in-process broker: reads without a key or with another scope's key,
 * more SSE clients than the cap, and a poison point on {@code telemetry.points}. Read keys come from a key file; one
 * SSE client is allowed.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = true, initArgs = @ResourceArg(name = "topics",
        value = "telemetry.points:1,forecasts:1,anomalies:1,telemetry.dlq:1,model.weights:1"))
@TestProfile(ModelServiceSecurityIT.ReadKeyFile.class)
class ModelServiceSecurityIT {
    static final Path KEYS_FILE = keysFile();
    static final String READ_KEY = "read-key-1";
    static final String INGEST_KEY = "ingest-key-1";

    public static final class ReadKeyFile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("forecast.security.anonymous-read", "false", "forecast.security.read-keys-file", KEYS_FILE.toString(),
                    "forecast.serving.max-sse-subscribers", "1",
                    "quarkus.kafka-streams.application-id", "model-service-security",
                    "kafka-streams.state.dir", "target/kafka-streams-state-security");
        }
    }

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    private static Path keysFile() {
        try {
            Path file = Files.createTempFile("read", ".keys");
            Files.writeString(file, READ_KEY + "\n");
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void shouldServeReadsOnlyWithAReadKeyAndCapSseClients() throws Exception {
        given().get("/api/v1/series").then().statusCode(401);
        given().header("X-Api-Key", INGEST_KEY).get("/api/v1/series").then().statusCode(401);
        given().header("Authorization", "Bearer " + INGEST_KEY).get("/api/v1/stream").then().statusCode(401);
        given().header("X-Api-Key", READ_KEY).get("/api/v1/series").then().statusCode(200);
        given().header("Authorization", "Bearer " + READ_KEY).get("/api/v1/series").then().statusCode(200);
        given().cookie("forecast-read-key", READ_KEY).get("/api/v1/series").then().statusCode(200);
        // The dashboard's search and chart data (issue 19) take the read key like every other read.
        for (String path : List.of("/api/v1/series/search?match=a", "/api/v1/series/a/alerts", "/api/v1/series/a/one-step")) {
            assertEquals(401, given().get(path).statusCode(), path + " without a key");
            assertEquals(401, given().header("X-Api-Key", INGEST_KEY).get(path).statusCode(), path + " with an ingest key");
        }
        Poll.until(Duration.ofSeconds(30), "search with the read key", () ->
                given().header("X-Api-Key", READ_KEY).get("/api/v1/series/search?match=a").statusCode() == 200);
        // Probes need no key: they are on the management port, where the read-key filter does not run. Liveness is down
        // (503) until Kafka Streams leaves CREATED, so wait for it rather than race it.
        assertTrue(given().get(Management.url("/q/health/live")).statusCode() != 401);
        Poll.until(Duration.ofSeconds(30), "liveness up without a key", () -> given().get(Management.url("/q/health/live")).statusCode() == 200);
        // The public port serves the API only: no health, metrics or API document there, with or without a key.
        for (String path : List.of("/q/health/live", "/q/metrics", "/q/openapi")) {
            assertEquals(404, given().header("X-Api-Key", READ_KEY).get(path).statusCode(), path + " on the public port");
        }

        HttpClient http = HttpClient.newHttpClient();
        HttpRequest stream = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/stream"))
                .header("X-Api-Key", READ_KEY).build();
        HttpResponse<InputStream> first = http.send(stream, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream held = first.body()) {
            assertEquals(200, first.statusCode());
            HttpResponse<String> second = http.send(stream, HttpResponse.BodyHandlers.ofString());
            assertEquals(503, second.statusCode(), second.body());
        }
        // The slot comes back when the first client leaves.
        Poll.until(Duration.ofSeconds(10), "a free SSE slot", () -> openAndClose(http, stream) == 200);
    }

    private static int openAndClose(HttpClient http, HttpRequest stream) {
        try {
            HttpResponse<InputStream> r = http.send(stream, HttpResponse.BodyHandlers.ofInputStream());
            r.body().close();
            return r.statusCode();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void shouldDeadLetterAPoisonPointAndKeepForecasting() {
        EmbeddedKafka kafka = KafkaTestResource.broker();
        kafka.send(Topics.WEIGHTS, "forecaster", TestModels.modelBytes(1, 7));
        List<ProducerRecord<String, byte[]>> points = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            points.add(new ProducerRecord<>(Topics.POINTS, "poisoned", TestModels.pointJson("poisoned", i, i)));
        }
        Point far = TestModels.point("poisoned", 3, 3);
        points.add(new ProducerRecord<>(Topics.POINTS, "poisoned", WireJson.write(new Point("poisoned",
                Instant.parse("9999-01-01T00:00:00Z"), Instant.parse("9999-01-01T00:01:00Z"),
                far.count(), far.mean(), far.min(), far.max(), far.last()))));
        for (int i = 3; i < 6; i++) {
            points.add(new ProducerRecord<>(Topics.POINTS, "poisoned", TestModels.pointJson("poisoned", i, i)));
        }
        kafka.send(points);

        List<ConsumerRecord<String, byte[]>> dead = kafka.consumeUntil(Topics.DLQ, l -> !l.isEmpty(), Duration.ofSeconds(90), true);
        assertEquals(1, dead.size());
        assertEquals("bad-window-start", EmbeddedKafka.header(dead.getFirst(), Topics.DLQ_REASON));
        assertEquals("poisoned", dead.getFirst().key());

        // Every good point before and after the poison one is forecast, in order, once.
        List<ConsumerRecord<String, byte[]>> forecasts = kafka.consumeUntil(Topics.FORECASTS, l -> l.size() >= 6, Duration.ofSeconds(90), true);
        List<Instant> observed = forecasts.stream().map(r -> WireJson.read(r.value(), ForecastRecord.class).observedTs()).toList();
        List<Instant> expected = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            expected.add(T0.plusMillis(i * STEP));
        }
        assertEquals(expected, observed);
        assertTrue(forecasts.stream().allMatch(r -> "poisoned".equals(r.key())));
    }
}
