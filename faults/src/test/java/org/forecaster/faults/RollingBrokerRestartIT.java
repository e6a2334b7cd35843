package org.forecaster.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.forecaster.core.wire.Topics;
import org.forecaster.faults.harness.BrokerCluster;
import org.forecaster.faults.harness.BrokerNode;
import org.forecaster.faults.harness.Dirs;
import org.forecaster.faults.harness.Feeder;
import org.forecaster.faults.harness.Gaps;
import org.forecaster.faults.harness.KafkaIO;
import org.forecaster.faults.harness.Reference;
import org.forecaster.faults.harness.Samples;
import org.forecaster.faults.harness.ServiceProcess;
import org.forecaster.faults.harness.Services;
import org.forecaster.faults.harness.Windows;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * A rolling restart of a three-broker KRaft cluster (replication factor 3, {@code min.insync.replicas=2}) under load,
 * as an upgrade does it: each node in turn is stopped (SIGTERM, its controlled shutdown hands its leaderships over),
 * started again, and the next one goes down only when every partition has all its replicas in sync again. Ingest
 * and the model service ride it out in the same processes, every window is emitted once, and the committed forecasts
 * and alerts equal an undisturbed run's byte for byte.
 *
 * <p>Opt-in ({@code -Dfaults.cluster=true}): this test and {@link BrokerLeaderKillIT} take 3-4 minutes each
 * on 2 cores, more than the normal run should grow by (README, fault-injection tests).
 */
@EnabledIfSystemProperty(named = "faults.cluster", matches = "true", disabledReason = "opt-in: -Dfaults.cluster=true")
class RollingBrokerRestartIT {
    private static final int STEPS = 500;

    @Test
    void shouldLoseAndDuplicateNothingWhenTheBrokersRestartOneByOneUnderLoad() throws Exception {
        Path dir = Dirs.fresh(getClass());
        List<ProducerRecord<String, byte[]>> events = Samples.rawEvents(Topics.RAW, STEPS);
        int windows = STEPS * Samples.SERIES.size();
        try (BrokerCluster cluster = BrokerCluster.start(dir.resolve("brokers"))) {
            Services.createTopics(cluster);
            Services.publishModel(cluster, Samples.bootstrapModel());
            try (ServiceProcess ingest = ServiceProcess.start("ingest", Services.INGEST, dir, cluster,
                    Services.replicatedOn(cluster, Services.ingestService()));
                 ServiceProcess model = ServiceProcess.start("model", Services.MODEL, dir, cluster,
                         Services.replicatedOn(cluster, Services.modelService()))) {
                ingest.awaitReady(Duration.ofSeconds(120));
                model.awaitReady(Duration.ofSeconds(120));
                long ingestPid = ingest.pid(), modelPid = model.pid();
                List<String> steps = new ArrayList<>();
                long feedStart = System.currentTimeMillis(), rollStart, rollEnd;
                // 4 events per 100 ms: 3000 events take 75 s or more (100 s and more on a loaded machine), about as long
                // as the three restarts on 2 cores, where a restarted node is unfenced 20-40 s after its stop; each node
                // goes down while input is arriving or the services still have a backlog.
                try (Feeder feeder = new Feeder(cluster.bootstrap(), events, 4, Duration.ofMillis(100))) {
                    Services.awaitCommitted(cluster, Topics.FORECASTS, windows / 40, Duration.ofSeconds(120), ingest, model);
                    ClusterChecks.assertServicesTopicsReplicated(cluster);
                    rollStart = System.currentTimeMillis();
                    assertTrue(feeder.sent() < events.size(), "the first node goes down while input is arriving");
                    for (BrokerNode node : cluster.nodes()) {
                        int sent = feeder.sent(), forecast = KafkaIO.countCommitted(cluster.bootstrap(), Topics.FORECASTS);
                        assertTrue(sent < events.size() || forecast < windows, "node " + node.id() + " goes down under load: "
                                + sent + " of " + events.size() + " events sent, " + forecast + " of " + windows + " forecasts committed");
                        long t0 = System.currentTimeMillis();
                        node.stop();
                        long stopped = System.currentTimeMillis();
                        cluster.restart(node);
                        long registered = System.currentTimeMillis();
                        cluster.awaitFullyReplicated(Duration.ofSeconds(120));
                        long inSync = System.currentTimeMillis();
                        steps.add(String.format("node %d down with %d of %d events sent, %d of %d forecasts committed: "
                                + "stopped in %.1f s, registered %.1f s later, all replicas in sync %.1f s after that",
                                node.id(), sent, events.size(), forecast, windows, (stopped - t0) / 1000.0,
                                (registered - stopped) / 1000.0, (inSync - registered) / 1000.0));
                    }
                    rollEnd = System.currentTimeMillis();
                    System.out.printf("rolling restart: %.1f s for three nodes%n  %s%n", (rollEnd - rollStart) / 1000.0,
                            String.join("\n  ", steps));
                    feeder.awaitDone(Duration.ofSeconds(180));
                }
                Services.send(cluster, Samples.closingEvents(Topics.RAW, STEPS));
                Services.awaitCommitted(cluster, Topics.POINTS, windows, Duration.ofSeconds(120), ingest, model);
                Services.awaitCaughtUp(cluster, "ingest-service", Topics.RAW, Duration.ofSeconds(60));
                Windows.assertEachExactlyOnce(STEPS, KafkaIO.readCommitted(cluster.bootstrap(), Topics.POINTS));
                try (ServiceProcess reference = ServiceProcess.start("model-ref", Services.MODEL, dir, cluster,
                        Services.replicatedOn(cluster, Services.referenceModelService()))) {
                    Reference.assertSameOutputs(cluster, windows, reference, model);
                }
                assertEquals(List.of(ingestPid, modelPid), List.of(ingest.pid(), model.pid()), "no service was restarted");

                Gaps.Gap before = Gaps.longest(KafkaIO.readCommitted(cluster.bootstrap(), Topics.FORECASTS), feedStart, rollStart);
                Gaps.Gap forecasts = Gaps.longest(KafkaIO.readCommitted(cluster.bootstrap(), Topics.FORECASTS), rollStart, rollEnd);
                Gaps.Gap points = Gaps.longest(KafkaIO.readCommitted(cluster.bootstrap(), Topics.POINTS), rollStart, rollEnd);
                System.out.printf("rolling restart: %d windows and forecasts, 0 lost, 0 duplicated, 0 different; longest gap "
                        + "between a series' forecasts during the restarts %s (before them %s), between its points %s%n",
                        windows, forecasts, before, points);
            }
        }
    }
}
