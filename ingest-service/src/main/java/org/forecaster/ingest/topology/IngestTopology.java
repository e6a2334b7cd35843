package org.forecaster.ingest.topology;

import java.time.InstantSource;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;
import org.forecaster.core.wire.Point;
import org.forecaster.core.wire.RawEventParser;
import org.forecaster.core.wire.PointReader;
import org.forecaster.core.wire.WireJson;
import org.forecaster.streams.CommitHook;

/**
 * The ingest topology as a pure function of its spec: raw events → validated, per-series tumbling
 * windows → one {@link Point} per key per closed window; everything rejected, late or over the series quota
 * ({@link SeriesQuota}) → the dead-letter topic with its reason.
 *
 * <pre>
 * raw ─ parse ─┬─ invalid ───────────────────────────────────────────── dead-letter ─ dlq
 *              ├─ keyed (key = series) ──────────────┐
 *              └─ unkeyed ─ key by series ─ rekeyed ─┴─ series window ─┬─ late ─ dead-letter ─ dlq
 *                           + progress                                 └─ closed window ─ points
 *                             of its raw partition, to every rekeyed partition
 * </pre>
 * Windows, lateness and closing follow each series' own event time ({@link SeriesWindowProcessor}), held back for
 * re-keyed series by every raw partition's progress, which each re-key task multicasts to every window task
 * ({@link RekeyProcessor}, {@link RawPartitionWatermark}); a series that goes quiet has its open windows closed by wall-clock punctuation after {@link IngestSpec#idleClose}.
 * Keyed records are already partitioned by series (the parser rejects a key that differs from the
 * series), so only unkeyed ones pay for the {@value #REKEY_TOPIC} repartition.
 */
public final class IngestTopology {
    /** Names of the state stores and internal topics: part of the deployed state, do not rename casually. */
    public static final String SERIES_WINDOW_STORE = "ingest-series-windows";
    public static final String REKEY_TOPIC = "ingest-rekeyed";
    /** Per window task: each raw partition's progress (high-water event time, when heard), see {@link RawPartitionWatermark}. */
    public static final String RAW_PROGRESS_STORE = "ingest-raw-progress";

    private IngestTopology() {}

    /**
     * @param spec     topics, window, validation limits
     * @param clock    the parser's clock for the future-skew bound (never used for event time)
     * @param listener notified of accepted, dead-lettered and emitted records
     */
    public static Topology build(IngestSpec spec, InstantSource clock, IngestListener listener) {
        RawEventParser parser = new RawEventParser(spec.limits(), clock);
        StreamsBuilder builder = new StreamsBuilder();

        KStream<String, Routed> parsed = builder
                .stream(spec.rawTopic(), Consumed.with(Serdes.String(), Serdes.ByteArray())
                        .withTimestampExtractor(new EventTimeExtractor(spec.limits(), clock)).withName("ingest-raw"))
                .processValues(() -> new ParseProcessor(parser), Named.as("ingest-parse"));

        Map<String, KStream<String, Routed>> branches = parsed.split(Named.as("ingest-"))
                .branch((k, r) -> !r.valid(), Branched.as("invalid"))
                .branch((k, r) -> k == null || k.isEmpty(), Branched.as("unkeyed"))
                .defaultBranch(Branched.as("keyed"));

        deadLetter(branches.get("ingest-invalid"), spec, listener, "invalid");

        // The re-key also multicasts each raw partition's progress to every window task (RekeyProcessor).
        RekeyPartitioner rekeyPartitioner = new RekeyPartitioner();
        KStream<String, Routed> rekeyed = branches.get("ingest-unkeyed")
                .process(() -> new RekeyProcessor(spec.idleClose(), rekeyPartitioner), Named.as("ingest-key-by-series"))
                .repartition(Repartitioned.<String, Routed>as(REKEY_TOPIC).withKeySerde(Serdes.String()).withValueSerde(new RoutedSerde())
                        .withStreamPartitioner(rekeyPartitioner));

        SeriesQuota quota = new SeriesQuota(spec.quota()); // one per instance, shared by its windowing tasks
        // Uncached: the processor keeps its series in memory and writes the changed ones back at each commit (its
        // CommitHook), so a series' several events in one commit interval write its changelog once, without the
        // record cache's bookkeeping on every put.
        builder.addStateStore(Stores.keyValueStoreBuilder(spec.inMemoryStores()
                        ? Stores.inMemoryKeyValueStore(SERIES_WINDOW_STORE) : Stores.persistentKeyValueStore(SERIES_WINDOW_STORE),
                Serdes.String(), Serdes.ByteArray()));
        builder.addStateStore(CommitHook.builder(SeriesWindowProcessor.COMMIT_HOOK));
        builder.addStateStore(Stores.keyValueStoreBuilder(spec.inMemoryStores()
                        ? Stores.inMemoryKeyValueStore(RAW_PROGRESS_STORE) : Stores.persistentKeyValueStore(RAW_PROGRESS_STORE),
                Serdes.Integer(), Serdes.ByteArray()));
        Map<String, KStream<String, SeriesWindowProcessor.Output>> windowed = branches.get("ingest-keyed")
                .merge(rekeyed, Named.as("ingest-merge"))
                .process(() -> new SeriesWindowProcessor(SERIES_WINDOW_STORE, RAW_PROGRESS_STORE, spec.step(), spec.grace(),
                                spec.idleClose(), quota, listener), Named.as("ingest-series-window"), SERIES_WINDOW_STORE, RAW_PROGRESS_STORE,
                        SeriesWindowProcessor.COMMIT_HOOK)
                .split(Named.as("ingest-windowed-"))
                .branch((k, o) -> o.rejected() != null, Branched.as("late"))
                .defaultBranch(Branched.as("points"));

        // Late events and events over the series quota; the node names predate the quota.
        deadLetter(windowed.get("ingest-windowed-late").mapValues(SeriesWindowProcessor.Output::rejected, Named.as("ingest-late")),
                spec, listener, "late");

        // Binary by default, JSON while readers of an earlier release remain (issue 18). One writer per stream thread:
        // the JSON one reuses a buffer, and the serde is shared by every task.
        ThreadLocal<Function<Point, byte[]>> pointWriter = ThreadLocal.withInitial(spec.pointsFormat()::newWriter);
        Serde<Point> pointSerde = Serdes.serdeFrom((t, p) -> p == null ? WireJson.write(p) : pointWriter.get().apply(p),
                (t, b) -> b == null ? WireJson.read(b, Point.class) : PointReader.read(b));
        windowed.get("ingest-windowed-points")
                .mapValues(SeriesWindowProcessor.Output::point, Named.as("ingest-to-point"))
                .to(spec.pointsTopic(), Produced.with(Serdes.String(), pointSerde).withName("ingest-points"));

        return builder.build();
    }

    private static void deadLetter(KStream<String, Routed> rejected, IngestSpec spec, IngestListener listener, String name) {
        rejected.processValues(() -> new DeadLetterProcessor(listener), Named.as("ingest-dead-letter-" + name))
                .to(spec.dlqTopic(), Produced.with(Serdes.String(), Serdes.ByteArray()).withName("ingest-dlq-" + name));
    }
}
