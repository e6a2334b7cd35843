package org.forecaster.trainer;

import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.notNullValue;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.forecaster.core.modelio.ModelFile;
import org.forecaster.core.modelio.ModelReader;
import org.forecaster.core.wire.Point;
import org.forecaster.core.wire.Topics;
import org.forecaster.core.wire.WireJson;
import org.forecaster.testkit.EmbeddedKafka;
import org.forecaster.testkit.KafkaTestResource;
import org.forecaster.testkit.Management;
import org.forecaster.trainer.rest.TrainResource;
import org.forecaster.trainer.testing.SyntheticPoints;
import org.junit.jupiter.api.Test;

/**
 * The packaged wiring on a real in-process broker: points on telemetry.points, a run triggered over HTTP,
 * a model on model.weights that core's reader accepts and a decision on model.evaluations; then a run with a
 * config that cannot learn is withheld.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = true,
        initArgs = @ResourceArg(name = "topics", value = "telemetry.points:2,model.weights:1,model.evaluations:1"))
class TrainerPipelineIT {
    private static final Duration DEADLINE = Duration.ofSeconds(120);
    private static final Duration POLL = Duration.ofMillis(100);

    @Test
    void shouldPublishATrainedModelAndThenWithholdAWorseOne() throws IOException {
        EmbeddedKafka kafka = KafkaTestResource.broker();
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        // Logistic-map series: a trained model beats every baseline of the default gate on them (see SyntheticPoints).
        for (Point p : SyntheticPoints.logistic(8, 300, Instant.parse("2025-02-01T00:00:00Z"), Duration.ofHours(1), 0.5, 41, 5)) {
            records.add(new ProducerRecord<>(Topics.POINTS, p.series(), WireJson.write(p)));
        }
        kafka.send(records);

        given().contentType(ContentType.JSON).body("{}").post("/api/v1/train").then().statusCode(401);
        given().header(TrainResource.API_KEY_HEADER, "wrong-key").contentType(ContentType.JSON).body("{}")
                .post("/api/v1/train").then().statusCode(401);

        String first = trigger("{}");
        given().header(TrainResource.API_KEY_HEADER, "test-key").contentType(ContentType.JSON).body("{}")
                .post("/api/v1/train").then().statusCode(409).body("runId", equalTo(first));
        JsonNode firstReport = awaitRun(first);
        assertEquals("PUBLISHED", firstReport.get("outcome").asText(), firstReport.toString());
        assertEquals(8, firstReport.get("seriesCount").asInt());

        List<ConsumerRecord<String, byte[]>> weights = kafka.consume(Topics.WEIGHTS, 1, DEADLINE);
        assertEquals(1, weights.size());
        assertEquals("global", weights.getFirst().key());
        ModelFile model = ModelReader.read(weights.getFirst().value());
        assertEquals(1, model.header().version());
        assertNull(model.header().parentVersion());
        assertEquals(8, model.header().seriesCount());
        assertEquals(Instant.parse("2025-02-01T00:00:00Z"), model.header().trainedFrom());
        assertEquals(8, model.header().spec().hidden());

        List<ConsumerRecord<String, byte[]>> evaluations = kafka.consume(Topics.EVALUATIONS, 1, DEADLINE);
        JsonNode decision = WireJson.mapper().readTree(evaluations.getFirst().value());
        assertEquals("PUBLISHED", decision.get("decision").asText());
        assertEquals(first, decision.get("runId").asText());
        assertEquals(1, decision.get("candidateVersion").asLong());

        // A candidate that cannot learn (one epoch at a vanishing rate, from scratch) against that model.
        String second = trigger("{\"epochs\":1,\"learningRate\":1e-7,\"fineTune\":false}");
        JsonNode secondReport = awaitRun(second);
        assertEquals("WITHHELD", secondReport.get("outcome").asText(), secondReport.toString());
        assertEquals(1, secondReport.get("productionVersion").asLong());

        evaluations = kafka.consume(Topics.EVALUATIONS, 2, DEADLINE);
        JsonNode withheld = WireJson.mapper().readTree(evaluations.getLast().value());
        assertEquals("WITHHELD", withheld.get("decision").asText());
        assertEquals(second, withheld.get("runId").asText());
        assertTrue(withheld.get("candidateVersion").isNull());
        assertTrue(withheld.get("candidate").get("relativeMae").asDouble() > withheld.get("production").get("relativeMae").asDouble());
        // The run acknowledged everything it sent before reporting, so the topic is final: a short read suffices.
        assertEquals(1, kafka.consumeUntil(Topics.WEIGHTS, l -> l.size() > 1, Duration.ofSeconds(3), true).size(),
                "the withheld candidate must not reach model.weights");

        given().get(Management.url("/q/metrics")).then().statusCode(200)
                .body(containsString("forecast_trainer_runs_total{outcome=\"published\"} 1.0"))
                .body(containsString("forecast_trainer_runs_total{outcome=\"withheld\"} 1.0"))
                .body(containsString("forecast_trainer_published_version 1.0"));
        given().get(Management.url("/q/health/live")).then().statusCode(200).body(containsString("WITHHELD"));
        given().get(Management.url("/q/openapi")).then().statusCode(200).body(containsString("/api/v1/train"));
        // Starting a run takes an operate key, reading the last run does not; the document says so, for Swagger UI.
        given().get(Management.url("/q/openapi?format=json")).then().statusCode(200)
                .body("components.securitySchemes.'api-key'.name", equalTo(TrainResource.API_KEY_HEADER))
                .body("paths.'/api/v1/train'.post.security[0].'api-key'", notNullValue())
                .body("paths.'/api/v1/runs/last'.get.security", nullValue());
        // Every response is typed: a record's schema per body, ApiError for every error status (issue 19).
        assertEquals(List.of(), org.forecaster.testkit.OpenApiContract.violations(
                given().get(Management.url("/q/openapi?format=json")).asString(), "ApiError"));
        given().get(Management.url("/q/swagger-ui/")).then().statusCode(200);
        // The public port serves the API only (the management interface has its own port).
        for (String path : List.of("/q/health/live", "/q/metrics", "/q/openapi", "/q/swagger-ui/")) {
            given().get(path).then().statusCode(404);
        }
    }

    private static String trigger(String body) {
        Response r = given().header(TrainResource.API_KEY_HEADER, "test-key").contentType(ContentType.JSON).body(body)
                .post("/api/v1/train");
        r.then().statusCode(202);
        return r.jsonPath().getString("runId");
    }

    /** Polls the last-run endpoint until it reports {@code runId}, to the deadline. */
    private static JsonNode awaitRun(String runId) {
        return await("run " + runId + " to finish").atMost(DEADLINE).pollInterval(POLL)
                .until(TrainerPipelineIT::lastRun, report -> report != null && runId.equals(report.get("runId").asText()));
    }

    /** The last run's report, or null while there is none. */
    private static JsonNode lastRun() throws IOException {
        Response r = given().get("/api/v1/runs/last");
        return r.statusCode() == 200 ? WireJson.mapper().readTree(r.asByteArray()) : null;
    }
}
