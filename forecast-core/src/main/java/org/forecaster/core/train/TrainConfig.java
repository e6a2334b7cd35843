package org.forecaster.core.train;

import java.util.LinkedHashMap;
import java.util.Map;
import org.forecaster.core.model.ModelSpec;
import org.forecaster.core.model.NormalizerSpec;
import org.forecaster.core.optim.LrSchedule;

/**
 * Everything a training run needs besides data. Defaults live in {@link #defaults(ModelSpec)} only.
 *
 * @param k1 steps between parameter updates
 * @param k2 steps backpropagated at each update ({@code k2 >= k1})
 * @param batchSize series advanced together
 * @param maxEpochs passes over the training ranges
 * @param patience epochs without a better validation loss before stopping
 * @param optimizer {@code sgd | momentum | nesterov | adam}
 * @param clipNorm maximum global gradient norm
 * @param warmupSteps first steps of every series whose forecasts are not scored: the normaliser has seen too
 *                    few points there for its scale to mean anything
 * @param truncation where each loss's gradient is cut: {@link Truncation#WILLIAMS_PENG} (the default) or the seed
 *                   notes' {@link Truncation#PER_LOSS}
 */
public record TrainConfig(ModelSpec spec, NormalizerSpec normalizer, Loss loss, int k1, int k2, int batchSize,
                          int maxEpochs, int patience, String optimizer, LrSchedule schedule, double clipNorm,
                          long seed, TimeSplit split, int warmupSteps, Truncation truncation) {

    public TrainConfig {
        if (spec == null || normalizer == null || loss == null || optimizer == null || schedule == null || split == null
                || truncation == null) {
            throw new IllegalArgumentException("training config has a missing field");
        }
        if (k1 < 1 || k2 < k1) {
            throw new IllegalArgumentException("truncated BPTT needs 1 <= k1 <= k2, got k1 " + k1 + ", k2 " + k2);
        }
        if (batchSize < 1 || maxEpochs < 1 || patience < 1) {
            throw new IllegalArgumentException("batch size, epochs and patience must be >= 1, got "
                    + batchSize + ", " + maxEpochs + ", " + patience);
        }
        if (warmupSteps < 0) {
            throw new IllegalArgumentException("warm-up steps must be >= 0, got " + warmupSteps);
        }
        if (!(clipNorm > 0)) {
            throw new IllegalArgumentException("clip norm must be positive, got " + clipNorm);
        }
        org.forecaster.core.optim.Optimizer.named(optimizer); // validates the name
    }

    /** Adam at 3e-3, k1 = k2 = 48, batch 32, up to 30 epochs with patience 4, clip 100 (a tight clip starves the rare large errors and lets the scales collapse), Gaussian NLL, 70/20/10, 24 warm-up steps. */
    public static TrainConfig defaults(ModelSpec spec) {
        return new TrainConfig(spec, NormalizerSpec.DEFAULT, Loss.GAUSSIAN_NLL, 48, 48, 32, 30, 4, "adam",
                new LrSchedule.Constant(3e-3), 100.0, 42L, TimeSplit.DEFAULT, 24, Truncation.WILLIAMS_PENG);
    }

    public TrainConfig withSpec(ModelSpec s) {
        return new TrainConfig(s, normalizer, loss, k1, k2, batchSize, maxEpochs, patience, optimizer, schedule, clipNorm, seed, split, warmupSteps, truncation);
    }

    public TrainConfig withSeed(long s) {
        return new TrainConfig(spec, normalizer, loss, k1, k2, batchSize, maxEpochs, patience, optimizer, schedule, clipNorm, s, split, warmupSteps, truncation);
    }

    public TrainConfig withEpochs(int epochs, int patienceEpochs) {
        return new TrainConfig(spec, normalizer, loss, k1, k2, batchSize, epochs, patienceEpochs, optimizer, schedule, clipNorm, seed, split, warmupSteps, truncation);
    }

    public TrainConfig withTbptt(int newK1, int newK2) {
        return new TrainConfig(spec, normalizer, loss, newK1, newK2, batchSize, maxEpochs, patience, optimizer, schedule, clipNorm, seed, split, warmupSteps, truncation);
    }

    public TrainConfig withOptimizer(String name, LrSchedule s) {
        return new TrainConfig(spec, normalizer, loss, k1, k2, batchSize, maxEpochs, patience, name, s, clipNorm, seed, split, warmupSteps, truncation);
    }

    public TrainConfig withBatchSize(int b) {
        return new TrainConfig(spec, normalizer, loss, k1, k2, b, maxEpochs, patience, optimizer, schedule, clipNorm, seed, split, warmupSteps, truncation);
    }

    public TrainConfig withSplit(TimeSplit s) {
        return new TrainConfig(spec, normalizer, loss, k1, k2, batchSize, maxEpochs, patience, optimizer, schedule, clipNorm, seed, s, warmupSteps, truncation);
    }

    public TrainConfig withClipNorm(double c) {
        return new TrainConfig(spec, normalizer, loss, k1, k2, batchSize, maxEpochs, patience, optimizer, schedule, c, seed, split, warmupSteps, truncation);
    }

    public TrainConfig withLoss(Loss l) {
        return new TrainConfig(spec, normalizer, l, k1, k2, batchSize, maxEpochs, patience, optimizer, schedule, clipNorm, seed, split, warmupSteps, truncation);
    }

    public TrainConfig withWarmup(int steps) {
        return new TrainConfig(spec, normalizer, loss, k1, k2, batchSize, maxEpochs, patience, optimizer, schedule, clipNorm, seed, split, steps, truncation);
    }

    public TrainConfig withTruncation(Truncation t) {
        return new TrainConfig(spec, normalizer, loss, k1, k2, batchSize, maxEpochs, patience, optimizer, schedule, clipNorm, seed, split, warmupSteps, t);
    }

    /** The settings as strings, for a model file's lineage. */
    public Map<String, String> describe() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("loss", loss.name());
        m.put("k1", Integer.toString(k1));
        m.put("k2", Integer.toString(k2));
        m.put("batchSize", Integer.toString(batchSize));
        m.put("maxEpochs", Integer.toString(maxEpochs));
        m.put("patience", Integer.toString(patience));
        m.put("optimizer", optimizer);
        m.put("schedule", schedule.toString());
        m.put("clipNorm", Double.toString(clipNorm));
        m.put("split", split.train() + "/" + split.validation());
        m.put("warmupSteps", Integer.toString(warmupSteps));
        m.put("truncation", truncation.name());
        return m;
    }
}
