package org.forecaster.trainer.testing;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.forecaster.core.modelio.ModelFile;
import org.forecaster.core.modelio.ModelReader;
import org.forecaster.core.modelio.ModelSignature;
import org.forecaster.trainer.data.History;
import org.forecaster.trainer.data.HistorySource;
import org.forecaster.trainer.data.SeriesAssembler;
import org.forecaster.core.wire.Point;
import org.forecaster.trainer.publish.ModelPublisher;
import org.forecaster.trainer.publish.ModelRegistry;
import org.forecaster.trainer.publish.ProductionModel;

/**
 * The three topics a run touches, in memory: points to read, the weights "topic" (a list of records read
 * back with {@link ModelReader} as the Kafka registry does) and the evaluations. Switches make each side
 * fail like an unreachable broker.
 */
public final class InMemoryTopics implements HistorySource, ModelRegistry, ModelPublisher {
    public final List<Point> points = new ArrayList<>();
    public final List<byte[]> weights = new ArrayList<>();
    /** The signature sent with each entry of {@link #weights} (null when unsigned). */
    public final List<ModelSignature> signatures = new ArrayList<>();
    public final List<byte[]> evaluations = new ArrayList<>();
    public volatile boolean brokerDown;

    @Override
    public History read(Instant now, Duration lookBack, SeriesAssembler assembler) {
        failIfDown();
        points.forEach(assembler::add);
        return assembler.build(points.size());
    }

    @Override
    public ProductionModel production(String modelName) {
        failIfDown();
        ModelFile latest = null;
        long highest = 0;
        int invalid = 0;
        for (byte[] w : weights) {
            try {
                ModelFile f = ModelReader.read(w);
                if (f.header().name().equals(modelName)) {
                    latest = f;
                    highest = Math.max(highest, f.header().version());
                }
            } catch (IllegalArgumentException e) {
                invalid++;
            }
        }
        return new ProductionModel(latest, highest, invalid);
    }

    @Override
    public void publishWeights(String modelName, byte[] bytes, ModelSignature signature) {
        failIfDown();
        weights.add(bytes);
        signatures.add(signature);
    }

    @Override
    public void publishEvaluation(String modelName, byte[] json) {
        failIfDown();
        evaluations.add(json);
    }

    private void failIfDown() {
        if (brokerDown) {
            throw new IllegalStateException("broker unreachable (simulated)");
        }
    }
}
