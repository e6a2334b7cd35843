package org.forecaster.core.state;

import java.util.Arrays;
import java.util.Objects;
import org.forecaster.core.anomaly.AlertKinds;
import org.forecaster.core.anomaly.AlertReason;
import org.forecaster.core.anomaly.AlertRun;
import org.forecaster.core.anomaly.NoveltyScore;
import org.forecaster.core.baseline.SeasonalProfile;

/**
 * Everything the model service remembers about one series between points: the recurrent state of every
 * layer, the running normaliser, the last timestamp, the model version the state belongs to, the last
 * one-step prediction (to score the next point), the interval calibration at both ends of the horizon with the
 * h = H intervals it has yet to judge, the alert run and reason, the anomaly scorer's state, the
 * alert kinds' detectors, the seasonal profile of a profile model, and a ring of the
 * last inputs (raw values, NaN for missing steps) so the state can be rebuilt under new weights ("re-warm").
 *
 * <p>Mutable and not thread-safe; encoded by {@link KeyStateCodec}. Arrays are owned by this object.
 */
public final class KeyState implements AlertRun {
    /** No point seen yet. */
    public static final long NO_TIMESTAMP = Long.MIN_VALUE;

    public long modelVersion;
    public long lastTimestamp = NO_TIMESTAMP;
    /** Steps taken (observed and gap-filled) since the state was last reset. */
    public long steps;
    public long normCount;
    public double normMean;
    public double normVariance;
    /** Prediction for the next step made at the last step, raw units; NaN when there is none. */
    public double expected = Double.NaN;
    public double sigma = Double.NaN;
    /**
     * The value of the last observed point as it came in; NaN before the first. The ring keeps it only as a float,
     * and the forecast made at that point normalised the double, so the REST API needs it to recompute that
     * forecast exactly.
     */
    public double lastValue = Double.NaN;
    /**
     * Natural log of the factor the model's interval widths are multiplied by for this key, adapted online so its
     * intervals cover what they claim ({@code Stepper}'s adaptive calibration); 0 (factor 1) for a new key.
     */
    public float intervalLogScale;
    /**
     * The same log factor at the far end of the horizon (step H), moved by whether points fell inside the h = H
     * interval issued for them; {@code Stepper} widens step k by the log factor linear in k between the two ends.
     */
    public float farLogScale;
    /**
     * The memory of the one-step errors ({@code Stepper} carries a share of the last into every forecast): the running
     * correlation of successive errors, their root mean square in units of the normaliser's scale, and the last error
     * in those units (NaN when the last step had none). Each holds a half float's value, as the codec stores it, so a
     * state read back goes on bit for bit.
     */
    public float residualCorrelation;
    public float residualRms;
    public float lastResidual = Float.NaN;
    /**
     * How much of the network's own correction of its means' base (the profile's forecast, or the seasonal-naive or
     * last value) the key's published forecasts keep, in [0, 1], learnt from the key's one-step errors; 1 for a new
     * key or model ({@code Stepper}). With it the root of the running mean square of that correction at h = 1 and the last one
     * issued (NaN when none is pending), both in units of the normaliser's scale and holding a half float's value, as
     * the codec stores them.
     */
    public float correctionWeight = 1f;
    public float correctionRms;
    public float lastCorrection = Float.NaN;
    /** Consecutive points whose anomaly score passed the threshold, and whether an alert is open. */
    public int anomalyRun;
    public boolean alertOpen;
    /** The kind that opened the open alert (kept after it resolves until the next opens); null before the first. */
    public AlertReason alertReason;
    /**
     * The key's {@link AlertKinds} detectors when its alerts say what kind of change they are, else null.
     * Independent of the model, like the novelty state.
     */
    public AlertKinds kinds;
    /**
     * The key's {@link NoveltyScore} state when its points are scored by one, else null. Independent of the model:
     * a weight swap, re-warm or reset of the recurrent state leaves it as it is.
     */
    public NoveltyScore novelty;
    /**
     * The key's {@link SeasonalProfile} under a profile model, else null. Independent of the weights (it folds in
     * observed values only): a weight swap, re-warm or reset of the recurrent state leaves it as it is.
     */
    public SeasonalProfile profile;
    /** All layers' states, {@code layers x stateSizePerLayer}. */
    public final float[] recurrent;
    private final float[] ring;
    private int ringStart;
    private int ringSize;
    /**
     * The h = H intervals issued and not yet judged, one slot per step of the horizon (the target step's count mod
     * H): the mean in raw units (NaN where none is pending) and the half-width as a half-float in units of the
     * normaliser's scale at issue (a raw half-width can pass the half-float's range). Null when none are kept.
     */
    private float[] issuedMean;
    private short[] issuedHalf;

