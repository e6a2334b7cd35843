package org.forecaster.trainer.config;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.forecaster.core.baseline.HoltWinters;
import org.forecaster.core.model.CellType;
import org.forecaster.core.model.Features;
import org.forecaster.core.model.ModelSpec;
import org.forecaster.core.optim.LrSchedule;
import org.forecaster.core.train.TrainConfig;
import org.forecaster.trainer.evaluate.Gate;

/**
 * The validated, framework-free form of {@link TrainerConfig} that {@code RetrainJob} works with, so tests
 * build one directly.
 *
 * @param modelName     key of the weights record
 * @param lookBack      history read per run
 * @param stepMillis    grid step of the series
 * @param maxSeries     series cap
 * @param maxPoints     grid steps kept per series (most recent)
 * @param minPoints     shorter series are dropped
 * @param train         core's training configuration (architecture, TBPTT, optimizer, seed)
 * @param fineTune      start from the production weights when the architecture matches
 * @param margin        relative improvement of one-step MAE the candidate needs, in [0, 1)
 * @param force         publish any candidate that could be scored, whatever production scores (set per run by an operator)
 * @param seasonSteps   season of the seasonal-naive baseline
 * @param intervalLevel forecast interval level for the coverage figure
 * @param maxModelBytes largest weights record the trainer sends
 * @param gate          what a candidate must beat before the production comparison (baselines, horizons, coverage)
 */
public record TrainerSettings(String modelName, Duration lookBack, long stepMillis, int maxSeries, int maxPoints,
                              int minPoints, TrainConfig train, boolean fineTune, double margin, int seasonSteps,
                              double intervalLevel, int maxModelBytes, boolean force, Gate gate) {

    public TrainerSettings {
        if (lookBack.isNegative() || lookBack.isZero()) {
            throw new IllegalArgumentException("look-back must be positive, got " + lookBack);
        }
        if (stepMillis <= 0) {
            throw new IllegalArgumentException("step must be positive, got " + stepMillis + " ms");
        }
        if (maxSeries < 1 || maxPoints < 3 || minPoints < 3 || minPoints > maxPoints) {
            throw new IllegalArgumentException("need max-series >= 1 and 3 <= min-points <= max-points, got "
                    + maxSeries + ", " + minPoints + ", " + maxPoints);
        }
        if (!(margin >= 0 && margin < 1)) {
            throw new IllegalArgumentException("margin must be in [0, 1), got " + margin);
        }
        if (seasonSteps < 1) {
            throw new IllegalArgumentException("season must be at least 1 step, got " + seasonSteps);
        }
        if (!(intervalLevel > 0 && intervalLevel < 1)) {
            throw new IllegalArgumentException("interval level must be in (0, 1), got " + intervalLevel);
        }
        if (gate == null) {
            throw new IllegalArgumentException("gate must be given (Gate.productionOnly() for none)");
        }
        if (gate.baselines().contains(HoltWinters.NAME) && seasonSteps < 2) {
            throw new IllegalArgumentException("the holt-winters gate baseline needs season-steps >= 2, got " + seasonSteps
                    + "; remove it from evaluation.gate-baselines or raise the season");
        }
        if (maxModelBytes < 1024) {
            throw new IllegalArgumentException("max model bytes must be at least 1024, got " + maxModelBytes);
        }
    }

    public static TrainerSettings from(TrainerConfig c) {
        TrainerConfig.ModelConfig m = c.model();
        TrainerConfig.TrainingConfig t = c.training();
        int bins = m.profileBins();
        ModelSpec spec = new ModelSpec(CellType.valueOf(m.cell().toUpperCase(Locale.ROOT)), m.layers(),
                Features.count(0, bins), m.hidden(), m.horizon(), 0, bins, bins > 0 ? m.profileSeason().toMillis() : 0);
        TrainConfig train = TrainConfig.defaults(spec)
                .withTbptt(t.k1(), t.k2()).withTruncation(t.truncation())
                .withOptimizer(t.optimizer(), schedule(t.schedule(), t.learningRate(), t.scheduleDecay(), t.scheduleEvery()))
                .withClipNorm(t.clipNorm())
                .withEpochs(t.epochs(), t.patience())
                .withBatchSize(t.batchSize())
                .withSeed(t.seed());
        return new TrainerSettings(c.modelName(), c.lookBack(), c.step().toMillis(), c.maxSeries(), c.maxPointsPerSeries(),
                c.minPointsPerSeries(), train, t.fineTune(), c.evaluation().margin(), c.evaluation().seasonSteps(),
                c.evaluation().intervalLevel(), c.maxModelBytes(), false, gate(c.evaluation()));
    }

    /** The gate of the evaluation group; a baseline list of just {@code none} switches the baseline gate off. */
    static Gate gate(TrainerConfig.EvaluationConfig e) {
        List<String> baselines = e.gateBaselines().stream().map(b -> b.trim().toLowerCase(Locale.ROOT)).filter(b -> !b.isEmpty()).toList();
        if (baselines.equals(List.of("none"))) {
            baselines = List.of();
        }
        return new Gate(e.gateHorizons(), baselines, e.coverageTolerance());
    }

    /** The named schedule starting at {@code rate}. */
    public static LrSchedule schedule(String name, double rate, double decay, long every) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "constant" -> new LrSchedule.Constant(rate);
            case "step" -> new LrSchedule.Step(rate, every, decay);
            case "exponential" -> new LrSchedule.Exponential(rate, decay);
            case "inverse-time", "1/t" -> new LrSchedule.InverseTime(rate, decay);
            default -> throw new IllegalArgumentException(
                    "unknown learning-rate schedule '" + name + "' (constant, step, exponential, inverse-time)");
        };
    }

    /** A copy training with {@code t} instead, e.g. for a triggered run's overrides. */
    public TrainerSettings withTrain(TrainConfig t, boolean fine) {
        return new TrainerSettings(modelName, lookBack, stepMillis, maxSeries, maxPoints, minPoints, t, fine, margin,
                seasonSteps, intervalLevel, maxModelBytes, force, gate);
    }

    /** A copy with another baseline/coverage gate (tests that are about something else than the gate). */
    public TrainerSettings withGate(Gate g) {
        return new TrainerSettings(modelName, lookBack, stepMillis, maxSeries, maxPoints, minPoints, train, fineTune, margin,
                seasonSteps, intervalLevel, maxModelBytes, force, g);
    }

    /** These settings with the champion/challenger gate lifted for one run (an operator's explicit request). */
    public TrainerSettings withForce(boolean forcePublish) {
        return new TrainerSettings(modelName, lookBack, stepMillis, maxSeries, maxPoints, minPoints, train, fineTune, margin,
                seasonSteps, intervalLevel, maxModelBytes, forcePublish, gate);
    }
}
