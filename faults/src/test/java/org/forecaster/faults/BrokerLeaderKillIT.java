package org.forecaster.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.forecaster.core.wire.Topics;
import org.forecaster.faults.harness.Await;
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
 * A three-broker KRaft cluster (replication factor 3, {@code min.insync.replicas=2}) under load, events flowing
 * through ingest and the model service; the node leading the most partitions of {@code telemetry.points} is killed
 * with SIGKILL and stays down until the input has all been sent. The other two take over its leaderships, both
 * services carry on in the same processes, ingest emits every window exactly once, and the committed forecasts and
 * alerts equal an undisturbed run's byte for byte. Afterwards the killed node rejoins and catches up every replica.
 *
 * <p>Opt-in ({@code -Dfaults.cluster=true}): this test and {@link RollingBrokerRestartIT} take 3-4 minutes each
 * on 2 cores, more than the normal run should grow by (README, fault-injection tests).
 */
@EnabledIfSystemProperty(named = "faults.cluster", matches = "true", disabledReason = "opt-in: -Dfaults.cluster=true")
class BrokerLeaderKillIT {
    private static final int STEPS = 400;

    @Test
    void shouldLoseAndDuplicateNothingWhenThePartitionLeaderIsKilledUnderLoad() throws Exception {
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
                long feedStart = System.currentTimeMillis(), killedAt, leadersMovedAt, feedEnd;
                BrokerNode leader;
                // 6 events per 100 ms: the feed lasts 40 s or more and the kill waits only for forecasts to flow, so it
                // lands while input is still arriving even when a loaded machine runs the pipeline far behind the feed.
                try (Feeder feeder = new Feeder(cluster.bootstrap(), events, 6, Duration.ofMillis(100))) {
                    Services.awaitCommitted(cluster, Topics.FORECASTS, windows / 20, Duration.ofSeconds(120), ingest, model);
                    ClusterChecks.assertServicesTopicsReplicated(cluster);
                    leader = cluster.busiestLeaderOf(Topics.POINTS);
                    List<String> topics = List.of(Topics.RAW, Topics.POINTS, Topics.FORECASTS);
                    List<String> led = cluster.ledBy(leader.id(), topics);
                    killedAt = System.currentTimeMillis();
                    leader.kill();
                    int sentAtKill = feeder.sent();
                    Await.until("the partitions " + led + " of " + leader + " to get new leaders", Duration.ofSeconds(60),
                            () -> cluster.ledBy(leader.id(), topics).isEmpty());
                    leadersMovedAt = System.currentTimeMillis();
                    System.out.printf("broker leader kill: killed %s leading %s %.1f s into the feed, %d of %d events sent%n",
                            leader, led, (killedAt - feedStart) / 1000.0, sentAtKill, events.size());
                    assertTrue(sentAtKill < events.size(), "the kill landed mid-stream");
                    feeder.awaitDone(Duration.ofSeconds(180));
                    feedEnd = System.currentTimeMillis();
                    assertFalse(leader.isAlive());
                }
                Services.send(cluster, Samples.closingEvents(Topics.RAW, STEPS));
                Services.awaitCommitted(cluster, Topics.POINTS, windows, Duration.ofSeconds(120), ingest, model);
                Services.awaitCaughtUp(cluster, "ingest-service", Topics.RAW, Duration.ofSeconds(60));
                Windows.assertEachExactlyOnce(STEPS, KafkaIO.readCommitted(cluster.bootstrap(), Topics.POINTS));

                cluster.restart(leader);
                cluster.awaitFullyReplicated(Duration.ofSeconds(120)); // the killed node truncated and caught up
                try (ServiceProcess reference = ServiceProcess.start("model-ref", Services.MODEL, dir, cluster,
                        Services.replicatedOn(cluster, Services.referenceModelService()))) {
                    Reference.assertSameOutputs(cluster, windows, reference, model);
                }
                assertEquals(List.of(ingestPid, modelPid), List.of(ingest.pid(), model.pid()), "no service was restarted");

                Gaps.Gap before = Gaps.longest(KafkaIO.readCommitted(cluster.bootstrap(), Topics.FORECASTS), feedStart, killedAt);
                Gaps.Gap forecasts = Gaps.longest(KafkaIO.readCommitted(cluster.bootstrap(), Topics.FORECASTS), killedAt - 2000, feedEnd);
                Gaps.Gap points = Gaps.longest(KafkaIO.readCommitted(cluster.bootstrap(), Topics.POINTS), killedAt - 2000, feedEnd);
                System.out.printf("broker leader kill: %d windows and forecasts, 0 lost, 0 duplicated, 0 different; leaderships "
                        + "moved %.1f s after the kill; longest gap between a series' forecasts %s (before the kill %s), "
                        + "between its points %s%n", windows, (leadersMovedAt - killedAt) / 1000.0, forecasts, before, points);
            }
        }
    }
}