    public KeyState(int recurrentSize, int ringCapacity) {
        if (recurrentSize < 1 || ringCapacity < 1) {
            throw new IllegalArgumentException("key state needs positive sizes, got recurrent " + recurrentSize + ", ring " + ringCapacity);
        }
        this.recurrent = new float[recurrentSize];
        this.ring = new float[ringCapacity];
    }

    /** Appends an input (raw value, NaN for a missing step), dropping the oldest when full. */
    public void remember(float value) {
        if (ringSize < ring.length) {
            ring[(ringStart + ringSize++) % ring.length] = value;
        } else {
            ring[ringStart] = value;
            ringStart = (ringStart + 1) % ring.length;
        }
    }

    /** Inputs remembered, oldest first. */
    public int remembered() {
        return ringSize;
    }

    /** The i-th remembered input, oldest first. */
    public float recall(int i) {
        if (i < 0 || i >= ringSize) {
            throw new IndexOutOfBoundsException("ring holds " + ringSize + " inputs, asked for " + i);
        }
        return ring[(ringStart + i) % ring.length];
    }

    public int ringCapacity() {
        return ring.length;
    }

    /**
     * Forgets the remembered inputs: after a gap too long to fill, their distance to the next point is not kept, so
     * a re-warm or a seasonal lookup would read them at the wrong time.
     */
    public void forgetInputs() {
        ringStart = 0;
        ringSize = 0;
    }

    /** Forgets the one-step errors' memory (the errors of another model, or of no model yet). */
    public void forgetResiduals() {
        residualCorrelation = 0;
        residualRms = 0;
        lastResidual = Float.NaN;
    }

    /** Forgets what the key learnt of the network's corrections (those of another model, or of no model yet). */
    public void forgetCorrections() {
        correctionWeight = 1f;
        correctionRms = 0;
        lastCorrection = Float.NaN;
    }

    /** Whether the key has learnt anything of the network's corrections (else the codec writes none). */
    public boolean remembersCorrections() {
        return correctionWeight != 1f || correctionRms != 0 || !Float.isNaN(lastCorrection);
    }

    /** Whether the one-step errors' memory holds anything (else the codec writes none). */
    public boolean remembersResiduals() {
        return residualCorrelation != 0 || residualRms != 0 || !Float.isNaN(lastResidual);
    }

    /** Forgets the recurrent state and prediction (not the normaliser, timestamps or ring). */
    public void resetRecurrent() {
        Arrays.fill(recurrent, 0f);
        expected = Double.NaN;
        sigma = Double.NaN;
        steps = 0;
    }

    /**
     * Makes the ring hold {@code size} inputs starting at index 0 and returns it, for the decoder to write them
     * oldest first into entries {@code 0..size-1} (no copy through a temporary array).
     */
    float[] restoreRing(int size) {
        if (size < 0 || size > ring.length) {
            throw new IllegalArgumentException("ring of " + size + " inputs exceeds capacity " + ring.length);
        }
        ringStart = 0;
        ringSize = size;
        Arrays.fill(ring, size, ring.length, 0f); // a reused state keeps nothing of its last key
        return ring;
    }

    /** Slots of issued h = H intervals the state keeps: the model's horizon H, or 0 (none kept). */
    public int issuedSlots() {
        return issuedMean == null ? 0 : issuedMean.length;
    }

