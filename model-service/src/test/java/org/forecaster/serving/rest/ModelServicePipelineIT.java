package org.forecaster.serving.rest;

import static org.hamcrest.Matchers.notNullValue;
import static io.restassured.RestAssured.get;
import static io.restassured.RestAssured.given;
import static org.forecaster.serving.TestModels.STEP;
import static org.forecaster.serving.TestModels.T0;
import static org.forecaster.serving.TestModels.value;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.forecaster.core.wire.AnomalyRecord;
import org.forecaster.core.wire.ForecastRecord;
import org.forecaster.core.wire.Topics;
import org.forecaster.core.wire.WireJson;
import org.forecaster.serving.Poll;
import org.forecaster.serving.TestModels;
import org.forecaster.testkit.EmbeddedKafka;
import org.forecaster.testkit.KafkaTestResource;
import org.forecaster.testkit.Management;
import org.junit.jupiter.api.Test;

/**
 * The service end to end on a real in-process broker: weights published on {@code model.weights} → readiness
 * up → points in → forecasts and one alert out (read_committed), REST and SSE views, and a corrupt version
 * rejected while the first keeps serving.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = true, initArgs = @ResourceArg(name = "topics",
        value = "telemetry.points:2,forecasts:1,anomalies:1,telemetry.dlq:1,model.weights:1"))
class ModelServicePipelineIT {
    private static final int C_POINTS = 60, C_GAP = 30;
    /** The ring capacity (forecast.serving.ring-capacity). */
    private static final int RING = 48;
    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @Test
    void shouldServeForecastsAndAlertsFromPublishedWeights() throws Exception {
        EmbeddedKafka kafka = KafkaTestResource.broker();
        get(Management.url("/q/health/ready")).then().statusCode(503);
        kafka.send(Topics.WEIGHTS, "forecaster", TestModels.modelBytes(1, 7));
        Poll.until(Duration.ofSeconds(60), "model v1 and a running stream", () ->
                get(Management.url("/q/health/ready")).statusCode() == 200);
        get("/api/v1/model").then().statusCode(200).body("version", equalTo(1)).body("name", equalTo("forecaster"));

        // SSE: subscribe before the points so the live feed has a client.
        HttpClient http = HttpClient.newHttpClient();
        CompletableFuture<HttpResponse<java.io.InputStream>> sse = http.sendAsync(HttpRequest.newBuilder(
                URI.create("http://localhost:" + port + "/api/v1/stream?series=b")).build(), HttpResponse.BodyHandlers.ofInputStream());
        Poll.until(Duration.ofSeconds(10), "SSE connection", sse::isDone);

        int n = 140;
        List<ProducerRecord<String, byte[]>> points = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            points.add(new ProducerRecord<>(Topics.POINTS, null, T0.plusMillis(i * STEP).toEpochMilli(), "a",
                    TestModels.pointJson("a", i, value(0, i))));
            double b = value(1, i) + (i >= 100 && i < 105 ? (i % 2 == 0 ? 40 : -40) : 0);
            points.add(new ProducerRecord<>(Topics.POINTS, null, T0.plusMillis(i * STEP).toEpochMilli(), "b",
                    TestModels.pointJson("b", i, b)));
        }
        // Series c: values that are floats (as the store's ring keeps them), and no point at step C_GAP.
        for (int i = 0; i < C_POINTS; i++) {
            if (i != C_GAP) {
                points.add(new ProducerRecord<>(Topics.POINTS, null, T0.plusMillis(i * STEP).toEpochMilli(), "c",
                        TestModels.pointJson("c", i, floatValue(i))));
            }
        }
        kafka.send(points);

        int cForecasts = C_POINTS - 1;
        List<ConsumerRecord<String, byte[]>> forecasts = kafka.consume(Topics.FORECASTS, 2 * n + cForecasts, Duration.ofSeconds(90));
        assertEquals(2 * n + cForecasts, forecasts.size());
        Map<String, List<ForecastRecord>> byKey = forecasts.stream().map(r -> WireJson.read(r.value(), ForecastRecord.class))
                .collect(Collectors.groupingBy(ForecastRecord::series));
        for (String key : List.of("a", "b")) {
            List<ForecastRecord> fs = byKey.get(key);
            assertEquals(n, fs.size());
            for (int i = 0; i < n; i++) {
                assertEquals(T0.plusMillis(i * STEP), fs.get(i).observedTs(), "in order, no gaps or repeats");
                assertEquals(1, fs.get(i).modelVersion());
            }
        }
        List<AnomalyRecord> alerts = kafka.consumeUntil(Topics.ANOMALIES, l -> l.size() >= 2, Duration.ofSeconds(30), true)
                .stream().map(r -> WireJson.read(r.value(), AnomalyRecord.class)).toList();
        assertEquals(List.of(AnomalyRecord.State.OPEN, AnomalyRecord.State.RESOLVED), alerts.stream().map(AnomalyRecord::state).toList());
        assertTrue(alerts.stream().allMatch(a -> a.series().equals("b")));

        // The forecast served from the store is the one the stream last wrote for the key, byte for byte, both for
        // values that are floats (c) and for values that are not (a: the state keeps the last value as a double).
        for (String key : List.of("c", "a")) {
            byte[] last = lastValueOf(forecasts, key);
            byte[] rest = get("/api/v1/series/" + key + "/forecast").then().statusCode(200).extract().asByteArray();
            assertEquals(new String(last, StandardCharsets.UTF_8), new String(rest, StandardCharsets.UTF_8), key);
        }
        assertNotEquals((double) (float) value(0, n - 1), value(0, n - 1), "a's last value is not a float");

        // History: the ring's last 48 inputs of c, one per step ending at its last point, null at the missing step,
        // and the same forecast.
        String history = get("/api/v1/series/c/history").then().statusCode(200).extract().asString();
        JsonNode h = WireJson.mapper().readTree(history);
        assertEquals(STEP, h.get("stepMillis").asLong());
        JsonNode hp = h.get("points");
        assertEquals(RING, hp.size(), history);
        for (int j = 0; j < RING; j++) {
            int i = C_POINTS - RING + j;
            assertEquals(T0.plusMillis(i * STEP).toString(), hp.get(j).get("ts").asText(), "ts of step " + i);
            if (i == C_GAP) {
                assertTrue(hp.get(j).get("value").isNull(), "the missing step " + i + " is null: " + hp.get(j));
            } else {
                assertEquals(floatValue(i), hp.get(j).get("value").asDouble(), 0.0, "value of step " + i);
            }
        }
        assertEquals(WireJson.mapper().readTree(lastValueOf(forecasts, "c")), h.get("forecast"));

        get("/api/v1/series/a/state").then().statusCode(200).body("steps", equalTo(n)).body("cold", equalTo(false));
        for (String path : List.of("forecast", "history", "state")) {
            get("/api/v1/series/nope/" + path).then().statusCode(404).body("error", containsString("no state for series nope"));
        }
        get("/api/v1/series").then().statusCode(200).body("series", equalTo(List.of("a", "b", "c")));

        // The SSE client saw forecasts of b only, and the alert.
        CompletableFuture<int[]> seen = CompletableFuture.supplyAsync(() -> {
            int[] counts = new int[3]; // forecasts, anomalies, data lines of another series
            try (BufferedReader in = new BufferedReader(new InputStreamReader(sse.join().body(), StandardCharsets.UTF_8))) {
                for (String line; (counts[1] == 0 || counts[0] <= 10) && (line = in.readLine()) != null; ) {
                    if (line.startsWith("event:")) {
                        counts[line.contains("anomaly") ? 1 : 0]++;
                    } else if (line.startsWith("data:") && !line.contains("\"series\":\"b\"")) {
                        counts[2]++;
                    }
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return counts;
        });
        int[] counts = seen.get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertTrue(counts[0] > 10 && counts[1] >= 1, "SSE forecasts " + counts[0] + ", anomalies " + counts[1]);
        assertEquals(0, counts[2], "SSE events of other series");

        // A corrupt v2 is rejected and counted; v1 keeps serving.
        byte[] corrupt = TestModels.modelBytes(2, 11);
        corrupt[corrupt.length / 3] ^= 0x40;
        kafka.send(Topics.WEIGHTS, "forecaster", corrupt);
        Poll.until(Duration.ofSeconds(30), "rejection counted", () ->
                get(Management.url("/q/metrics")).asString().contains("forecast_weights_rejected_total{reason=\"checksum\"} 1.0"));
        get("/api/v1/model").then().statusCode(200).body("version", equalTo(1));
        given().get(Management.url("/q/metrics")).then().body(containsString("forecast_points_total " + (2 * n + cForecasts) + ".0"))
                .body(containsString("forecast_step_seconds_count"));
        get(Management.url("/q/openapi")).then().statusCode(200).body(containsString("/api/v1/series/{id}/forecast"))
                .body(containsString("/api/v1/series/{id}/history"));
        // The document says which key reads take, and Swagger UI (in production too) is beside it, not on the API port.
        get(Management.url("/q/openapi?format=json")).then().statusCode(200)
                .body("components.securitySchemes.'api-key'.type", equalTo("apiKey"))
                .body("components.securitySchemes.'api-key'.name", equalTo("X-Api-Key"))
                .body("security[0].'api-key'", notNullValue());
        // Every response is typed: a record's schema per body, ApiError for every error status (issue 19).
        assertEquals(List.of(), org.forecaster.testkit.OpenApiContract.violations(
                get(Management.url("/q/openapi?format=json")).asString(), "ApiError"));
        get(Management.url("/q/swagger-ui/")).then().statusCode(200);
        get("/q/swagger-ui/").then().statusCode(404);
        get("/").then().statusCode(200).body(containsString("vendor/uplot/uPlot.iife.min.js"));
        // The chart library is served by the service itself (vendored from npm), never from a CDN.
        get("/vendor/uplot/uPlot.iife.min.js").then().statusCode(200).body(containsString("uPlot"));
    }

    @Test
    void shouldCompressWithTheNativeLz4LibraryUnderQuarkus() {
        // Under Quarkus' class loader lz4-java only uses JNI once the library is loaded; without that, Kafka fell
        // back to the Java port for every batch (a third of the service's CPU). Linux x86-64 and arm64 ship it.
        assertTrue(net.jpountz.util.Native.isLoaded(), "lz4 native library loaded at start");
        assertEquals(net.jpountz.lz4.LZ4Factory.nativeInstance(), net.jpountz.lz4.LZ4Factory.fastestInstance());
    }

    /** Series c's value at step {@code i}: a float, so the store's ring holds it exactly. */
    private static double floatValue(int i) {
        return (float) value(2, i);
    }

    /** The value of the last record of {@code key} (one partition per key: the topic order is the key's order). */
    static byte[] lastValueOf(List<ConsumerRecord<String, byte[]>> records, String key) {
        byte[] last = null;
        for (ConsumerRecord<String, byte[]> r : records) {
            if (key.equals(r.key())) {
                last = r.value();
            }
        }
        assertTrue(last != null, "no record of " + key);
        return last;
    }
}
