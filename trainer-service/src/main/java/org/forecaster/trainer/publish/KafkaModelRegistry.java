package org.forecaster.trainer.publish;

import io.quarkus.logging.Log;
import java.time.Duration;
import org.apache.kafka.common.header.Header;
import org.forecaster.core.modelio.ModelAcceptance;
import org.forecaster.core.modelio.ModelFile;
import org.forecaster.core.modelio.ModelReader;
import org.forecaster.core.modelio.ModelSignature;
import org.forecaster.core.modelio.ModelVerifier;
import org.forecaster.trainer.data.TopicReader;

/**
 * Reads the compacted weights topic from the beginning to its current end and keeps the latest record under
 * the model name that passes the model service's checks (signature by a trusted key, {@link ModelReader},
 * {@link ModelAcceptance}); invalid ones are logged and skipped, so both agree on what is in production, and a
 * forged record can neither become the champion a candidate must beat nor push the next version up.
 */
public final class KafkaModelRegistry implements ModelRegistry {
    private final TopicReader reader;
    private final String topic;
    private final Duration timeout;
    private final ModelVerifier verifier;
    private final ModelAcceptance acceptance;

    public KafkaModelRegistry(TopicReader reader, String topic, Duration timeout, ModelVerifier verifier, ModelAcceptance acceptance) {
        this.reader = reader;
        this.topic = topic;
        this.timeout = timeout;
        this.verifier = verifier;
        this.acceptance = acceptance;
    }

    @Override
    public ProductionModel production(String modelName) {
        ModelFile[] latest = {null};
        long[] highest = {0};
        int[] invalid = {0};
        reader.read(topic, c -> null, r -> {
            if (!modelName.equals(r.key()) || r.value() == null) {
                return;
            }
            try {
                ModelSignature signature = ModelSignature.fromHeaders(value(r.headers().lastHeader(ModelSignature.KEY_ID_HEADER)),
                        value(r.headers().lastHeader(ModelSignature.SIGNATURE_HEADER)));
                ModelVerifier.Failure unsigned = verifier.check(r.value(), signature);
                if (unsigned != null) {
                    throw new IllegalArgumentException("signature: " + unsigned.label);
                }
                ModelFile f = ModelReader.read(r.value());
                ModelAcceptance.Rejection refused = acceptance.check(r.key(), f.header(), highest[0] == 0 ? null : highest[0]);
                if (refused != null) {
                    throw new IllegalArgumentException(refused.reason() + ": " + refused.message());
                }
                latest[0] = f;
                highest[0] = Math.max(highest[0], f.header().version());
            } catch (IllegalArgumentException e) {
                invalid[0]++;
                Log.warnf("skipping invalid weights record %s-%d@%d: %s", r.topic(), r.partition(), r.offset(), e.getMessage());
            }
        }, timeout);
        return new ProductionModel(latest[0], highest[0], invalid[0]);
    }

    private static byte[] value(Header h) {
        return h == null ? null : h.value();
    }
}
