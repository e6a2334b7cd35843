package org.forecaster.trainer.publish;

import io.quarkus.logging.Log;
import java.time.Duration;
import org.forecaster.core.modelio.ModelFile;
import org.forecaster.core.modelio.ModelReader;
import org.forecaster.trainer.data.TopicReader;

/**
 * Reads the compacted weights topic from the beginning to its current end and keeps the latest record under
 * the model name that {@link ModelReader} accepts; invalid ones are logged and skipped, the same rule the
 * model service applies, so both agree on what is in production.
 */
public final class KafkaModelRegistry implements ModelRegistry {
    private final TopicReader reader;
    private final String topic;
    private final Duration timeout;

    public KafkaModelRegistry(TopicReader reader, String topic, Duration timeout) {
        this.reader = reader;
        this.topic = topic;
        this.timeout = timeout;
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
                ModelFile f = ModelReader.read(r.value());
                if (!f.header().name().equals(modelName)) {
                    throw new IllegalArgumentException("header names model " + f.header().name());
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
}
