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
import org.forecaster.faults.harness.Samples;
import org.forecaster.faults.harness.ServiceProcess;
import org.forecaster.faults.harness.Services;
import org.forecaster.faults.harness.Windows;
import org.junit.jupiter.api.Test;

/**
 * kill -9 of the ingest service mid-stream, then a restart with the same state directory: every window of the
 * input is emitted on {@code telemetry.points} exactly once (read_committed), with the count and mean of exactly
 * the events in it; no window is lost with the killed instance's in-flight aggregates, none is emitted twice.
 */
class IngestServiceKillIT {
    private static final int STEPS = 400;

    @Test
    void shouldEmitEveryWindowExactlyOnceAcrossAKillAndRestart() throws Exception {
        Path dir = Dirs.fresh(getClass());
        List<ProducerRecord<String, byte[]>> events = Samples.rawEvents(Topics.RAW, STEPS);
        int windows = STEPS * Samples.SERIES.size();
        try (BrokerProcess broker = BrokerProcess.start(dir.resolve("broker"))) {
            broker.createProductionTopics();
            try (ServiceProcess victim = ServiceProcess.start("ingest", Services.INGEST, dir, broker, Services.ingestService())) {
                victim.awaitReady(Duration.ofSeconds(90));
                try (Feeder feeder = new Feeder(broker.bootstrap(), events, 30, Duration.ofMillis(100))) {
                    Services.awaitCommitted(broker, Topics.POINTS, windows / 4, Duration.ofSeconds(60), victim);
                    victim.kill();
                    int atKill = KafkaIO.countCommitted(broker.bootstrap(), Topics.POINTS);
                    assertTrue(atKill < windows && feeder.sent() < events.size(), "the kill landed mid-stream: " + atKill
                            + " windows committed, " + feeder.sent() + " of " + events.size() + " events sent");
                    System.out.printf("ingest kill: %d of %d windows committed, %d of %d events sent%n", atKill, windows,
                            feeder.sent(), events.size());
                    victim.restart();
                    victim.awaitReady(Duration.ofSeconds(90));
                    feeder.awaitDone(Duration.ofSeconds(120));
                }
                Services.send(broker, Samples.closingEvents(Topics.RAW, STEPS));
                Services.awaitCommitted(broker, Topics.POINTS, windows, Duration.ofSeconds(90), victim);
                Services.awaitCaughtUp(broker, "ingest-service", Topics.RAW, Duration.ofSeconds(60));
                Windows.assertEachExactlyOnce(STEPS, KafkaIO.readCommitted(broker.bootstrap(), Topics.POINTS));
                assertEquals(0, KafkaIO.countCommitted(broker.bootstrap(), Topics.DLQ), "nothing dead-lettered (late or invalid)");
            }
        }
    }
}
