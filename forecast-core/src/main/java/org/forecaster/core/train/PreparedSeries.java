package org.forecaster.core.train;

import org.forecaster.core.model.Features;
import org.forecaster.core.model.ModelSpec;
import org.forecaster.core.model.Normalizer;
import org.forecaster.core.model.NormalizerSpec;
import org.forecaster.core.baseline.SeasonalProfile;

/**
 * A series run once through its {@link Normalizer}, exactly as the serving path does step by step: per step
 * the features (value slot already normalised for observed steps), and the mean and scale after that step,
 * which define the frame of the step's forecast targets. A profile model's series also carries, per step, the K
 * profile bases of its means (the key's {@link SeasonalProfile} run over the observed values, as the Stepper runs it).
 */
final class PreparedSeries {
    /** Targets are clipped to +-this many scales so one outlier cannot dominate a batch's gradient. */
    static final float TARGET_CLIP = 10f;

    final Series series;
    final int length;
    final float[] features;
    final boolean[] missing;
    final double[] mean;
    final double[] scale;
    /**
     * Profile models only (else null): {@code length x K}, the profile bases of step t's means in step t's frame
     * (see {@link Features#fillProfile}), NaN where the profile does not know the bin. Entry {@code t*K} is also the
     * step's seasonal input.
     */
    final float[] profileBase;
    /** The horizon K of {@link #profileBase}; 0 without a profile. */
    final int profileHorizon;

    PreparedSeries(Series series, NormalizerSpec spec) {
        this(series, spec, 0);
    }

    PreparedSeries(Series series, NormalizerSpec spec, int seasonLag) {
        this(series, spec, seasonLag, null);
    }

    /** Prepared for {@code model}: its season lag, or its profile. */
    PreparedSeries(Series series, NormalizerSpec spec, ModelSpec model) {
        this(series, spec, model.seasonLag(), model.hasProfile() ? model : null);
    }

    private PreparedSeries(Series series, NormalizerSpec spec, int seasonLag, ModelSpec profileModel) {
        this.series = series;
        this.length = series.length();
        int width = profileModel != null ? Features.count(profileModel) : Features.count(seasonLag);
        this.features = new float[length * width];
        this.missing = new boolean[length];
        this.mean = new double[length];
        this.scale = new double[length];
        SeasonalProfile profile = profileModel == null ? null : profileModel.newProfile();
        this.profileHorizon = profileModel == null ? 0 : profileModel.horizon();
        this.profileBase = profileModel == null ? null : new float[length * profileHorizon];
        Normalizer n = new Normalizer(spec);
        float[] v = series.values();
        for (int t = 0; t < length; t++) {
            missing[t] = Float.isNaN(v[t]);
            if (!missing[t]) {
                n.update(v[t]);
            }
            mean[t] = n.mean();
            scale[t] = n.scale();
            double z = missing[t] ? 0 : n.normalize(v[t]);
            long ts = series.timestamp(t);
            Features.fill(features, t * width, z, missing[t], ts);
            if (profile != null) {
                // As Stepper.advance: the profile folds in the step's value, then forecasts the next K steps; the
                // seasonal input is its forecast of the next one, persistence where its bin is unvisited. It learns
                // the window's trimmed mean where the series has one, as PointStep feeds it.
                profile.update(ts, series.profileValue(t));
                Features.fillProfile(profile, ts, series.stepMillis(), mean[t], scale[t], profileBase, t * profileHorizon,
                        profileHorizon);
                float next = profileBase[t * profileHorizon];
                Features.fillLag(features, t * width, Float.isNaN(next) ? z : next);
            } else if (seasonLag > 0) {
                // As Stepper: the value one season before step t+1, in step t's frame; persistence when unknown.
                int j = t + 1 - seasonLag;
                boolean known = j >= 0 && !Float.isNaN(v[j]);
                Features.fillLag(features, t * width, known ? (v[j] - mean[t]) / scale[t] : z);
            }
        }
    }

    /**
     * Writes the K seasonal-naive bases of step t (see {@link Features#seasonalOffset}) in step t's frame, clipped
     * like the inputs; {@code fallback} (the step's own input) where that value is unknown.
     */
    void seasonalBase(int t, int horizon, int season, float fallback, float[] dst, int off) {
        float[] v = series.values();
        for (int k = 0; k < horizon; k++) {
            int j = t + Features.seasonalOffset(k + 1, season);
            dst[off + k] = j < 0 || missing[j] ? fallback
                    : (float) Math.max(-Features.CLIP, Math.min(Features.CLIP, (v[j] - mean[t]) / scale[t]));
        }
    }

    /**
     * Writes the K profile bases of step t at {@code dst[off ..]}, {@code fallback} (the step's own input) where the
     * profile does not know the bin, as {@code Stepper} does.
     */
    void profileBase(int t, float fallback, float[] dst, int off) {
        for (int k = 0; k < profileHorizon; k++) {
            float b = profileBase[t * profileHorizon + k];
            dst[off + k] = Float.isNaN(b) ? fallback : b;
        }
    }

    /**
     * Writes the K targets of step t into {@code dst}: the next K values in step t's frame, NaN where missing
     * or outside {@code [from, until)}.
     */
    void targets(int t, int horizon, int from, int until, float[] dst, int off) {
        float[] v = series.values();
        for (int k = 0; k < horizon; k++) {
            int i = t + 1 + k;
            if (i < from || i >= until || i >= length || missing[i]) {
                dst[off + k] = Float.NaN;
            } else {
                double z = (v[i] - mean[t]) / scale[t];
                dst[off + k] = (float) Math.max(-TARGET_CLIP, Math.min(TARGET_CLIP, z));
            }
        }
    }
}
