package org.forecaster.core.anomaly;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The per-key anomaly score of {@code detect} and the one meant for the model service: the larger of a novelty
 * flag and the model's tail score, in [0, 1], with a state of at most a few hundred bytes ({@link #encodedSize}).
 *
 * <p><b>Novelty</b> (Numenta HTM's "spatial anomaly", applied to three signals): 1 when a signal leaves the
 * range of all its earlier values widened by {@code rangeTolerance} of its width on both sides. The signals are
 * the value (a spike to a new extreme), the mean of the last {@code meanRows} values (a level shift that stays
 * inside the noise band), and the mean of the last {@code meanRows} differences to the value one season before
 * (a changed daily pattern: a daily jump that is missing or smaller). The value is also novel beyond a <em>recent</em>
 * range widened by {@code recentTolerance}: a range that takes in every value like the all-time one but shrinks by
 * {@code recentDecay} of its width per point (both ends toward its middle; half-life {@code ln 2 / (2 recentDecay)}
 * points), so a spike that stands out against the last weeks counts even after an early, larger one set the
 * all-time range. A novelty fewer than {@code echoRows} points after the previous one scores 0.5 instead: a shift
 * that keeps setting records is one detection, not many. A point the prediction expected almost exactly (surprise
 * {@code L} below {@code minFlagSurprise}, see below) is not a novelty at all: the lagging signals (a mean creeping
 * to a new high while the value itself is what the model or yesterday said) set records after the change that
 * caused them.
 *
 * <p><b>Tail score</b>: the surprise {@code L = -ln P(|Z| >= |z|)} of the value under the one-step Gaussian
 * prediction, or the surprise under "same time one season ago" when that is smaller (as {@link TailScore}: the
 * seasonal spread is {@code seasonalWidth} times the running mean absolute seasonal difference), mapped to
 * {@code L / (L + halfSurprise)}. It orders the points that are not novelties, and with the default
 * {@code halfSurprise} of ln 1e4 a point far off its prediction scores near 1 although it is inside every range (a
 * spike as large as an earlier one: 0.98 at {@code |z| = 30}), so it still alerts.
 *
 * <p>Causal by construction: the score of a point depends on it and earlier points only. Mutable, one instance
 * per key, not thread-safe. The state survives a model swap unchanged (nothing in it depends on the weights).
 */
public final class NoveltyScore implements AnomalyScorer {
    /**
     * @param halfSurprise   the surprise that scores 0.5 in the tail score (ln 1e4 = 9.21: a 1e-4 tail)
     * @param seasonalWidth  spread of the seasonal reference in running mean absolute seasonal differences; 0: none
     * @param seasonalAlpha  weight of the newest difference in that running mean
     * @param meanRows       points averaged for the level and seasonal-difference signals
     * @param rangeTolerance a signal is novel beyond its earlier range widened by this fraction of its width
     * @param echoRows       a novelty within this many points of the previous one scores 0.5
     * @param recentDecay    the recent value range shrinks by this fraction of its width per point; 0: no recent range
     * @param recentTolerance the value is novel beyond the recent range widened by this fraction of its width
     * @param minFlagSurprise a point whose surprise under the prediction is below this is never a novelty (0: off);
     *                        without a prediction (cold steps) flags stand
     */
    public record Spec(double halfSurprise, double seasonalWidth, double seasonalAlpha, int meanRows, double rangeTolerance,
                       int echoRows, double recentDecay, double recentTolerance, double minFlagSurprise) {
        /**
         * The default settings: tolerance 5 %, 24-point means, echoes over 50 points, a recent value range with a
         * half-life of 3,466 points and a 30 % tolerance, no flag on a point predicted within a surprise of 0.05
         * ({@code |z| < 0.06}), and a tail score that scores 0.5 at a two-sided 1e-4 tail (half surprise ln 1e4).
         * docs/evaluation.md has how they were chosen.
         */
        public static final Spec DEFAULT = new Spec(Math.log(1e4), 2, 0.01, 24, 0.05, 50, 1e-4, 0.3, 0.05);

        public Spec {
            if (!(halfSurprise > 0) || Double.isInfinite(halfSurprise)) {
                throw new IllegalArgumentException("half surprise must be positive and finite, got " + halfSurprise);
            }
            if (!(seasonalWidth >= 0) || Double.isInfinite(seasonalWidth)) {
                throw new IllegalArgumentException("seasonal width must be >= 0 and finite, got " + seasonalWidth);
            }
            if (!(seasonalAlpha > 0 && seasonalAlpha <= 1)) {
                throw new IllegalArgumentException("seasonal alpha must be in (0, 1], got " + seasonalAlpha);
            }
            if (meanRows < 1 || meanRows > 1000) {
                throw new IllegalArgumentException("mean rows must be in 1..1000, got " + meanRows);
            }
            if (!(rangeTolerance >= 0) || Double.isInfinite(rangeTolerance)) {
                throw new IllegalArgumentException("range tolerance must be >= 0 and finite, got " + rangeTolerance);
            }
            if (echoRows < 0) {
                throw new IllegalArgumentException("echo rows must not be negative, got " + echoRows);
            }
            if (!(recentDecay >= 0 && recentDecay < 0.5)) {
                throw new IllegalArgumentException("recent decay must be in [0, 0.5), got " + recentDecay);
            }
            if (!(recentTolerance >= 0) || Double.isInfinite(recentTolerance)) {
                throw new IllegalArgumentException("recent tolerance must be >= 0 and finite, got " + recentTolerance);
            }
            if (!(minFlagSurprise >= 0) || Double.isInfinite(minFlagSurprise)) {
                throw new IllegalArgumentException("minimum flag surprise must be >= 0 and finite, got " + minFlagSurprise);
            }
        }

        /** This spec with other {@code meanRows}. */
        public Spec withMeanRows(int rows) {
            return new Spec(halfSurprise, seasonalWidth, seasonalAlpha, rows, rangeTolerance, echoRows, recentDecay,
                    recentTolerance, minFlagSurprise);
        }
    }

    /** Score of a novelty, and of one that follows the previous novelty within the echo window. */
    public static final double NOVEL = 1.0, ECHO = 0.5;

    private final Spec spec;
    /** Running mean absolute seasonal difference; NaN until the first one. */
    private double seasonalMad;
    /** Earlier ranges of the value, its mean and the mean seasonal difference; NaN until the first of each. */
    private double valueMin, valueMax;
    private double meanMin, meanMax;
    private double seasonalMeanMin, seasonalMeanMax;
    /** The recent value range: the value range shrinking by recentDecay of its width per point; NaN until the first. */
    private double recentMin, recentMax;
    /**
     * The last meanRows values and seasonal differences (NaN where the seasonal value was unknown). A ring entry is
     * read only once the ring is full of entries of the current run, so the differences outside the run are kept NaN
     * (and the values not yet seen 0): the state is then exactly what {@link #writeTo} writes, the entries of the run.
     */
    private final float[] values, differences;
    private int ringNext;
    /** Values seen and consecutive known seasonal differences, both capped at meanRows. */
    private int valuesSeen, differencesRun;
    /** Points since the last novelty, counting the current one; saturates. */
    private int sinceNovelty;

    public NoveltyScore(Spec spec) {
        this.spec = spec;
        this.values = new float[spec.meanRows()];
        this.differences = new float[spec.meanRows()];
        clear();
    }

    /** Back to a new key's state: every field, so that a reused object ({@link #readFrom(Spec, ByteBuffer, NoveltyScore)}) keeps nothing of its last key. */
    private void clear() {
        seasonalMad = valueMin = valueMax = meanMin = meanMax = Double.NaN;
        seasonalMeanMin = seasonalMeanMax = recentMin = recentMax = Double.NaN;
        Arrays.fill(values, 0f);
        Arrays.fill(differences, Float.NaN);
        ringNext = valuesSeen = differencesRun = 0;
        sinceNovelty = Integer.MAX_VALUE;
    }

    /**
     * How far {@code value} lies outside the range of every value folded in so far, in widths of that range (0
     * inside it); NaN before two different values. Read before {@link #update} folds the value in.
     */
    public double widthsBeyondRange(double value) {
        double width = valueMax - valueMin;
        if (!(width > 0)) {
            return Double.NaN;
        }
        return Math.max(0, Math.max(value - valueMax, valueMin - value)) / width;
    }

    @Override
    public double update(double expected, double sigma, double value, double seasonal) {
        return update(expected, sigma, value, seasonal, Double.NaN);
    }

    /**
     * As {@link AnomalyScorer#update(double, double, double, double, double)}: the profile's forecast stands in for an
     * unknown seasonal value in the tail only; the mean seasonal difference's range (a novelty signal) keeps reading
     * values one season before. Chosen on NAB through the service path (leave one category out: false alerts 370 ->
     * 157 at 63 -> 59 of 83 windows); standing in for both gave 174 at 58, and 8 more false alerts on the generated
     * training scenarios, where the tail alone changes nothing (docs/evaluation.md, issue 15's sixteenth session).
     */
    @Override
    public double update(double expected, double sigma, double value, double seasonal, double seasonalForecast) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("an observed value must be finite, got " + value);
        }
        double seasonalSurprise = Double.POSITIVE_INFINITY;
        double reference = Double.isNaN(seasonal) ? seasonalForecast : seasonal;
        if (spec.seasonalWidth() > 0 && !Double.isNaN(reference)) {
            double d = TailScore.seasonalDifference(value, reference);
            seasonalSurprise = TailScore.seasonalSurprise(d, seasonalMad, spec.seasonalWidth());
            seasonalMad = Double.isNaN(seasonalMad) ? d : seasonalMad + spec.seasonalAlpha() * (d - seasonalMad);
        }
        double tail = 0;
        boolean expectedClosely = false;
        if (!Double.isNaN(expected) && sigma > 0) {
            double l = Math.min(TailScore.surprise((value - expected) / sigma), seasonalSurprise);
            tail = l / (l + spec.halfSurprise());
            expectedClosely = l < spec.minFlagSurprise();
        }

        int n = spec.meanRows();
        values[ringNext] = (float) value;
        if (Double.isNaN(seasonal)) {
            if (differencesRun > 0) {
                Arrays.fill(differences, Float.NaN); // the run ended: its entries will never be read
            }
            differencesRun = 0;
        } else {
            differences[ringNext] = (float) ((float) value - seasonal);
            differencesRun = Math.min(differencesRun + 1, n);
        }
        ringNext = (ringNext + 1) % n;
        valuesSeen = Math.min(valuesSeen + 1, n);

        double tolerance = spec.rangeTolerance();
        boolean novel = outside(value, valueMin, valueMax, tolerance)
                || outside(value, recentMin, recentMax, spec.recentTolerance());
        valueMin = min(valueMin, value);
        valueMax = max(valueMax, value);
        recentMin = min(recentMin, value);
        recentMax = max(recentMax, value);
        double shrink = spec.recentDecay() * (recentMax - recentMin);
        recentMin += shrink;
        recentMax -= shrink;
        if (valuesSeen == n) {
            double mean = mean(values);
            novel |= outside(mean, meanMin, meanMax, tolerance);
            meanMin = min(meanMin, mean);
            meanMax = max(meanMax, mean);
        }
        if (differencesRun == n) {
            double mean = mean(differences);
            novel |= outside(mean, seasonalMeanMin, seasonalMeanMax, tolerance);
            seasonalMeanMin = min(seasonalMeanMin, mean);
            seasonalMeanMax = max(seasonalMeanMax, mean);
        }
        sinceNovelty = sinceNovelty == Integer.MAX_VALUE ? sinceNovelty : sinceNovelty + 1;
        double novelty = 0;
        if (novel && !expectedClosely) { // the ranges above took the point in either way
            novelty = sinceNovelty <= spec.echoRows() ? ECHO : NOVEL;
            sinceNovelty = 0;
        }
        return Math.max(novelty, tail);
    }

    private static boolean outside(double x, double lo, double hi, double tolerance) {
        if (!(hi > lo)) {
            return false; // no range yet (NaN) or a single value so far
        }
        double margin = tolerance * (hi - lo);
        return x > hi + margin || x < lo - margin;
    }

    private static double min(double a, double x) {
        return Double.isNaN(a) ? x : Math.min(a, x);
    }

    private static double max(double a, double x) {
        return Double.isNaN(a) ? x : Math.max(a, x);
    }

    /** Mean of a full ring, summed oldest first so the result does not depend on where the ring starts. */
    private double mean(float[] ring) {
        double sum = 0;
        for (int i = 0; i < ring.length; i++) {
            sum += ring[(ringNext + i) % ring.length];
        }
        return sum / ring.length;
    }

    /** Flag of {@link #writeTo}: the seasonal running mean and range are known (else all three are NaN, not written). */
    private static final int SEASONAL_KNOWN = 1;
    /**
     * Flag of {@link #writeTo}: the recent range is written. Always set now; states written before the recent range
     * existed (main before 2026-12-05, same key-state codec version) lack it and get the all-time value range instead.
     */
    private static final int RECENT_RANGE = 2;

    /**
     * Bytes {@link #writeTo} writes for this state: 61 when empty; 157 with a full 24-point ring of values and no
     * seasonal reference (series whose season does not fit the key's ring); 277 with both rings full.
     */
    public int encodedSize() {
        return 2 + 1 + 6 * Double.BYTES + (seasonalKnown() ? 3 * Double.BYTES : 0) + 3 * Short.BYTES + Integer.BYTES
                + (valuesSeen + differencesRun) * Float.BYTES;
    }

    private boolean seasonalKnown() {
        return !Double.isNaN(seasonalMad) || !Double.isNaN(seasonalMeanMin) || !Double.isNaN(seasonalMeanMax);
    }

    /**
     * Writes the state (not the spec, which is configuration) at the buffer's position, in the buffer's byte order:
     * {@code u16 meanRows, u8 flags, f64 valueMin, valueMax, meanMin, meanMax, [f64 recentMin, recentMax if flags & 2],
     * [f64 seasonalMad,
     * seasonalMeanMin, seasonalMeanMax if flags & 1], u16 ringNext, u16 valuesSeen, u16 differencesRun, i32 sinceNovelty,
     * f32[valuesSeen] values, f32[differencesRun] differences} (both oldest first). Only ring entries that can still
     * be read are written, and the seasonal part only once known, so a key without a seasonal reference does not pay
     * for it.
     */
    public void writeTo(ByteBuffer out) {
        int n = spec.meanRows();
        boolean seasonalKnown = seasonalKnown();
        out.putShort((short) n).put((byte) ((seasonalKnown ? SEASONAL_KNOWN : 0) | RECENT_RANGE));
        out.putDouble(valueMin).putDouble(valueMax).putDouble(meanMin).putDouble(meanMax).putDouble(recentMin)
                .putDouble(recentMax);
        if (seasonalKnown) {
            out.putDouble(seasonalMad).putDouble(seasonalMeanMin).putDouble(seasonalMeanMax);
        }
        out.putShort((short) ringNext).putShort((short) valuesSeen).putShort((short) differencesRun).putInt(sinceNovelty);
        for (int i = valuesSeen; i > 0; i--) {
            out.putFloat(values[Math.floorMod(ringNext - i, n)]);
        }
        for (int i = differencesRun; i > 0; i--) {
            out.putFloat(differences[Math.floorMod(ringNext - i, n)]);
        }
    }

    /**
     * Reads a state written by {@link #writeTo} and continues it under {@code spec}. A state written under another
     * {@code meanRows} is read past and replaced by a fresh one (its rings cannot continue at another length).
     * Rejects bytes that cannot be such a state.
     */
    public static NoveltyScore readFrom(Spec spec, ByteBuffer in) {
        return readFrom(spec, in, null);
    }

    /**
     * As {@link #readFrom(Spec, ByteBuffer)}, into {@code into} (every field overwritten) when it has {@code spec} and
     * the state was written under its {@code meanRows}, else into a new object; returns the one read.
     */
    public static NoveltyScore readFrom(Spec spec, ByteBuffer in, NoveltyScore into) {
        if (in.remaining() < 3) {
            throw new IllegalArgumentException("a novelty score state needs at least 45 bytes, got " + in.remaining());
        }
        int n = Short.toUnsignedInt(in.getShort());
        int flags = Byte.toUnsignedInt(in.get());
        if (n < 1 || (flags & ~(SEASONAL_KNOWN | RECENT_RANGE)) != 0) {
            throw new IllegalArgumentException("corrupt novelty score state: " + n + "-point means, flags " + flags);
        }
        boolean recentWritten = (flags & RECENT_RANGE) != 0;
        int fixed = (4 + (recentWritten ? 2 : 0) + ((flags & SEASONAL_KNOWN) != 0 ? 3 : 0)) * Double.BYTES
                + 3 * Short.BYTES + Integer.BYTES;
        if (in.remaining() < fixed) {
            throw new IllegalArgumentException("a novelty score state needs " + (3 + fixed) + " bytes or more, got "
                    + (3 + in.remaining()));
        }
        NoveltyScore s;
        if (into != null && n == spec.meanRows() && into.spec.equals(spec)) {
            s = into;
            s.clear(); // what is not read below is as a new one has it
        } else {
            s = new NoveltyScore(n == spec.meanRows() ? spec : spec.withMeanRows(n));
        }
        s.valueMin = in.getDouble();
        s.valueMax = in.getDouble();
        s.meanMin = in.getDouble();
        s.meanMax = in.getDouble();
        // An older state's recent range would lie inside the all-time one: starting from that flags no more, and
        // the decay narrows it over the next weeks.
        s.recentMin = recentWritten ? in.getDouble() : s.valueMin;
        s.recentMax = recentWritten ? in.getDouble() : s.valueMax;
        if ((flags & SEASONAL_KNOWN) != 0) {
            s.seasonalMad = in.getDouble();
            s.seasonalMeanMin = in.getDouble();
            s.seasonalMeanMax = in.getDouble();
        }
        s.ringNext = Short.toUnsignedInt(in.getShort());
        s.valuesSeen = Short.toUnsignedInt(in.getShort());
        s.differencesRun = Short.toUnsignedInt(in.getShort());
        s.sinceNovelty = in.getInt();
        if (s.ringNext >= n || s.valuesSeen > n || (s.valuesSeen < n && s.ringNext != s.valuesSeen)
                || s.differencesRun > s.valuesSeen || s.sinceNovelty < 0 || s.recentMax < s.recentMin
                || in.remaining() < (s.valuesSeen + s.differencesRun) * Float.BYTES) {
            throw new IllegalArgumentException("corrupt novelty score state: ring position " + s.ringNext + ", values "
                    + s.valuesSeen + ", differences " + s.differencesRun + ", since novelty " + s.sinceNovelty
                    + ", recent range " + s.recentMin + ".." + s.recentMax + " for " + n + "-point means, " + in.remaining() + " bytes left");
        }
        for (int i = s.valuesSeen; i > 0; i--) {
            s.values[Math.floorMod(s.ringNext - i, n)] = in.getFloat();
        }
        for (int i = s.differencesRun; i > 0; i--) {
            s.differences[Math.floorMod(s.ringNext - i, n)] = in.getFloat();
        }
        return n == spec.meanRows() ? s : new NoveltyScore(spec);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof NoveltyScore s)) {
            return false;
        }
        return spec.equals(s.spec) && Double.compare(seasonalMad, s.seasonalMad) == 0
                && Double.compare(valueMin, s.valueMin) == 0 && Double.compare(valueMax, s.valueMax) == 0
                && Double.compare(meanMin, s.meanMin) == 0 && Double.compare(meanMax, s.meanMax) == 0
                && Double.compare(recentMin, s.recentMin) == 0 && Double.compare(recentMax, s.recentMax) == 0
                && Double.compare(seasonalMeanMin, s.seasonalMeanMin) == 0
                && Double.compare(seasonalMeanMax, s.seasonalMeanMax) == 0 && ringNext == s.ringNext
                && valuesSeen == s.valuesSeen && differencesRun == s.differencesRun && sinceNovelty == s.sinceNovelty
                && Arrays.equals(values, s.values) && Arrays.equals(differences, s.differences);
    }

    @Override
    public int hashCode() {
        return Double.hashCode(valueMin) * 31 + Double.hashCode(valueMax) * 17 + ringNext;
    }
}
