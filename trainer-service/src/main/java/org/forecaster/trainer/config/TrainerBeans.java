package org.forecaster.trainer.config;

import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import io.quarkus.logging.Log;
import io.quarkus.runtime.Startup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.forecaster.core.kernel.Kernels;
import org.forecaster.core.kernel.KernelsProvider;
import org.forecaster.core.modelio.ModelAcceptance;
import org.forecaster.core.modelio.ModelSigner;
import org.forecaster.core.modelio.ModelVerifier;
import org.forecaster.core.modelio.SigningKeys;
import org.forecaster.trainer.data.KafkaHistorySource;
import org.forecaster.trainer.data.TopicReader;
import org.forecaster.trainer.publish.EmitterModelPublisher;
import org.forecaster.trainer.publish.KafkaModelRegistry;
import org.forecaster.trainer.schedule.RetrainJob;
import org.forecaster.trainer.schedule.RunStats;
import org.forecaster.trainer.schedule.Training;

/** Adapts the plain classes to CDI: the only place that knows both the config mapping and the job's parts. */
@ApplicationScoped
public class TrainerBeans {

    @Produces
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }

    @Produces
    @Singleton
    Kernels kernels() {
        return KernelsProvider.get(); // -Dforecast.kernels=scalar forces the reference kernels
    }

    @Produces
    @Singleton
    RunStats runStats() {
        return new RunStats();
    }

    @Produces
    @Singleton
    TrainerSettings settings(TrainerConfig config) {
        return TrainerSettings.from(config);
    }

    /** Built at start-up (not at the first run) so a missing or mismatched signing key stops the service at once. */
    @Produces
    @Singleton
    @Startup
    RetrainJob retrainJob(TrainerConfig config, TrainerSettings settings, EmitterModelPublisher publisher, Kernels kernels,
                          RunStats stats, @Identifier("default-kafka-broker") Map<String, Object> kafka) {
        // Every kafka.* setting (bootstrap servers and security), as the SmallRye publishers get them; only the
        // consumer's own keys, so the readers do not warn about the rest.
        Map<String, Object> consumerConfig = new HashMap<>(kafka);
        consumerConfig.keySet().retainAll(ConsumerConfig.configNames());
        TopicReader reader = new TopicReader(consumerConfig);
        TrainerConfig.Acceptance a = config.acceptance();
        ModelAcceptance acceptance = new ModelAcceptance(a.maxLayers(), a.maxHidden(), a.maxHorizon(), a.maxParameters(),
                a.maxVersionJump());
        try {
            ModelSigner signer = signer(config.signing());
            ModelVerifier verifier = verifier(config.signing());
            return new RetrainJob(settings, new KafkaHistorySource(reader, config.pointsTopic(), config.readTimeout()),
                    new KafkaModelRegistry(reader, config.weightsTopic(), config.readTimeout(), verifier, acceptance), publisher,
                    Training.tbptt(kernels), kernels, stats, signer, acceptance);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the model signing keys: " + e.getMessage(), e);
        }
    }

    /** The signer of the configured key, or null (unsigned publication) when none is configured and none is required. */
    static ModelSigner signer(TrainerConfig.Signing signing) throws IOException {
        if (signing.privateKeyFile().isEmpty()) {
            if (signing.required()) {
                throw new IllegalStateException("forecast.trainer.signing.required is on but forecast.trainer.signing.private-key-file"
                        + " is not set (create a pair with `bin/forecast keygen`)");
            }
            Log.warn("no forecast.trainer.signing.private-key-file: publishing unsigned models (development only)");
            return null;
        }
        var privateKey = signing.privateKeyFile().get();
        ModelSigner signer = ModelSigner.fromFiles(privateKey, signing.publicKeyFile().orElse(SigningKeys.publicKeyFileOf(privateKey)));
        Log.infof("signing published models with key %s (%s)", signer.keyId(), privateKey);
        return signer;
    }

    /**
     * Which weights records count as production: signed by the trusted keys, or by the signing key's own public key;
     * with neither configured (development), any well-formed record.
     */
    static ModelVerifier verifier(TrainerConfig.Signing signing) throws IOException {
        if (signing.trustedKeys().isPresent() && !signing.trustedKeys().get().isEmpty()) {
            return ModelVerifier.trustingFiles(signing.trustedKeys().get());
        }
        if (signing.privateKeyFile().isPresent()) {
            var privateKey = signing.privateKeyFile().get();
            return ModelVerifier.trustingFiles(List.of(signing.publicKeyFile().orElse(SigningKeys.publicKeyFileOf(privateKey))));
        }
        return ModelVerifier.DISABLED;
    }
}
