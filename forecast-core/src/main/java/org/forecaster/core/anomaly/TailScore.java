package org.forecaster.core.anomaly;

import org.forecaster.core.model.Gaussian;

/**
 * An anomaly score in [0, 1] from the one-step Gaussian prediction that does not saturate: the Stepper's
 * {@code 1 - P(|Z| >= |z|)} is 1.0 in double precision for every |z| above about 8.3, so every large
 * deviation ties with every other; this score grows with the surprise {@code L = -ln P(|Z| >= |z|)} as
 * {@code L / (L + L0)}, which keeps ordering the tail (0.5 at {@code P = exp(-L0)}).
 *
 * <p>Mutable, one instance per key; not thread-safe.
 */
public final class TailScore {
    /**
     * @param halfSurprise L0: the surprise that scores 0.5 (ln 1e4 = 9.21 puts it at a 1e-4 tail)
     */
    public record Spec(double halfSurprise) {
        public static final Spec DEFAULT = new Spec(Math.log(1e4));

        public Spec {
            if (!(halfSurprise > 0) || Double.isInfinite(halfSurprise)) {
                throw new IllegalArgumentException("half surprise must be positive and finite, got " + halfSurprise);
            }
        }
    }

    private final Spec spec;

    public TailScore(Spec spec) {
        this.spec = spec;
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
     * Scores {@code value} against the prediction {@code (expected, sigma)} made before it. With no prediction
     * (NaN) the score is 0.
     */
    public double update(double expected, double sigma, double value) {
        if (Double.isNaN(expected) || !(sigma > 0)) {
            return 0;
        }
        double l = surprise((value - expected) / sigma);
        return l / (l + spec.halfSurprise());
    }
}
