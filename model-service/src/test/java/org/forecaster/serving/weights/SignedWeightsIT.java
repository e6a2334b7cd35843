package org.forecaster.serving.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.forecaster.core.kernel.KernelsProvider;
import org.forecaster.core.model.CellType;
import org.forecaster.core.model.Features;
import org.forecaster.core.model.ModelSpec;
import org.forecaster.core.modelio.ModelAcceptance;
import org.forecaster.core.modelio.ModelSignature;
import org.forecaster.core.modelio.ModelSigner;
import org.forecaster.core.modelio.ModelVerifier;
import org.forecaster.core.modelio.SigningKeys;
import org.forecaster.serving.TestModels;
import org.forecaster.serving.metrics.ServingMetrics;
import org.forecaster.testkit.EmbeddedKafka;
import org.junit.jupiter.api.Test;

/**
 * Issue 17's model attacks on a real broker, with {@code model.weights} created as deployed
 * ({@code deploy/topics.properties}): a pod that reads the topic from the beginning serves the newest valid model,
 * whatever bad records follow it, and counts each by reason.
 */
class SignedWeightsIT {
    private static final String TOPIC = "model.weights";
    private static final KeyPair TRUSTED = SigningKeys.generate(), ROTATED = SigningKeys.generate(), ATTACKER = SigningKeys.generate();

    private static ProducerRecord<String, byte[]> record(String key, byte[] bytes, ModelSignature signature) {
        List<Header> headers = signature == null ? List.of() : List.of(
                new RecordHeader(ModelSignature.KEY_ID_HEADER, signature.keyIdBytes()),
                new RecordHeader(ModelSignature.SIGNATURE_HEADER, signature.signature()));
        return new ProducerRecord<>(TOPIC, null, key, bytes, headers);
    }

    private static ProducerRecord<String, byte[]> signed(ModelSigner signer, String key, byte[] bytes) {
        return record(key, bytes, signer.sign(bytes));
    }

    /** The deployed configs of {@code model.weights} ({@code name=partitions;config=value;...}). */
    private static Map<String, String> deployedConfig() throws IOException {
        Path file = Path.of("..", "deploy", "topics.properties");
        for (String line : Files.readAllLines(file)) {
            if (line.startsWith(TOPIC + "=")) {
                String[] parts = line.substring(TOPIC.length() + 1).split(";");
                Map<String, String> configs = new HashMap<>();
                for (int i = 1; i < parts.length; i++) {
                    String[] kv = parts[i].split("=", 2);
                    configs.put(kv[0], kv[1]);
                }
                return configs;
            }
        }
        throw new AssertionError(TOPIC + " is not in " + file.toAbsolutePath());
    }

    @Test
    void shouldServeTheNewestValidModelAfterEveryAttackOnAFreshPod() throws IOException {
        Map<String, String> configs = deployedConfig();
        assertTrue(Long.parseLong(configs.get("min.compaction.lag.ms")) >= Duration.ofDays(7).toMillis(),
                "compaction must keep a week of history, so the last good model outlives a bad newest record");
        ModelSigner trainer = new ModelSigner(TRUSTED), rotated = new ModelSigner(ROTATED), attacker = new ModelSigner(ATTACKER);
        byte[] v2 = TestModels.modelBytes(2, 11);
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>(List.of(
                signed(trainer, "forecaster", TestModels.modelBytes(1, 7)),
                signed(attacker, "forecaster", TestModels.modelBytes(50, 7)),                                          // forged
                record("forecaster", TestModels.modelBytes(51, 7), null),                                               // unsigned
                signed(trainer, "forecaster", TestModels.modelBytes("forecaster", Long.MAX_VALUE, TestModels.SPEC)),    // pins the fleet
                signed(trainer, "forecaster", TestModels.modelBytes("forecaster", 52,
                        new ModelSpec(CellType.LSTM, 8, Features.COUNT, 64, 1024))),                                    // oversized
                signed(trainer, "other", TestModels.modelBytes(53, 7)),                                                 // key != name
                signed(rotated, "forecaster", v2),                                                                      // rotation
                record("forecaster", TestModels.modelBytes(3, 12), trainer.sign(v2))));                                 // bad newest

        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopics(Map.of(TOPIC, 1), Map.of(TOPIC, configs));
            kafka.send(records);

            // A fresh pod: its own holder and listener, reading the whole topic from the start as its own group does.
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            ModelHolder holder = new ModelHolder(KernelsProvider.get(), new ServingMetrics(registry),
                    ModelVerifier.trusting(List.of(TRUSTED.getPublic(), ROTATED.getPublic())), ModelAcceptance.DEFAULT);
            WeightsListener listener = new WeightsListener(holder);
            List<ConsumerRecord<String, byte[]>> read = kafka.consume(TOPIC, records.size(), Duration.ofSeconds(60));
            assertEquals(records.size(), read.size());
            read.forEach(listener::onWeights);

            assertEquals(2, holder.current().version(), "the last good model serves, signed by the rotated key");
            for (String reason : List.of("untrusted-key", "unsigned", "version-too-high", "too-large", "key-mismatch", "bad-signature")) {
                assertEquals(1, registry.get("forecast.weights.rejected").tag("reason", reason).counter().count(), reason);
            }
            assertEquals(2, registry.get("forecast.weights.accepted").counter().count());
        }
    }
}
