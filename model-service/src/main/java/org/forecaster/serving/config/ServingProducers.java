package org.forecaster.serving.config;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.forecaster.core.kernel.KernelsProvider;
import org.forecaster.core.modelio.ModelAcceptance;
import org.forecaster.core.modelio.ModelVerifier;
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
    ModelHolder modelHolder(ServingConfig config, ServingMetrics metrics) {
        ServingConfig.ModelTrust trust = config.model();
        ModelAcceptance acceptance = new ModelAcceptance(trust.maxLayers(), trust.maxHidden(), trust.maxHorizon(),
                trust.maxParameters(), trust.maxVersionJump());
        return new ModelHolder(KernelsProvider.get(), metrics, verifier(trust), acceptance);
    }

    /** Fails start-up when signatures are required but no key can be read: a service that trusts nothing never gets a model. */
    static ModelVerifier verifier(ServingConfig.ModelTrust trust) {
        if (!trust.requireSignature()) {
            Log.warn("forecast.serving.model.require-signature=false: serving unsigned models (development only)");
            return ModelVerifier.DISABLED;
        }
        if (trust.trustedKeys().isEmpty() || trust.trustedKeys().get().isEmpty()) {
            throw new IllegalStateException("forecast.serving.model.require-signature is on but forecast.serving.model.trusted-keys"
                    + " names no public key file or directory (create a pair with `bin/forecast keygen`)");
        }
        try {
            ModelVerifier v = ModelVerifier.trustingFiles(trust.trustedKeys().get());
            Log.infof("serving only models signed by trusted keys %s", v.keyIds());
            return v;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read trusted model keys " + trust.trustedKeys().get(), e);
        }
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