    /** Keeps {@code slots} issued intervals from now on, none pending; a state that already does is left as it is. */
    public void keepIssued(int slots) {
        if (slots < 0 || slots > 255) {
            throw new IllegalArgumentException("issued intervals need 0 to 255 slots, got " + slots);
        }
        if (slots == issuedSlots()) {
            return;
        }
        issuedMean = slots == 0 ? null : new float[slots];
        issuedHalf = slots == 0 ? null : new short[slots];
        clearIssued();
    }

    /** Forgets every pending issued interval (after a reset or re-warm their steps are no longer counted alike). */
    public void clearIssued() {
        if (issuedMean != null) {
            Arrays.fill(issuedMean, Float.NaN);
            Arrays.fill(issuedHalf, (short) 0);
        }
    }

    /**
     * Records the h = H interval issued for step {@code step} (NaN mean: none, as for a gap-filled step); nothing
     * when no slots are kept.
     */
    public void issue(long step, float mean, short halfInScales) {
        if (issuedMean == null) {
            return;
        }
        int slot = (int) Math.floorMod(step, (long) issuedMean.length);
        issuedMean[slot] = mean;
        issuedHalf[slot] = halfInScales;
    }

    /** The mean of the interval issued for step {@code step}; NaN when none is pending or no slots are kept. */
    public float issuedMean(long step) {
        return issuedMean == null ? Float.NaN : issuedMean[(int) Math.floorMod(step, (long) issuedMean.length)];
    }

    /** The half-width of the interval issued for step {@code step}, in units of the normaliser's scale at issue. */
    public float issuedHalf(long step) {
        return Float.float16ToFloat(issuedHalf[(int) Math.floorMod(step, (long) issuedHalf.length)]);
    }

    /** The slots' means and half-floats by slot, for the codec (same length; null when none are kept). */
    float[] issuedMeans() {
        return issuedMean;
    }

    short[] issuedHalves() {
        return issuedHalf;
    }

    @Override
    public int anomalyRun() {
        return anomalyRun;
    }

    @Override
    public void anomalyRun(int run) {
        anomalyRun = run;
    }

    @Override
    public boolean alertOpen() {
        return alertOpen;
    }

    @Override
    public void alertOpen(boolean open) {
        alertOpen = open;
    }

    @Override
    public long observedValues() {
        return normCount;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof KeyState k)) {
            return false;
        }
        if (k.ringSize != ringSize) {
            return false;
        }
        for (int i = 0; i < ringSize; i++) {
            if (Float.floatToIntBits(recall(i)) != Float.floatToIntBits(k.recall(i))) {
                return false;
            }
        }
        return modelVersion == k.modelVersion && lastTimestamp == k.lastTimestamp && steps == k.steps
                && normCount == k.normCount && Double.compare(normMean, k.normMean) == 0
                && Double.compare(normVariance, k.normVariance) == 0 && Double.compare(expected, k.expected) == 0
                && Double.compare(sigma, k.sigma) == 0
                && Double.compare(lastValue, k.lastValue) == 0
                && Float.compare(residualCorrelation, k.residualCorrelation) == 0 && Float.compare(residualRms, k.residualRms) == 0
                && Float.compare(lastResidual, k.lastResidual) == 0
                && Float.compare(correctionWeight, k.correctionWeight) == 0 && Float.compare(correctionRms, k.correctionRms) == 0
                && Float.compare(lastCorrection, k.lastCorrection) == 0
                && Float.compare(intervalLogScale, k.intervalLogScale) == 0 && Float.compare(farLogScale, k.farLogScale) == 0
                && Arrays.equals(issuedMean, k.issuedMean) && Arrays.equals(issuedHalf, k.issuedHalf) && anomalyRun == k.anomalyRun && alertOpen == k.alertOpen
                && Arrays.equals(recurrent, k.recurrent) && ring.length == k.ring.length
                && Objects.equals(novelty, k.novelty) && alertReason == k.alertReason && Objects.equals(kinds, k.kinds)
                && Objects.equals(profile, k.profile);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(lastTimestamp) * 31 + Arrays.hashCode(recurrent);
    }
}
