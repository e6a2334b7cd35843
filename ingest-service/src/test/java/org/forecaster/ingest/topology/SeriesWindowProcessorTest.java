package org.forecaster.ingest.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.forecaster.core.wire.Point;
import org.forecaster.core.wire.RawEvent;
import org.forecaster.core.wire.Topics;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One window task fed by hand with what two raw partitions' re-key tasks send (events and progress records), to
 * reach orders of arrival a single-partition TopologyTestDriver cannot: issue 16's remaining gap.
 */
class SeriesWindowProcessorTest {
    private static final long STEP = 10_000, GRACE = 2_000, IDLE = 30_000, WALL = 5_000_000;
    private static final long T0 = TopologyFixture.T0.toEpochMilli();
    private static final String REKEY = "ingest-service-" + IngestTopology.REKEY_TOPIC + "-repartition";

    MockProcessorContext<String, SeriesWindowProcessor.Output> context;
    SeriesWindowProcessor processor;
    final TopologyFixture.CountingListener counts = new TopologyFixture.CountingListener();

    @BeforeEach
    void start() {
        context = new MockProcessorContext<>();
        for (var store : List.of(
                Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(IngestTopology.SERIES_WINDOW_STORE), Serdes.String(), Serdes.ByteArray()),
                Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(IngestTopology.RAW_PROGRESS_STORE), Serdes.Integer(), Serdes.ByteArray()))) {
            KeyValueStore<?, byte[]> s = store.withLoggingDisabled().build();
            s.init(context.getStateStoreContext(), s);
            context.addStateStore(s);
        }
        processor = new SeriesWindowProcessor(IngestTopology.SERIES_WINDOW_STORE, IngestTopology.RAW_PROGRESS_STORE,
                Duration.ofMillis(STEP), Duration.ofMillis(GRACE), Duration.ofMillis(IDLE), new SeriesQuota(SeriesQuota.Limits.NONE), counts);
        // As in Kafka Streams: a task's wall clock reads 0 in init() and is set when it first processes or punctuates.
        context.setCurrentSystemTimeMs(0);
        processor.init(context);
        context.setCurrentSystemTimeMs(WALL);
    }

    /** A re-keyed event of {@code series} at T0 + {@code seconds}, read from raw partition {@code rawPartition}. */
    private void rekeyed(int rawPartition, String series, double seconds) {
        long ts = T0 + Math.round(seconds * 1000);
        context.setRecordMetadata(REKEY, 0, 0);
        processor.process(new Record<>(series, new Routed(new RawEvent(series, Instant.ofEpochMilli(ts), 1.0, Map.of()), null,
                new byte[0], Topics.RAW, rawPartition, 0), ts));
    }

    private void keyed(String series, double seconds) {
        long ts = T0 + Math.round(seconds * 1000);
        context.setRecordMetadata(Topics.RAW, 0, 0);
        processor.process(new Record<>(series, new Routed(new RawEvent(series, Instant.ofEpochMilli(ts), 1.0, Map.of()), null,
                new byte[0], Topics.RAW, 0, 0), ts));
    }

    private void progress(int rawPartition, double seconds) {
        long ts = T0 + Math.round(seconds * 1000);
        context.setRecordMetadata(REKEY, 0, 0);
        processor.process(new Record<>(RawProgress.KEY, Routed.progress(new RawProgress(rawPartition, 2, ts, false)), ts));
    }

    private List<SeriesWindowProcessor.Output> outputs() {
        List<SeriesWindowProcessor.Output> out = context.forwarded().stream().<SeriesWindowProcessor.Output>map(f -> f.record().value()).toList();
        context.resetForwards();
        return out;
    }

    private static List<Instant> starts(List<SeriesWindowProcessor.Output> out) {
        return out.stream().map(SeriesWindowProcessor.Output::point).map(Point::windowStart).toList();
    }

    /**
     * Partition 0's task runs 100 s ahead with series s before partition 1's task, busy with other series' older
     * events, has delivered any of s. Then partition 1's older events of s arrive: none is late, because partition 1's
     * progress held s's windows although it had not carried s (the per-series sources alone closed them: issue 16).
     */
    @Test
    void shouldNotMakeOlderEventsOfASeriesLateWhenAnotherRawPartitionRanAheadBeforeCarryingIt() {
        progress(0, 100);
        progress(1, 0);
        for (int t = 0; t < 20; t++) {
            rekeyed(1, "other", t);
        }
        for (int t = 100; t < 200; t++) {
            rekeyed(0, "s", t);
        }
        assertTrue(outputs().stream().noneMatch(o -> o.point() != null && o.point().series().equals("s")),
                "partition 1 is at 19 s: s keeps its windows open");
        for (int t = 20; t < 60; t++) {
            rekeyed(1, "s", t);
        }
        List<SeriesWindowProcessor.Output> out = outputs();
        assertTrue(out.stream().allMatch(o -> o.rejected() == null), "nothing late: " + out);
        assertEquals(List.of(TopologyFixture.T0.plusSeconds(20), TopologyFixture.T0.plusSeconds(30), TopologyFixture.T0.plusSeconds(40)),
                starts(out.stream().filter(o -> o.point().series().equals("s")).toList()),
                "windows up to partition 1's 59 s - grace close, oldest first");
        assertEquals(0, counts.deadLettered.size());
        assertEquals(20 + 100 + 40, counts.accepted.get(), "progress records are not events");
    }

    @Test
    void shouldHoldReKeyedSeriesUntilEveryRawPartitionHasBeenHeardFromAndNotLonger() {
        for (int t = 0; t < 20; t++) {
            rekeyed(0, "s", t);
        }
        assertTrue(outputs().isEmpty(), "no raw partition has announced the partition count yet");
        progress(0, 19);
        progress(1, 15);
        rekeyed(0, "s", 20);
        assertEquals(List.of(TopologyFixture.T0), starts(outputs()), "partition 1 at 15 s closes [0, 10) only");
        context.setCurrentSystemTimeMs(WALL + IDLE + 1);
        rekeyed(0, "s", 22);
        assertEquals(List.of(TopologyFixture.T0.plusSeconds(10)), starts(outputs()),
                "partition 1 has not been heard from for the idle time: it no longer holds s back");
    }

    /**
     * Issue 16, the faults suite's unkeyed backfill: raw partition 0's task, started first, re-keys a chunk of s up to
     * 100 s while partition 1's task (started later, nothing forwarded yet) has announced only that it has nothing.
     * The window task, whose wall clock read 0 in init(), must still count its start from its first record and wait
     * to hear from partition 1; then partition 1's older chunk of s is not late.
     */
    @Test
    void shouldWaitForEveryRawPartitionAfterTheTaskStartsAlthoughItsWallClockReadZeroInInit() {
        progress(0, 0);
        for (int t = 0; t <= 100; t++) {
            rekeyed(0, "s", t);
        }
        assertTrue(outputs().isEmpty(), "raw partition 1 has not been heard from since this task started: s is held");
        context.setCurrentSystemTimeMs(WALL + 1_000);
        processor.process(new Record<>(RawProgress.KEY, Routed.progress(new RawProgress(1, 2, Long.MIN_VALUE, false)), 0));
        rekeyed(0, "s", 101);
        assertTrue(outputs().isEmpty(), "raw partition 1 has forwarded nothing yet: s is still held");
        for (int t = 0; t < 40; t++) {
            rekeyed(1, "s", t);
        }
        List<SeriesWindowProcessor.Output> out = outputs();
        assertTrue(out.stream().allMatch(o -> o.rejected() == null), "nothing late: " + out);
        assertEquals(List.of(TopologyFixture.T0, TopologyFixture.T0.plusSeconds(10), TopologyFixture.T0.plusSeconds(20)),
                starts(out), "partition 1 at 39 s - grace closes the windows up to [20, 30)");
    }

    /** A series restored with open windows gets a whole idle period from the task's start before it is closed. */
    @Test
    void shouldGiveARestoredSeriesAWholeIdlePeriodFromTheTasksStart() {
        rekeyed(0, "s", 1);
        processor.close();
        MockProcessorContext<String, SeriesWindowProcessor.Output> restarted = new MockProcessorContext<>();
        restarted.addStateStore(context.getStateStore(IngestTopology.SERIES_WINDOW_STORE));
        restarted.addStateStore(context.getStateStore(IngestTopology.RAW_PROGRESS_STORE));
        SeriesWindowProcessor again = new SeriesWindowProcessor(IngestTopology.SERIES_WINDOW_STORE, IngestTopology.RAW_PROGRESS_STORE,
                Duration.ofMillis(STEP), Duration.ofMillis(GRACE), Duration.ofMillis(IDLE), new SeriesQuota(SeriesQuota.Limits.NONE), counts);
        restarted.setCurrentSystemTimeMs(0); // as in Kafka Streams' init()
        again.init(restarted);
        long later = WALL + 10 * IDLE; // the task restarts long after s was last seen
        restarted.setCurrentSystemTimeMs(later);
        restarted.scheduledPunctuators().getFirst().getPunctuator().punctuate(later);
        assertTrue(restarted.forwarded().isEmpty(), "the backlog gets an idle period to arrive: " + restarted.forwarded());
        restarted.setCurrentSystemTimeMs(later + IDLE);
        restarted.scheduledPunctuators().getFirst().getPunctuator().punctuate(later + IDLE);
        assertEquals(1, restarted.forwarded().size(), "closed one idle period after the start");
    }

    /**
     * A clock-skewed event (25 minutes ahead) on raw partition 0 raises partition 0's progress only: partition 1 still
     * holds the watermark, and s, whose own time the skewed event does not move, loses nothing.
     */
    @Test
    void shouldKeepASkewedEventToItsOwnSeriesAndRawPartition() {
        progress(0, 0);
        progress(1, 0);
        rekeyed(0, "skewed", 25 * 60);
        progress(0, 25 * 60);
        for (int t = 0; t < 12; t++) {
            rekeyed(1, "s", t);
        }
        assertTrue(outputs().isEmpty());
        rekeyed(1, "s", 12);
        List<SeriesWindowProcessor.Output> out = outputs();
        assertEquals(List.of(TopologyFixture.T0), starts(out), "s closes [0, 10) on its own time and partition 1's, nothing late");
        assertEquals(10, out.getFirst().point().count());
    }

    @Test
    void shouldNotHoldAKeyedSeriesBackBehindASlowRawPartition() {
        progress(0, 0);
        progress(1, 0);
        keyed("live", 3601);
        keyed("live", 3612);
        assertEquals(List.of(TopologyFixture.T0.plusSeconds(3600)), starts(outputs()));
    }

    @Test
    void shouldStillCloseAQuietReKeyedSeriesAfterTheIdleTime() {
        rekeyed(0, "s", 1);
        context.setCurrentSystemTimeMs(WALL + IDLE);
        context.scheduledPunctuators().getFirst().getPunctuator().punctuate(WALL + IDLE);
        assertEquals(List.of(TopologyFixture.T0), starts(outputs()), "held by the partitions, closed by idleness");
    }
}
