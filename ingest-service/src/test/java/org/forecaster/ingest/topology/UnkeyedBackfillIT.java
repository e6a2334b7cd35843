package org.forecaster.ingest.topology;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;
import org.forecaster.core.wire.Point;
import org.forecaster.core.wire.PointFormat;
import org.forecaster.core.wire.PointReader;
import org.forecaster.core.wire.RawEventParser;
import org.forecaster.core.wire.Topics;
import org.forecaster.testkit.EmbeddedKafka;
import org.junit.jupiter.api.Test;

/**
 * Issue 16 on a real in-process broker, fed as the faults suite's {@code IngestKillDuringUnkeyedBackfillIT} feeds the
 * packaged service, without the kill: a plain producer without keys sends 20 series x 1 day of 1-minute scrapes in
 * time order, all series interleaved, to 8 raw partitions; half is already on the topic when the topology starts
 * (the first task to run races ahead of the others), the rest follows at 200 events every 100 ms. The sticky
 * partitioner puts time-ordered chunks on different raw partitions, which the re-key tasks deliver at different
 * speeds; every raw partition's progress must hold each window task back until its chunks are re-keyed. Nothing is
 * dead-lettered, and every 5-minute window comes out exactly once with its 5 events.
 *
 * <p>Before the re-key and window processors stopped reading the wall clock in {@code init()} (Kafka Streams sets a
 * task's wall clock only when it first processes or punctuates, so it read 0 there) this dead-lettered 14,241 of the
 * 28,800 events as late: every raw partition whose task had forwarded nothing yet counted as idle from the start, and
 * no window task waited to hear from all of them.
 */
class UnkeyedBackfillIT {
    private static final int SERIES = 20, MINUTES = 24 * 60, PER_WINDOW = 5, RAW_PARTITIONS = 8;
    private static final Instant T0 = Instant.parse("2024-03-01T00:00:00Z");
    private static final Duration STEP = Duration.ofMinutes(PER_WINDOW), GRACE = Duration.ofMinutes(1);
    /**
     * Long enough that no raw partition counts as idle while the backfill flows (about 7 s of paced sending), short
     * enough that the partitions it has left let go of the last windows soon after.
     */
    private static final Duration IDLE_CLOSE = Duration.ofSeconds(15);
    private static final Duration DEADLINE = Duration.ofSeconds(90);

    @Test
    void shouldDeadLetterNothingAndEmitEveryWindowOnceWhenTheTopologyStartsInTheMiddleOfAnUnkeyedBackfill() throws Exception {
        Path stateDir = Files.createTempDirectory("unkeyed-backfill-it");
        try (EmbeddedKafka broker = EmbeddedKafka.start()) {
            broker.createTopics(Map.of(Topics.RAW, RAW_PARTITIONS, Topics.POINTS, RAW_PARTITIONS, Topics.DLQ, 2),
                    Map.of(Topics.RAW, Map.of("message.timestamp.type", "LogAppendTime")));
            IngestSpec spec = new IngestSpec(Topics.RAW, Topics.POINTS, Topics.DLQ, STEP, GRACE, IDLE_CLOSE, true,
                    RawEventParser.Limits.DEFAULT, SeriesQuota.Limits.NONE, PointFormat.BINARY);
            List<ProducerRecord<String, byte[]>> events = backfill();
            try (KafkaProducer<String, byte[]> producer = broker.producer();
                 KafkaStreams streams = new KafkaStreams(IngestTopology.build(spec, InstantSource.system(), IngestListener.NONE),
                         streamsConfig(broker, stateDir))) {
                int backlog = events.size() / 2;
                send(producer, events.subList(0, backlog));
                streams.start();
                awaitRunning(streams);
                for (int i = backlog; i < events.size(); i += 200) {
                    send(producer, events.subList(i, Math.min(events.size(), i + 200)));
                    Thread.sleep(100); // the feed's pace, not a wait for a condition
                }
                long lastSent = System.nanoTime();
                // Each series' last window has no later event of its own to close it: only idle close emits it.
                int windows = SERIES * MINUTES / PER_WINDOW;
                List<ConsumerRecord<String, byte[]>> points = broker.consumeUntil(Topics.POINTS, l -> l.size() >= windows,
                        DEADLINE, true);
                Duration idleClosed = Duration.ofNanos(System.nanoTime() - lastSent);
                System.out.printf("unkeyed backfill: the last windows came %.1f s after the last event (idle-close %d s)%n",
                        idleClosed.toMillis() / 1e3, IDLE_CLOSE.toSeconds());
                // Not before idle-close (a series' own clock closes nothing early), and within the scan's period
                // (idle-close / 4) plus a commit and generous slack for a loaded machine.
                assertTrue(points.size() < windows || idleClosed.compareTo(IDLE_CLOSE.minusSeconds(1)) >= 0, "closed early: " + idleClosed);
                assertTrue(idleClosed.compareTo(IDLE_CLOSE.multipliedBy(5).dividedBy(4).plusSeconds(15)) <= 0,
                        "the last windows waited " + idleClosed + " for an idle close of " + IDLE_CLOSE);
                List<ConsumerRecord<String, byte[]>> dead = broker.consumeUntil(Topics.DLQ, l -> false, Duration.ofSeconds(2), true);
                assertEquals(0, dead.size(), () -> dead.size() + " events dead-lettered, e.g. "
                        + new String(dead.getFirst().value(), StandardCharsets.UTF_8));
                assertEachWindowOnce(points, windows);
            }
        }
    }

