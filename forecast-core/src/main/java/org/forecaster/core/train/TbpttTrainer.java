package org.forecaster.core.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.forecaster.core.kernel.Kernels;
import org.forecaster.core.model.Features;
import org.forecaster.core.model.Forecaster;
import org.forecaster.core.model.ModelSpec;
import org.forecaster.core.model.StepCaches;
import org.forecaster.core.optim.GlobalNormClipping;
import org.forecaster.core.optim.Optimizer;

/**
 * Truncated backpropagation through time, TBPTT(k1, k2) (Williams and Peng 1990; seed 001): mini-batches of
 * series advance in lockstep from a zero state, carrying their state across the whole training range;
 * every k1 steps the loss of those k1 steps is backpropagated through the last k2 steps and the optimizer
 * updates the parameters. That is {@link Truncation#WILLIAMS_PENG}, the default; {@link Truncation#PER_LOSS} is the
 * seed notes' definition instead: each of those k1 losses backpropagates through the k2 steps up to its own step
 * (k1 sweeps per update; docs/evaluation.md compares the two). Each epoch visits the series in a seeded random order (series are shuffled,
 * time never is), then scores the validation range with the parameters and with their running average over the
 * updates ({@link #AVERAGE_DECAY}); the best of either by validation loss is kept, and training (which goes on from
 * the parameters, not their average) stops after {@code patience} epochs without improvement.
 *
 * <p>Single-threaded and deterministic: the same data, config and seed give bit-identical parameters.
 */
public final class TbpttTrainer {
    private final TrainConfig config;
    private final Kernels kernels;
    private final Listener listener;

    /** Told after every training batch, on the training thread, e.g. for a progress display; must be cheap. */
    @FunctionalInterface
    public interface Listener {
        Listener NONE = (epoch, batch, batches) -> {};

        /** Batch {@code batch} (1-based) of {@code batches} of epoch {@code epoch} (0-based) is done. */
        void batchDone(int epoch, int batch, int batches);
    }

    public TbpttTrainer(TrainConfig config, Kernels kernels) {
        this(config, kernels, Listener.NONE);
    }

    public TbpttTrainer(TrainConfig config, Kernels kernels, Listener listener) {
        this.config = config;
        this.kernels = kernels;
        this.listener = listener;
        Features.check(config.spec());
    }

    /** Trains a freshly initialised model (seeded). */
    public TrainResult train(List<Series> data) {
        return train(data, Forecaster.initialize(config.spec(), config.seed(), kernels).parameters());
    }

