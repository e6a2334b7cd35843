package org.forecaster.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;
import org.forecaster.core.wire.Topics;
import org.forecaster.faults.harness.Await;
import org.forecaster.faults.harness.BrokerProcess;
import org.forecaster.faults.harness.Dirs;
import org.forecaster.faults.harness.ForecastLatencies;
import org.forecaster.faults.harness.KafkaIO;
import org.forecaster.faults.harness.Logs;
import org.forecaster.faults.harness.OpenLoopPoints;
import org.forecaster.faults.harness.Outputs;
import org.forecaster.faults.harness.Restores;
import org.forecaster.faults.harness.ServiceProcess;
import org.forecaster.faults.harness.Services;
import org.forecaster.faults.harness.StreamsGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The model service scaled 1 -> 2 -> 3 -> 2 -> 1 instances (separate JVMs, {@code num.standby.replicas=1}) while an
 * open-loop feed of points for {@code scale.keys} series runs at {@code scale.rate} points/s; scaling down is SIGTERM,
 * as Kubernetes stops a pod. The committed forecasts and alerts then equal, byte for byte per key and point time, an
 * undisturbed single instance's over the same points (started afterwards under its own application id): nothing lost,
 * duplicated or computed from a wrong state while tasks moved. Prints, per step, how long until the group was stable
 * with the work spread over every instance and until the backlog of the pause was forecast, and the point -> forecast
 * latency (p50, p99, max) of the points due during each step against the steady state before it.
 *
 * <p>{@code scale.acceptable-recovery-lag} (default: any lag) is Kafka Streams' {@code acceptable.recovery.lag}:
 * with the default here a new instance takes over its share of active tasks at once and restores their state from
 * the changelog before forecasting them, so the step time contains that restore. With Kafka Streams' own default
 * (10,000) it first warms them up as standbys and takes them over at a probing rebalance
 * ({@code probing.rebalance.interval.ms}, at least a minute), and on scale-down it promotes standbys instead of
 * restoring (at "any lag" every instance counts as caught up, so the survivors may restore a leaving instance's tasks
 * from the changelog although standbys of them exist). Larger runs by hand: {@code -Dscale.keys=100000
 * -Dscale.rate=5000 -Dfaults.service.heap=1g -Dscale.run=true} (docs/benchmarks.md, "Scaling the model service under load").
 */
@EnabledIfSystemProperty(named = "scale.run", matches = "true",
        disabledReason = "about 4 minutes on 2 cores: run with -Dscale.run=true (docs/benchmarks.md)")
class ModelServiceScaleIT {
    private static final String GROUP = "model-service";
    private static final int KEYS = Integer.getInteger("scale.keys", 2000);
    private static final int RATE = Integer.getInteger("scale.rate", 2000);
    private static final Duration STEADY = Duration.ofSeconds(Long.getLong("scale.steady-seconds", 8));
    private static final Duration WARM_UP = Duration.ofSeconds(Long.getLong("scale.warm-up-seconds", 20));
    private static final String RECOVERY_LAG = System.getProperty("scale.acceptable-recovery-lag", Long.toString(Long.MAX_VALUE));
    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(240);

    /** A step of the scaling: from the action (start or SIGTERM) to stable and to caught up, nanoTime. */
    private record Step(String name, long action, long stable, long caughtUp, int partitionsMoved, int keysMoved) {}

