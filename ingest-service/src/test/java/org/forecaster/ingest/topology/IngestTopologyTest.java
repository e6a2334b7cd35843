package org.forecaster.ingest.topology;

import static org.forecaster.ingest.topology.TopologyFixture.T0;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.test.TestRecord;
import org.forecaster.core.wire.Point;
import org.forecaster.core.wire.PointBinary;
import org.forecaster.core.wire.PointFormat;
import org.forecaster.core.wire.PointReader;
import org.forecaster.core.wire.WireJson;
import org.forecaster.core.wire.Topics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class IngestTopologyTest {
    @TempDir
    Path stateDir;
    TopologyFixture f;

    @BeforeEach
    void start() {
        f = new TopologyFixture(stateDir);
    }

    @AfterEach
    void stop() {
        f.close();
    }

    private static Instant at(double seconds) {
        return T0.plusMillis(Math.round(seconds * 1000));
    }

    private static void assertPoint(Point p, String series, Instant start, long count, double mean, double min, double max, double last) {
        assertEquals(series, p.series());
        assertEquals(start, p.windowStart());
        assertEquals(start.plus(TopologyFixture.STEP), p.windowEnd());
        assertEquals(count, p.count(), "count");
        assertEquals(mean, p.mean(), 1e-12, "mean");
        assertEquals(min, p.min(), "min");
        assertEquals(max, p.max(), "max");
        assertEquals(last, p.last(), "last");
    }

    /** Issue 18: binary by default; with the JSON setting, the earlier release's bytes exactly. */
    @ParameterizedTest
    @EnumSource(PointFormat.class)
    void shouldWritePointsInTheConfiguredFormat(PointFormat format, @TempDir Path dir) {
        try (TopologyFixture g = new TopologyFixture(dir, SeriesQuota.Limits.NONE, format)) {
            g.send("a", at(1), 1.0);
            g.send("a", at(5), 3.0);
            g.send("a", at(12), 7.0);
            List<byte[]> out = g.points.readValuesToList();
            assertEquals(1, out.size());
            Point expected = new Point("a", T0, T0.plus(TopologyFixture.STEP), 2, 2.0, 1.0, 3.0, 3.0);
            byte[] bytes = out.get(0);
            assertArrayEquals(format == PointFormat.BINARY ? PointBinary.write(expected) : WireJson.write(expected), bytes,
                    () -> new String(bytes, StandardCharsets.ISO_8859_1));
            assertEquals(expected, PointReader.read(bytes));
        }
    }

    @Test
    void shouldAggregateInOrderEventsIntoOnePointWhenTheWindowCloses() {
        f.send("a", at(1), 1.0);
        f.send("a", at(5), 3.0);
        f.send("a", at(9), 2.0);
        assertTrue(f.points().isEmpty(), "nothing before the window closes");
        f.send("a", at(12), 7.0);
        List<Point> out = f.points();
        assertEquals(1, out.size());
        assertPoint(out.get(0), "a", T0, 3, 2.0, 1.0, 3.0, 2.0);
        assertEquals(4, f.counts.accepted.get());
        assertEquals(1, f.counts.emitted.get());
        assertTrue(f.dlq.isEmpty());
    }

    @Test
    void shouldEmitExactlyAtWindowEndPlusGrace() {
        f.send("a", at(3), 1.0);
        f.send("a", at(11.999), 2.0);
        assertTrue(f.points().isEmpty(), "stream time 1 ms before end + grace keeps the window open");
        f.send("a", at(12), 3.0);
        List<Point> out = f.points();
        assertEquals(1, out.size());
        assertPoint(out.get(0), "a", T0, 1, 1.0, 1.0, 1.0, 1.0);
    }

    @Test
    void shouldIncludeOutOfOrderEventsWithinGrace() {
        f.send("a", at(5), 1.0);
        f.send("a", at(11), 5.0);
        f.send("a", at(3), 2.0);      // stream time 11 < end 10 + grace 2: still open
        f.send("a", at(11.999), 9.0);
        f.send("a", at(0), 4.0);      // the window's very first millisecond, 1 ms before it closes
        f.send("a", at(12), 6.0);
        List<Point> out = f.points();
        assertEquals(1, out.size());
        assertPoint(out.get(0), "a", T0, 3, 7.0 / 3, 1.0, 4.0, 1.0);
        assertTrue(f.dlq.isEmpty());
    }

    @Test
    void shouldDeadLetterEventArrivingAfterGraceAsLate() {
        f.send("a", at(5), 1.0);
        f.send("a", at(12), 2.0);     // closes [0, 10)
        f.send("a", at(9.999), 3.0);  // late: its window is closed
        f.send("a", at(10), 4.0);     // on time: [10, 20) is open
        f.send("a", at(40), 0.0);
        List<Point> out = f.points();
        assertEquals(2, out.size(), out.toString());
        assertPoint(out.get(0), "a", T0, 1, 1.0, 1.0, 1.0, 1.0);
        assertPoint(out.get(1), "a", at(10), 2, 3.0, 2.0, 4.0, 2.0);
        var dead = f.dlq.readRecordsToList();
        assertEquals(1, dead.size());
        var r = dead.get(0);
        assertEquals("a", r.key());
        assertArrayEquals(TopologyFixture.event("a", at(9.999), 3.0), r.value(), "original bytes");
        assertEquals("late", header(r.headers().toArray(), Topics.DLQ_REASON));
        assertEquals(Topics.RAW, header(r.headers().toArray(), Topics.DLQ_SOURCE_TOPIC));
        assertEquals("0", header(r.headers().toArray(), Topics.DLQ_SOURCE_PARTITION));
        assertEquals("2", header(r.headers().toArray(), Topics.DLQ_SOURCE_OFFSET));
        assertEquals(1, f.counts.deadLettered.get("late").get());
    }

    /**
     * A redriven event (bin/forecast redrive) that is still late goes back to the dead-letter topic with its redrive
     * count kept and one set of dead-letter headers; one that is in order now is windowed.
     */
    @Test
    void shouldKeepARedrivenEventsCountWhenItIsStillLateAndWindowItWhenNot() {
        f.send("a", at(5), 1.0);
        f.send("a", at(12), 2.0); // closes [0, 10)
        RecordHeaders redriven = new RecordHeaders();
        redriven.add(Topics.REDRIVE_COUNT, "2".getBytes(StandardCharsets.UTF_8));
        f.raw.pipeInput(new TestRecord<>("a", TopologyFixture.event("a", at(9), 3.0), redriven, Instant.EPOCH));
        f.raw.pipeInput(new TestRecord<>("a", TopologyFixture.event("a", at(13), 5.0), redriven, Instant.EPOCH));
        f.send("a", at(40), 0.0);
        var dead = f.dlq.readRecordsToList();
        assertEquals(1, dead.size());
        Header[] h = dead.get(0).headers().toArray();
        assertEquals("2", header(h, Topics.REDRIVE_COUNT), "the count goes round with it");
        assertEquals("late", header(h, Topics.DLQ_REASON));
        assertEquals(1, Stream.of(h).filter(x -> x.key().equals(Topics.DLQ_REASON)).count());
        List<Point> out = f.points();
        assertEquals(2, out.size(), out.toString());
        assertEquals(2L, out.get(1).count(), "[10, 20) has the on-time 2.0 and the redriven 5.0: " + out.get(1));
    }

    /**
     * A series that came through the re-key is also held back by the raw partitions' progress of unkeyed events: its
     * keyed event at 12 s does not close [0, 10) while the raw partition's unkeyed events are only at 3 s (more of the
     * series may still come unkeyed from there); an unkeyed one at 12 s does. Progress records are neither points,
     * dead letters nor accepted events.
     */
    @Test
    void shouldReKeyUnkeyedEventsIntoTheSameWindowsAsKeyedOnes() {
        f.send("a", at(1), 1.0);
        f.raw.pipeInput(new TestRecord<>(null, TopologyFixture.event("a", at(2), 3.0), Instant.EPOCH));
        f.raw.pipeInput(new TestRecord<>("", TopologyFixture.event("a", at(3), 5.0), Instant.EPOCH));
        f.send("a", at(12), 0.0);
        assertTrue(f.points().isEmpty(), "the raw partition's unkeyed events are at 3 s");
        f.raw.pipeInput(new TestRecord<>(null, TopologyFixture.event("a", at(12.5), 0.0), Instant.EPOCH));
        List<Point> out = f.points();
        assertEquals(1, out.size());
        assertPoint(out.get(0), "a", T0, 3, 3.0, 1.0, 5.0, 5.0);
        assertTrue(f.dlq.isEmpty());
        assertEquals(5, f.counts.accepted.get(), "progress records are not events");
    }

    @Test
    void shouldNotHoldAKeyedSeriesBackForTheRawPartitionsUnkeyedProgress() {
        f.raw.pipeInput(new TestRecord<>(null, TopologyFixture.event("old", at(1), 1.0), Instant.EPOCH));
        f.send("live", at(3601), 1.0);
        f.send("live", at(3612), 2.0);
        List<Point> out = f.points();
        assertEquals(1, out.size(), "the keyed series closes on its own time although unkeyed events are at 1 s");
        assertPoint(out.get(0), "live", at(3600), 1, 1.0, 1.0, 1.0, 1.0);
    }

    @Test
    void shouldKeepKeysApartWhenInterleaved() {
        int keys = 40;
        Map<String, List<double[]>> sent = new HashMap<>();
        for (int i = 0; i < 10; i++) {         // 10 events per key in [0, 10), keys interleaved
            for (int k = 0; k < keys; k++) {
                double v = k * 100 + i;
                Instant ts = at(i + k / 100.0);
                f.send("k" + k, ts, v);
                sent.computeIfAbsent("k" + k, x -> new ArrayList<>()).add(new double[] {v});
            }
        }
        for (int k = 0; k < keys; k++) {
            f.send("k" + k, at(12), 0);      // each series' own time closes its window
        }
        List<Point> out = f.points();
        assertEquals(keys, out.size());
        for (Point p : out) {
            int k = Integer.parseInt(p.series().substring(1));
            assertPoint(p, p.series(), T0, 10, k * 100 + 4.5, k * 100, k * 100 + 9, k * 100 + 9);
        }
    }

    @Test
    void shouldNotMakeASeriesLateBecauseAnotherSeriesIsAhead() {
        // A backfill through an unkeyed producer: series b's newer events are read before series a's older ones.
        f.send("b", at(3600), 1.0);
        f.send("b", at(3612), 1.0);
        f.send("a", at(1), 1.0);
        f.send("a", at(5), 3.0);
        f.send("a", at(12), 0.0);
        assertTrue(f.dlq.isEmpty(), "nothing of a is late: only a's own events move a's windows");
        List<Point> out = f.points();
        assertEquals(2, out.size(), out.toString());
        assertPoint(out.get(0), "b", at(3600), 1, 1.0, 1.0, 1.0, 1.0);
        assertPoint(out.get(1), "a", T0, 2, 2.0, 1.0, 3.0, 3.0);
    }

    @Test
    void shouldKeepASkewedClockToItsOwnSeries() {
        f.send("a", at(1), 1.0);
        f.send("skewed", at(25 * 60), 9.0);   // 25 minutes ahead of everything else on the partition
        f.send("a", at(8), 2.0);
        f.send("a", at(12), 3.0);
        assertTrue(f.dlq.isEmpty(), "a's on-time events are not late because of another series' clock");
        List<Point> out = f.points();
        assertEquals(1, out.size(), out.toString());
        assertPoint(out.get(0), "a", T0, 2, 1.5, 1.0, 2.0, 2.0);
    }

    @Test
    void shouldCloseTheWindowsOfASeriesThatWentQuiet() {
        f.send("a", at(1), 1.0);
        f.send("a", at(14), 2.0);
        List<Point> first = f.points();
        assertEquals(1, first.size(), "[0, 10) closed by a's own time");
        f.driver.advanceWallClockTime(TopologyFixture.IDLE_CLOSE.minusSeconds(1));
        assertTrue(f.points().isEmpty(), "not idle for long enough yet");
        f.driver.advanceWallClockTime(java.time.Duration.ofSeconds(10));
        List<Point> out = f.points();
        assertEquals(1, out.size(), out.toString());
        assertPoint(out.get(0), "a", at(10), 1, 2.0, 2.0, 2.0, 2.0);
        // The closed window stays closed: a straggler is dead-lettered, not emitted twice.
        f.send("a", at(15), 5.0);
        assertEquals(1, f.dlq.readRecordsToList().size());
        f.send("a", at(20), 6.0);
        f.send("a", at(32), 7.0);
        List<Point> next = f.points();
        assertEquals(1, next.size(), next.toString());
        assertPoint(next.get(0), "a", at(20), 1, 6.0, 6.0, 6.0, 6.0);
    }

    static Stream<Arguments> invalid() {
        String ok = "\"series\":\"a\",\"ts\":\"2024-05-01T12:00:01Z\",\"value\":1";
        return Stream.of(
                Arguments.of("a", "{\"series\":\"a\",", "malformed-json"),
                Arguments.of("a", "", "empty"),
                Arguments.of("a", "{" + ok + ",\"pad\":\"" + "x".repeat(70_000) + "\"}", "too-large"),
                Arguments.of("a", "[1,2]", "not-an-object"),
                Arguments.of(null, "{\"ts\":\"2024-05-01T12:00:01Z\",\"value\":1}", "missing-series"),
                Arguments.of(null, "{\"series\":\"bad series\",\"ts\":\"2024-05-01T12:00:01Z\",\"value\":1}", "bad-series"),
                Arguments.of("b", "{" + ok + "}", "key-mismatch"),
                Arguments.of("a", "{\"series\":\"a\",\"ts\":\"2024-05-01T12:00:01Z\"}", "missing-value"),
                Arguments.of("a", "{\"series\":\"a\",\"ts\":\"2024-05-01T12:00:01Z\",\"value\":\"1\"}", "bad-value"),
                Arguments.of("a", "{\"series\":\"a\",\"ts\":\"2024-05-01T12:00:01Z\",\"value\":1e400}", "non-finite-value"),
                Arguments.of("a", "{\"series\":\"a\",\"value\":1}", "missing-ts"),
                Arguments.of("a", "{\"series\":\"a\",\"ts\":\"yesterday\",\"value\":1}", "bad-ts"),
                Arguments.of("a", "{\"series\":\"a\",\"ts\":\"1999-12-31T23:59:59Z\",\"value\":1}", "ts-out-of-range"),
                Arguments.of("a", "{\"series\":\"a\",\"ts\":\"2024-05-03T00:00:01Z\",\"value\":1}", "ts-out-of-range"),
                Arguments.of("a", "{" + ok + ",\"labels\":{\"x\":1}}", "bad-labels"));
    }

    @ParameterizedTest(name = "{2}")
    @MethodSource("invalid")
    void shouldDeadLetterEachKindOfInvalidInputWithItsReasonAndSource(String key, String value, String reason) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        f.send("a", at(1), 1.0);
        RecordHeaders producerHeaders = new RecordHeaders(new Header[] {new RecordHeader("trace", "t-1".getBytes(StandardCharsets.UTF_8))});
        f.raw.pipeInput(new TestRecord<>(key, bytes, producerHeaders, Instant.EPOCH));
        f.send("a", at(2), 3.0);
        f.send("a", at(12), 0.0);

        var dead = f.dlq.readRecordsToList();
        assertEquals(1, dead.size());
        var r = dead.get(0);
        Header[] h = r.headers().toArray();
        assertEquals(reason, header(h, Topics.DLQ_REASON));
        assertTrue(!header(h, Topics.DLQ_MESSAGE).isBlank());
        assertEquals(Topics.RAW, header(h, Topics.DLQ_SOURCE_TOPIC));
        assertEquals("0", header(h, Topics.DLQ_SOURCE_PARTITION));
        assertEquals("1", header(h, Topics.DLQ_SOURCE_OFFSET));
        assertEquals("t-1", header(h, "trace"), "the producer's headers are kept");
        assertEquals(key, r.key());
        assertArrayEquals(bytes, r.value(), "original bytes");
        assertEquals(1, f.counts.deadLettered.get(reason).get());
        List<Point> out = f.points();
        assertEquals(1, out.size(), "the stream goes on past the bad record");
        assertPoint(out.get(0), "a", T0, 2, 2.0, 1.0, 3.0, 3.0);
    }

    @Test
    void shouldReadEpochMillisecondTimestamps() {
        f.raw.pipeInput("a", ("{\"series\":\"a\",\"ts\":" + at(4).toEpochMilli() + ",\"value\":2.5}").getBytes(StandardCharsets.UTF_8), Instant.EPOCH);
        f.send("a", at(12), 0.0);
        List<Point> out = f.points();
        assertEquals(1, out.size());
        assertPoint(out.get(0), "a", T0, 1, 2.5, 2.5, 2.5, 2.5);
    }

    private static String header(Header[] headers, String name) {
        String v = null;
        for (Header h : headers) {
            if (h.key().equals(name)) {
                v = new String(h.value(), StandardCharsets.UTF_8);
            }
        }
        return v;
    }
}
