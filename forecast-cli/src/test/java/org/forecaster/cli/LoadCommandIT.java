package org.forecaster.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.forecaster.core.wire.ForecastRecord;
import org.forecaster.core.wire.Point;
import org.forecaster.core.wire.PointBinary;
import org.forecaster.core.wire.PointReader;
import org.forecaster.core.wire.RawEvent;
import org.forecaster.core.wire.RawEventParser;
import org.forecaster.core.wire.WireJson;
import org.forecaster.testkit.EmbeddedKafka;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * load against a real in-process KRaft broker. The produce side is checked by count and shape (no timed
 * assertion); the consume side against a stand-in for the system that answers each window, once its series' next
 * event arrives, with a forecast in a committed transaction after an aborted copy of it.
 */
class LoadCommandIT {
    private static final Instant START = Instant.parse("2024-01-01T00:00:00Z");
    private static final long MINUTE = 60_000;
    private static final Map<String, String> APPEND_TIME = Map.of("message.timestamp.type", "LogAppendTime");

    static EmbeddedKafka kafka;
    @TempDir
    Path dir;

    private final RawEventParser parser = new RawEventParser(RawEventParser.Limits.DEFAULT,
            InstantSource.fixed(Instant.parse("2025-01-01T00:00:00Z")));

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

    private void createTopics(String raw, int rawPartitions, String forecasts) {
        kafka.createTopics(Map.of(raw, rawPartitions, forecasts, 2), Map.of(raw, APPEND_TIME, forecasts, APPEND_TIME));
    }

    private String[] load(String raw, String forecasts, String... more) {
        List<String> args = new ArrayList<>(List.of("load", "--bootstrap", kafka.bootstrapServers(), "--topic", raw,
                "--forecasts-topic", forecasts, "--series", "5", "--rate", "200", "--duration", "1s", "--warmup", "0s",
                "--step", "1m", "--progress", "0s"));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    @Test
    void shouldSendEveryScheduledEventValidAndInOrderOnItsKeysPartition() throws Exception {
        createTopics("raw.shape", 3, "forecasts.shape");
        Path json = dir.resolve("report.json");
        Cli r = Cli.run(load("raw.shape", "forecasts.shape", "--start", START.toString(), "--drain", "1s", "--out", json.toString()));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("sent 200 events for 5 series"), r.out());

        List<ConsumerRecord<String, byte[]>> got = kafka.consume("raw.shape", 200, Duration.ofSeconds(30));
        assertEquals(200, got.size());
        Map<String, List<Long>> times = new HashMap<>();
        for (ConsumerRecord<String, byte[]> c : got) {
            RawEventParser.Result p = parser.parse(c.value(), c.key());
            assertTrue(p.valid(), () -> p.rejection() + ": " + new String(c.value()));
            RawEvent e = p.event();
            assertEquals(c.key(), e.series());
            assertEquals(LoadSchedule.partitionForKey(c.key(), 3), c.partition(), c.key());
            times.computeIfAbsent(e.series(), k -> new ArrayList<>()).add(e.ts().toEpochMilli());
        }
        assertEquals(List.of("load-0", "load-1", "load-2", "load-3", "load-4"), times.keySet().stream().sorted().toList());
        for (List<Long> ts : times.values()) {
            assertEquals(40, ts.size());
            for (int k = 0; k < 40; k++) {
                assertEquals(START.toEpochMilli() + (k + 1) * MINUTE - 1, ts.get(k), "round " + k + " is its window's last millisecond");
            }
        }

        JsonNode report = WireJson.mapper().readTree(Files.readAllBytes(json));
        assertEquals(200, report.get("sent").asLong());
        assertEquals(195, report.get("forecastsExpected").asLong(), "every window but each series' last is closed");
        assertEquals(0, report.get("forecastsReceived").asLong(), "nothing answers on this broker");
        assertEquals(195, report.get("forecastsMissing").asLong());
        assertEquals(START.toString(), report.get("firstWindow").asText());
    }

