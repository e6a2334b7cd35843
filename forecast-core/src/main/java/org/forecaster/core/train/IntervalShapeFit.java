package org.forecaster.core.train;

import java.util.Arrays;
import org.forecaster.core.model.IntervalShape;
import org.forecaster.core.model.StepResult;
import org.forecaster.core.model.Stepper;
import org.forecaster.core.state.KeyState;

/**
 * Fits a model's {@link IntervalShape} on held-back data: each series is run through the online {@link Stepper} from
 * its first point, as the service does (with its per-key calibration), and for every forecast whose target lies in the
 * held-back range, the miss ratio {@code |actual - mean| / half-width} is counted per horizon. The factor that makes
 * horizon h cover the interval level there is the level's quantile of its ratios, q_h; the fitted shape is the current
 * one times q_h for h >= 2. The first step stays at 1: it is the per-key calibration's, which the shape does not
 * change (it widens the one-step interval by the key's own misses), so a run with the fitted shape makes the same
 * one-step intervals and covers the level at every later step of the slice. Since the calibration has a far end too
 * (the key's own h = K misses), the shape is fitted over what both ends leave: the bundled model's is 0.97-1.01.
 *
 * <p>Ratios are counted in a histogram of {@link #BIN} wide bins up to {@link #RANGE} (beyond it, in the last), so a
 * fit over millions of pairs holds a few hundred kilobytes; a quantile is read to within one bin.
 */
public final class IntervalShapeFit {
    static final double RANGE = 8, BIN = 0.001;
    private static final int BINS = (int) Math.round(RANGE / BIN), BINS_PER_UNIT = (int) Math.round(1 / BIN);
    /** Fewer pairs at a horizon than this keep the stepper's factor there (a quantile of a handful is noise). */
    static final long MIN_PAIRS = 500;

    private final IntervalShape current;
    private final double level;
    private final long[][] counts;
    private final long[] pairs;

    /**
     * @param current the shape the model's steppers have now (flat for a new model)
     * @param level   the central probability the intervals claim, as the steppers'
     */
    public IntervalShapeFit(IntervalShape current, double level) {
        if (!(level > 0 && level < 1)) {
            throw new IllegalArgumentException("interval level must be in (0, 1), got " + level);
        }
        this.current = current;
        this.level = level;
        this.counts = new long[current.horizon()][BINS];
        this.pairs = new long[current.horizon()];
    }

    /**
     * Runs {@code series} through {@code stepper} (the model's, with the {@code current} shape, on the series' step)
     * from its first point and counts the forecasts whose target is observed in {@code [from, until)}.
     */
    public void add(Stepper stepper, Series series, int from, int until) {
        if (from < 0 || until > series.length() || from > until) {
            throw new IllegalArgumentException("bad range [" + from + ", " + until + ") of " + series.length() + " points");
        }
        if (!stepper.shape().equals(current)) {
            throw new IllegalArgumentException("the stepper's shape " + stepper.shape() + " is not the one fitted from, " + current);
        }
        int k = counts.length;
        float[] v = series.values();
        KeyState state = stepper.newState(1);
        // As HorizonEvaluation: the forecast made at each observed origin is scored at once against the values ahead.
        for (int t = 0; t < until - 1; t++) {
            if (Float.isNaN(v[t])) {
                continue; // the service forecasts only when a point arrives
            }
            StepResult r = stepper.observe(state, series.timestamp(t), v[t], series.profileValue(t));
            for (int h = 1; h <= k && t + h < until; h++) {
                int target = t + h;
                double half = (r.upper[h - 1] - r.lower[h - 1]) / 2;
                if (target >= from && !Float.isNaN(v[target]) && half > 0) {
                    add(h - 1, Math.abs(v[target] - r.mean[h - 1]) / half);
                }
            }
        }
    }

    void add(int step, double ratio) {
        int bin = Double.isNaN(ratio) ? BINS - 1 : (int) Math.min(BINS - 1, ratio / BIN);
        counts[step][bin]++;
        pairs[step]++;
    }

    /** Pairs counted at each step ahead, h = 1 first. */
    public long[] pairs() {
        return pairs.clone();
    }

    /**
     * The fitted shape: the current one, times q_h (clamped to the stored bounds) at each h >= 2 with at least
     * {@link #MIN_PAIRS} pairs; the current factor where there are fewer.
     */
    public IntervalShape shape() {
        double[] w = new double[counts.length];
        w[0] = 1;
        for (int h = 1; h < w.length; h++) {
            double q = pairs[h] >= MIN_PAIRS ? quantile(h) : 1;
            w[h] = Math.max(IntervalShape.MIN, Math.min(IntervalShape.MAX, current.width(h) * q));
        }
        return IntervalShape.of(w);
    }

    /** The level's quantile of the ratios at {@code step}: the upper edge of the bin where the count reaches it. */
    double quantile(int step) {
        long need = (long) Math.ceil(level * pairs[step]);
        long seen = 0;
        for (int b = 0; b < BINS; b++) {
            seen += counts[step][b];
            if (seen >= need) {
                return (b + 1) / (double) BINS_PER_UNIT; // 0.956, not 0.9560000000000001, in the header
            }
        }
        return RANGE;
    }

    @Override
    public String toString() {
        return "IntervalShapeFit[pairs " + Arrays.toString(pairs) + "]";
    }
}
