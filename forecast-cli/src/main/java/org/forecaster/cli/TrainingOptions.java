package org.forecaster.cli;

import org.forecaster.core.model.CellType;
import org.forecaster.core.model.Features;
import org.forecaster.core.model.ModelSpec;
import org.forecaster.core.model.NormalizerSpec;
import org.forecaster.core.optim.LrSchedule;
import org.forecaster.core.train.Loss;
import org.forecaster.core.train.TrainConfig;
import org.forecaster.core.train.Truncation;
import picocli.CommandLine.Option;

/**
 * Model and training options shared by {@code backtest} and {@code detect}. Every field is null unless given,
 * so each command keeps its own defaults (a per-file detector wants a smaller, shorter run than a global
 * backtest model) and says them in its help; everything else comes from {@link TrainConfig#defaults}.
 */
final class TrainingOptions {
    @Option(names = "--cell", paramLabel = "TYPE", description = "Recurrent cell: ${COMPLETION-CANDIDATES}.")
    CellType cell;

    @Option(names = "--layers", paramLabel = "N", description = "Stacked recurrent layers.")
    Integer layers;

    @Option(names = "--hidden", paramLabel = "N", description = "Hidden size of each layer.")
    Integer hidden;

    @Option(names = "--epochs", paramLabel = "N", description = "Most passes over the training data.")
    Integer epochs;

    @Option(names = "--patience", paramLabel = "N", description = "Epochs without a better validation loss before stopping.")
    Integer patience;

    @Option(names = "--batch", paramLabel = "N", description = "Series advanced together per update.")
    Integer batch;

    @Option(names = "--lr", paramLabel = "RATE", description = "Learning rate (constant schedule).")
    Double lr;

    @Option(names = "--lr-decay", paramLabel = "K",
            description = "Exponential learning-rate decay per update: rate = lr * exp(-K * update); 0 keeps it constant.")
    Double lrDecay;

    @Option(names = "--optimizer", paramLabel = "NAME", description = "sgd, momentum, nesterov or adam.")
    String optimizer;

    @Option(names = "--k1", paramLabel = "N", description = "Truncated BPTT: steps between updates.")
    Integer k1;

    @Option(names = "--k2", paramLabel = "N", description = "Truncated BPTT: steps backpropagated (>= k1).")
    Integer k2;

    @Option(names = "--truncation", paramLabel = "KIND",
            description = "Truncated BPTT: WILLIAMS_PENG (the default: every k1 steps the last k1 losses backpropagate"
                    + " together through the last k2 steps) or PER_LOSS (the seed notes' definition: every loss through the"
                    + " k2 steps before it; k1 times the backward work).")
    Truncation truncation;

    @Option(names = "--loss", paramLabel = "NAME", description = "Training loss: ${COMPLETION-CANDIDATES}.")
    Loss loss;

    @Option(names = "--clip", paramLabel = "NORM", description = "Largest global gradient norm.")
    Double clip;

    @Option(names = "--warmup", paramLabel = "STEPS", description = "First steps of a series that are not scored in training.")
    Integer warmup;

    @Option(names = "--norm-alpha", paramLabel = "A",
            description = "Smallest update weight of the running normaliser (time constant about 1/A points).")
    Double normAlpha;

    /** The model spec with these options over the command's defaults, without a seasonal-lag input. */
    ModelSpec spec(CellType defCell, int defLayers, int defHidden, int horizon) {
        return spec(defCell, defLayers, defHidden, horizon, 0);
    }

    /** The same with a seasonal-lag input of {@code seasonLag} steps (0: none). */
    ModelSpec spec(CellType defCell, int defLayers, int defHidden, int horizon, int seasonLag) {
        return spec(defCell, defLayers, defHidden, horizon, seasonLag, 0, 0);
    }

    /**
     * The same with a seasonal-lag input of {@code seasonLag} steps or a seasonal profile of {@code profileBins} bins
     * over {@code profileSeasonMillis} (issue 15; 0: none); at most one of the two.
     */
    ModelSpec spec(CellType defCell, int defLayers, int defHidden, int horizon, int seasonLag, int profileBins,
                   long profileSeasonMillis) {
        return new ModelSpec(cell == null ? defCell : cell, layers == null ? defLayers : layers,
                Features.count(seasonLag, profileBins), hidden == null ? defHidden : hidden, horizon, seasonLag,
                profileBins, profileBins > 0 ? profileSeasonMillis : 0);
    }

    /** {@code base} with every given option applied. */
    TrainConfig apply(TrainConfig base) {
        TrainConfig c = base;
        if (epochs != null || patience != null) {
            c = c.withEpochs(epochs == null ? c.maxEpochs() : epochs, patience == null ? c.patience() : patience);
        }
        if (batch != null) {
            c = c.withBatchSize(batch);
        }
        if (lr != null || optimizer != null || lrDecay != null) {
            LrSchedule schedule = c.schedule();
            if (lr != null || lrDecay != null) {
                double rate0 = lr != null ? lr : schedule.rate(0);
                schedule = lrDecay == null || lrDecay == 0 ? new LrSchedule.Constant(rate0) : new LrSchedule.Exponential(rate0, lrDecay);
            }
            c = c.withOptimizer(optimizer == null ? c.optimizer() : optimizer, schedule);
        }
        if (k1 != null || k2 != null) {
            int a = k1 == null ? c.k1() : k1;
            int b = k2 == null ? Math.max(a, c.k2()) : k2;
            c = c.withTbptt(a, b);
        }
        if (truncation != null) {
            c = c.withTruncation(truncation);
        }
        if (loss != null) {
            c = c.withLoss(loss);
        }
        if (clip != null) {
            c = c.withClipNorm(clip);
        }
        if (warmup != null) {
            c = c.withWarmup(warmup);
        }
        if (normAlpha != null) {
            NormalizerSpec n = new NormalizerSpec(normAlpha, c.normalizer().epsilon());
            c = new TrainConfig(c.spec(), n, c.loss(), c.k1(), c.k2(), c.batchSize(), c.maxEpochs(), c.patience(),
                    c.optimizer(), c.schedule(), c.clipNorm(), c.seed(), c.split(), c.warmupSteps(), c.truncation());
        }
        return c;
    }
}
