package org.forecaster.serving.config;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.forecaster.core.kernel.KernelsProvider;
import org.forecaster.serving.rest.LiveFeed;
import org.forecaster.serving.metrics.ServingMetrics;
import org.forecaster.serving.topology.ServingSpec;
import org.forecaster.serving.topology.ServingTopology;
import org.forecaster.serving.weights.ModelHolder;

/** Adapts the framework-free pieces to CDI: the spec from config, the metrics, the model holder and the topology. */
@ApplicationScoped
public class ServingProducers {

    @Produces
    @Singleton
    ServingSpec spec(ServingConfig config) {
        return config.toSpec();
    }

    @Produces
    @Singleton
    ServingMetrics metrics(MeterRegistry registry) {
        return new ServingMetrics(registry);
    }

    /** The SSE feed and dashboard list; one per instance. */
    @Produces
    @Singleton
    LiveFeed liveFeed(ServingConfig config) {
        return new LiveFeed(config.liveSeries(), config.maxSseSubscribers());
    }

    @Produces
    @Singleton
    ModelHolder modelHolder(ServingMetrics metrics) {
        return new ModelHolder(KernelsProvider.get(), metrics);
    }

    @Produces
    @Singleton
    Topology topology(ServingSpec spec, ModelHolder holder, ServingMetrics metrics, LiveFeed feed) {
        NativeLz4.load(); // before the stream's producer compresses its first batch
        Topology t = ServingTopology.build(spec, holder, metrics, feed);
        Log.infof("model-service topology: %s", t.describe());
        return t;
    }

    /**
     * Picked up by the Kafka Streams extension before start. A failed record's transaction is aborted and the
     * replacement thread processes it again, so replacing (rather than dying) loses nothing; a persistent
     * failure shows as repeated ERRORs and a stuck lag, not as a silently stopped service.
     */
    @Produces
    @Singleton
    StreamsUncaughtExceptionHandler uncaughtExceptionHandler() {
        return e -> {
            Log.error("stream thread failed; replacing it (its transaction is aborted and the records are reprocessed)", e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        };
    }
}
