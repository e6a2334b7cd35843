package org.forecaster.trainer.evaluate;

import java.util.ArrayList;
import java.util.List;
import org.forecaster.core.baseline.Baseline;
import org.forecaster.core.baseline.HoltWinters;
import org.forecaster.core.baseline.NaiveForecast;
import org.forecaster.core.baseline.SeasonalNaiveForecast;
import org.forecaster.core.kernel.Kernels;
import org.forecaster.core.model.Forecaster;
import org.forecaster.core.model.IntervalShape;
import org.forecaster.core.model.ModelSpec;
import org.forecaster.core.model.NormalizerSpec;
import org.forecaster.core.model.Stepper;
import org.forecaster.core.train.HorizonEvaluation;
import org.forecaster.core.train.IntervalShapeFit;
import org.forecaster.core.train.OneStepEvaluation;
import org.forecaster.core.train.Series;
import org.forecaster.core.train.TbpttTrainer;
import org.forecaster.core.train.TimeSplit;
import org.forecaster.core.train.TrainConfig;

/**
 * Scores a model on the test range of every series ({@link TimeSplit#validationEnd} to the end: the most
 * recent slice, which neither the candidate nor, for the history the candidate saw, the production model's
 * training run used for fitting or early stopping). One-step figures come from {@link OneStepEvaluation}, which
 * runs the online {@link Stepper} from each series' first point exactly as the model service does; the
 * multi-horizon MASE against naive, seasonal naive and Holt-Winters (fitted on each series' prefix before the test
 * range) from {@link HorizonEvaluation}, on the same online path; the horizon loss from core's batched evaluation.
 * Candidate and production go through the same code on the same series. All three baselines are always scored (the
 * figures are reported whatever the gate checks); Holt-Winters only with a season of at least 2 steps.
 */
public final class Evaluator {
    private static final int MAX_GAP_STEPS = 10_000; // fill gaps step by step, as training does
    private static final int RING = 48;

    private final TrainConfig base;
    private final int seasonSteps;
    private final double intervalLevel;
    private final List<Integer> gateHorizons;
    private final Kernels kernels;

    /**
     * @param base         the run's training config: its split, loss and TBPTT settings are reused
     * @param gateHorizons horizons of the multi-horizon figures (clipped to each model's K)
     */
    public Evaluator(TrainConfig base, int seasonSteps, double intervalLevel, List<Integer> gateHorizons, Kernels kernels) {
        this.base = base;
        this.seasonSteps = seasonSteps;
        this.intervalLevel = intervalLevel;
        this.gateHorizons = List.copyOf(gateHorizons);
        this.kernels = kernels;
    }

    /** The baselines scored beside every model, in a fixed order. */
    private List<Baseline> baselines() {
        List<Baseline> b = new ArrayList<>(List.of(new NaiveForecast(), new SeasonalNaiveForecast(seasonSteps)));
        if (seasonSteps >= 2) {
            b.add(new HoltWinters(seasonSteps));
        }
        return b;
    }

    /**
     * A candidate's {@link IntervalShape}, fitted on the validation range of every series ({@link TimeSplit#trainEnd}
     * to {@link TimeSplit#validationEnd}: held back from the gradient, before the test range that {@link #score} uses)
     * through the online stepper.
     */
    public IntervalShape fitShape(ModelSpec spec, NormalizerSpec normalizer, float[] params, List<Series> data) {
        Forecaster model = new Forecaster(spec, params, kernels);
        IntervalShape flat = IntervalShape.flat(spec.horizon());
        IntervalShapeFit fit = new IntervalShapeFit(flat, intervalLevel);
        for (Series s : data) {
            int from = base.split().trainEnd(s.length()), until = base.split().validationEnd(s.length());
            if (from < until) {
                fit.add(new Stepper(model, normalizer, s.stepMillis(), intervalLevel, MAX_GAP_STEPS, RING, flat), s, from, until);
            }
        }
        return fit.shape();
    }

    /** Scores a model whose forecast intervals have the given shape (its header's; a candidate's from {@link #fitShape}). */
    public Scores score(ModelSpec spec, NormalizerSpec normalizer, float[] params, IntervalShape shape, List<Series> data) {
        Forecaster model = new Forecaster(spec, params, kernels);
        double rel = 0, mae = 0, naiveRel = 0;
        long inside = 0, points = 0;
        int scored = 0, withBaseline = 0;
        List<Baseline> baselines = baselines();
        int[] horizons = HorizonEvaluation.clip(gateHorizons, spec.horizon());
        List<HorizonEvaluation.SeriesScore> perSeries = new ArrayList<>();
        for (Series s : data) {
            int from = base.split().validationEnd(s.length());
            if (from >= 1 && from < s.length()) {
                Stepper online = new Stepper(model, normalizer, s.stepMillis(), intervalLevel, MAX_GAP_STEPS, RING, shape);
                perSeries.add(HorizonEvaluation.score(HorizonEvaluation.of(online), s, from, s.length(), horizons, baselines,
                        seasonSteps));
            }
            Stepper stepper = new Stepper(model, normalizer, s.stepMillis(), intervalLevel, MAX_GAP_STEPS, RING, shape);
            OneStepEvaluation e = OneStepEvaluation.run(stepper, s, base.split().validationEnd(s.length()), s.length(),
                    Math.min(seasonSteps, Math.max(1, s.length() - 1)));
            if (e.count() == 0) {
                continue;
            }
            scored++;
            mae += e.modelMae();
            points += e.count();
            inside += Math.round(e.coverage() * e.count());
            if (e.seasonalNaiveMae() > 0) {
                rel += e.modelMae() / e.seasonalNaiveMae();
                naiveRel += e.naiveMae() / e.seasonalNaiveMae();
                withBaseline++;
            }
        }
        TrainConfig forModel = new TrainConfig(spec, normalizer, base.loss(), base.k1(), base.k2(), base.batchSize(),
                base.maxEpochs(), base.patience(), base.optimizer(), base.schedule(), base.clipNorm(), base.seed(),
                base.split(), base.warmupSteps(), base.truncation());
        double nll = new TbpttTrainer(forModel, kernels).evaluate(params, data, TbpttTrainer.Range.TEST);
        return new Scores(withBaseline == 0 ? Double.NaN : rel / withBaseline, scored == 0 ? Double.NaN : mae / scored,
                withBaseline == 0 ? Double.NaN : naiveRel / withBaseline, points == 0 ? Double.NaN : (double) inside / points,
                nll, scored, points,
                HorizonEvaluation.combine(horizons, baselines.stream().map(Baseline::name).toList(), perSeries));
    }
}