    @Test
    void shouldForecastAsAnUndisturbedRunWhileScalingOneToThreeToOneInstancesUnderLoad() throws Exception {
        Path dir = Dirs.fresh(getClass());
        Map<String, String> config = Services.modelService();
        config.put("kafka-streams.num.standby.replicas", "1");
        config.put("kafka-streams.acceptable.recovery.lag", RECOVERY_LAG);
        // Kafka Streams' own account of each restore ("Start restoring changelog partition", "Finished restoring ...
        // with a total number of N records") in the text log format that Restores reads.
        config.putAll(Restores.LOG_SETTINGS);
        List<ServiceProcess> instances = new ArrayList<>();
        try (BrokerProcess broker = BrokerProcess.start(dir.resolve("broker")); Admin admin = broker.admin()) {
            StreamsGroup group = new StreamsGroup(admin, GROUP, Topics.POINTS);
            Services.createTopics(broker);
            Services.publishModel(broker, org.forecaster.faults.harness.Samples.bootstrapModel());
            int partitions = group.partitions();
            instances.add(ServiceProcess.start("model-1", Services.MODEL, dir, broker, config).awaitReady(Duration.ofSeconds(120)));
            List<Step> steps = new ArrayList<>();
            int sent;
            long steadyFrom;
            try (OpenLoopPoints feed = new OpenLoopPoints(broker.bootstrap(), Topics.POINTS, KEYS, RATE);
                 ForecastLatencies latencies = new ForecastLatencies(broker.bootstrap(), Topics.FORECASTS, feed)) {
                steadyFrom = feed.startNanos() + WARM_UP.toNanos();
                StreamsGroup.sleepUntil(steadyFrom + STEADY.toNanos());
                for (int target : new int[] {2, 3, 2, 1}) {
                    Map<TopicPartition, String> before = group.owners();
                    LocalDateTime actionWall = LocalDateTime.now();
                    int from = instances.size();
                    long action = System.nanoTime();
                    if (target > instances.size()) {
                        instances.add(ServiceProcess.start("model-" + target, Services.MODEL, dir, broker, config));
                    } else {
                        instances.removeLast().close(); // SIGTERM, waits for the exit
                    }
                    group.awaitStable(target, STEP_TIMEOUT, instances);
                    long stable = System.nanoTime();
                    Map<TopicPartition, String> after = group.owners();
                    group.awaitCommitted(group.endOffsets(), STEP_TIMEOUT, instances);
                    long caughtUp = System.nanoTime();
                    List<TopicPartition> moved = after.keySet().stream().filter(tp -> !after.get(tp).equals(before.get(tp))).toList();
                    Step step = new Step(from + " -> " + target, action, stable, caughtUp, moved.size(), keysOn(moved, partitions));
                    steps.add(step);
                    Restores restore = Restores.since(actionWall, instances);
                    // With no records restored the span is a standby's warm-up up to its promotion, not a restore.
                    String restored = restore.records() == 0 ? "nothing restored from the changelog (standbys promoted)"
                            : String.format("Kafka Streams restored %d changelog records in %d ms (%.0f records/s; %.0f ms per 100k keys moved)",
                                    restore.records(), restore.millis(), restore.recordsPerSecond(),
                                    restore.millis() * 100_000.0 / Math.max(1, step.keysMoved()));
                    System.out.printf("scale %s: stable after %.2f s, caught up after %.2f s; %d partitions (%d keys) moved; %s%n",
                            step.name(), seconds(stable - action), seconds(caughtUp - action), moved.size(), step.keysMoved(), restored);
                    StreamsGroup.sleepUntil(caughtUp + STEADY.toNanos());
                }
                sent = feed.stop();
                group.awaitCommitted(group.endOffsets(), STEP_TIMEOUT, instances);
                Await.until("every forecast received", Duration.ofSeconds(60), () -> latencies.count() >= sent);
                latencies.assertHealthy();
                System.out.printf("feed: %d keys, %d points/s, %d points, sends at most %.0f ms behind their due time%n",
                        KEYS, RATE, sent, feed.maxBehindNanos() / 1e6);
                report(latencies, steadyFrom, steps);
            }
            try (ServiceProcess reference = ServiceProcess.start("model-ref", Services.MODEL, dir, broker, Services.referenceModelService())) {
                reference.awaitReady(Duration.ofSeconds(120));
                var undisturbed = Outputs.byKeyAndTime(Services.awaitCommitted(broker, Services.REF + Topics.FORECASTS, sent,
                        Duration.ofSeconds(300), reference), "observedTs");
                assertEquals(sent, undisturbed.size(), "the reference forecast every point");
                Outputs.assertSameRecords("forecasts", undisturbed,
                        Outputs.byKeyAndTime(KafkaIO.readCommitted(broker.bootstrap(), Topics.FORECASTS), "observedTs"));
                Services.awaitCaughtUp(broker, "model-service-ref", Topics.POINTS, Duration.ofSeconds(60));
                var referenceAlerts = Outputs.byKeyAndTime(KafkaIO.readCommitted(broker.bootstrap(), Services.REF + Topics.ANOMALIES), "ts");
                Outputs.assertSameRecords("alerts", referenceAlerts,
                        Outputs.byKeyAndTime(KafkaIO.readCommitted(broker.bootstrap(), Topics.ANOMALIES), "ts"));
                assertEquals(0, KafkaIO.countCommitted(broker.bootstrap(), Topics.DLQ), "nothing dead-lettered");
                System.out.printf("outputs: %d forecasts and %d alerts equal the undisturbed run's%n", undisturbed.size(), referenceAlerts.size());
            }
            assertTrue(steps.stream().allMatch(s -> s.partitionsMoved() > 0), "every step moved active tasks: " + steps);
        } finally {
            for (ServiceProcess s : instances) {
                s.close();
            }
        }
    }

    /** Per phase: the latencies of the points due in it; each step against the steady phase before it. */
    private static void report(ForecastLatencies latencies, long steadyFrom, List<Step> steps) {
        System.out.println("| phase | seconds | forecasts | p50 ms | p99 ms | max ms | p99 / steady p99 | max / steady max |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        long from = steadyFrom;
        int instances = 1;
        for (Step s : steps) {
            double[] steady = latencies.between(from, s.action());
            double[] spike = latencies.between(s.action(), s.caughtUp());
            row("steady, " + instances + " instance(s)", s.action() - from, steady, steady);
            row("scale " + s.name(), s.caughtUp() - s.action(), spike, steady);
            from = s.caughtUp();
            instances = Integer.parseInt(s.name().substring(s.name().lastIndexOf(' ') + 1));
        }
    }

    private static void row(String phase, long nanos, double[] l, double[] steady) {
        double p99 = ForecastLatencies.quantile(l, 0.99), max = l.length == 0 ? Double.NaN : l[l.length - 1];
        double steadyP99 = ForecastLatencies.quantile(steady, 0.99), steadyMax = steady.length == 0 ? Double.NaN : steady[steady.length - 1];
        System.out.printf("| %s | %.1f | %d | %.0f | %.0f | %.0f | %.1f | %.1f |%n", phase, seconds(nanos), l.length,
                ForecastLatencies.quantile(l, 0.5), p99, max, p99 / steadyP99, max / steadyMax);
    }

    /** How many of the feed's keys the default partitioner puts on {@code partitions}. */
    private static int keysOn(List<TopicPartition> moved, int partitions) {
        int n = 0;
        for (int k = 0; k < KEYS; k++) {
            int p = StreamsGroup.partitionOf(OpenLoopPoints.key(k), partitions);
            if (moved.stream().anyMatch(tp -> tp.partition() == p)) {
                n++;
            }
        }
        return n;
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }
}
