package org.forecaster.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.forecaster.core.wire.Topics;
import org.forecaster.faults.harness.Await;
import org.forecaster.faults.harness.BrokerCluster;
import org.forecaster.faults.harness.BrokerNode;
import org.forecaster.faults.harness.Dirs;
import org.forecaster.faults.harness.Feeder;
import org.forecaster.faults.harness.Gaps;
import org.forecaster.faults.harness.KafkaIO;
import org.forecaster.faults.harness.Outputs;
import org.forecaster.faults.harness.Reference;
import org.forecaster.faults.harness.Samples;
import org.forecaster.faults.harness.ServiceProcess;
import org.forecaster.faults.harness.Services;
import org.forecaster.faults.harness.Windows;
import org.junit.jupiter.api.Test;

/**
 * A three-broker KRaft cluster (replication factor 3, {@code min.insync.replicas=2}) under load, events flowing
 * through ingest and the model service, meets two faults in turn; both services ride them out in the same processes.
 * <ol>
 *   <li><b>Leader kill.</b> The node leading the most partitions of {@code telemetry.points} is killed with SIGKILL.
 *   The other two take over its leaderships, and it stays down until the services have committed
 *   {@value #FORECASTS_WHILE_DOWN} more forecasts on two brokers; then it rejoins and catches up every replica.
 *   Checked there: every window emitted so far exactly once with its events' aggregate, no forecast duplicated.</li>
 *   <li><b>Rolling restart</b>, as an upgrade does it: each node in turn is stopped (SIGTERM, its controlled
 *   shutdown hands its leaderships over), started again, and the next one goes down only when every partition has
 *   all its replicas in sync again. Each node goes down while input is still arriving.</li>
 * </ol>
 * The input is fed until both faults are over (at least {@value #MIN_STEPS} steps, so both injected spikes open and
 * resolve alerts); then every window is emitted exactly once, and the committed forecasts and alerts equal an
 * undisturbed run's (started after the last fault) byte for byte.
 *
 * <p>Part of the normal {@code ./mvnw verify}: about 5 minutes on 2 cores under load (README, fault-injection tests),
 * with one cluster, one pair of services and one reference run for both faults. As two opt-in tests
 * ({@code BrokerLeaderKillIT}, {@code RollingBrokerRestartIT}) they took 2.5-5 minutes each, most of it start-ups and
 * the reference.
 */
class BrokerClusterFaultsIT {
    /** 6 events per step (3 series, 2 events per window): one step per batch, so the feed always stops at a whole step. */
    private static final int EVENTS_PER_STEP = 2 * Samples.SERIES.size();
    /** 6 events per 150 ms (40 per second): the first fault lands once forecasts flow, the input keeps coming until the last is over. */
    private static final Duration EVERY = Duration.ofMillis(150);
    /** The second spike ends at step 352; a stretch of normal values after it resolves its alert. */
    private static final int MIN_STEPS = 400;
    /** More than any fault sequence takes at 40 events per second (the feed stops earlier, when the faults are over). */
    private static final int MAX_STEPS = 3000;
    private static final int FORECASTS_WHILE_DOWN = 60;

