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
 * One season cannot tell a trend from the season, so a trend during the first season is learnt as a ramp in the
 * indices, and the level then keeps it by stepping once a season at the phase where the series started: a
 * new key's forecast jumps at that time of day, every day, until the index smoothing wears the ramp off (a
 * week). So that step, the jump between the indices on both sides of the start phase, is taken out once, as the
 * third season begins (and the level, stale by a season's trend when the second begins, catches up as the mean of its
 * first values):
 * <pre>
 *   k-th value of season 2    later visits' level rate max(ALPHA, 1 / k)
 *   first value of season 3   step = left(seam) - right(seam): least-squares lines through the last bins / 12
 *                                    indices before the start phase and the first as many from it, read there
 *                                    (with fewer than 48 bins, or fewer than half of either side visited:
 *                                    level - level at the start of season 2)
 *                             index[bin] -= step * (phase of bin after the start, in seasons, in [0, 1))
 *                             level += step                  (the level goes on where the trend is, not a season back)
 * </pre>
 * The level's move over the second season measures the trend a day after the ramp was laid down; a bending trend (a
 * weekly cycle) has changed it by then, and the step it left at the start phase made a key's forecast miss there for
 * days (docs/evaluation.md, issue 15's twenty-first session).
 * The forecast for a time is {@code level + index[bin]}, the index read as a triangular-kernel mean of the visited
 * bins within 40 minutes ({@link #SMOOTHING_MILLIS}) of the step's middle, NaN while that bin has not been visited (the caller
 * falls back on its own value, as the seasonal model does where the value one season back is unknown). Fixed
 * global smoothing constants: the network corrects the profile, and a per-series fit would need history the
 * online path does not keep.
 *
 * <p>The indices are kept exactly as {@link #writeTo} stores them, as IEEE half floats (binary16) in units of a
 * power of two ({@code index = half * 2^unitExponent}), so a profile read back from a key's state continues bit for
 * bit (training and serving run this same code). Half floats keep 11 significant bits: rounding an index to 1 part in
 * 2,000 of its size is far below any series' noise, and it halves the bytes per bin, which pays for 144 bins (10
 * minutes of a day) within a key's budget. The unit follows the data's magnitude (set by the first value; raised,
 * never lowered, when an index would leave the half float's range), so a series of bytes and one of ratios both keep
 * that precision. Mutable, not thread-safe; {@code 40 + 2 * bins} bytes stored.
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
    /**
     * Half-width of the triangular kernel by which {@link #forecast} reads a bin together with its neighbours (40
     * minutes: around a 10-minute bin's middle the 3 bins on each side, weighted 3/4, 1/2, 1/4; around a 5-minute
     * step's middle 4 bins on one side and 3 on the other). A bin of 144 over a day learns from about
     * two values a day, so its index carries their noise, and a day's pattern seldom changes within minutes. Hourly
     * and coarser bins have no neighbour that close and read alone. Chosen on the generated training scenarios 5-8
     * (half-widths 0, 20, 30, 40, 50 minutes, 3 model seeds each: mean scaled MAE 0.970 -> 0.927 x Holt-Winters at 40):
     * docs/evaluation.md, "Since issue 15's seventeenth session". Centring the triangle on a step's middle rather than
     * its bin's (so a bin's two 5-minute steps read the slope through it) took 5-8 from 0.925 to 0.917 and the quiet
     * samples 61-63 from 1.835 / 1.333 / 1.512 to 1.609 / 1.296 / 1.376 (the eighteenth session).
     */
    static final double SMOOTHING_MILLIS = 40 * 60_000.0;
    /**
     * The seam's lines span this share of the season on each side, with at least SEAM_MIN_BINS bins ({@link #seamStep}):
     * lines through fewer (an hourly profile's two bins) carry the noise of single indices, and M4 Hourly's 24 bins
     * forecast worse with them (OWA 0.521 / 0.528 / 0.528 at seeds 42-44 against 0.524 / 0.519 / 0.522).
     */
    static final int SEAM_SHARE = 12, SEAM_MIN_BINS = 4;
    /** Most bins: the count is stored in 15 bits of a u16, and a profile must stay a few hundred bytes per key. */
    public static final int MAX_BINS = 1024;
    /** Set in the stored bin count when the indices are half floats; the first format stored 32-bit floats. */
    private static final int HALF_FORMAT = 0x8000;
    /**
     * Set in the stored bin count when the season and the count of values are 32-bit (every season under 24 days and
     * count under 2^31, which is all of them in practice): 8 bytes of a key's budget.
     */
    private static final int COMPACT_FORMAT = 0x2000;
    /** Set in the stored bin count when the start and the second season's level follow the unit (the ramp's state). */
    private static final int RAMP_FORMAT = 0x4000;
    /** {@link #start} once the first season's ramp is taken out (or never will be: a profile stored before it). */
    private static final long NO_START = Long.MIN_VALUE;
    /** An unvisited bin (a half-float NaN). */
    private static final short UNVISITED = Float.floatToFloat16(Float.NaN);
    /** Largest index magnitude in units: half floats reach 65504, and headroom keeps one update from overflowing. */
    private static final int MAX_UNITS_EXPONENT = 15;
    /** Where the first value's magnitude lands: about 1,000 units, normal half floats for indices down to 1e-7 of it. */
    private static final int FIRST_VALUE_UNITS_EXPONENT = 10;

    private final int bins;
    private final long seasonMillis;
    private final short[] index;
    private int unitExponent;
    private double level;
    private long count;
    /** Time of the first value, until the first season's ramp is taken out; then {@link #NO_START}. */
    private long start = NO_START;
    /** The level when the second season began; NaN before. */
    private double secondSeasonLevel = Double.NaN;
    /** Values folded in since the second season began. */
    private int secondSeasonValues;

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
        this.index = new short[bins];
        Arrays.fill(index, UNVISITED);
        this.level = Double.NaN;
    }

    /** A copy with the same state. */
    public SeasonalProfile copy() {
        SeasonalProfile p = new SeasonalProfile(bins, seasonMillis);
        System.arraycopy(index, 0, p.index, 0, bins);
        p.unitExponent = unitExponent;
        p.level = level;
        p.count = count;
        p.start = start;
        p.secondSeasonLevel = secondSeasonLevel;
        p.secondSeasonValues = secondSeasonValues;
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
        if (start != NO_START) {
            takeOutFirstSeasonRamp(epochMillis);
        }
        int b = bin(epochMillis);
        if (count == 0) {
            start = epochMillis;
            level = y;
            unitExponent = Math.getExponent(Math.max(Math.abs(y), Double.MIN_NORMAL)) - FIRST_VALUE_UNITS_EXPONENT;
            setIndex(b, 0);
        } else if (!visited(b)) {
            setIndex(b, y - level);
        } else {
            double s = indexAt(b), before = level;
            double rate = inSecondSeason() ? Math.max(ALPHA, 1.0 / (secondSeasonValues + 1)) : ALPHA;
            level = before + rate * (y - s - before);
            setIndex(b, s + GAMMA * (y - before - s));
        }
        if (inSecondSeason()) {
            secondSeasonValues++;
        }
        count++;
    }

    private boolean inSecondSeason() {
        return start != NO_START && !Double.isNaN(secondSeasonLevel);
    }

    /** Notes the level as the second season begins, and takes the first season's ramp out as the third does. */
    private void takeOutFirstSeasonRamp(long epochMillis) {
        long since = epochMillis - start;
        if (since >= seasonMillis && Double.isNaN(secondSeasonLevel)) {
            secondSeasonLevel = level; // a key silent for all of its second season sees no step here, and keeps its ramp
            secondSeasonValues = 0;
        }
        if (since < 2 * seasonMillis) {
            return;
        }
        int startBin = bin(start);
        double step = seamStep(startBin);
        if (Double.isNaN(step)) {
            step = level - secondSeasonLevel;
        }
        for (int i = 0; i < bins; i++) {
            if (visited(i)) {
                setIndex(i, indexAt(i) - step * Math.floorMod(i - startBin, bins) / bins);
            }
        }
        level += step;
        start = NO_START;
        secondSeasonLevel = Double.NaN;
        secondSeasonValues = 0;
    }

    /**
     * The first season's ramp as the jump between the indices on both sides of the start phase: on each side
     * {@code bins / 12} bins (two hours of a day) fitted by a line and read at the seam, where the ramp ends and a
     * profile without it is continuous. NaN when either side has fewer than half its bins visited, or a profile fewer
     * than {@value #SEAM_MIN_BINS} a side.
     */
    private double seamStep(int startBin) {
        int k = bins / SEAM_SHARE;
        if (k < SEAM_MIN_BINS) {
            return Double.NaN;
        }
        double left = lineAt(startBin - k, k, k - 0.5), right = lineAt(startBin, k, -0.5);
        return left - right;
    }

    /**
     * The least-squares line through the visited indices of bins {@code from .. from + k - 1} (wrapping), read at
     * {@code x} bins after {@code from}; NaN when fewer than half are visited.
     */
    private double lineAt(int from, int k, double x) {
        double n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
        for (int i = 0; i < k; i++) {
            int b = Math.floorMod(from + i, bins);
            if (visited(b)) {
                double y = indexAt(b);
                n++;
                sx += i;
                sy += y;
                sxx += (double) i * i;
                sxy += i * y;
            }
        }
        if (n < Math.max(2, k / 2.0)) {
            return Double.NaN;
        }
        double slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
        return sy / n + slope * (x - sx / n);
    }

    private boolean visited(int b) {
        return index[b] != UNVISITED;
    }

    /** Bin {@code b}'s index in the series' units; NaN if unvisited. */
    private double indexAt(int b) {
        return Math.scalb((double) Float.float16ToFloat(index[b]), unitExponent);
    }

    /** Stores {@code value} rounded to a half float in the current unit, first raising the unit if it does not fit. */
    private void setIndex(int b, double value) {
        int needed = Math.getExponent(value) - MAX_UNITS_EXPONENT + 1;
        if (value != 0 && needed > unitExponent) {
            rescale(needed);
        }
        index[b] = Float.floatToFloat16((float) Math.scalb(value, -unitExponent));
    }

    /** Re-expresses every index in the larger unit {@code 2^exponent} (the small ones lose bits they did not need). */
    private void rescale(int exponent) {
        for (int i = 0; i < bins; i++) {
            if (visited(i)) {
                index[i] = Float.floatToFloat16(Math.scalb(Float.float16ToFloat(index[i]), unitExponent - exponent));
            }
        }
        unitExponent = exponent;
    }

    /**
     * The profile's forecast for the bin of the time {@code epochMillis}: the level plus that bin's index read as the
     * mean of the visited bins within {@link #SMOOTHING_MILLIS} of its middle, weighted by a triangle (1 at the bin,
     * 1 - distance / half-width beside it; the season wraps); NaN if the bin itself is unvisited.
     */
    public double forecast(long epochMillis) {
        int b = bin(epochMillis);
        return read(b, (b + 0.5) * seasonMillis / bins);
    }

    /**
     * The profile's forecast for the step of {@code stepMillis} that starts at {@code epochMillis} (a window's mean):
     * as {@link #forecast(long)}, the triangle centred on the step's middle instead of its bin's, so the two steps of
     * a bin read the slope between its neighbours. A bin's index stands for its middle: the values that update it
     * are the means of steps that tile it. Steps of a bin or longer read their bin's middle.
     */
    public double forecast(long epochMillis, long stepMillis) {
        int b = bin(epochMillis);
        double binMillis = (double) seasonMillis / bins;
        if (stepMillis <= 0 || stepMillis >= binMillis) {
            return read(b, (b + 0.5) * binMillis);
        }
        return read(b, Math.floorMod(epochMillis, seasonMillis) + stepMillis / 2.0);
    }

    /** Level plus the triangle-weighted mean of the visited bins' indices around the phase {@code at} (ms); NaN if bin {@code b} is unvisited. */
    private double read(int b, double at) {
        if (!visited(b)) {
            return Double.NaN;
        }
        double binMillis = (double) seasonMillis / bins, sum = 0, weights = 0;
        int reach = (int) Math.ceil(SMOOTHING_MILLIS / binMillis);
        for (int k = -reach; k <= reach; k++) {
            if (bins <= 2 * Math.abs(k) && k != 0) {
                continue; // a short season: a bin once
            }
            int j = Math.floorMod(b + k, bins);
            double w = 1 - Math.abs(at - (b + k + 0.5) * binMillis) / SMOOTHING_MILLIS;
            if (w > 0 && visited(j)) {
                sum += w * indexAt(j);
                weights += w;
            }
        }
        return level + sum / weights;
    }

    /** Bytes {@link #writeTo} writes. */
    public int encodedSize() {
        return Short.BYTES + (compact() ? 2 * Integer.BYTES : 2 * Long.BYTES) + Double.BYTES + Short.BYTES + Long.BYTES
                + Double.BYTES + Integer.BYTES + Short.BYTES * bins;
    }

    /** Whether {@link #writeTo} writes the season and the count in 32 bits. */
    private boolean compact() {
        return seasonMillis <= Integer.MAX_VALUE && count <= Integer.MAX_VALUE;
    }

    /**
     * Writes {@code u16 (bins | 0xE000), i32 seasonMillis, f64 level, i32 count, i16 unitExponent, i64 start (MIN:
     * none), f64 secondSeasonLevel (NaN: not yet), i32 secondSeasonValues, f16[bins] indices (NaN: unvisited)}; with
     * flag 0x2000 clear and both as i64 when either passes 2^31 - 1.
     */
    public void writeTo(ByteBuffer out) {
        if (compact()) {
            out.putShort((short) (bins | HALF_FORMAT | RAMP_FORMAT | COMPACT_FORMAT)).putInt((int) seasonMillis).putDouble(level)
                    .putInt((int) count);
        } else {
            out.putShort((short) (bins | HALF_FORMAT | RAMP_FORMAT)).putLong(seasonMillis).putDouble(level).putLong(count);
        }
        out.putShort((short) unitExponent).putLong(start).putDouble(secondSeasonLevel).putInt(secondSeasonValues);
        for (short s : index) {
            out.putShort(s);
        }
    }

    /**
     * Reads what {@link #writeTo} wrote, or an earlier format: with the season and count in 64 bits (flag 0x2000
     * clear), without the start and second season's level (flag 0x4000 clear; such a profile keeps any ramp it has),
     * or the first format ({@code u16 bins, i64, f64, i64, f32[bins]}, whose indices are rounded to half floats on
     * reading: such a profile goes on within 1 part in 2,000 of where it was); rejects bytes that cannot be a profile.
     */
    public static SeasonalProfile readFrom(ByteBuffer in) {
        return readFrom(in, null);
    }

    /** As {@link #readFrom(ByteBuffer)}, into {@code into} (every field overwritten) when it has the read shape, else into a new profile. */
    public static SeasonalProfile readFrom(ByteBuffer in, SeasonalProfile into) {
        if (in.remaining() < Short.BYTES + 2 * Integer.BYTES + Double.BYTES) {
            throw new IllegalArgumentException("a seasonal profile needs at least 18 bytes, got " + in.remaining());
        }
        int stored = Short.toUnsignedInt(in.getShort());
        boolean half = (stored & HALF_FORMAT) != 0;
        boolean ramp = half && (stored & RAMP_FORMAT) != 0;
        boolean compact = ramp && (stored & COMPACT_FORMAT) != 0;
        int bins = stored & ~(HALF_FORMAT | (half ? RAMP_FORMAT : 0) | (ramp ? COMPACT_FORMAT : 0));
        if (!compact && in.remaining() < 3 * Long.BYTES) {
            throw new IllegalArgumentException("a seasonal profile needs at least 26 bytes, got " + (in.remaining() + Short.BYTES));
        }
        long season = compact ? in.getInt() : in.getLong();
        double level = in.getDouble();
        long count = compact ? in.getInt() : in.getLong();
        int indexBytes = half ? Short.BYTES + (ramp ? Long.BYTES + Double.BYTES + Integer.BYTES : 0) + Short.BYTES * bins : Float.BYTES * bins;
        if (bins < 1 || bins > MAX_BINS || season < bins || count < 0 || (count > 0) == Double.isNaN(level)
                || Double.isInfinite(level) || in.remaining() < indexBytes) {
            throw new IllegalArgumentException("corrupt seasonal profile: " + bins + " bins over " + season + " ms, level "
                    + level + " after " + count + " values, " + in.remaining() + " bytes left");
        }
        SeasonalProfile p = into != null && into.fits(bins, season) ? into : new SeasonalProfile(bins, season);
        p.level = level;
        p.count = count;
        p.start = NO_START; // a reused profile's, unless the bytes hold one
        p.secondSeasonLevel = Double.NaN;
        p.secondSeasonValues = 0;
        if (half) {
            p.unitExponent = in.getShort();
            if (ramp) {
                p.start = in.getLong();
                p.secondSeasonLevel = in.getDouble();
                p.secondSeasonValues = in.getInt();
                if (count == 0 && p.start != NO_START || Double.isInfinite(p.secondSeasonLevel) || p.secondSeasonValues < 0
                        || p.start == NO_START && !Double.isNaN(p.secondSeasonLevel)) {
                    throw new IllegalArgumentException("corrupt seasonal profile: start " + p.start + ", second season's level "
                            + p.secondSeasonLevel + " after " + p.secondSeasonValues + " of its " + count + " values");
                }
            }
            for (int i = 0; i < bins; i++) {
                short h = in.getShort();
                float v = Float.float16ToFloat(h);
                if (Float.isInfinite(v)) {
                    throw new IllegalArgumentException("corrupt seasonal profile: bin " + i + " holds an infinite index");
                }
                p.index[i] = Float.isNaN(v) ? UNVISITED : h;
            }
        } else {
            p.unitExponent = Math.getExponent(Math.max(Math.abs(level), Double.MIN_NORMAL)) - FIRST_VALUE_UNITS_EXPONENT;
            Arrays.fill(p.index, UNVISITED); // a reused profile's bins
            for (int i = 0; i < bins; i++) {
                float s = in.getFloat();
                if (!Float.isNaN(s)) {
                    p.setIndex(i, s);
                }
            }
        }
        return p;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SeasonalProfile p && bins == p.bins && seasonMillis == p.seasonMillis && count == p.count
                && unitExponent == p.unitExponent && Double.compare(level, p.level) == 0 && start == p.start
                && Double.compare(secondSeasonLevel, p.secondSeasonLevel) == 0 && secondSeasonValues == p.secondSeasonValues
                && Arrays.equals(index, p.index);
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
