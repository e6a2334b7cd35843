package org.forecaster.cli;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.forecaster.core.anomaly.AlertRule;
import org.forecaster.core.anomaly.AnomalyScorer;
import org.forecaster.core.anomaly.NoveltyScore;
import org.forecaster.core.anomaly.TailScore;
import org.forecaster.core.data.SeriesFiles;
import org.forecaster.core.data.SeriesFiles.TimedValues;
import org.forecaster.core.kernel.Kernels;
import org.forecaster.core.model.Features;
import org.forecaster.core.model.Forecaster;
import org.forecaster.core.model.ModelSpec;
import org.forecaster.core.model.StepResult;
import org.forecaster.core.online.PointStep;
import org.forecaster.core.online.ScoredStep;
import org.forecaster.core.state.KeyState;
import org.forecaster.core.train.NonFiniteLossException;
import org.forecaster.core.train.Series;
import org.forecaster.core.train.TbpttTrainer;
import org.forecaster.core.train.TrainConfig;
import org.forecaster.core.train.TrainResult;

/**
 * Simulates the live system on one series, row by row, and returns one anomaly score per row.
 *
 * <p>The first {@code probation} fraction of rows is the probationary period: the first model is trained on it
 * and its rows score 0 (they are still stepped and scored, so the scorer learns from them). Every row is stepped
 * through the model service's per-point step ({@link PointStep}) and scored against the one-step prediction made
 * before it; every {@code retrainEvery} rows a new model is trained on the rows seen so far (warm-started from the
 * current weights, as the trainer service does) and swapped in, and the next row re-warms the key's state under
 * it. So the score of row t depends only on rows up to t.
 *
 * <p>Deterministic: the same rows and settings give the same scores.
 */
final class OnlineDetector {
    /** Settings of one detection run. */
    record Settings(TrainConfig initial, TrainConfig retrain, double probation, int probationCap, int retrainEvery,
                    int trainWindow, int ringCapacity, int maxGapSteps, Supplier<AnomalyScorer> scorer, long seasonMillis,
                    boolean seasonInput, int profileBins) {
        /** Without a seasonal profile. */
        Settings(TrainConfig initial, TrainConfig retrain, double probation, int probationCap, int retrainEvery,
                 int trainWindow, int ringCapacity, int maxGapSteps, Supplier<AnomalyScorer> scorer, long seasonMillis,
                 boolean seasonInput) {
            this(initial, retrain, probation, probationCap, retrainEvery, trainWindow, ringCapacity, maxGapSteps, scorer,
                    seasonMillis, seasonInput, 0);
        }

        /** Scored by {@link TailScore}, without a season. */
        Settings(TrainConfig initial, TrainConfig retrain, double probation, int probationCap, int retrainEvery,
                 int trainWindow, int ringCapacity, int maxGapSteps, TailScore.Spec score) {
            this(initial, retrain, probation, probationCap, retrainEvery, trainWindow, ringCapacity, maxGapSteps,
                    () -> new TailScore(score), 0, false, 0);
        }

        Settings {
            if (seasonMillis < 0) {
                throw new IllegalArgumentException("season must not be negative, got " + seasonMillis + " ms");
            }
            if (profileBins < 0 || (profileBins > 0 && seasonMillis < profileBins)) {
                throw new IllegalArgumentException("profile bins must be >= 0 and need a season of at least a millisecond"
                        + " each, got " + profileBins + " bins over " + seasonMillis + " ms");
            }
            if (!(probation > 0 && probation < 1) || probationCap < 2) {
                throw new IllegalArgumentException("probation must be in (0, 1) and its cap >= 2 rows, got " + probation
                        + " and " + probationCap);
            }
            if (retrainEvery < 0 || trainWindow < 0 || ringCapacity < 1 || maxGapSteps < 0) {
                throw new IllegalArgumentException("retrain every " + retrainEvery + ", train window " + trainWindow
                        + ", ring " + ringCapacity + " and max gap " + maxGapSteps + " must not be negative (ring >= 1)");
            }
        }
    }

    /** Per-row outputs: the score written, and the raw one-step prediction behind it (NaN where none). */
    record Result(double[] scores, double[] expected, double[] sigma, int models) {}

    private final Settings settings;
    private final Kernels kernels;

    OnlineDetector(Settings settings, Kernels kernels) {
        this.settings = settings;
        this.kernels = kernels;
    }

    /**
     * Number of probationary rows of a file of {@code n} rows: NAB's rule, {@code min(floor(0.15 n), 750)} with the
     * defaults. It is the only thing that depends on the length of the file, as in NAB, where a detector is told
     * the probationary period.
     */
    int probationRows(int n) {
        return Math.max(2, Math.min((int) Math.floor(settings.probation() * n), settings.probationCap()));
    }

    Result run(String id, TimedValues rows) {
        return run(id, rows, probationRows(rows.size()), () -> {});
    }

    /** The same, telling {@code rowDone} after each row (for progress). */
    Result run(String id, TimedValues rows, Runnable rowDone) {
        return run(id, rows, probationRows(rows.size()), rowDone);
    }

    /** Runs with an explicit probationary period of {@code probation} rows. */
    Result run(String id, TimedValues rows, int probation) {
        return run(id, rows, probation, () -> {});
    }

