package org.forecaster.ingest.topology;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;
import org.apache.kafka.streams.test.TestRecord;
import org.forecaster.core.wire.Point;
import org.forecaster.core.wire.PointFormat;
import org.forecaster.core.wire.PointReader;
import org.forecaster.core.wire.RawEventParser;
import org.forecaster.core.wire.Topics;

/**
 * A TopologyTestDriver over {@link IngestTopology} with step 10 s, grace 2 s, idle close 30 s and a fixed parser clock; the
 * driver's wall clock moves only when a test advances it.
 */
final class TopologyFixture implements AutoCloseable {
    static final Duration STEP = Duration.ofSeconds(10);
    static final Duration GRACE = Duration.ofSeconds(2);
    static final Duration IDLE_CLOSE = Duration.ofSeconds(30);
    /** Aligned to the step: the first window is [T0, T0 + 10 s). */
    static final Instant T0 = Instant.parse("2024-05-01T12:00:00Z");
    static final InstantSource CLOCK = InstantSource.fixed(Instant.parse("2024-05-02T00:00:00Z"));

    final TopologyTestDriver driver;
    final TestInputTopic<String, byte[]> raw;
    final TestOutputTopic<String, byte[]> points;
    final TestOutputTopic<String, byte[]> dlq;
    final CountingListener counts = new CountingListener();

    TopologyFixture(Path stateDir) {
        this(stateDir, SeriesQuota.Limits.NONE);
    }

    TopologyFixture(Path stateDir, SeriesQuota.Limits quota) {
        this(stateDir, quota, PointFormat.BINARY);
    }

    /** With points written in {@code format}; {@link #points()} reads either form. */
    TopologyFixture(Path stateDir, SeriesQuota.Limits quota, PointFormat format) {
        IngestSpec spec = new IngestSpec(Topics.RAW, Topics.POINTS, Topics.DLQ, STEP, GRACE, IDLE_CLOSE, true,
                RawEventParser.Limits.DEFAULT, quota, format);
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "ingest-test");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueProcessingExceptionHandler.class);
        driver = new TopologyTestDriver(IngestTopology.build(spec, CLOCK, counts), p);
        raw = driver.createInputTopic(Topics.RAW, new StringSerializer(), new ByteArraySerializer());
        points = driver.createOutputTopic(Topics.POINTS, new StringDeserializer(), new ByteArrayDeserializer());
        dlq = driver.createOutputTopic(Topics.DLQ, new StringDeserializer(), new ByteArrayDeserializer());
    }

    static byte[] event(String series, Instant ts, double value) {
        return String.format(Locale.ROOT, "{\"series\":\"%s\",\"ts\":\"%s\",\"value\":%s}", series, ts, Double.toString(value))
                .getBytes(StandardCharsets.UTF_8);
    }

    /** Sends an event keyed by its series; the record timestamp is deliberately not the event time. */
    void send(String series, Instant ts, double value) {
        raw.pipeInput(new TestRecord<>(series, event(series, ts, value), Instant.EPOCH));
    }

    List<Point> points() {
        return new ArrayList<>(points.readValuesToList().stream().map(PointReader::read).toList());
    }

    @Override
    public void close() {
        driver.close();
    }

    static final class CountingListener implements IngestListener {
        final AtomicLong accepted = new AtomicLong();
        final AtomicLong emitted = new AtomicLong();
        final ConcurrentHashMap<String, AtomicLong> deadLettered = new ConcurrentHashMap<>();

        @Override
        public void accepted() {
            accepted.incrementAndGet();
        }

        @Override
        public void deadLettered(String reason) {
            deadLettered.computeIfAbsent(reason, r -> new AtomicLong()).incrementAndGet();
        }

        @Override
        public void windowEmitted() {
            emitted.incrementAndGet();
        }
    }
}
