package org.forecaster.ingest.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.forecaster.core.wire.RawEvent;
import org.forecaster.core.wire.Topics;
import org.junit.jupiter.api.Test;

/** The re-key side of the raw partitions' progress: what it announces, when, and where it goes. */
class RekeyProcessorTest {
    private static final long WALL = 5_000_000, IDLE = 30_000;

    private static Routed event(String series, long ts) {
        return new Routed(new RawEvent(series, Instant.ofEpochMilli(ts), 1.0, Map.of()), null, new byte[] {1}, Topics.RAW, 3, 7);
    }

    @Test
    void shouldKeyBySeriesAndAnnounceItsPartitionsProgressFirstAfterStartAndIdlenessAndThenEverySecond() {
        RekeyPartitioner partitioner = new RekeyPartitioner();
        partitioner.partitions("t", "x", event("x", 0), 4); // the sink has learned the count from an earlier record
        Properties config = new Properties();
        config.put("application.id", "ingest-test");
        config.put("bootstrap.servers", "unused:9092");
        MockProcessorContext<String, Routed> context = new MockProcessorContext<>(config, new TaskId(0, 3), null);
        context.setCurrentSystemTimeMs(WALL);
        RekeyProcessor p = new RekeyProcessor(Duration.ofMillis(IDLE), partitioner);
        p.init(context);

        p.process(new Record<>(null, event("a", 2_000), 2_000));
        p.process(new Record<>(null, event("b", 1_000), 1_000));
        var out = context.forwarded();
        assertEquals(3, out.size(), out.toString());
        assertEquals("a", out.get(0).record().key());
        assertEquals(new RawProgress(3, 4, 2_000, false), out.get(1).record().value().progress(), "announced after the first event");
        assertEquals("b", out.get(2).record().key());
        context.resetForwards();

        context.setCurrentSystemTimeMs(WALL + 1_000);
        context.scheduledPunctuators().getFirst().getPunctuator().punctuate(WALL + 1_000);
        assertEquals(new RawProgress(3, 4, 2_000, false), context.forwarded().getFirst().record().value().progress());
        assertEquals(RawProgress.KEY, context.forwarded().getFirst().record().key());
        context.resetForwards();

        context.setCurrentSystemTimeMs(WALL + IDLE + 1);
        context.scheduledPunctuators().getFirst().getPunctuator().punctuate(WALL + IDLE + 1);
        assertEquals(new RawProgress(3, 4, 2_000, true), context.forwarded().getFirst().record().value().progress(),
                "nothing forwarded for the idle time");
        context.resetForwards();
        p.process(new Record<>(null, event("a", 3_000), 3_000));
        assertEquals(new RawProgress(3, 4, 3_000, false), context.forwarded().get(1).record().value().progress(),
                "active again: announced at once");
    }

    /**
     * Issue 16: Kafka Streams sets a task's wall clock only when it first processes or punctuates, so it reads 0 in
     * init(). A task that has forwarded nothing yet must not announce itself idle before the idle time has passed
     * since it really started, or window tasks stop waiting for the chunks it has yet to re-key.
     */
    @Test
    void shouldCountItsIdleTimeFromItsFirstWallClockReadingNotFromTheZeroInInit() {
        RekeyPartitioner partitioner = new RekeyPartitioner();
        partitioner.partitions("t", "x", event("x", 0), 4);
        Properties config = new Properties();
        config.put("application.id", "ingest-test");
        config.put("bootstrap.servers", "unused:9092");
        MockProcessorContext<String, Routed> context = new MockProcessorContext<>(config, new TaskId(0, 3), null);
        RekeyProcessor p = new RekeyProcessor(Duration.ofMillis(IDLE), partitioner);
        context.setCurrentSystemTimeMs(0); // what a task's wall clock reads in init() in Kafka Streams
        p.init(context);

        context.setCurrentSystemTimeMs(WALL);
        context.scheduledPunctuators().getFirst().getPunctuator().punctuate(WALL);
        assertEquals(new RawProgress(3, 4, Long.MIN_VALUE, false), context.forwarded().getFirst().record().value().progress(),
                "just started: it holds every window task back until it forwards");
        context.resetForwards();
        context.setCurrentSystemTimeMs(WALL + IDLE + 1);
        context.scheduledPunctuators().getFirst().getPunctuator().punctuate(WALL + IDLE + 1);
        assertEquals(new RawProgress(3, 4, Long.MIN_VALUE, true), context.forwarded().getFirst().record().value().progress(),
                "nothing forwarded for the idle time since its start");
    }

    @Test
    void shouldSendEventsWhereTheirSeriesKeyGoesAndProgressEverywhere() {
        RekeyPartitioner partitioner = new RekeyPartitioner();
        assertEquals(0, partitioner.partitionCount());
        assertEquals(Optional.empty(), partitioner.partitions("t", "a", event("a", 1), 3), "the producer's default: murmur2 of the key");
        assertEquals(Optional.of(Set.of(0, 1, 2)),
                partitioner.partitions("t", RawProgress.KEY, Routed.progress(new RawProgress(1, 0, 5, false)), 3));
        assertEquals(3, partitioner.partitionCount());
    }

    @Test
    void shouldRoundTripProgressAndEventsThroughTheReKeyTopic() {
        RoutedSerde serde = new RoutedSerde();
        Routed progress = Routed.progress(new RawProgress(2, 6, Long.MIN_VALUE, true));
        assertEquals(progress.progress(), serde.deserialize("t", serde.serialize("t", progress)).progress());
        Routed e = serde.deserialize("t", serde.serialize("t", event("a", 9)));
        assertNull(e.progress());
        assertEquals("a", e.event().series());
        assertEquals(7, e.sourceOffset());
    }
}
