package org.forecaster.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.forecaster.core.modelio.ModelReader;
import org.forecaster.core.wire.ForecastRecord;
import org.forecaster.core.wire.Topics;
import org.forecaster.core.wire.WireJson;
import org.forecaster.faults.harness.Await;
import org.forecaster.faults.harness.BadWeights;
import org.forecaster.faults.harness.BrokerProcess;
import org.forecaster.faults.harness.Dirs;
import org.forecaster.faults.harness.Feeder;
import org.forecaster.faults.harness.KafkaIO;
import org.forecaster.faults.harness.Samples;
import org.forecaster.faults.harness.ServiceProcess;
import org.forecaster.faults.harness.Services;
import org.junit.jupiter.api.Test;

/**
 * Bad weights on {@code model.weights} while points flow: corrupted, truncated, wrong-shape, NaN, incompatible, stale,
 * not-a-model and empty records interleaved with two good versions. Only the good versions are served (forecasts and
 * {@code GET /api/v1/model}); every rejection is counted by reason on {@code /q/metrics} and logged; no forecast
 * carries a rejected version (they are numbered 10 and up, above every good one), and no point is lost meanwhile.
 */
class WeightsFaultsIT {
    private static final int STEPS = 500;

    private record Delivery(String what, byte[] bytes, String rejectedAs) {}

    @Test
    void shouldServeOnlyValidWeightsAndCountAndLogEachRejection() throws Exception {
        Path dir = Dirs.fresh(getClass());
        byte[] v1 = Samples.bootstrapModel();
        String name = ModelReader.read(v1).header().name();
        List<Delivery> deliveries = List.of(
                new Delivery("v10 with a flipped bit", BadWeights.corrupted(BadWeights.version(v1, 10, 1f)), "checksum"),
                new Delivery("good v2", BadWeights.version(v1, 2, 0.98f), null),
                new Delivery("v11 cut in half", BadWeights.truncated(BadWeights.version(v1, 11, 1f)), "truncated"),
                new Delivery("v12 with a transposed matrix", BadWeights.wrongShape(BadWeights.version(v1, 12, 1f)), "shape"),
                new Delivery("v13 with a NaN weight", BadWeights.withNaN(BadWeights.version(v1, 13, 1f)), "non-finite"),
                new Delivery("v1 again", v1, "stale"),
                new Delivery("v14 for more inputs", BadWeights.incompatible(v1, 14), "incompatible"),
                new Delivery("not a model file", BadWeights.notAModel(), "magic"),
                new Delivery("an empty record", new byte[0], "empty"),
                new Delivery("good v3", BadWeights.version(v1, 3, 0.99f), null));
        List<ProducerRecord<String, byte[]>> points = Samples.points(Topics.POINTS, STEPS);
        try (BrokerProcess broker = BrokerProcess.start(dir.resolve("broker"))) {
            broker.createProductionTopics();
            Services.publishModel(broker, v1);
            try (ServiceProcess model = ServiceProcess.start("model", Services.MODEL, dir, broker, Services.modelService())) {
                model.awaitReady(Duration.ofSeconds(90));
                try (Feeder feeder = new Feeder(broker.bootstrap(), points, 15, Duration.ofMillis(100))) {
                    Services.awaitCommitted(broker, Topics.FORECASTS, 100, Duration.ofSeconds(60), model);
                    // Spread over the stream: delivery k once (k + 1) / (n + 2) of the points are sent.
                    for (int k = 0; k < deliveries.size(); k++) {
                        int due = (k + 1) * points.size() / (deliveries.size() + 2);
                        Await.until("point " + due + " to be sent", Duration.ofSeconds(60), () -> feeder.sent() >= due);
                        Services.send(broker, List.of(new ProducerRecord<>(Topics.WEIGHTS, name, deliveries.get(k).bytes())));
                    }
                    assertTrue(feeder.sent() < points.size(), "the weights arrived while points were still flowing");
                    feeder.awaitDone(Duration.ofSeconds(120));
                }
                Await.until("v3 to be served", Duration.ofSeconds(30), () -> model.get("/api/v1/model").body().contains("\"version\":3"),
                        () -> ": " + model.get("/api/v1/model").body());
                Services.awaitCaughtUp(broker, "model-service", Topics.POINTS, Duration.ofSeconds(60));

                List<ConsumerRecord<String, byte[]>> forecasts = KafkaIO.readCommitted(broker.bootstrap(), Topics.FORECASTS);
                assertEquals(points.size(), forecasts.size(), "one forecast per point, none lost while weights were rejected");
                Set<Long> versions = new TreeSet<>();
                Map<String, Long> lastVersion = new HashMap<>();
                List<String> backwards = new ArrayList<>();
                for (ConsumerRecord<String, byte[]> r : forecasts) {
                    ForecastRecord f = WireJson.read(r.value(), ForecastRecord.class);
                    versions.add(f.modelVersion());
                    Long before = lastVersion.put(f.series(), f.modelVersion());
                    if (before != null && before > f.modelVersion()) {
                        backwards.add(f.series() + " @ " + f.observedTs() + ": v" + f.modelVersion() + " after v" + before);
                    }
                }
                assertTrue(Set.of(1L, 2L, 3L).containsAll(versions), "only good versions made forecasts: " + versions);
                assertTrue(versions.contains(1L) && versions.contains(3L), "forecasts by v1, then v3: " + versions);
                assertEquals(List.of(), backwards, "a key's forecasts never go back to an older version");

                String log = model.allLogs();
                for (Delivery d : deliveries) {
                    if (d.rejectedAs() != null) {
                        assertEquals(1.0, model.metric("forecast_weights_rejected_total", "reason=\"" + d.rejectedAs() + "\""),
                                d.what() + " is counted as " + d.rejectedAs());
                        assertTrue(log.lines().anyMatch(l -> l.contains("WARN") && l.contains("rejected weights") && l.contains(": " + d.rejectedAs() + ":")),
                                d.what() + " is logged as " + d.rejectedAs());
                    }
                }
                long rejected = deliveries.stream().filter(d -> d.rejectedAs() != null).count();
                assertEquals(rejected, model.metric("forecast_weights_rejected_total"), "no other rejection");
                assertEquals(rejected, log.lines().filter(l -> l.contains("rejected weights")).count(), "one log line per rejection");
                assertEquals(3.0, model.metric("forecast_weights_accepted_total"), "v1, v2 and v3 accepted");
                assertEquals(3.0, model.metric("forecast_model_version"), "the gauge shows v3");

                // A restarted instance reads the weights topic from the start, bad records and all, and serves v3 again:
                // the next points are forecast by v3, never by an older version read on the way.
                model.kill();
                model.restart();
                model.awaitReady(Duration.ofSeconds(90));
                List<ProducerRecord<String, byte[]>> more = Samples.points(Topics.POINTS, STEPS + 20).subList(points.size(), 3 * (STEPS + 20));
                Services.send(broker, more);
                List<ConsumerRecord<String, byte[]>> all = Services.awaitCommitted(broker, Topics.FORECASTS, points.size() + more.size(),
                        Duration.ofSeconds(60), model);
                assertEquals(List.of(3L), all.stream().map(r -> WireJson.read(r.value(), ForecastRecord.class))
                        .filter(f -> !f.observedTs().isBefore(Samples.time(STEPS))).map(ForecastRecord::modelVersion).distinct().toList(),
                        "after the restart only v3 forecasts");
                assertTrue(model.get("/api/v1/model").body().contains("\"version\":3"), "the restarted instance serves v3");
            }
        }
    }
}
