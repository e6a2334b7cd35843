package org.forecaster.ingest.topology;

import java.time.InstantSource;
import java.util.Map;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.EmitStrategy;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;
import org.forecaster.core.wire.Point;
import org.forecaster.core.wire.RawEvent;
import org.forecaster.core.wire.RawEventParser;
import org.forecaster.core.wire.WireJson;

/**
 * The ingest topology as a pure function of its spec: raw events → validated, per-series tumbling
 * windows → one {@link Point} per key per closed window; everything rejected or late → the dead-letter
 * topic with its reason.
 *
 * <pre>
 * raw ─ parse ─┬─ invalid ───────────────────────────────────────────── dead-letter ─ dlq
 *              ├─ keyed (key = series) ──────────────┐
 *              └─ unkeyed ─ key by series ─ rekeyed ─┴─ lateness ─┬─ late ─ dead-letter ─ dlq
 *                                                                 └─ window (emit on close) ─ points
 * </pre>
 * Keyed records are already partitioned by series (the parser rejects a key that differs from the
 * series), so only unkeyed ones pay for the {@value #REKEY_TOPIC} repartition.
 */
public final class IngestTopology {
    /** Names of the state stores and internal topics: part of the deployed state, do not rename casually. */
    public static final String WINDOW_STORE = "ingest-windows";
    public static final String STREAM_TIME_STORE = "ingest-stream-time";
    public static final String REKEY_TOPIC = "ingest-rekeyed";
    public static final String GROUPING = "ingest-by-series";

    private IngestTopology() {}

    /**
     * @param spec     topics, window, validation limits
     * @param clock    the parser's clock for the future-skew bound (never used for event time)
     * @param listener notified of accepted, dead-lettered and emitted records
     */
    public static Topology build(IngestSpec spec, InstantSource clock, IngestListener listener) {
        RawEventParser parser = new RawEventParser(spec.limits(), clock);
        long stepMs = spec.step().toMillis();
        long graceMs = spec.grace().toMillis();
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

        KStream<String, Routed> rekeyed = branches.get("ingest-unkeyed")
                .selectKey((k, r) -> r.event().series(), Named.as("ingest-key-by-series"))
                .repartition(Repartitioned.<String, Routed>as(REKEY_TOPIC).withKeySerde(Serdes.String()).withValueSerde(new RoutedSerde()));

        builder.addStateStore(Stores.keyValueStoreBuilder(spec.inMemoryStores()
                        ? Stores.inMemoryKeyValueStore(STREAM_TIME_STORE) : Stores.persistentKeyValueStore(STREAM_TIME_STORE),
                Serdes.Integer(), Serdes.Long()).withCachingEnabled());
        Map<String, KStream<String, Routed>> timed = branches.get("ingest-keyed")
                .merge(rekeyed, Named.as("ingest-merge"))
                .processValues(() -> new LatenessProcessor(STREAM_TIME_STORE, stepMs, graceMs), Named.as("ingest-lateness"), STREAM_TIME_STORE)
                .split(Named.as("ingest-timed-"))
                .branch((k, r) -> !r.valid(), Branched.as("late"))
                .defaultBranch(Branched.as("on-time"));

        deadLetter(timed.get("ingest-timed-late"), spec, listener, "late");

        Materialized<String, WindowAggregate, WindowStore<Bytes, byte[]>> store = spec.inMemoryStores()
                ? Materialized.as(Stores.inMemoryWindowStore(WINDOW_STORE, spec.step().plus(spec.grace()), spec.step(), false))
                : Materialized.as(WINDOW_STORE);
        Serde<Point> pointSerde = Serdes.serdeFrom((t, p) -> WireJson.write(p), (t, b) -> WireJson.read(b, Point.class));

        timed.get("ingest-timed-on-time")
                .mapValues(r -> {
                    listener.accepted();
                    return r.event();
                }, Named.as("ingest-event"))
                .groupByKey(Grouped.<String, RawEvent>as(GROUPING).withKeySerde(Serdes.String()))
                .windowedBy(TimeWindows.ofSizeAndGrace(spec.step(), spec.grace()))
                .emitStrategy(EmitStrategy.onWindowClose())
                .aggregate(() -> WindowAggregate.EMPTY, (k, e, agg) -> agg.add(e), Named.as("ingest-window"),
                        store.withKeySerde(Serdes.String()).withValueSerde(WindowAggregate.serde()))
                .toStream(Named.as("ingest-closed"))
                .map((w, agg) -> {
                    listener.windowEmitted();
                    return KeyValue.pair(w.key(), agg.toPoint(w.key(), w.window().start(), w.window().end()));
                }, Named.as("ingest-to-point"))
                .to(spec.pointsTopic(), Produced.with(Serdes.String(), pointSerde).withName("ingest-points"));

        return builder.build();
    }

    private static void deadLetter(KStream<String, Routed> rejected, IngestSpec spec, IngestListener listener, String name) {
        rejected.processValues(() -> new DeadLetterProcessor(listener), Named.as("ingest-dead-letter-" + name))
                .to(spec.dlqTopic(), Produced.with(Serdes.String(), Serdes.ByteArray()).withName("ingest-dlq-" + name));
    }
}
