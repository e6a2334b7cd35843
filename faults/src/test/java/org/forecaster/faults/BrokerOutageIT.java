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
import org.forecaster.faults.harness.Windows;
import org.junit.jupiter.api.Test;

/**
 * The broker killed (SIGKILL) for 20 s while events stream through ingest and the model service, then started again on
 * the same ports and data directory. Both services recover by themselves (same processes, ready again), ingest emits
 * every window exactly once, and the model service's committed forecasts and alerts equal those of an undisturbed
 * run over the same points (started after the outage, so the outage cannot touch it).
 */
class BrokerOutageIT {
    private static final int STEPS = 400;
    private static final Duration OUTAGE = Duration.ofSeconds(20);

    @Test
    void shouldRecoverWithoutRestartsAndLoseNothingWhenTheBrokerIsDownFor20Seconds() throws Exception {
        Path dir = Dirs.fresh(getClass());
        List<ProducerRecord<String, byte[]>> events = Samples.rawEvents(Topics.RAW, STEPS);
        int windows = STEPS * Samples.SERIES.size();
        try (BrokerProcess broker = BrokerProcess.start(dir.resolve("broker"))) {
            Services.createTopics(broker);
            Services.publishModel(broker, Samples.bootstrapModel());
            try (ServiceProcess ingest = ServiceProcess.start("ingest", Services.INGEST, dir, broker, Services.ingestService());
                 ServiceProcess model = ServiceProcess.start("model", Services.MODEL, dir, broker, Services.modelService())) {
                ingest.awaitReady(Duration.ofSeconds(90));
                model.awaitReady(Duration.ofSeconds(90));
                long ingestPid = ingest.pid(), modelPid = model.pid();
                // 10 events per 100 ms: the feed lasts 24 s or more and the kill waits only for forecasts to flow, so it
                // lands mid-stream even when a loaded machine runs the pipeline far behind the feed (at 30 per 100 ms and
                // a quarter of the forecasts awaited, a CI run on a busy machine killed the broker after the last send).
                try (Feeder feeder = new Feeder(broker.bootstrap(), events, 10, Duration.ofMillis(100))) {
                    Services.awaitCommitted(broker, Topics.FORECASTS, windows / 20, Duration.ofSeconds(90), ingest, model);
                    broker.kill();
                    int sentAtKill = feeder.sent();
                    Thread.sleep(OUTAGE.toMillis()); // the fault itself: the broker stays down this long
                    assertTrue(ingest.isAlive() && model.isAlive(), "the services outlive the outage");
                    broker.restart();
                    System.out.printf("broker outage: killed with %d of %d events sent, restarted after %d s%n", sentAtKill,
                            events.size(), OUTAGE.toSeconds());
                    assertTrue(sentAtKill < events.size(), "the outage hit mid-stream");
                    feeder.awaitDone(Duration.ofSeconds(180));
                }
                Services.send(broker, Samples.closingEvents(Topics.RAW, STEPS));
                Services.awaitCommitted(broker, Topics.POINTS, windows, Duration.ofSeconds(120), ingest, model);
                Services.awaitCaughtUp(broker, "ingest-service", Topics.RAW, Duration.ofSeconds(60));
                Windows.assertEachExactlyOnce(STEPS, KafkaIO.readCommitted(broker.bootstrap(), Topics.POINTS));

                try (ServiceProcess reference = ServiceProcess.start("model-ref", Services.MODEL, dir, broker,
                        Services.referenceModelService())) {
                    Reference.assertSameOutputs(broker, windows, reference, model);
                }
                ingest.awaitReady(Duration.ofSeconds(60));
                model.awaitReady(Duration.ofSeconds(60));
                assertEquals(List.of(ingestPid, modelPid), List.of(ingest.pid(), model.pid()), "no service was restarted");
                // Only v1 was ever published: a rejection here would be a false alarm (the outage makes the weights
                // consumer rejoin its group and, without committed offsets, read the topic again from the start).
                assertEquals(0, model.metric("forecast_weights_rejected_total"), "no weights rejected:\n"
                        + model.allLogs().lines().filter(l -> l.contains("rejected weights")).toList());
            }
        }
    }
}
