package org.forecaster.serving.topology;

import java.util.Map;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.forecaster.serving.weights.ModelHolder;
import org.forecaster.serving.metrics.ServingMetrics;
import org.forecaster.streams.CommitHook;

/**
 * The model service's topology, as a pure function of its spec and collaborators: points source → {@link
 * ForecastProcessor} (with the named, changelogged key-state and {@link AlertLog} stores) → forecasts, anomalies and
 * DLQ sinks.
 * Node and store names are fixed so that internal topics survive refactors.
 */
public final class ServingTopology {
    public static final String SOURCE = "points-source";
    public static final String PROCESSOR = "forecast-processor";

    private ServingTopology() {}

    public static Topology build(ServingSpec spec, ModelHolder holder, ServingMetrics metrics, ServingEvents events) {
        Topology t = new Topology();
        t.addSource(SOURCE, new StringDeserializer(), new ByteArrayDeserializer(), spec.pointsTopic());
        t.addProcessor(PROCESSOR, () -> new ForecastProcessor(spec, holder, metrics, events), SOURCE);
        t.addStateStore(storeBuilder(spec), PROCESSOR);
        t.addStateStore(alertLogBuilder(spec), PROCESSOR);
        t.addStateStore(CommitHook.builder(ForecastProcessor.COMMIT_HOOK), PROCESSOR);
        t.addSink(ForecastProcessor.FORECASTS_SINK, spec.forecastsTopic(), new StringSerializer(), new ByteArraySerializer(), PROCESSOR);
        t.addSink(ForecastProcessor.ANOMALIES_SINK, spec.anomaliesTopic(), new StringSerializer(), new ByteArraySerializer(), PROCESSOR);
        t.addSink(ForecastProcessor.DLQ_SINK, spec.dlqTopic(), new StringSerializer(), new ByteArraySerializer(), PROCESSOR);
        return t;
    }

    static StoreBuilder<KeyValueStore<String, byte[]>> storeBuilder(ServingSpec spec) {
        return changelogged(spec, spec.storeName());
    }

    /** The {@link AlertLog} store: of the key-state store's type, changelogged like it. */
    static StoreBuilder<KeyValueStore<String, byte[]>> alertLogBuilder(ServingSpec spec) {
        return changelogged(spec, AlertLog.STORE);
    }

    private static StoreBuilder<KeyValueStore<String, byte[]>> changelogged(ServingSpec spec, String name) {
        KeyValueBytesStoreSupplier supplier = spec.storeType() == ServingSpec.StoreType.ROCKSDB
                ? Stores.persistentKeyValueStore(name)
                : Stores.inMemoryKeyValueStore(name);
        // Changelogged (compacted by default): restore after a crash and standby replicas come from it.
        // No cache: every put is already one changelog record per point, and a cache would only delay it.
        return Stores.keyValueStoreBuilder(supplier, Serdes.String(), Serdes.ByteArray())
                .withLoggingEnabled(Map.of())
                .withCachingDisabled();
    }
}
