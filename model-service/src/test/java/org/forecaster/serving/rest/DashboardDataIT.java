package org.forecaster.serving.rest;

import static io.restassured.RestAssured.get;
import static io.restassured.RestAssured.given;
import static org.forecaster.serving.TestModels.STEP;
import static org.forecaster.serving.TestModels.T0;
import static org.forecaster.serving.TestModels.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
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
 * The dashboard's data (issue 19) on a real in-process broker: the search finds one series among 2,000 others by a
 * piece of its id and respects its limit; a series' alert transitions are served from the alert log as they were sent
 * on {@code anomalies}; its one-step band covers its remembered inputs.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = true, initArgs = @ResourceArg(name = "topics",
        value = "telemetry.points:2,forecasts:1,anomalies:1,telemetry.dlq:1,model.weights:1"))
@TestProfile(DashboardDataIT.OwnState.class)
class DashboardDataIT {
    private static final int HOSTS = 2000, N = 140, RING = 48;
    private static final String NEEDLE = "eu-west/db-primary.replication-lag";

    /** Its own application id and state directory: no other test's local state is taken for this broker's. */
    public static final class OwnState implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.kafka-streams.application-id", "model-service-dashboard",
                    "kafka-streams.state.dir", "target/kafka-streams-state-dashboard");
        }
    }

    @Test
    void shouldSearchAmongThousandsOfSeriesAndServeAlertsAndTheOneStepBand() throws Exception {
        EmbeddedKafka kafka = KafkaTestResource.broker();
        kafka.send(Topics.WEIGHTS, "forecaster", TestModels.modelBytes(1, 7));
        Poll.until(Duration.ofSeconds(60), "model v1 and a running stream", () ->
                get(Management.url("/q/health/ready")).statusCode() == 200);

        List<ProducerRecord<String, byte[]>> points = new ArrayList<>();
        for (int h = 0; h < HOSTS; h++) {
            String id = String.format("host-%04d/cpu.user", h);
            points.add(new ProducerRecord<>(Topics.POINTS, null, T0.toEpochMilli(), id, TestModels.pointJson(id, 0, value(0, h))));
        }
        points.add(new ProducerRecord<>(Topics.POINTS, null, T0.toEpochMilli(), NEEDLE, TestModels.pointJson(NEEDLE, 0, 3)));
        // Series b: the erratic incident of ModelServicePipelineIT opens one alert and resolves it.
        for (int i = 0; i < N; i++) {
            double b = value(1, i) + (i >= 100 && i < 105 ? (i % 2 == 0 ? 40 : -40) : 0);
            points.add(new ProducerRecord<>(Topics.POINTS, null, T0.plusMillis(i * STEP).toEpochMilli(), "b",
                    TestModels.pointJson("b", i, b)));
        }
        kafka.send(points);
        int total = HOSTS + 1 + N;
        List<ConsumerRecord<String, byte[]>> forecasts = kafka.consume(Topics.FORECASTS, total, Duration.ofSeconds(120));
        assertEquals(total, forecasts.size());
        List<ConsumerRecord<String, byte[]>> sent = kafka.consumeUntil(Topics.ANOMALIES, l -> l.size() >= 2, Duration.ofSeconds(30), true);

        // Search: one id among 2,001 by a piece of it, in any case; a limit; every key of the store, not only recent ones.
        JsonNode found = json(get("/api/v1/series/search?match=DB-Primary").then().statusCode(200).extract().asString());
        assertEquals(List.of(NEEDLE), strings(found.get("series")));
        assertFalse(found.get("more").asBoolean());
        assertEquals(0, found.get("unreachable").size());
        JsonNode limited = json(get("/api/v1/series/search?match=/cpu.&limit=50").then().statusCode(200).extract().asString());
        List<String> first = strings(limited.get("series"));
        assertEquals(50, first.size());
        assertEquals(String.format("host-%04d/cpu.user", 0), first.get(0));
        assertEquals(String.format("host-%04d/cpu.user", 49), first.get(49), "the first 50 in id order");
        assertTrue(limited.get("more").asBoolean());
        assertEquals(SeriesSearch.DEFAULT_LIMIT, json(get("/api/v1/series/search").then().statusCode(200).extract().asString())
                .get("series").size(), "no text and no limit: the default limit of every id");
        assertEquals(List.of(), strings(json(get("/api/v1/series/search?match=nothing-like-it").then().statusCode(200)
                .extract().asString()).get("series")));
        get("/api/v1/series/search?match=a&limit=0").then().statusCode(400);
        get("/api/v1/series/search?match=a&limit=1001").then().statusCode(400);

        // Alerts: the transitions sent on anomalies, as sent, from the alert log; none for a series that never alerted.
        JsonNode alerts = json(get("/api/v1/series/b/alerts").then().statusCode(200).extract().asString());
        assertEquals("b", alerts.get("series").asText());
        assertEquals(2, sent.size());
        assertEquals(sent.size(), alerts.get("alerts").size(), alerts.toString());
        for (int i = 0; i < sent.size(); i++) {
            assertEquals(WireJson.mapper().readTree(sent.get(i).value()), alerts.get("alerts").get(i), "transition " + i);
        }
        assertEquals(List.of("OPEN", "RESOLVED"), List.of(alerts.get("alerts").get(0).get("state").asText(),
                alerts.get("alerts").get(1).get("state").asText()));
        // An id with a slash, percent-encoded in its path segment as the dashboard sends it.
        assertEquals(0, json(given().urlEncodingEnabled(false).get("/api/v1/series/" + NEEDLE.replace("/", "%2F") + "/alerts")
                .then().statusCode(200).extract().asString()).get("alerts").size());
        get("/api/v1/series/nope/alerts").then().statusCode(404);
        get("/api/v1/series/nope/one-step").then().statusCode(404);

        // One-step band: the history's inputs, each with a band (but the first), near the bands forecast at the time.
        JsonNode history = json(get("/api/v1/series/b/history").then().statusCode(200).extract().asString());
        JsonNode band = json(get("/api/v1/series/b/one-step").then().statusCode(200).extract().asString());
        assertEquals(1, band.get("modelVersion").asLong());
        assertEquals(0.95, band.get("level").asDouble(), 0.0);
        JsonNode bp = band.get("points");
        assertEquals(RING, bp.size());
        assertTrue(bp.get(0).get("mean").isNull(), "nothing before the first input: " + bp.get(0));
        Map<String, ForecastRecord.Step> emitted = new HashMap<>(); // the one-step forecast made for each time
        for (ConsumerRecord<String, byte[]> r : forecasts) {
            if ("b".equals(r.key())) {
                ForecastRecord.Step s = WireJson.read(r.value(), ForecastRecord.class).steps().get(0);
                emitted.put(s.ts().toString(), s);
            }
        }
        int inside = 0, near = 0;
        for (int j = 0; j < RING; j++) {
            JsonNode p = bp.get(j);
            assertEquals(history.get("points").get(j).get("ts").asText(), p.get("ts").asText());
            assertEquals(history.get("points").get(j).get("value").asDouble(), p.get("value").asDouble(), 0.0);
            if (j == 0) {
                continue;
            }
            double mean = p.get("mean").asDouble(), lower = p.get("lower").asDouble(), upper = p.get("upper").asDouble();
            assertTrue(lower < mean && mean < upper, p.toString());
            inside += lower <= p.get("value").asDouble() && p.get("value").asDouble() <= upper ? 1 : 0;
            ForecastRecord.Step then = emitted.get(p.get("ts").asText());
            double half = (then.upper() - then.lower()) / 2;
            near += Math.abs(mean - then.mean()) <= half / 2 ? 1 : 0;
        }
        // Measured: 41 of 47 inside (the incident's five swings are not), all 47 means within a quarter of the emitted
        // interval's width of the emitted mean. Widths differ more: the replay uses today's interval scale.
        assertTrue(inside >= (RING - 1) * 0.8, "the replayed band holds most inputs: " + inside + " of " + (RING - 1));
        assertTrue(near >= (RING - 1) * 0.9, "replayed means near the emitted ones: " + near + " of " + (RING - 1));
    }

    private static JsonNode json(String body) throws java.io.IOException {
        return WireJson.mapper().readTree(body);
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