    @Test
    void shouldTimeOnlyCommittedForecastsOfItsOwnWindows() throws Exception {
        createTopics("raw.echo", 3, "forecasts.echo");
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> echoFailure = new AtomicReference<>();
        Thread echo = Thread.ofPlatform().start(() -> {
            try {
                answerEachWindowWhenItsSeriesMovesOn("raw.echo", "forecasts.echo", stop);
            } catch (Throwable t) {
                echoFailure.set(t);
            }
        });
        Path json = dir.resolve("echo.json");
        Cli r;
        try {
            r = Cli.run(load("raw.echo", "forecasts.echo", "--start", START.toString(), "--drain", "30s", "--out", json.toString()));
        } finally {
            stop.set(true);
            echo.join();
        }
        assertEquals(null, echoFailure.get());
        assertEquals(0, r.code(), r.err());
        JsonNode report = WireJson.mapper().readTree(Files.readAllBytes(json));
        assertEquals(195, report.get("forecastsReceived").asLong(), report.toString());
        assertEquals(0, report.get("forecastsMissing").asLong());
        assertEquals(0, report.get("duplicates").asLong(), "the aborted copies are never read (read_committed)");
        assertTrue(report.get("otherRecords").asLong() >= 1, "the other series' forecasts are not counted as ours");

        JsonNode close = report.get("latencyMillis"), own = report.get("eventLatencyMillis"), append = report.get("appendLatencyMillis");
        assertEquals(195, close.get("count").asLong(), "with no warm-up every forecast is timed");
        assertTrue(close.get("p50").asDouble() <= close.get("p99").asDouble() && close.get("p99").asDouble() <= close.get("max").asDouble());
        assertTrue(own.get("p50").asDouble() >= close.get("p50").asDouble(), "a window's own event is never due after its closing event");
        assertNotNull(append, "forecasts on a LogAppendTime topic carry their append time");
        assertTrue(append.get("max").asDouble() <= close.get("max").asDouble() + 2, "appended before received: " + report);
        assertTrue(r.out().contains("closing raw event due -> forecast received (read_committed): p50"), r.out());
    }

