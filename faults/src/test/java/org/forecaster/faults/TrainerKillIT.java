package org.forecaster.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.forecaster.core.modelio.ModelFile;
import org.forecaster.core.modelio.ModelFormatException;
import org.forecaster.core.modelio.ModelReader;
import org.forecaster.core.wire.Topics;
import org.forecaster.faults.harness.Await;
import org.forecaster.faults.harness.BrokerProcess;
import org.forecaster.faults.harness.Dirs;
import org.forecaster.faults.harness.KafkaIO;
import org.forecaster.faults.harness.Samples;
import org.forecaster.faults.harness.ServiceProcess;
import org.forecaster.faults.harness.Services;
import org.junit.jupiter.api.Test;

/**
 * kill -9 of the trainer in the middle of a training run: nothing partial reaches {@code model.weights} (every record
 * there reads back as a complete, valid model with core's {@link ModelReader}; the killed run published nothing and
 * recorded no decision), and after a restart the next run publishes the next version normally.
 */
class TrainerKillIT {
    private static final int STEPS = 1500;

    @Test
    void shouldPublishNoPartialModelWhenKilledMidTrainingAndPublishNormallyAfterARestart() throws Exception {
        Path dir = Dirs.fresh(getClass());
        try (BrokerProcess broker = BrokerProcess.start(dir.resolve("broker"))) {
            broker.createProductionTopics();
            Services.publishModel(broker, Samples.bootstrapModel());
            Services.send(broker, Samples.points(Topics.POINTS, STEPS));
            try (ServiceProcess trainer = ServiceProcess.start("trainer", Services.TRAINER, dir, broker, Services.trainerService())) {
                trainer.awaitReady(Duration.ofSeconds(90));
                // A long run (1000 epochs of fine-tuning the bootstrap model, forced so it would publish if it finished) is killed once it is training.
                HttpResponse<String> started = trainer.postJson("/api/v1/train", "{\"force\":true,\"epochs\":1000}", Services.API_KEY);
                assertEquals(202, started.statusCode(), started.body());
                Await.until("the run to be training", Duration.ofSeconds(60),
                        () -> trainer.metric("forecast_trainer_run_in_progress") == 1.0 && trainer.allLogs().contains("fine-tuning it"),
                        () -> ":\n" + trainer.allLogs());
                Thread.sleep(2000); // into the epochs, not at their start
                assertEquals(1.0, trainer.metric("forecast_trainer_run_in_progress"), "still training when killed");
                trainer.kill();
                assertEquals(List.of(1L), validVersions(broker), "the killed run published nothing");
                assertEquals(0, KafkaIO.countCommitted(broker.bootstrap(), Topics.EVALUATIONS), "and recorded no decision");

                trainer.restart();
                trainer.awaitReady(Duration.ofSeconds(90));
                HttpResponse<String> again = trainer.postJson("/api/v1/train", "{\"force\":true,\"epochs\":2}", Services.API_KEY);
                assertEquals(202, again.statusCode(), again.body());
                Await.until("the next run to publish", Duration.ofSeconds(120),
                        () -> trainer.get("/api/v1/runs/last").body().contains("\"outcome\":\"PUBLISHED\""),
                        () -> ": " + trainer.get("/api/v1/runs/last").body() + "\n" + trainer.allLogs());
                assertEquals(List.of(1L, 2L), validVersions(broker), "v2 published after the restart");
                assertEquals(1, KafkaIO.countCommitted(broker.bootstrap(), Topics.EVALUATIONS), "one decision, the published run's");
            }
        }
    }

    /** The versions on the weights topic, in order; fails if any record is not a complete, valid model file. */
    private static List<Long> validVersions(BrokerProcess broker) {
        List<Long> versions = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : KafkaIO.readCommitted(broker.bootstrap(), Topics.WEIGHTS)) {
            try {
                ModelFile f = ModelReader.read(r.value());
                assertEquals(f.header().name(), r.key(), "keyed by model name");
                versions.add(f.header().version());
            } catch (ModelFormatException e) {
                throw new AssertionError("an invalid model on " + Topics.WEIGHTS + " at offset " + r.offset() + ": " + e.getMessage(), e);
            }
        }
        return versions;
    }
}
