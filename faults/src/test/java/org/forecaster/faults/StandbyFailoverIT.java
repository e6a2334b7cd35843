package org.forecaster.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.forecaster.core.wire.Topics;
import org.forecaster.faults.harness.BrokerProcess;
import org.forecaster.faults.harness.Dirs;
import org.forecaster.faults.harness.Feeder;
import org.forecaster.faults.harness.Reference;
import org.forecaster.faults.harness.Samples;
import org.forecaster.faults.harness.ServiceProcess;
import org.forecaster.faults.harness.Services;
import org.junit.jupiter.api.Test;

/**
 * Two model-service instances of one application with a standby replica of every task ({@code num.standby.replicas=1});
 * the one owning the most series is killed with SIGKILL mid-stream and not restarted. Its partitions move to the
 * survivor (which then owns every series' state) and the committed forecasts and alerts still equal an undisturbed
 * run's byte for byte.
 */
class StandbyFailoverIT {
    private static final int STEPS = 500;

    @Test
    void shouldMoveAKilledInstancesPartitionsToItsStandbyWithoutChangingTheOutput() throws Exception {
        Path dir = Dirs.fresh(getClass());
        List<ProducerRecord<String, byte[]>> points = Samples.points(Topics.POINTS, STEPS);
        Map<String, String> withStandby = Services.modelService();
        withStandby.put("kafka-streams.num.standby.replicas", "1");
        try (BrokerProcess broker = BrokerProcess.start(dir.resolve("broker"))) {
            Services.createTopics(broker);
            Services.publishModel(broker, Samples.bootstrapModel());
            try (ServiceProcess a = ServiceProcess.start("model-a", Services.MODEL, dir, broker, withStandby);
                 ServiceProcess b = ServiceProcess.start("model-b", Services.MODEL, dir, broker, withStandby);
                 ServiceProcess reference = ServiceProcess.start("model-ref", Services.MODEL, dir, broker, Services.referenceModelService())) {
                for (ServiceProcess s : List.of(a, b, reference)) {
                    s.awaitReady(Duration.ofSeconds(120));
                }
                // 6 points per 100 ms: the feed lasts about 25 s, so the kill lands mid-stream even when a loaded
                // machine (a CI run once) lets the instances fall 10 s behind; at 15 per 100 ms it had all been sent.
                try (Feeder feeder = new Feeder(broker.bootstrap(), points, 6, Duration.ofMillis(100))) {
                    Services.awaitCommitted(broker, Topics.FORECASTS, points.size() / 8, Duration.ofSeconds(60), a, b);
                    long ownedByA = owned(a), ownedByB = owned(b);
                    assertEquals(Samples.SERIES.size(), ownedByA + ownedByB, "each series is active on one instance");
                    ServiceProcess victim = ownedByA >= ownedByB ? a : b, survivor = victim == a ? b : a;
                    victim.kill();
                    System.out.printf("standby failover: killed %s owning %d of %d series, %d points sent%n", victim,
                            Math.max(ownedByA, ownedByB), Samples.SERIES.size(), feeder.sent());
                    assertTrue(feeder.sent() < points.size(), "the kill landed mid-stream");
                    feeder.awaitDone(Duration.ofSeconds(120));
                    Reference.assertSameOutputs(broker, points.size(), reference, survivor);
                    assertEquals(Samples.SERIES.size(), owned(survivor), "the survivor owns every series' state now");
                    assertFalse(victim.isAlive());
                }
            }
        }
    }

    /** How many series this instance holds as an active task (interactive queries see active stores only). */
    private static long owned(ServiceProcess instance) {
        return Samples.SERIES.stream().filter(s -> instance.get("/api/v1/series/" + s + "/state").statusCode() == 200).count();
    }
}