    /** Stands in for ingest plus the model service: forecasts window k-1 of a series when its round-k event arrives. */
    private void answerEachWindowWhenItsSeriesMovesOn(String raw, String forecasts, AtomicBoolean stop) {
        Properties cp = new Properties();
        cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        cp.put(ConsumerConfig.GROUP_ID_CONFIG, "echo-" + UUID.randomUUID());
        cp.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        cp.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        cp.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        pp.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        pp.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        pp.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "echo-" + UUID.randomUUID());
        try (KafkaConsumer<String, byte[]> in = new KafkaConsumer<>(cp); KafkaProducer<String, byte[]> out = new KafkaProducer<>(pp)) {
            out.initTransactions();
            in.subscribe(List.of(raw));
            while (!stop.get()) {
                List<ProducerRecord<String, byte[]>> answers = new ArrayList<>();
                for (ConsumerRecord<String, byte[]> c : in.poll(Duration.ofMillis(50))) {
                    RawEvent e = parser.parse(c.value(), c.key()).event();
                    long round = (e.ts().toEpochMilli() - START.toEpochMilli()) / MINUTE;
                    if (round >= 1) {
                        Instant window = START.plusMillis((round - 1) * MINUTE);
                        answers.add(new ProducerRecord<>(forecasts, e.series(), WireJson.write(new ForecastRecord(e.series(), window,
                                e.value(), 1, false, 0.95, List.of(new ForecastRecord.Step(window.plusSeconds(60), 1, 0, 2))))));
                    }
                }
                if (answers.isEmpty()) {
                    continue;
                }
                out.beginTransaction();
                answers.forEach(out::send);
                out.abortTransaction();
                out.beginTransaction();
                answers.forEach(out::send);
                out.send(new ProducerRecord<>(forecasts, "other.host", WireJson.write(new ForecastRecord("other.host", START, 1, 1, false,
                        0.95, List.of()))));
                out.commitTransaction();
            }
        }
    }

    @Test
    void shouldStartAfterTheLatestEventAlreadyOnTheTopic() {
        createTopics("raw.resume", 2, "forecasts.resume");
        Cli first = Cli.run(load("raw.resume", "forecasts.resume", "--start", START.toString(), "--series", "3", "--rate", "100",
                "--drain", "0s"));
        assertEquals(0, first.code(), first.err());
        // 100 events over 3 series: the last is round 33, in the window starting at minute 33.
        Cli second = Cli.run(load("raw.resume", "forecasts.resume", "--series", "3", "--rate", "100", "--drain", "0s"));
        assertEquals(0, second.code(), second.err());
        assertTrue(second.err().contains("windows from " + START.plusSeconds(34 * 60) + " every 1m"), second.err());
        List<ConsumerRecord<String, byte[]>> got = kafka.consume("raw.resume", 200, Duration.ofSeconds(30));
        assertEquals(200, got.size());
        long firstRunLast = START.toEpochMilli() + 34 * MINUTE - 1;
        long laterThanFirstRun = got.stream().map(c -> parser.parse(c.value(), c.key()).event().ts().toEpochMilli())
                .filter(t -> t > firstRunLast).count();
        assertEquals(100, laterThanFirstRun, "the second run's events all lie after the first run's");
    }

    @Test
    void shouldSendPointsTheModelServiceAcceptsAndResumeAfterTheLatestOne() throws Exception {
        createTopics("points.direct", 2, "forecasts.direct");
        Path json = dir.resolve("points.json");
        Cli first = Cli.run(load("points.direct", "forecasts.direct", "--points", "--start", START.toString(), "--series", "3",
                "--rate", "100", "--drain", "0s", "--out", json.toString()));
        assertEquals(0, first.code(), first.err());
        JsonNode report = WireJson.mapper().readTree(Files.readAllBytes(json));
        assertEquals(100, report.get("forecastsExpected").asLong(), "each point is due its own forecast");
        assertTrue(report.get("sends").asText().startsWith("points to points.direct"), report.toString());
        assertTrue(first.out().contains("point due -> forecast received (read_committed)"), first.out());

        // The second run in the JSON of earlier releases (issue 18), resuming after the first run's binary points.
        Cli second = Cli.run(load("points.direct", "forecasts.direct", "--points", "--points-format", "json", "--series", "3",
                "--rate", "100", "--drain", "0s"));
        assertEquals(0, second.code(), second.err());
        // 100 points over 3 series: the last is round 33, the window starting at minute 33.
        assertTrue(second.err().contains("windows from " + START.plusSeconds(34 * 60) + " every 1m"), second.err());
        List<ConsumerRecord<String, byte[]>> got = kafka.consume("points.direct", 200, Duration.ofSeconds(30));
        assertEquals(200, got.size());
        for (ConsumerRecord<String, byte[]> c : got) {
            Point p = PointReader.read(c.value());
            boolean firstRun = p.windowStart().isBefore(START.plusSeconds(34 * 60));
            assertEquals(firstRun ? PointBinary.VERSION_1 : (byte) '{', c.value()[0], "first run binary, second JSON: " + p);
            assertEquals(c.key(), p.series());
            assertEquals(LoadSchedule.partitionForKey(c.key(), 2), c.partition(), c.key());
            assertEquals(MINUTE, p.windowEnd().toEpochMilli() - p.windowStart().toEpochMilli());
        }
    }

    @Test
    void shouldFailOnOneLineWhenNoBrokerAnswers() {
        Cli r = Cli.run("load", "--series", "1", "--rate", "10", "--duration", "1s", "--bootstrap", "127.0.0.1:9", "--timeout", "2");
        assertEquals(1, r.code(), r.err());
        String err = r.err().strip();
        assertEquals(1, err.lines().filter(l -> l.startsWith("forecast load:")).count(), err);
        assertFalse(err.contains("\tat "), err);
    }
}
