package org.forecaster.serving.rest;

import static io.restassured.RestAssured.get;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.forecaster.core.wire.Topics;
import org.forecaster.serving.Poll;
import org.forecaster.serving.TestModels;
import org.forecaster.testkit.EmbeddedKafka;
import org.forecaster.testkit.KafkaTestResource;
import org.forecaster.testkit.Management;
import org.junit.jupiter.api.Test;

/**
 * The model service on an authenticated broker, as the KafkaUser model-service with the production ACLs: the
 * weights consumer (SmallRye) and the exactly-once Streams app (its changelog, group and transactional ids) both
 * take the kafka.* security settings, and its grants carry a point to a forecast.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = true, initArgs = {
        @ResourceArg(name = "topics", value = "telemetry.points:2,forecasts:1,anomalies:1,telemetry.dlq:1,model.weights:1"),
        @ResourceArg(name = "kafka-user", value = "model-service")})
class SecureKafkaIT {
    @Test
    void pointsBecomeForecastsAsTheModelServiceUser() {
        EmbeddedKafka kafka = KafkaTestResource.broker();
        kafka.send(Topics.WEIGHTS, "forecaster", TestModels.modelBytes(1, 7)); // as the super user, standing in for the trainer
        Poll.until(Duration.ofSeconds(60), "the model read and the stream running as model-service",
                () -> get(Management.url("/q/health/ready")).statusCode() == 200);

        int n = 20;
        List<ProducerRecord<String, byte[]>> points = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            points.add(new ProducerRecord<>(Topics.POINTS, null, TestModels.T0.plusMillis(i * TestModels.STEP).toEpochMilli(), "s",
                    TestModels.pointJson("s", i, Math.sin(i / 3.0))));
        }
        kafka.send(points);
        assertEquals(n, kafka.consume(Topics.FORECASTS, n, Duration.ofSeconds(90)).size(), "one forecast per point");
    }
}
