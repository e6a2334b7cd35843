package org.forecaster.faults;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.KafkaFuture;
import org.forecaster.core.wire.Topics;
import org.forecaster.faults.harness.Await;
import org.forecaster.faults.harness.BrokerProcess;
import org.forecaster.faults.harness.Dirs;
import org.forecaster.faults.harness.Samples;
import org.forecaster.faults.harness.ServiceProcess;
import org.forecaster.faults.harness.Services;
import org.junit.jupiter.api.Test;

/**
 * A model service without a model stays out of the consumer group (issue 17): it answers HTTP with readiness down,
 * takes no partitions while points queue up, and joins once a valid model arrives; then every queued point is
 * forecast. Before the gate it joined at once, stalled its partitions and rebalanced the group every model-wait.
 */
class ModelGateIT {
    private static final int STEPS = 60;

    @Test
    void shouldJoinTheGroupOnlyOnceItServesAValidModel() throws Exception {
        Path dir = Dirs.fresh(getClass());
        List<ProducerRecord<String, byte[]>> points = Samples.points(Topics.POINTS, STEPS);
        try (BrokerProcess broker = BrokerProcess.start(dir.resolve("broker"))) {
            broker.createProductionTopics();
            Services.send(broker, points);
            try (ServiceProcess model = ServiceProcess.start("model", Services.MODEL, dir, broker, Services.modelService());
                 Admin admin = broker.admin()) {
                Await.until("the model service's HTTP server", Duration.ofSeconds(90), () -> {
                    assertTrue(model.isAlive(), "the model service exited");
                    return model.management("/q/health/live").statusCode() == 200;
                });
                Await.until("the model service to log that it waits", Duration.ofSeconds(30),
                        () -> model.allLogs().contains("waiting for a valid model"));
                // A few seconds without a model: still out of the group, not ready, nothing forecast.
                // during() keeps polling for 6 s; failFast() fails at the first poll that sees a member.
                await("6 s without a member in the group").during(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(11))
                        .pollInterval(Duration.ofMillis(500))
                        .failFast(() -> assertEquals(0, members(admin), "no member in the group before a model is served"))
                        .until(() -> true);
                assertEquals(503, model.management("/q/health/ready").statusCode());
                assertTrue(model.management("/q/health/ready").body().contains("no model loaded yet"), model.management("/q/health/ready").body());
                model.awaitApiStarted(Duration.ofSeconds(60));
                HttpResponse<String> onApiPort = model.get("/q/health/ready");
                assertEquals(404, onApiPort.statusCode(), "health is on the management port, not the API's: " + onApiPort.body());
                assertEquals(200, model.management("/q/swagger-ui/").statusCode(), "Swagger UI is in the production build");
                assertTrue(model.isAlive());

                Services.publishModel(broker, Samples.bootstrapModel());
                model.awaitReady(Duration.ofSeconds(90));
                assertTrue(members(admin) >= 1, "in the group once the model is served");
                assertEquals(points.size(), Services.awaitCommitted(broker, Topics.FORECASTS, points.size(), Duration.ofSeconds(60), model).size(),
                        "every point that queued meanwhile is forecast");
                assertTrue(model.allLogs().contains("joining the consumer group after"), "the start is logged");
                assertJsonLogLines(model.allLogs());
            }
        }
    }

    /**
     * The packaged jar runs the production profile, whose console log is one JSON object per line (issue 19), each
     * with its level and message; only the JVM's own start-up notes on stderr ("WARNING: Using incubator modules")
     * are not the application's logger and stay text.
     */
    private static void assertJsonLogLines(String log) throws java.io.IOException {
        int json = 0;
        boolean waitLogged = false;
        for (String line : log.lines().filter(l -> !l.isBlank()).toList()) {
            if (line.startsWith("WARNING: ")) {
                continue;
            }
            com.fasterxml.jackson.databind.JsonNode entry = org.forecaster.core.wire.WireJson.mapper().readTree(line);
            assertTrue(entry.isObject() && entry.path("level").isTextual() && entry.path("message").isTextual(),
                    "a JSON log line with level and message: " + line);
            waitLogged |= entry.get("level").asText().equals("INFO") && entry.get("message").asText().contains("waiting for a valid model");
            json++;
        }
        assertTrue(json > 10, json + " JSON log lines");
        assertTrue(waitLogged, "the wait is an INFO entry whose message says so");
    }

    private static int members(Admin admin) throws Exception {
        KafkaFuture<Map<String, ConsumerGroupDescription>> f = admin.describeConsumerGroups(List.of(Services.MODEL)).all();
        try {
            return f.get().get(Services.MODEL).members().size();
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return 0;
            }
            throw e;
        }
    }
}
