package org.forecaster.core.model;

import org.forecaster.core.baseline.SeasonalProfile;

/**
 * The network's inputs for one step: the normalised value (clipped, so one wild point cannot saturate
 * every gate), a missing flag, and hour-of-day and day-of-week as sin/cos pairs of the step's UTC time.
 */
public final class Features {
    /** Features per step without a seasonal-lag input (the original set). */
    public static final int COUNT = 6;
    /**
     * Index of the optional seasonal input, present when {@link ModelSpec#seasonLag()} is positive (the value one
     * season back) or the model has a profile (the profile's forecast of the next step).
     */
    public static final int LAG = COUNT;
    /** Normalised inputs are clipped to +-CLIP. */
    public static final float CLIP = 8f;

    private static final long HOUR = 3_600_000L, DAY = 24 * HOUR, WEEK = 7 * DAY;
    private static final double TWO_PI = 2 * Math.PI;

    private Features() {}

    /** Inputs per step of a model with this seasonal lag (0: none): {@link #COUNT}, plus one for the lag. */
    public static int count(int seasonLag) {
        return seasonLag > 0 ? COUNT + 1 : COUNT;
    }

    /** Inputs per step of a model with this seasonal lag or profile: {@link #COUNT}, plus one for either. */
    public static int count(int seasonLag, int profileBins) {
        return seasonLag > 0 || profileBins > 0 ? COUNT + 1 : COUNT;
    }

    /** Inputs per step of {@code spec}'s model: {@link #count(int, int)} of its lag and profile bins. */
    public static int count(ModelSpec spec) {
        return count(spec.seasonLag(), spec.profileBins());
    }

    /** Throws unless {@code spec}'s input size is {@link #count(ModelSpec)}. */
    public static void check(ModelSpec spec) {
        if (spec.inputSize() != count(spec)) {
            throw new IllegalArgumentException("model input size " + spec.inputSize() + " does not match the "
                    + count(spec) + " step features of season lag " + spec.seasonLag()
                    + (spec.hasProfile() ? " and profile of " + spec.profileBins() + " bins" : ""));
        }
    }

    /**
     * Writes the K profile bases of a step at {@code epochMillis} (the forecasts of {@code profile} for the next K
     * steps, normalised in the step's frame {@code (mean, scale)} and clipped like the inputs) at {@code dst[off ..]};
     * NaN where the profile does not know that step's bin (the caller puts the step's own input there). Training
     * and serving both call this, so the bases agree bit for bit.
     */
    public static void fillProfile(SeasonalProfile profile, long epochMillis, long stepMillis, double mean, double scale,
                                   float[] dst, int off, int horizon) {
        for (int k = 0; k < horizon; k++) {
            double f = profile.forecast(epochMillis + (k + 1) * stepMillis, stepMillis);
            dst[off + k] = Double.isNaN(f) ? Float.NaN : (float) Math.max(-CLIP, Math.min(CLIP, (f - mean) / scale));
        }
    }

    /**
     * Index, relative to the current step {@code t}, of the value the seasonal-naive forecast uses for step
     * {@code t + k} ({@code k >= 1}): the same phase in the last season observed, {@code t + k - S * ceil(k / S)},
     * always in {@code (t - S, t]}.
     */
    public static int seasonalOffset(int k, int season) {
        return k - season * ((k + season - 1) / season);
    }

    /**
     * Writes the seasonal-lag input at {@code dst[off + LAG]}: {@code zLag}, the normalised value one season
     * before the step being forecast (in the current step's frame), clipped like the value; when that value is
     * unknown (not enough history, or missing) the caller passes the current input, i.e. persistence.
     */
    public static void fillLag(float[] dst, int off, double zLag) {
        dst[off + LAG] = (float) Math.max(-CLIP, Math.min(CLIP, zLag));
    }

    /**
     * Writes the {@link #COUNT} features of one step into {@code dst[off ..]}.
     *
     * @param z       the normalised value (for a missing step: the model's own forecast of it)
     * @param missing whether the step had no observation
     * @param epochMillis the step's timestamp
     */
    public static void fill(float[] dst, int off, double z, boolean missing, long epochMillis) {
        double dayPhase = Math.floorMod(epochMillis, DAY) / (double) DAY;
        // 1970-01-01 was a Thursday; shifting by 3 days puts Monday 00:00 at phase 0.
        double weekPhase = Math.floorMod(epochMillis + 3 * DAY, WEEK) / (double) WEEK;
        dst[off] = (float) Math.max(-CLIP, Math.min(CLIP, z));
        dst[off + 1] = missing ? 1f : 0f;
        dst[off + 2] = (float) Math.sin(TWO_PI * dayPhase);
        dst[off + 3] = (float) Math.cos(TWO_PI * dayPhase);
        dst[off + 4] = (float) Math.sin(TWO_PI * weekPhase);
        dst[off + 5] = (float) Math.cos(TWO_PI * weekPhase);
    }
}
