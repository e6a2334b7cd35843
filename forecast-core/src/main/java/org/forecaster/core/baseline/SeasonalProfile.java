package org.forecaster.core.baseline;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * One series' seasonal profile (issue 15): an exponentially smoothed level and {@code bins} additive seasonal
 * indices over one season, in the spirit of ES-RNN's per-series exponential smoothing (Smyl 2020, the M4 winner),
 * whose forecast the seasonal model's head is residual over instead of a single past observation.
 *
 * <p>The index of a value is chosen by the <em>time</em> phase of its step, {@code bin = floor(bins * (ts mod
 * season) / season)} (UTC epoch milliseconds), not by a count of steps, so missing steps and irregular points do
 * not shift it. Only observed values update it ({@link #update}):
 * <pre>
 *   first value          level = y, index[bin] = 0
 *   first visit of bin   index[bin] = y - level                      (level unchanged)
 *   later visits         level' = level + ALPHA (y - index[bin] - level)
 *                        index[bin] += GAMMA (y - level - index[bin])   (with the level before this value)
 * </pre>
 * The forecast for a time is {@code level + index[bin]}, NaN while that bin has not been visited (the caller
 * falls back on its own value, as the seasonal model does where the value one season back is unknown). Fixed
 * global smoothing constants: the network corrects the profile, and a per-series fit would need history the
 * online path does not keep.
 *
 * <p>The indices are floats and the level a double, exactly as {@link #writeTo} stores them, so a profile read
 * back from a key's state continues bit for bit (training and serving run this same code). Mutable, not
 * thread-safe; about {@code 23 + 4 * bins} bytes stored.
 */
public final class SeasonalProfile {
    /**
     * Level smoothing per observed value (time constant about 20 values). With {@link #GAMMA}, picked on the four
     * generated training scenarios of the bundled model (seeds 1-4; 5-minute steps, 96 daily bins) from a 3 x 3 grid
     * around Holt-Winters' usual range, by mean scaled MAE over horizons 1-12 of the profile alone: docs/evaluation.md,
     * "Seasonal profile". The earlier 0.03 / 0.5 (chosen on M4) kept a noisy index: about two visits remembered.
     */
    public static final double ALPHA = 0.05;
    /** Smoothing of a seasonal index per observed value in its bin (about a dozen visits remembered). */
    public static final double GAMMA = 0.15;
    /** Most bins: the stored count is a u16, and a profile must stay a few hundred bytes per key. */
    public static final int MAX_BINS = 1024;

    private final int bins;
    private final long seasonMillis;
    private final float[] index;
    private double level;
    private long count;

    /** An empty profile: no level, every bin unvisited. */
    public SeasonalProfile(int bins, long seasonMillis) {
        if (bins < 1 || bins > MAX_BINS) {
            throw new IllegalArgumentException("profile bins must be in 1.." + MAX_BINS + ", got " + bins);
        }
        if (seasonMillis < bins) {
            throw new IllegalArgumentException("profile season of " + seasonMillis + " ms is shorter than its " + bins + " bins");
        }
        this.bins = bins;
        this.seasonMillis = seasonMillis;
        this.index = new float[bins];
        Arrays.fill(index, Float.NaN);
        this.level = Double.NaN;
    }

    /** A copy with the same state. */
    public SeasonalProfile copy() {
        SeasonalProfile p = new SeasonalProfile(bins, seasonMillis);
        System.arraycopy(index, 0, p.index, 0, bins);
        p.level = level;
        p.count = count;
        return p;
    }

    public int bins() {
        return bins;
    }

    public long seasonMillis() {
        return seasonMillis;
    }

    /** Observed values folded in. */
    public long count() {
        return count;
    }

    /** The level; NaN before the first value. */
    public double level() {
        return level;
    }

    /** Whether this profile has the shape {@code (bins, seasonMillis)}. */
    public boolean fits(int bins, long seasonMillis) {
        return this.bins == bins && this.seasonMillis == seasonMillis;
    }

    /** The bin of the time {@code epochMillis}: its phase in the season, in {@code [0, bins)}. */
    public int bin(long epochMillis) {
        return (int) (Math.floorMod(epochMillis, seasonMillis) * bins / seasonMillis);
    }

    /** Folds in the value {@code y} observed at {@code epochMillis}; a NaN (missing) value changes nothing. */
    public void update(long epochMillis, double y) {
        if (Double.isNaN(y)) {
            return;
        }
        if (Double.isInfinite(y)) {
            throw new IllegalArgumentException("profile value must be finite, got " + y);
        }
        int b = bin(epochMillis);
        if (count == 0) {
            level = y;
            index[b] = 0f;
        } else if (Float.isNaN(index[b])) {
            index[b] = (float) (y - level);
        } else {
            double s = index[b], before = level;
            level = before + ALPHA * (y - s - before);
            index[b] = (float) (s + GAMMA * (y - before - s));
        }
        count++;
    }

    /** The profile's forecast for the time {@code epochMillis}: level plus that bin's index; NaN if the bin is unvisited. */
    public double forecast(long epochMillis) {
        float s = index[bin(epochMillis)];
        return Float.isNaN(s) ? Double.NaN : level + s;
    }

    /** Bytes {@link #writeTo} writes. */
    public int encodedSize() {
        return Short.BYTES + Long.BYTES + Double.BYTES + Long.BYTES + Float.BYTES * bins;
    }

    /** Writes {@code u16 bins, i64 seasonMillis, f64 level, i64 count, f32[bins] indices (NaN: unvisited)}. */
    public void writeTo(ByteBuffer out) {
        out.putShort((short) bins).putLong(seasonMillis).putDouble(level).putLong(count);
        for (float s : index) {
            out.putFloat(s);
        }
    }

    /** Reads what {@link #writeTo} wrote; rejects bytes that cannot be a profile. */
    public static SeasonalProfile readFrom(ByteBuffer in) {
        if (in.remaining() < Short.BYTES + 3 * Long.BYTES) {
            throw new IllegalArgumentException("a seasonal profile needs at least 26 bytes, got " + in.remaining());
        }
        int bins = Short.toUnsignedInt(in.getShort());
        long season = in.getLong();
        double level = in.getDouble();
        long count = in.getLong();
        if (bins < 1 || bins > MAX_BINS || season < bins || count < 0 || (count > 0) == Double.isNaN(level)
                || Double.isInfinite(level) || in.remaining() < Float.BYTES * bins) {
            throw new IllegalArgumentException("corrupt seasonal profile: " + bins + " bins over " + season + " ms, level "
                    + level + " after " + count + " values, " + in.remaining() + " bytes left");
        }
        SeasonalProfile p = new SeasonalProfile(bins, season);
        for (int i = 0; i < bins; i++) {
            p.index[i] = in.getFloat();
        }
        p.level = level;
        p.count = count;
        return p;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SeasonalProfile p && bins == p.bins && seasonMillis == p.seasonMillis && count == p.count
                && Double.compare(level, p.level) == 0 && Arrays.equals(index, p.index);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(index) * 31 + Long.hashCode(count);
    }

    @Override
    public String toString() {
        return "SeasonalProfile[bins=" + bins + ", seasonMillis=" + seasonMillis + ", level=" + level + ", count=" + count + "]";
    }
}
