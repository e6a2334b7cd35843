package org.forecaster.core.anomaly;

import org.forecaster.core.stats.Gaussian;

/**
 * An anomaly score in [0, 1] from the one-step Gaussian prediction that does not saturate: the Stepper's
 * {@code 1 - P(|Z| >= |z|)} is 1.0 in double precision for every |z| above about 8.3, so every large
 * deviation ties with every other; this score grows with the surprise {@code L = -ln P(|Z| >= |z|)} as
 * {@code L / (L + L0)}, which keeps ordering the tail (0.5 at {@code P = exp(-L0)}).
 *
 * <p>Optionally ({@code suppressRows > 0}) a score that does not exceed every raw score of the previous
 * {@code suppressRows} points is halved: the first point of an incident keeps its score, the echoes that follow
 * (the model catching up after a level shift, a burst of spikes) rank below it, so one incident is
 * one detection at a threshold between them. Causal: the score of a point depends on earlier points only.
 *
 * <p>Optionally ({@code seasonalWidth > 0}) the surprise is the smaller of the model's and a seasonal-naive
 * reference's: the point against the value one season earlier, with the reference's spread taken as
 * {@code seasonalWidth} times the running mean absolute seasonal difference (an exponentially weighted mean with
 * weight {@code seasonalAlpha}). A point must then surprise both the model and "same time yesterday" to score high,
 * which silences the repeating sharp edges of noise-free periodic series, where the model's spread sits at its
 * floor and a transition it cannot time looks like many sigmas.
 *
 * <p>Mutable, one instance per key; not thread-safe.
 */
public final class TailScore implements AnomalyScorer {
    /**
     * @param halfSurprise L0: the surprise that scores 0.5 (ln 1e4 = 9.21 puts it at a 1e-4 tail)
     * @param suppressRows points looked back over for echo suppression; 0 turns it off
     */
    public record Spec(double halfSurprise, int suppressRows, double seasonalWidth, double seasonalAlpha) {
        public static final Spec DEFAULT = new Spec(Math.log(1e4), 0);

        /** Without the seasonal reference. */
        public Spec(double halfSurprise, int suppressRows) {
            this(halfSurprise, suppressRows, 0, 0.01);
        }

        public Spec {
            if (!(seasonalWidth >= 0) || Double.isInfinite(seasonalWidth)) {
                throw new IllegalArgumentException("seasonal width must be >= 0 and finite, got " + seasonalWidth);
            }
            if (!(seasonalAlpha > 0 && seasonalAlpha <= 1)) {
                throw new IllegalArgumentException("seasonal alpha must be in (0, 1], got " + seasonalAlpha);
            }
            if (!(halfSurprise > 0) || Double.isInfinite(halfSurprise)) {
                throw new IllegalArgumentException("half surprise must be positive and finite, got " + halfSurprise);
            }
            if (suppressRows < 0 || suppressRows > 100_000) {
                throw new IllegalArgumentException("suppression window must be in 0..100000 points, got " + suppressRows);
            }
        }
    }

    private final Spec spec;
    private final double[] recent;
    private int next, filled;
    /** Running mean absolute seasonal difference; NaN until the first one. */
    private double seasonalMad = Double.NaN;

    public TailScore(Spec spec) {
        this.spec = spec;
        this.recent = new double[spec.suppressRows()];
    }

    /** {@code -ln P(|Z| >= |z|)}, accurate far out where the tail probability underflows. */
    public static double surprise(double z) {
        double a = Math.abs(z);
        if (a < 30) {
            return -Math.log(Math.max(Gaussian.twoSidedTail(a), Double.MIN_NORMAL));
        }
        // Mills ratio: P(|Z| >= a) ~ 2 phi(a) / a = sqrt(2/pi) exp(-a^2/2) / a.
        return a * a / 2 + Math.log(a) - 0.5 * Math.log(2 / Math.PI);
    }

    /**
     * {@code |value - seasonal|} with the value rounded to float first: the seasonal value comes from the key's ring of
     * floats, so an exact repeat of yesterday's value differs by exactly 0 (not by the rounding of a double).
     */
    static double seasonalDifference(double value, double seasonal) {
        return Math.abs((float) value - seasonal);
    }

    /**
     * The surprise of a seasonal difference {@code d} whose spread is {@code width} times the running mean absolute
     * difference {@code mad}: 0 for an exact repeat (noise-free periodic series, where the mean absolute difference
     * is 0 too), infinite (no opinion in a minimum) while there is no spread yet.
     */
    static double seasonalSurprise(double d, double mad, double width) {
        if (d == 0) {
            return 0;
        }
        return mad > 0 ? surprise(d / (width * mad)) : Double.POSITIVE_INFINITY;
    }

    /**
     * Scores {@code value} against the prediction {@code (expected, sigma)} made before it. With no prediction
     * (NaN) the score is 0.
     */
    public double update(double expected, double sigma, double value) {
        return update(expected, sigma, value, Double.NaN);
    }

    /**
     * As {@link #update(double, double, double)}, with {@code seasonal} the value one season before this point (NaN
     * when unknown), used as a second reference when the spec's seasonal width is positive.
     */
    @Override
    public double update(double expected, double sigma, double value, double seasonal) {
        double score = 0;
        double seasonalSurprise = Double.POSITIVE_INFINITY;
        if (spec.seasonalWidth() > 0 && !Double.isNaN(seasonal)) {
            double d = seasonalDifference(value, seasonal);
            seasonalSurprise = seasonalSurprise(d, seasonalMad, spec.seasonalWidth());
            seasonalMad = Double.isNaN(seasonalMad) ? d : seasonalMad + spec.seasonalAlpha() * (d - seasonalMad);
        }
        if (!Double.isNaN(expected) && sigma > 0) {
            double l = Math.min(surprise((value - expected) / sigma), seasonalSurprise);
            score = l / (l + spec.halfSurprise());
        }
        if (recent.length == 0) {
            return score;
        }
        double max = 0;
        for (int i = 0; i < filled; i++) {
            max = Math.max(max, recent[i]);
        }
        recent[next] = score;
        next = (next + 1) % recent.length;
        filled = Math.min(filled + 1, recent.length);
        return score > max ? score : score / 2;
    }
}
