package org.forecaster.ingest.topology;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.forecaster.core.wire.RawEvent;
import org.forecaster.core.wire.Topics;
import org.junit.jupiter.api.Test;
import org.forecaster.streams.CommitHook;

/**
 * {@link SeriesWindowProcessor}'s write-behind: the series state reaches the store (and so its changelog) only at the
 * commit ({@link CommitHook}), and a task that crashes between commits, restored from its last committed store and
 * fed the uncommitted events again, commits exactly what a task writing every change at once commits.
 */
class SeriesWindowWriteBehindTest {
    private static final long STEP = 10_000, GRACE = 2_000, IDLE = 30_000, WALL = 5_000_000;
    private static final long T0 = TopologyFixture.T0.toEpochMilli();

    /** A window task over its own stores, with or without the commit hook. */
    private static final class Task {
        final MockProcessorContext<String, SeriesWindowProcessor.Output> context = new MockProcessorContext<>();
        final CommitHook hook;
        final KeyValueStore<String, byte[]> store;
        SeriesWindowProcessor processor = newProcessor();

        Task(boolean writeBehind) {
            for (var b : List.of(
                    Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(IngestTopology.SERIES_WINDOW_STORE), Serdes.String(), Serdes.ByteArray()),
                    Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(IngestTopology.RAW_PROGRESS_STORE), Serdes.Integer(), Serdes.ByteArray()))) {
                KeyValueStore<?, byte[]> s = b.withLoggingDisabled().build();
                s.init(context.getStateStoreContext(), s);
                context.addStateStore(s);
            }
            store = context.getStateStore(IngestTopology.SERIES_WINDOW_STORE);
            hook = writeBehind ? CommitHook.builder(SeriesWindowProcessor.COMMIT_HOOK).build() : null;
            if (hook != null) {
                hook.init(context.getStateStoreContext(), hook);
                context.addStateStore(hook);
            }
            init();
        }

        private static SeriesWindowProcessor newProcessor() {
            return new SeriesWindowProcessor(IngestTopology.SERIES_WINDOW_STORE, IngestTopology.RAW_PROGRESS_STORE,
                    Duration.ofMillis(STEP), Duration.ofMillis(GRACE), Duration.ofMillis(IDLE),
                    new SeriesQuota(SeriesQuota.Limits.NONE), new TopologyFixture.CountingListener());
        }

        void init() {
            context.setCurrentSystemTimeMs(0); // as in Kafka Streams' init()
            processor.init(context);
            context.setCurrentSystemTimeMs(WALL);
        }

        /** Processes one keyed event and returns what it forwarded, rendered for comparison. */
        List<String> process(String series, long ts, long offset) {
            context.setRecordMetadata(Topics.RAW, 0, offset);
            processor.process(new Record<>(series, new Routed(new RawEvent(series, Instant.ofEpochMilli(ts), offset % 7, Map.of()),
                    null, new byte[0], Topics.RAW, 0, offset), ts));
            List<String> out = context.forwarded().stream().map(f -> render(f.record().value())).toList();
            context.resetForwards();
            return out;
        }

        /** What Kafka Streams' prepareCommit does to the hook. */
        void commit() {
            hook.flushCache();
        }

        Map<String, byte[]> contents() {
            Map<String, byte[]> all = new TreeMap<>();
            try (KeyValueIterator<String, byte[]> it = store.all()) {
                it.forEachRemaining(kv -> all.put(kv.key, kv.value));
            }
            return all;
        }

        /** A crash: the task's store goes back to its last committed contents, as a restore from the changelog does. */
        void restore(Map<String, byte[]> committed) {
            for (String key : contents().keySet()) {
                store.delete(key);
            }
            committed.forEach(store::put);
        }
    }

    private static String render(SeriesWindowProcessor.Output o) {
        return o.point() != null ? "point " + o.point()
                : "dlq " + o.rejected().rejection() + " @" + o.rejected().sourceOffset();
    }

    @Test
    void shouldWriteTheChangedSeriesToTheStoreOnlyAtTheCommit() {
        Task behind = new Task(true), through = new Task(false);
        for (int t = 0; t < 3; t++) {
            for (String series : List.of("a", "b")) {
                assertEquals(through.process(series, T0 + t * 1000L, t), behind.process(series, T0 + t * 1000L, t));
            }
        }
        assertNull(behind.store.get("a"), "not before the commit");
        assertNull(behind.store.get("b"));
        behind.commit();
        Map<String, byte[]> expected = through.contents(), actual = behind.contents();
        assertEquals(expected.keySet(), actual.keySet());
        expected.forEach((k, v) -> assertArrayEquals(v, actual.get(k), k));
        byte[] stored = behind.store.get("a");
        behind.process("a", T0 + 5000, 9);
        assertArrayEquals(stored, behind.store.get("a"), "the store keeps the committed state until the next commit");
    }

    /**
     * Random series with out-of-order and late events; the write-behind task commits at random points and crashes at
     * others (its uncommitted outputs dropped, its store set back to the last commit, the same processor initialised
     * again as Kafka Streams revives a task, the uncommitted events fed again). Its committed outputs and its store
     * must equal those of a task that writes each change at once and never crashes.
     */
    @Test
    void shouldCommitExactlyWhatAnUninterruptedTaskDoesAcrossCrashes() {
        for (long seed = 1; seed <= 20; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            List<KeyValue<String, Long>> events = new ArrayList<>();
            long[] clock = new long[5];
            for (int i = 0; i < 600; i++) {
                int s = random.nextInt(clock.length);
                clock[s] += random.nextInt(4_000);
                long ts = random.nextInt(10) == 0 ? clock[s] - random.nextInt(15_000) : clock[s]; // some late, some within grace
                events.add(KeyValue.pair("s" + s, T0 + Math.max(0, ts)));
            }
            Task through = new Task(false);
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < events.size(); i++) {
                expected.addAll(through.process(events.get(i).key, events.get(i).value, i));
            }

            Task behind = new Task(true);
            List<String> committed = new ArrayList<>(), pending = new ArrayList<>();
            Map<String, byte[]> committedStore = Map.of();
            int crashes = 0;
            for (int i = 0, committedUpTo = 0; i < events.size(); ) {
                pending.addAll(behind.process(events.get(i).key, events.get(i).value, i));
                i++;
                if (random.nextInt(5) == 0 || i == events.size()) {
                    behind.commit();
                    committed.addAll(pending);
                    pending.clear();
                    committedStore = behind.contents();
                    committedUpTo = i;
                } else if (random.nextInt(40) == 0) {
                    behind.processor.close(); // Kafka Streams flushes before this on a clean close; a crash does not
                    behind.restore(committedStore);
                    behind.init();
                    pending.clear();
                    i = committedUpTo;
                    crashes++;
                }
            }
            assertTrue(crashes > 0, "seed " + seed + " crashed at least once");
            assertEquals(expected, committed, "seed " + seed);
            Map<String, byte[]> want = through.contents(), got = behind.contents();
            assertEquals(want.keySet(), got.keySet(), "seed " + seed);
            for (String k : want.keySet()) {
                assertArrayEquals(want.get(k), got.get(k), "seed " + seed + ", series " + k);
            }
        }
    }
}