    /** Trains starting from {@code initial} (copied; e.g. to fine-tune the production model). */
    public TrainResult train(List<Series> data, float[] initial) {
        List<PreparedSeries> series = prepare(data);
        if (series.isEmpty()) {
            throw new IllegalArgumentException("no series long enough to train on (need more than " + 2 + " training steps)");
        }
        ModelSpec spec = config.spec();
        Forecaster model = new Forecaster(spec, initial.clone(), kernels);
        Optimizer optimizer = Optimizer.named(config.optimizer());
        optimizer.init(spec.parameterCount());
        Run run = new Run(model, optimizer, Math.min(config.batchSize(), series.size()));
        SplittableRandom random = new SplittableRandom(config.seed());

        float[] best = model.parameters().clone();
        double bestLoss = Double.POSITIVE_INFINITY;
        List<Double> trainHistory = new ArrayList<>(), validationHistory = new ArrayList<>();
        int epochsRun = 0, sinceBest = 0;
        int[] order = new int[series.size()];
        for (int epoch = 0; epoch < config.maxEpochs(); epoch++) {
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            for (int i = order.length - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            run.lossSum = 0;
            run.lossCount = 0;
            int batches = (order.length + run.maxBatch - 1) / run.maxBatch;
            for (int from = 0, b = 1; from < order.length; from += run.maxBatch, b++) {
                List<PreparedSeries> batch = new ArrayList<>();
                for (int i = from; i < Math.min(order.length, from + run.maxBatch); i++) {
                    batch.add(series.get(order[i]));
                }
                run.trainBatch(batch);
                listener.batchDone(epoch, b, batches);
            }
            epochsRun++;
            trainHistory.add(run.lossCount == 0 ? Double.NaN : run.lossSum / run.lossCount);
            double validation = evaluate(model, series, Range.VALIDATION, run);
            float[] params = model.parameters(), candidate = params;
            if (run.average != null) {
                System.arraycopy(params, 0, run.saved, 0, params.length);
                System.arraycopy(run.average, 0, params, 0, params.length);
                double averaged = evaluate(model, series, Range.VALIDATION, run);
                System.arraycopy(run.saved, 0, params, 0, params.length);
                if (averaged < validation || Double.isNaN(validation) && !Double.isNaN(averaged)) {
                    validation = averaged;
                    candidate = run.average;
                }
            }
            validationHistory.add(validation);
            if (Double.isNaN(validation)) { // no validation data: keep the latest parameters
                best = model.parameters().clone();
                continue;
            }
            if (validation < bestLoss) {
                bestLoss = validation;
                System.arraycopy(candidate, 0, best, 0, best.length);
                sinceBest = 0;
            } else if (++sinceBest >= config.patience()) {
                break;
            }
        }
        return new TrainResult(best, epochsRun, run.updates, Double.isInfinite(bestLoss) ? Double.NaN : bestLoss,
                List.copyOf(trainHistory), List.copyOf(validationHistory));
    }

    /**
     * Decay per update of the parameters' running average (Polyak averaging; about the last 100 updates): Adam at a
     * constant rate leaves the parameters wandering around a minimum, and their validation loss jumps from epoch to
     * epoch (M4's -0.30 at one epoch, +0.51 at the next), so the best epoch is partly a draw. The average is scored
     * beside them after every epoch. M4 Hourly, own cut, seeds 42 / 43 / 44: OWA 0.529 / 0.551 / 0.541 -> 0.530 /
     * 0.517 / 0.528; the bundled model's recipe: validation loss -0.8170 / -0.8465 / -0.8401 -> -0.8232 / -0.8493 /
     * -0.8401 (docs/evaluation.md, "the parameters' running average").
     */
    static final double AVERAGE_DECAY = 0.99;

    /** Which targets a pass scores. */
    public enum Range { TRAIN, VALIDATION, TEST }

    /**
     * Mean loss per target of {@code params} on the given range of every series (running each series from
     * its start so the state is warm), using this trainer's normaliser, split and loss.
     */
    public double evaluate(float[] params, List<Series> data, Range range) {
        List<PreparedSeries> series = prepare(data);
        Forecaster model = new Forecaster(config.spec(), params.clone(), kernels);
        Run run = new Run(model, null, Math.max(1, Math.min(config.batchSize(), series.size())));
        return evaluate(model, series, range, run);
    }

    private double evaluate(Forecaster model, List<PreparedSeries> series, Range range, Run run) {
        double sum = 0;
        long count = 0;
        for (int from = 0; from < series.size(); from += run.maxBatch) {
            List<PreparedSeries> batch = series.subList(from, Math.min(series.size(), from + run.maxBatch));
            double[] r = run.scoreBatch(batch, range);
            sum += r[0];
            count += (long) r[1];
        }
        return count == 0 ? Double.NaN : sum / count;
    }

    /**
     * The one-step prediction (raw units) the network makes at every step of {@code series}, run from its start
     * exactly as training runs it, missing steps included: entry t predicts step t + 1. For tests that hold
     * training and serving to the same inputs.
     */
    double[] oneStepPredictions(float[] params, Series series) {
        PreparedSeries p = new PreparedSeries(series, config.normalizer(), config.spec());
        Forecaster model = new Forecaster(config.spec(), params.clone(), kernels);
        Run run = new Run(model, null, 1);
        run.resetStates();
        double[] predictions = new double[p.length];
        StepCaches cache = run.ring[0];
        for (int t = 0; t < p.length; t++) {
            run.forward(List.of(p), t, cache);
            predictions[t] = p.mean[t] + p.scale[t] * cache.out()[0];
        }
        return predictions;
    }

    private List<PreparedSeries> prepare(List<Series> data) {
        List<PreparedSeries> out = new ArrayList<>(data.size());
        for (Series s : data) {
            if (config.split().trainEnd(s.length()) > 2) {
                out.add(new PreparedSeries(s, config.normalizer(), config.spec()));
            }
        }
        return out;
    }

    /** The working buffers of one run: allocated once, reused for every batch and step. */
    private final class Run {
        final Forecaster model;
        final Optimizer optimizer;
        final int maxBatch;
        final int horizon, in, out;
        final StepCaches[] ring;
        final float[][] states;
        final float[][] dStates, scratch;
        final float[] x, dOut, targets, prevMean, grads;
        /** Per key the K seasonal-naive or profile bases of the means; null for a model with neither. */
        final float[] base;
        final int[] counted = new int[1];
        long updates;
        /** The parameters' running average over the updates, and the parameters set aside while it is scored; null for a run that only scores. */
        final float[] average, saved;
        double lossSum;
        long lossCount;

        Run(Forecaster model, Optimizer optimizer, int maxBatch) {
            this.model = model;
            this.optimizer = optimizer;
            this.maxBatch = maxBatch;
            this.average = optimizer == null ? null : model.parameters().clone();
            this.saved = average == null ? null : new float[average.length];
            ModelSpec spec = model.spec();
            this.horizon = spec.horizon();
            this.in = spec.inputSize();
            this.out = model.outputSize();
            // A per-loss sweep from the oldest of the k1 losses reaches k2 - 1 steps further back than the newest.
            this.ring = new StepCaches[optimizer == null ? 1 : config.truncation() == Truncation.PER_LOSS
                    ? config.k1() + config.k2() - 1 : config.k2()];
            for (int i = 0; i < ring.length; i++) {
                ring[i] = model.newCache(maxBatch);
            }
            this.states = model.newStates(maxBatch);
            this.dStates = model.newStates(maxBatch);
            this.scratch = model.newGradientScratch(maxBatch);
            this.x = new float[maxBatch * in];
            this.base = spec.seasonLag() > 0 || spec.hasProfile() ? new float[maxBatch * horizon] : null;
            this.dOut = new float[maxBatch * out];
            this.targets = new float[horizon];
            this.prevMean = new float[maxBatch];
            this.grads = new float[spec.parameterCount()];
        }

        private void resetStates() {
            for (float[] s : states) {
                Arrays.fill(s, 0f);
            }
            Arrays.fill(prevMean, 0f);
        }

        /** Features of every key at step t; a missing value is replaced by the key's own last forecast. */
        private void fillInputs(List<PreparedSeries> batch, int t) {
            for (int b = 0; b < batch.size(); b++) {
                PreparedSeries s = batch.get(b);
                if (t < s.length) {
                    System.arraycopy(s.features, t * in, x, b * in, in);
                    if (s.missing[t]) {
                        x[b * in] = Math.max(-Features.CLIP, Math.min(Features.CLIP, prevMean[b]));
                        int lag = model.spec().seasonLag(), j = t + 1 - lag;
                        boolean profileUnknown = s.profileBase != null && Float.isNaN(s.profileBase[t * horizon]);
                        if (profileUnknown || (lag > 0 && (j < 0 || s.missing[j]))) {
                            // An unknown lag falls back on the step's own input, here the model's forecast, as the
                            // Stepper does when it fills a gap (PreparedSeries could only put the missing 0 there).
                            Features.fillLag(x, b * in, x[b * in]);
                        }
                    }
                } else {
                    Arrays.fill(x, b * in, (b + 1) * in, 0f);
                }
                if (base != null) {
                    if (t < s.length && s.profileBase != null) {
                        s.profileBase(t, x[b * in], base, b * horizon);
                    } else if (t < s.length) {
                        s.seasonalBase(t, horizon, model.spec().seasonLag(), x[b * in], base, b * horizon);
                    } else {
                        Arrays.fill(base, b * horizon, (b + 1) * horizon, 0f);
                    }
                }
            }
        }

        private void forward(List<PreparedSeries> batch, int t, StepCaches cache) {
            fillInputs(batch, t);
            model.step(batch.size(), x, 0, in, states, cache.out(), 0, cache, base, 0);
            for (int b = 0; b < batch.size(); b++) {
                prevMean[b] = cache.out()[b * out];
            }
        }

        void trainBatch(List<PreparedSeries> batch) {
            resetStates();
            int steps = 0;
            for (PreparedSeries s : batch) {
                steps = Math.max(steps, config.split().trainEnd(s.length));
            }
            int k1 = config.k1(), pending = 0;
            for (int t = 0; t < steps; t++) {
                forward(batch, t, ring[t % ring.length]);
                pending++;
                if (pending == k1 || t == steps - 1) {
                    update(batch, t, pending);
                    pending = 0;
                }
            }
        }

        /**
         * Backpropagates the loss of steps (t-pending, t], then updates: through steps (t-k2, t] in one sweep
         * (Williams-Peng), or each loss at step s through steps (s-k2, s] in a sweep of its own (per loss).
         */
        private void update(List<PreparedSeries> batch, int t, int pending) {
            counted[0] = 0;
            double loss = 0;
            if (config.truncation() == Truncation.PER_LOSS) {
                for (int s = t - pending + 1; s <= t; s++) {
                    loss += sweep(batch, s, s, 1);
                }
            } else {
                loss = sweep(batch, t, t, pending);
            }
            int n = counted[0];
            if (n == 0) {
                Arrays.fill(grads, 0f);
                return;
            }
            if (!Double.isFinite(loss)) {
                throw new NonFiniteLossException("training loss became " + loss + " at update " + updates);
            }
            float inv = 1f / n;
            for (int i = 0; i < grads.length; i++) {
                grads[i] *= inv;
            }
            double norm = GlobalNormClipping.clip(grads, config.clipNorm());
            if (!Double.isFinite(norm)) {
                throw new NonFiniteLossException("gradient norm became " + norm + " at update " + updates);
            }
            optimizer.step(model.parameters(), grads, config.schedule().rate(updates));
            updates++;
            if (average != null) {
                float[] p = model.parameters();
                float keep = (float) AVERAGE_DECAY;
                for (int i = 0; i < p.length; i++) {
                    average[i] = keep * average[i] + (1 - keep) * p[i];
                }
            }
            Arrays.fill(grads, 0f);
            lossSum += loss;
            lossCount += n;
        }

        /**
         * One backward sweep from step {@code from} down through k2 steps (not before step 0), from a zero state
         * gradient, with the losses of steps (lossTo-losses, lossTo] injected where the sweep passes them; gradients
         * add into {@code grads}. Returns those losses.
         */
        private double sweep(List<PreparedSeries> batch, int from, int lossTo, int losses) {
            for (float[] d : dStates) {
                Arrays.fill(d, 0f);
            }
            double loss = 0;
            int k2 = config.k2();
            for (int s = from; s > from - k2 && s >= 0; s--) {
                StepCaches cache = ring[s % ring.length];
                Arrays.fill(dOut, 0f);
                if (s <= lossTo && s > lossTo - losses) {
                    loss += stepLoss(batch, s, cache, Range.TRAIN, dOut);
                }
                model.backwardStep(cache, dOut, dStates, scratch, grads);
            }
            return loss;
        }

        /** Loss of every key's targets at step s within the range; adds gradients into {@code d} when non-null. */
        private double stepLoss(List<PreparedSeries> batch, int s, StepCaches cache, Range range, float[] d) {
            double loss = 0;
            for (int b = 0; b < batch.size(); b++) {
                PreparedSeries p = batch.get(b);
                if (s >= p.length) {
                    continue;
                }
                int from, until;
                switch (range) {
                    case TRAIN -> { from = 0; until = config.split().trainEnd(p.length); }
                    case VALIDATION -> { from = config.split().trainEnd(p.length); until = config.split().validationEnd(p.length); }
                    default -> { from = config.split().validationEnd(p.length); until = p.length; }
                }
                if (s < config.warmupSteps() || s + 1 >= until || s + horizon < from) {
                    continue;
                }
                p.targets(s, horizon, from, until, targets, 0);
                loss += config.loss().accumulate(cache.out(), b * out, horizon, targets, 0, 1f,
                        d == null ? dOut : d, b * out, counted);
            }
            return loss;
        }

        /** {loss sum, target count} of one batch over a range, forward only. */
        double[] scoreBatch(List<PreparedSeries> batch, Range range) {
            resetStates();
            int steps = 0;
            for (PreparedSeries s : batch) {
                steps = Math.max(steps, range == Range.TEST ? s.length
                        : range == Range.VALIDATION ? config.split().validationEnd(s.length) : config.split().trainEnd(s.length));
            }
            counted[0] = 0;
            double loss = 0;
            StepCaches cache = ring[0];
            for (int t = 0; t < steps; t++) {
                forward(batch, t, cache);
                loss += stepLoss(batch, t, cache, range, dOut);
            }
            Arrays.fill(dOut, 0f);
            return new double[] {loss, counted[0]};
        }
    }
}