    private Result run(String id, TimedValues rows, int probation, Runnable rowDone) {
        int n = rows.size();
        double[] scores = new double[n];
        double[] expected = new double[n];
        double[] sigma = new double[n];
        Arrays.fill(expected, Double.NaN);
        Arrays.fill(sigma, Double.NaN);
        if (n < 3) {
            return new Result(scores, expected, sigma, 0);
        }
        long step = SeriesFiles.inferStep(rows.timestamps());
        int lag = seasonLag(step);
        TrainConfig initial = withSeason(settings.initial(), lag), retrain = withSeason(settings.retrain(), lag);
        float[] params = train(id, rows, 0, Math.min(probation, n), step, initial, null);
        long version = 1;
        int models = 1;
        PointStep pointStep = pointStep(initial, params, step, version);
        KeyState state = pointStep.newState();
        AnomalyScorer scorer = settings.scorer().get();
        int sinceTrain = 0;
        for (int t = 0; t < n; t++, rowDone.run()) { // in the update, so skipped rows count too
            if (t > probation && settings.retrainEvery() > 0 && sinceTrain >= settings.retrainEvery()) {
                int from = settings.trainWindow() > 0 ? Math.max(0, t - settings.trainWindow()) : 0;
                params = train(id, rows, from, t, step, retrain, params);
                // The next stepped row re-warms the key's state under the new model, as in the service.
                pointStep = pointStep(initial, params, step, ++version);
                models++;
                sinceTrain = 0;
            }
            if (t >= probation) {
                sinceTrain++;
            }
            long ts = rows.timestamps()[t];
            if (state.lastTimestamp != KeyState.NO_TIMESTAMP
                    && Math.floorDiv(ts - state.lastTimestamp + step / 2, step) < 1) {
                // A duplicate, out-of-order row, or one less than half a step after the last stepped row (a burst of
                // rows at nearly the same time): not a new step, so it is not stepped (stepping it would shift the
                // ring a season is read from and count one step twice). It belongs to the last stepped row's
                // incident: it repeats that score as an echo at most, so a duplicated alerting row is not a second
                // detection.
                scores[t] = t > 0 ? Math.min(scores[t - 1], NoveltyScore.ECHO) : 0;
                continue;
            }
            StepResult r = pointStep.observe(id, state, Instant.ofEpochMilli(ts), rows.values()[t], scorer).result();
            if (r.scored) {
                expected[t] = r.expected;
                sigma[t] = r.sigma;
            }
            scores[t] = t < probation ? 0 : r.score;
        }
        return new Result(scores, expected, sigma, models);
    }

    /**
     * The service's per-point step for this model. Detect writes every score, so no point is cold; its alert rule
     * (the service's default) only keeps the state's alert run as the service would.
     */
    private PointStep pointStep(TrainConfig cfg, float[] params, long step, long version) {
        Forecaster model = new Forecaster(cfg.spec(), params, kernels);
        PointStep.Rules rules = new PointStep.Rules(0.95, settings.maxGapSteps(), settings.ringCapacity(), 0,
                settings.seasonMillis(), null, AlertRule.NOVELTY_DEFAULT);
        return new PointStep(model, cfg.normalizer(), step, version, rules);
    }

    /**
     * The seasonal lag in steps of a file with this step: the season divided by the step when it divides evenly,
     * spans at least 2 steps and fits the ring; otherwise 0 (no lag input for that file).
     */
    int seasonLag(long step) {
        return settings.seasonInput() ? seasonSteps(step) : 0;
    }

    /** The season in steps for this step (as {@link #seasonLag}), whether or not the model takes it as an input. */
    int seasonSteps(long step) {
        return ScoredStep.seasonSteps(settings.seasonMillis(), step, settings.ringCapacity());
    }

    /** {@code cfg} with this file's season lag, or with the settings' profile (which any step can use) instead. */
    private TrainConfig withSeason(TrainConfig cfg, int lag) {
        ModelSpec s = cfg.spec();
        int bins = settings.profileBins();
        long season = bins > 0 ? settings.seasonMillis() : 0;
        int l = bins > 0 ? 0 : lag;
        return l == s.seasonLag() && bins == s.profileBins() && season == s.profileSeasonMillis() ? cfg
                : cfg.withSpec(new ModelSpec(s.cell(), s.layers(), Features.count(l, bins), s.hidden(), s.horizon(), l, bins,
                        season));
    }

    /** Trains on rows [from, until) placed on the step grid; warm-starts from {@code start} when given. */
    private float[] train(String id, TimedValues rows, int from, int until, long step, TrainConfig cfg, float[] start) {
        TimedValues part = new TimedValues(Arrays.copyOfRange(rows.timestamps(), from, until),
                Arrays.copyOfRange(rows.values(), from, until));
        Series s = SeriesFiles.regularize(id, part, step);
        TbpttTrainer trainer = new TbpttTrainer(cfg, kernels);
        float[] init = start != null ? start : Forecaster.initialize(cfg.spec(), cfg.seed(), kernels).parameters();
        if (cfg.split().trainEnd(s.length()) <= cfg.warmupSteps() + 2) {
            return init; // too little data to train on: keep the model (at first, the untrained persistence model)
        }
        try {
            TrainResult r = trainer.train(List.of(s), init);
            return r.parameters();
        } catch (NonFiniteLossException e) {
            // As the trainer service does: a run that diverges publishes nothing, the current model stays.
            return init;
        }
    }
}
