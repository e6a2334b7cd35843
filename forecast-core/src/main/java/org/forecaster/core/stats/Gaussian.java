package org.forecaster.core.stats;

/** Standard normal distribution functions for intervals and anomaly scores. */
public final class Gaussian {
    private Gaussian() {}

    /**
     * The head's raw log-scale output {@code s} becomes {@code MIN_LOG_SCALE + softplus(s - MIN_LOG_SCALE)},
     * capped at {@code MAX_LOG_SCALE}: a smooth floor, so a model cannot become arbitrarily sure of itself,
     * and, unlike a hard clamp, one that always passes some gradient back (a hard clamp lets the scale sink
     * below the floor where nothing pulls it back, after which every error costs {@code e^{-2 MIN}}).
     */
    public static final float MIN_LOG_SCALE = -4f, MAX_LOG_SCALE = 6f;

    /** The effective log-scale of a raw head output (see {@link #MIN_LOG_SCALE}); the predictive sigma is its exp. */
    public static double logScale(float raw) {
        double u = raw - MIN_LOG_SCALE;
        double softplus = u > 30 ? u : Math.log1p(Math.exp(u));
        return Math.min(MAX_LOG_SCALE, MIN_LOG_SCALE + softplus);
    }

    /** P(Z <= x). Uses {@link #erfc} (absolute error below 1.2e-7). */
    public static double cdf(double x) {
        return 0.5 * erfc(-x / Math.sqrt(2));
    }

    /**
     * Two-sided tail probability of a standardised deviation: P(|Z| >= |z|). 1 at the mean, towards 0 far out;
     * computed from the tail directly so it keeps precision where an alert decides (tiny p).
     */
    public static double twoSidedTail(double z) {
        return Math.min(1.0, erfc(Math.abs(z) / Math.sqrt(2)));
    }

    /** Complementary error function, Numerical Recipes' Chebyshev fit (fractional error below 1.2e-7). */
    public static double erfc(double x) {
        double z = Math.abs(x);
        double t = 1.0 / (1.0 + 0.5 * z);
        double r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? r : 2.0 - r;
    }

    /**
     * The standard normal quantile (inverse cdf) for p in (0, 1): Acklam's rational approximation refined by
     * one Halley step; accurate to about 1e-7, the precision of {@link #erfc}.
     */
    public static double quantile(double p) {
        if (!(p > 0 && p < 1)) {
            throw new IllegalArgumentException("quantile needs p in (0, 1), got " + p);
        }
        final double[] a = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00};
        final double[] b = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                6.680131188771972e+01, -1.328068155288572e+01};
        final double[] c = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00};
        final double[] d = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00};
        double x;
        if (p < 0.02425) {
            double q = Math.sqrt(-2 * Math.log(p));
            x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                    / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        } else if (p <= 1 - 0.02425) {
            double q = p - 0.5, r = q * q;
            x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
                    / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
        } else {
            double q = Math.sqrt(-2 * Math.log(1 - p));
            x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                    / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        }
        double e = cdf(x) - p;
        double u = e * Math.sqrt(2 * Math.PI) * Math.exp(x * x / 2);
        return x - u / (1 + x * u / 2);
    }
}