    @Test
    void shouldLoseAndDuplicateNothingWhenTheLeaderIsKilledAndThenEveryBrokerRestartsUnderLoad() throws Exception {
        Path dir = Dirs.fresh(getClass());
        List<ProducerRecord<String, byte[]>> events = Samples.rawEvents(Topics.RAW, MAX_STEPS);
        List<String> timeline = new ArrayList<>();
        long t0 = System.currentTimeMillis();
        try (BrokerCluster cluster = BrokerCluster.start(dir.resolve("brokers"))) {
            timeline.add(since("cluster up", t0));
            Services.createTopics(cluster);
            Services.publishModel(cluster, Samples.bootstrapModel());
            try (ServiceProcess ingest = ServiceProcess.start("ingest", Services.INGEST, dir, cluster,
                    Services.replicatedOn(cluster, Services.ingestService()));
                 ServiceProcess model = ServiceProcess.start("model", Services.MODEL, dir, cluster,
                         Services.replicatedOn(cluster, Services.modelService()))) {
                ingest.awaitReady(Duration.ofSeconds(120));
                model.awaitReady(Duration.ofSeconds(120));
                timeline.add(since("services ready", t0));
                long ingestPid = ingest.pid(), modelPid = model.pid();
                long feedStart = System.currentTimeMillis(), killedAt, rejoinedAt, rollStart, rollEnd;
                int steps;
                try (Feeder feeder = new Feeder(cluster.bootstrap(), events, EVENTS_PER_STEP, EVERY)) {
                    Services.awaitCommitted(cluster, Topics.FORECASTS, 60, Duration.ofSeconds(120), ingest, model);
                    timeline.add(since("forecasts flowing", t0));
                    ClusterChecks.assertServicesTopicsReplicated(cluster);

                    // Fault 1: SIGKILL to the busiest leader.
                    BrokerNode leader = cluster.busiestLeaderOf(Topics.POINTS);
                    List<String> topics = List.of(Topics.RAW, Topics.POINTS, Topics.FORECASTS);
                    List<String> led = cluster.ledBy(leader.id(), topics);
                    killedAt = System.currentTimeMillis();
                    leader.kill();
                    int sentAtKill = feeder.sent();
                    Await.until("the partitions " + led + " of " + leader + " to get new leaders", Duration.ofSeconds(60),
                            () -> cluster.ledBy(leader.id(), topics).isEmpty());
                    long leadersMovedAt = System.currentTimeMillis();
                    int forecastsAtMove = KafkaIO.countCommitted(cluster.bootstrap(), Topics.FORECASTS);
                    Services.awaitCommitted(cluster, Topics.FORECASTS, forecastsAtMove + FORECASTS_WHILE_DOWN,
                            Duration.ofSeconds(120), ingest, model);
                    assertFalse(leader.isAlive());
                    int sentWhileDown = feeder.sent() - sentAtKill;
                    assertTrue(feeder.sent() < events.size(), "input still arrives when the killed node comes back");
                    long restartAt = System.currentTimeMillis();
                    cluster.restart(leader);
                    cluster.awaitFullyReplicated(Duration.ofSeconds(120)); // the killed node truncated and caught up
                    rejoinedAt = System.currentTimeMillis();
                    timeline.add(String.format("leader kill %.1f s after the start: leaderships moved in %.1f s, %d events "
                            + "and %d forecasts more while down %.1f s, back in sync %.1f s after its restart",
                            (killedAt - t0) / 1000.0, (leadersMovedAt - killedAt) / 1000.0, sentWhileDown, FORECASTS_WHILE_DOWN,
                            (restartAt - killedAt) / 1000.0, (rejoinedAt - restartAt) / 1000.0));
                    int windowsSoFar = Windows.assertPrefixEachExactlyOnce(KafkaIO.readCommitted(cluster.bootstrap(), Topics.POINTS));
                    int forecastsSoFar = Outputs.byKeyAndTime(KafkaIO.readCommitted(cluster.bootstrap(), Topics.FORECASTS),
                            "observedTs").size();
                    System.out.printf("broker leader kill: killed %s leading %s with %d events sent; after it %d windows "
                            + "each exactly once, %d forecasts none twice%n", leader, led, sentAtKill, windowsSoFar, forecastsSoFar);

                    // Fault 2: a rolling restart of all three nodes, each under load.
                    rollStart = System.currentTimeMillis();
                    for (BrokerNode node : cluster.nodes()) {
                        int sent = feeder.sent();
                        assertTrue(sent < events.size(), "node " + node.id() + " goes down while input is arriving: "
                                + sent + " of " + events.size() + " events sent");
                        long stopAt = System.currentTimeMillis();
                        node.stop();
                        long stopped = System.currentTimeMillis();
                        cluster.restart(node);
                        long registered = System.currentTimeMillis();
                        cluster.awaitFullyReplicated(Duration.ofSeconds(120));
                        long inSync = System.currentTimeMillis();
                        timeline.add(String.format("node %d down with %d events sent: stopped in %.1f s, registered %.1f s "
                                + "later, all replicas in sync %.1f s after that", node.id(), sent, (stopped - stopAt) / 1000.0,
                                (registered - stopped) / 1000.0, (inSync - registered) / 1000.0));
                    }
                    rollEnd = System.currentTimeMillis();

                    Await.until(MIN_STEPS + " steps sent", Duration.ofSeconds(120),
                            () -> feeder.sent() >= MIN_STEPS * EVENTS_PER_STEP);
                    steps = feeder.stop(Duration.ofSeconds(60)) / EVENTS_PER_STEP;
                    timeline.add(since("faults over, feed stopped at " + steps + " steps", t0));
                }
                int windows = steps * Samples.SERIES.size();
                Services.send(cluster, Samples.closingEvents(Topics.RAW, steps));
                // The reference starts now, all faults over, and starts up while the disturbed run finishes its backlog.
                try (ServiceProcess reference = ServiceProcess.start("model-ref", Services.MODEL, dir, cluster,
                        Services.replicatedOn(cluster, Services.referenceModelService()))) {
                    Services.awaitCommitted(cluster, Topics.POINTS, windows, Duration.ofSeconds(120), ingest, model);
                    Services.awaitCaughtUp(cluster, "ingest-service", Topics.RAW, Duration.ofSeconds(60));
                    Windows.assertEachExactlyOnce(steps, KafkaIO.readCommitted(cluster.bootstrap(), Topics.POINTS));
                    timeline.add(since("every window emitted", t0));
                    Reference.assertSameOutputs(cluster, windows, reference, model);
                    timeline.add(since("outputs equal the reference's", t0));
                }
                assertEquals(List.of(ingestPid, modelPid), List.of(ingest.pid(), model.pid()), "no service was restarted");

                List<ConsumerRecord<String, byte[]>> forecasts =
                        KafkaIO.readCommitted(cluster.bootstrap(), Topics.FORECASTS),
                        points = KafkaIO.readCommitted(cluster.bootstrap(), Topics.POINTS);
                System.out.printf("broker cluster faults: %d windows and forecasts, 0 lost, 0 duplicated, 0 different; longest "
                        + "gap between a series' forecasts before the faults %s, around the kill %s, during the rolling restart %s; "
                        + "between its points around the kill %s, during the rolling restart %s%n  %s%n", windows,
                        Gaps.longest(forecasts, feedStart, killedAt), Gaps.longest(forecasts, killedAt - 2000, rejoinedAt),
                        Gaps.longest(forecasts, rollStart, rollEnd), Gaps.longest(points, killedAt - 2000, rejoinedAt),
                        Gaps.longest(points, rollStart, rollEnd), String.join("\n  ", timeline));
            }
        }
    }

    private static String since(String what, long t0) {
        return String.format("%s at %.1f s", what, (System.currentTimeMillis() - t0) / 1000.0);
    }
}
