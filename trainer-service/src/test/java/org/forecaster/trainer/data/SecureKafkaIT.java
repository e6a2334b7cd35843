package org.forecaster.trainer.data;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
import org.apache.kafka.clients.producer.ProducerRecord;
import org.forecaster.core.modelio.ModelReader;
import org.forecaster.core.wire.Point;
import org.forecaster.core.wire.Topics;
import org.forecaster.core.wire.WireJson;
import org.forecaster.testkit.EmbeddedKafka;
import org.forecaster.testkit.KafkaTestResource;
import org.forecaster.trainer.rest.TrainResource;
import org.forecaster.trainer.testing.SyntheticPoints;
import org.junit.jupiter.api.Test;

/**
 * The trainer on an authenticated broker, as the KafkaUser trainer-service with the production ACLs: its history
 * and model readers and its publishers all take the kafka.* security settings, and its grants are enough for a
 * whole run (read points and the production model, publish weights and the decision).
 *
 * <p>In this package so that it runs after {@code TrainerPipelineIT}: the trainer's run counters stay bound to the
 * first application's stats when Quarkus restarts the application in the same JVM, so a run here before that test
 * showed up in its metrics assertion (published 1, withheld 0).
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = true, initArgs = {
        @ResourceArg(name = "topics", value = "telemetry.points:2,model.weights:1,model.evaluations:1"),
        @ResourceArg(name = "kafka-user", value = "trainer-service")})
class SecureKafkaIT {
    private static final Duration DEADLINE = Duration.ofSeconds(120);

    @Test
    void aRunReadsAndPublishesAsTheTrainerUser() throws IOException {
        EmbeddedKafka kafka = KafkaTestResource.broker();
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        for (Point p : SyntheticPoints.logistic(8, 300, Instant.parse("2025-02-01T00:00:00Z"), Duration.ofHours(1), 0.5, 41, 5)) {
            records.add(new ProducerRecord<>(Topics.POINTS, p.series(), WireJson.write(p)));
        }
        kafka.send(records); // as the super user: the trainer may not write points

        Response started = given().header(TrainResource.API_KEY_HEADER, "test-key").contentType(ContentType.JSON).body("{}")
                .post("/api/v1/train");
        started.then().statusCode(202);
        JsonNode report = awaitRun(started.jsonPath().getString("runId"));
        assertEquals("PUBLISHED", report.get("outcome").asText(), report.toString());
        assertEquals(8, report.get("seriesCount").asInt(), "the history was read as trainer-service");

        var weights = kafka.consume(Topics.WEIGHTS, 1, DEADLINE);
        assertEquals(1, weights.size(), "the model was published as trainer-service");
        assertEquals(1, ModelReader.read(weights.getFirst().value()).header().version());
        assertEquals(1, kafka.consume(Topics.EVALUATIONS, 1, DEADLINE).size(), "the decision was published");
    }

    private static JsonNode awaitRun(String runId) {
        return await("run " + runId + " to finish").atMost(DEADLINE).pollInterval(Duration.ofMillis(100))
                .until(SecureKafkaIT::lastRun, report -> report != null && runId.equals(report.get("runId").asText()));
    }

    /** The last run's report, or null while there is none. */
    private static JsonNode lastRun() throws IOException {
        Response r = given().get("/api/v1/runs/last");
        return r.statusCode() == 200 ? WireJson.mapper().readTree(r.asByteArray()) : null;
    }
}
