package org.forecaster.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.forecaster.core.wire.Topics;
import org.forecaster.faults.harness.BrokerProcess;
import org.forecaster.faults.harness.Dirs;
import org.forecaster.faults.harness.Feeder;
import org.forecaster.faults.harness.KafkaIO;
import org.forecaster.faults.harness.Reference;
import org.forecaster.faults.harness.Samples;
import org.forecaster.faults.harness.ServiceProcess;
import org.forecaster.faults.harness.Services;
import org.junit.jupiter.api.Test;

/**
 * kill -9 of the model service mid-stream, then a restart with the same state directory: the forecasts and alerts
 * read with read_committed equal, byte for byte by key and point time, those of an undisturbed run of the same
 * packaged service (its own application id) over the same points. Nothing missing or duplicated; the restarted
 * instance neither lost a key's state (its forecasts would differ) nor applied a point twice (counted duplicates).
 */
class ModelServiceKillIT {
    private static final int STEPS = 1000;

    @Test
    void shouldCommitTheSameForecastsAndAlertsAfterAKillAndRestartAsAnUndisturbedRun() throws Exception {
        Path dir = Dirs.fresh(getClass());
        List<ProducerRecord<String, byte[]>> points = Samples.points(Topics.POINTS, STEPS);
        int expected = points.size();
        try (BrokerProcess broker = BrokerProcess.start(dir.resolve("broker"))) {
            Services.createTopics(broker);
            Services.publishModel(broker, Samples.bootstrapModel());
            try (ServiceProcess victim = ServiceProcess.start("model", Services.MODEL, dir, broker, Services.modelService());
                 ServiceProcess reference = ServiceProcess.start("model-ref", Services.MODEL, dir, broker, Services.referenceModelService())) {
                victim.awaitReady(Duration.ofSeconds(90));
                reference.awaitReady(Duration.ofSeconds(90));
                // Bursts of 150 points: the service is busy with a backlog, not idle, when the kill lands.
                try (Feeder feeder = new Feeder(broker.bootstrap(), points, 150, Duration.ofMillis(200))) {
                    Services.awaitCommitted(broker, Topics.FORECASTS, expected / 4, Duration.ofSeconds(60), victim);
                    victim.kill();
                    int atKill = KafkaIO.countCommitted(broker.bootstrap(), Topics.FORECASTS);
                    int sentAtKill = feeder.sent();
                    assertTrue(atKill < expected, "the kill landed mid-stream: " + atKill + " of " + expected + " forecasts committed");
                    System.out.printf("model-service kill: %d of %d forecasts committed, %d points sent%n", atKill, expected, sentAtKill);
                    victim.restart();
                    victim.awaitReady(Duration.ofSeconds(90));
                    feeder.awaitDone(Duration.ofSeconds(120));
                }
                Reference.assertSameOutputs(broker, expected, reference, victim);
                assertEquals(0, victim.metric("forecast_points_duplicate_total"), "no point was applied twice to a restored state");
                assertEquals(0, victim.metric("forecast_points_late_total"), "no point was seen as late");
            }
        }
    }
}
