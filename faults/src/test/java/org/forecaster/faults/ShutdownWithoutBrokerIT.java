package org.forecaster.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.forecaster.core.wire.Topics;
import org.forecaster.faults.harness.Await;
import org.forecaster.faults.harness.BrokerProcess;
import org.forecaster.faults.harness.Dirs;
import org.forecaster.faults.harness.KafkaIO;
import org.forecaster.faults.harness.Logs;
import org.forecaster.faults.harness.Samples;
import org.forecaster.faults.harness.ServiceProcess;
import org.forecaster.faults.harness.Services;
import org.forecaster.faults.harness.Windows;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM, as Kubernetes stops a pod. With the broker up, the Kafka Streams services commit what they processed as
 * they close. With the broker gone (SIGKILL) they cannot commit, and Kafka Streams' unbounded close (the one the
 * Quarkus extension calls) would wait for it until the kubelet's SIGKILL at the end of the grace period; our
 * {@code streams-close-timeout} bounds it, so every service exits within {@link #EXIT_BOUND}. Exactly-once is kept:
 * the open transaction is abandoned, the broker aborts it, and the next instance fences the old producer.
 *
 * <p>The services commit rarely here ({@link #commitOnlyAtClose}), so output becomes visible to read_committed readers
 * only through the commit of the close.
 */
class ShutdownWithoutBrokerIT {
    /** The default streams-close-timeout (10 s) and the rest of Quarkus' shutdown, well inside the 45 s grace period. */
    private static final Duration EXIT_BOUND = Duration.ofSeconds(20);
    /** The exit status of a JVM that ran its shutdown hooks after SIGTERM: 128 + 15. */
    private static final int SIGTERM_EXIT = 143;
    /** The Kafka Streams services' exit status when their close timed out ({@code BoundedClose.EXIT_CLOSE_TIMED_OUT} in forecast-streams). */
    private static final int CLOSE_TIMED_OUT_EXIT = 3;
    private static final int STEPS = 12;
    private static final int WINDOWS = STEPS * Samples.SERIES.size();

    @Test
    void shouldCommitWhatWasProcessedWhenStoppedWithTheBrokerUp() throws Exception {
        Path dir = Dirs.fresh(getClass(), "broker-up");
        try (BrokerProcess broker = BrokerProcess.start(dir.resolve("broker"))) {
            Services.createTopics(broker);
            Services.publishModel(broker, Samples.bootstrapModel());
            try (ServiceProcess ingest = ServiceProcess.start("ingest", Services.INGEST, dir, broker, commitOnlyAtClose(Services.ingestService()));
                 ServiceProcess model = ServiceProcess.start("model", Services.MODEL, dir, broker, commitOnlyAtClose(Services.modelService()))) {
                ingest.awaitReady(Duration.ofSeconds(90));
                model.awaitReady(Duration.ofSeconds(90));
                Services.send(broker, Samples.rawEvents(Topics.RAW, STEPS));
                Services.send(broker, Samples.closingEvents(Topics.RAW, STEPS));

                awaitWritten(broker, Topics.POINTS, WINDOWS, ingest);
                assertEquals(0, KafkaIO.countCommitted(broker.bootstrap(), Topics.POINTS), "ingest has not committed yet");
                assertEquals(SIGTERM_EXIT, stopWithin(ingest, "broker up"));
                Windows.assertEachExactlyOnce(STEPS, KafkaIO.readCommitted(broker.bootstrap(), Topics.POINTS));
                Services.awaitCaughtUp(broker, Services.INGEST, Topics.RAW, Duration.ofSeconds(10));

                // Ingest's close made its points visible to the model service, which reads read_committed.
                awaitWritten(broker, Topics.FORECASTS, WINDOWS, model);
                assertEquals(0, KafkaIO.countCommitted(broker.bootstrap(), Topics.FORECASTS), "the model service has not committed yet");
                assertEquals(SIGTERM_EXIT, stopWithin(model, "broker up"));
                assertEquals(WINDOWS, KafkaIO.countCommitted(broker.bootstrap(), Topics.FORECASTS), "every forecast committed by the close");
                Services.awaitCaughtUp(broker, Services.MODEL, Topics.POINTS, Duration.ofSeconds(10));
                for (ServiceProcess s : List.of(ingest, model)) {
                    assertTrue(s.allLogs().contains("Kafka Streams closed in"), s + " logs its close");
                }
            }
        }
    }

    @Test
    void shouldExitWithinTheBoundWhenStoppedWithTheBrokerGone() throws Exception {
        Path dir = Dirs.fresh(getClass(), "broker-gone");
        try (BrokerProcess broker = BrokerProcess.start(dir.resolve("broker"))) {
            Services.createTopics(broker);
            Services.publishModel(broker, Samples.bootstrapModel());
            try (ServiceProcess ingest = ServiceProcess.start("ingest", Services.INGEST, dir, broker, commitOnlyAtClose(Services.ingestService()));
                 ServiceProcess model = ServiceProcess.start("model", Services.MODEL, dir, broker, commitOnlyAtClose(Services.modelService()));
                 ServiceProcess trainer = ServiceProcess.start("trainer", Services.TRAINER, dir, broker, Services.trainerService())) {
                for (ServiceProcess s : List.of(ingest, model, trainer)) {
                    s.awaitReady(Duration.ofSeconds(90));
                }
                // Both Kafka Streams services hold an open transaction when the broker goes: the model service over
                // points sent to it directly, then ingest over raw events. In this order, since ingest's open
                // transaction on telemetry.points hides every later point from the model service (read_committed).
                Services.send(broker, Samples.points(Topics.POINTS, STEPS));
                awaitWritten(broker, Topics.FORECASTS, WINDOWS, model);
                Services.send(broker, Samples.rawEvents(Topics.RAW, STEPS));
                Services.send(broker, Samples.closingEvents(Topics.RAW, STEPS));
                awaitWritten(broker, Topics.POINTS, 2 * WINDOWS, ingest);
                assertEquals(0, KafkaIO.countCommitted(broker.bootstrap(), Topics.FORECASTS), "nothing committed before the kill");

                broker.kill();
                long sent = System.nanoTime();
                for (ServiceProcess s : List.of(ingest, model, trainer)) {
                    s.terminate();
                }
                // The Kafka Streams services cannot commit: their close times out and they exit with its status.
                for (ServiceProcess s : List.of(ingest, model)) {
                    assertEquals(CLOSE_TIMED_OUT_EXIT, awaitExit(s, sent, "broker gone"), s + ":\n" + Logs.tail(s.log(), 30));
                    assertTrue(s.allLogs().contains("Kafka Streams did not close within PT10S"), s + " logs why it exits");
                }
                assertEquals(SIGTERM_EXIT, awaitExit(trainer, sent, "broker gone"));
            }
        }
    }

    /**
     * {@code config} with a commit interval longer than the test, so only the close commits; the transaction timeout
     * is raised with it (Kafka Streams' exactly-once default, 10 s, would let the broker abort the open transaction).
     */
    private static Map<String, String> commitOnlyAtClose(Map<String, String> config) {
        config.put("kafka-streams.commit.interval.ms", "300000");
        config.put("kafka-streams.producer.transaction.timeout.ms", "300000");
        return config;
    }

    /** Waits until {@code count} records are on {@code topic}, committed or not. */
    private static void awaitWritten(BrokerProcess broker, String topic, int count, ServiceProcess writer) {
        int[] last = {0};
        Await.until(count + " records written to " + topic, Duration.ofSeconds(60), () -> {
            assertTrue(writer.isAlive(), writer + " died");
            last[0] = KafkaIO.countWritten(broker.bootstrap(), topic);
            return last[0] >= count;
        }, () -> " (found " + last[0] + ")\n" + Logs.tail(writer.log(), 30));
    }

    /** SIGTERM, then the exit within {@link #EXIT_BOUND}; the exit status. */
    private static int stopWithin(ServiceProcess service, String situation) throws InterruptedException {
        long sent = System.nanoTime();
        service.terminate();
        return awaitExit(service, sent, situation);
    }

    /** The exit status of {@code service}, which must exit within {@link #EXIT_BOUND} of {@code sent} (SIGTERM's nanoTime). */
    private static int awaitExit(ServiceProcess service, long sent, String situation) throws InterruptedException {
        Duration left = EXIT_BOUND.minusNanos(System.nanoTime() - sent);
        int code = service.awaitExit(left.isNegative() ? Duration.ZERO : left);
        System.out.printf("shutdown (%s): %s exited with %d, %d ms after SIGTERM%n", situation, service, code,
                (System.nanoTime() - sent) / 1_000_000);
        return code;
    }
}