    private static Properties streamsConfig(EmbeddedKafka broker, Path stateDir) {
        Properties p = new Properties();
        p.putAll(broker.clientConfig());
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "ingest-unkeyed-backfill-it");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        // As application.properties deploys it.
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 50);
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 6000);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), 1000);
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class);
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueProcessingExceptionHandler.class);
        p.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, IngestProductionExceptionHandler.class);
        return p;
    }

    private static void awaitRunning(KafkaStreams streams) {
        await("Kafka Streams running").atMost(DEADLINE).pollInterval(Duration.ofMillis(100))
                .failFast("Kafka Streams failed", () -> streams.state() == KafkaStreams.State.ERROR)
                .until(streams::state, is(KafkaStreams.State.RUNNING));
    }

    /** Unkeyed events in time order, all series interleaved, as an exporter's backfill sends them. */
    private static List<ProducerRecord<String, byte[]>> backfill() {
        List<ProducerRecord<String, byte[]>> events = new ArrayList<>(SERIES * MINUTES);
        for (int m = 0; m < MINUTES; m++) {
            for (int s = 0; s < SERIES; s++) {
                String json = "{\"series\":\"bf-" + s + "\",\"ts\":\"" + T0.plus(Duration.ofMinutes(m)) + "\",\"value\":" + value(s, m) + "}";
                events.add(new ProducerRecord<>(Topics.RAW, null, json.getBytes(StandardCharsets.UTF_8)));
            }
        }
        return events;
    }

    /** Sends and waits for every acknowledgement. */
    private static void send(KafkaProducer<String, byte[]> producer, List<ProducerRecord<String, byte[]>> records) throws Exception {
        List<Future<?>> acks = new ArrayList<>();
        for (ProducerRecord<String, byte[]> r : records) {
            acks.add(producer.send(r));
        }
        producer.flush();
        for (Future<?> a : acks) {
            a.get();
        }
    }

    /** Small integers: a window's sum is exact in any order, so an event lost or counted twice shows. */
    private static int value(int s, int minute) {
        return (s * 7 + minute * 3) % 11;
    }

    private static void assertEachWindowOnce(List<ConsumerRecord<String, byte[]>> records, int windows) {
        Map<String, Point> found = new HashMap<>();
        List<String> twice = new ArrayList<>(), wrong = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : records) {
            Point p = PointReader.read(r.value());
            String id = p.series() + " @ " + p.windowStart();
            if (found.put(id, p) != null) {
                twice.add(id);
            }
            int s = Integer.parseInt(p.series().substring("bf-".length()));
            int first = (int) Duration.between(T0, p.windowStart()).toMinutes();
            double sum = 0;
            for (int m = first; m < first + PER_WINDOW; m++) {
                sum += value(s, m);
            }
            if (p.count() != PER_WINDOW || p.mean() != sum / PER_WINDOW) {
                wrong.add(id + ": " + p);
            }
        }
        assertEquals(List.of(), twice, "windows emitted twice");
        assertEquals(List.of(), wrong.subList(0, Math.min(3, wrong.size())), wrong.size() + " windows without exactly their 5 events");
        assertEquals(windows, found.size(), "windows emitted");
    }
}
