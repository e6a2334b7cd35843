package org.forecaster.serving;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.forecaster.core.kernel.KernelsProvider;
import org.forecaster.core.model.CellType;
import org.forecaster.core.model.Features;
import org.forecaster.core.model.ModelSpec;
import org.forecaster.core.modelio.ModelFile;
import org.forecaster.core.modelio.ModelHeader;
import org.forecaster.core.modelio.ModelWriter;
import org.forecaster.core.train.Series;
import org.forecaster.core.train.TbpttTrainer;
import org.forecaster.core.train.TrainConfig;
import org.forecaster.core.wire.Point;
import org.forecaster.core.wire.WireJson;

/**
 * Small real models for the tests: a one-layer LSTM (hidden 8, horizon 3) trained for a few epochs on noisy
 * daily sines at a one-minute step, so forecasts follow the series and a spike scores near 1. Training is
 * deterministic for a seed; each seed is trained once per JVM.
 */
public final class TestModels {
    public static final long STEP = Duration.ofMinutes(1).toMillis();
    public static final Instant T0 = Instant.parse("2024-05-01T00:00:00Z");
    public static final ModelSpec SPEC = new ModelSpec(CellType.LSTM, 1, Features.COUNT, 8, 3);
    private static final Map<Long, float[]> TRAINED = new java.util.concurrent.ConcurrentHashMap<>();

    private TestModels() {}

    /** The parameters trained with {@code seed} (cached). */
    public static float[] parameters(long seed) {
        return TRAINED.computeIfAbsent(seed, s -> {
            TrainConfig config = TrainConfig.defaults(SPEC).withSeed(s).withEpochs(4, 2).withTbptt(24, 24).withBatchSize(4);
            List<Series> data = new ArrayList<>();
            for (int k = 0; k < 4; k++) {
                float[] v = new float[600];
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) value(k, i);
                }
                data.add(new Series("s" + k, T0.toEpochMilli(), STEP, v));
            }
            return new TbpttTrainer(config, KernelsProvider.get()).train(data).parameters();
        }).clone();
    }

    /** A smooth test signal: level 50 + 10 k, a 60-step cycle, deterministic small wiggle. */
    public static double value(int series, int i) {
        return 50 + 10 * series + 5 * Math.sin(2 * Math.PI * i / 60.0) + 0.3 * Math.sin(i * 1.7 + series);
    }

    public static ModelFile model(long version, long seed) {
        return model(version, seed, STEP);
    }

    /** The model trained with {@code seed}, declared to forecast series of step {@code stepMillis}. */
    public static ModelFile model(long version, long seed, long stepMillis) {
        ModelHeader h = new ModelHeader("forecaster", version, version > 1 ? version - 1 : null, SPEC,
                org.forecaster.core.model.NormalizerSpec.DEFAULT, stepMillis, null, null, 4, seed, Map.of(), Map.of(),
                Instant.parse("2024-06-01T00:00:00Z"));
        return new ModelFile(h, parameters(seed));
    }

    public static byte[] modelBytes(long version, long seed) {
        return ModelWriter.write(model(version, seed));
    }

    public static byte[] modelBytes(long version, long seed, long stepMillis) {
        return ModelWriter.write(model(version, seed, stepMillis));
    }

    /** A model file of {@code spec} with initialised (untrained) parameters, for tests of what is accepted. */
    public static byte[] modelBytes(String name, long version, ModelSpec spec) {
        ModelHeader h = new ModelHeader(name, version, null, spec, org.forecaster.core.model.NormalizerSpec.DEFAULT, STEP,
                null, null, 0, 1, Map.of(), Map.of(), Instant.parse("2024-06-01T00:00:00Z"));
        return ModelWriter.write(new ModelFile(h, org.forecaster.core.model.Forecaster.initialize(spec, 1, KernelsProvider.get()).parameters()));
    }

    /** A point of series {@code id} at step {@code i}. */
    public static Point point(String id, int i, double value) {
        Instant start = T0.plusMillis(i * STEP);
        return new Point(id, start, start.plusMillis(STEP), 1, value, value, value, value);
    }

    public static byte[] pointJson(String id, int i, double value) {
        return WireJson.write(point(id, i, value));
    }
}
