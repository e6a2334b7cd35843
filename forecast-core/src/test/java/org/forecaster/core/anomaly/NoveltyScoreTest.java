package org.forecaster.core.anomaly;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class NoveltyScoreTest {
    private static final NoveltyScore.Spec SPEC = NoveltyScore.Spec.DEFAULT;
    private static final int SEASON = 24;

    /** One input of a scorer: the prediction before the point, the point and the value one season before. */
    private record Input(double expected, double sigma, double value, double seasonal) {}

    /**
     * A noisy daily pattern (low at night, high by day) with a one-step "model" that is right up to noise and
     * sometimes has no prediction, and the seasonal value known after the first season.
     */
    private static Input[] noisyDays(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] v = new double[n];
        Input[] in = new Input[n];
        for (int t = 0; t < n; t++) {
            v[t] = (t % SEASON < 12 ? 10 : 50) + 3 * r.nextGaussian();
            double expected = r.nextInt(10) == 0 ? Double.NaN : v[t] + 2 * r.nextGaussian();
            in[t] = new Input(expected, 0.5 + 3 * r.nextDouble(), v[t], t >= SEASON ? v[t - SEASON] : Double.NaN);
        }
        return in;
    }

    private static double[] scores(NoveltyScore s, Input[] in) {
        double[] out = new double[in.length];
        for (int t = 0; t < in.length; t++) {
            out[t] = s.update(in[t].expected, in[t].sigma, in[t].value, in[t].seasonal);
        }
        return out;
    }

    private static NoveltyScore copy(NoveltyScore s) {
        ByteBuffer b = ByteBuffer.allocate(s.encodedSize());
        s.writeTo(b);
        assertEquals(0, b.remaining(), "encodedSize is exactly what writeTo writes");
        return NoveltyScore.readFrom(SPEC, b.flip());
    }

    @Test
    void shouldScoreInZeroOneWhateverThePredictionAndDeviation() {
        SplittableRandom r = new SplittableRandom(3);
        NoveltyScore s = new NoveltyScore(SPEC);
        for (int t = 0; t < 20_000; t++) {
            double value = Math.exp(8 * r.nextGaussian()) * (r.nextBoolean() ? 1 : -1);
            double expected = r.nextInt(7) == 0 ? Double.NaN : value + Math.exp(10 * r.nextGaussian());
            double sigma = r.nextInt(11) == 0 ? 0 : Math.exp(10 * r.nextGaussian());
            double seasonal = r.nextInt(3) == 0 ? Double.NaN : value + r.nextGaussian();
            double score = s.update(expected, sigma, value, seasonal);
            assertTrue(score >= 0 && score <= 1, "point " + t + " scored " + score);
        }
    }

    @Test
    void shouldNotScoreLowerForALargerSurpriseFromTheSameState() {
        NoveltyScore s = new NoveltyScore(SPEC);
        Input[] in = noisyDays(5, 2000);
        scores(s, in);
        // The same next point, scored from copies of one state under ever tighter predictions around 30.
        for (double value : new double[] {30.5, 33, 45, 49.9}) {
            double previous = -1;
            double first = Double.NaN;
            for (double sigma = 20; sigma > 1e-6; sigma /= 1.7) {
                double score = copy(s).update(30, sigma, value, Double.NaN);
                assertTrue(score >= previous, "value " + value + ", sigma " + sigma + " scored " + score + " after " + previous);
                first = Double.isNaN(first) ? score : first;
                previous = score;
            }
            assertTrue(previous > first, "a tighter prediction raises the score of " + value);
        }
    }

    @Test
    void shouldScoreAPointFromItAndEarlierPointsOnly() {
        Input[] full = noisyDays(7, 3000);
        double[] all = scores(new NoveltyScore(SPEC), full);
        for (int cut : new int[] {1, 23, 24, 25, 500, 2999}) {
            Input[] changedAfter = full.clone();
            for (int t = cut; t < full.length; t++) {
                changedAfter[t] = new Input(0, 1, 1e6 * (t - cut + 1), -1e6);
            }
            double[] part = scores(new NoveltyScore(SPEC), changedAfter);
            assertArrayEquals(Arrays.copyOf(all, cut), Arrays.copyOf(part, cut), "scores before point " + cut);
        }
    }

    @Test
    void shouldGiveBitwiseTheSameScoresAndStateForTheSameInputs() {
        Input[] in = noisyDays(11, 5000);
        NoveltyScore a = new NoveltyScore(SPEC), b = new NoveltyScore(SPEC);
        assertArrayEquals(scores(a, in), scores(b, in));
        assertEquals(a, b);
    }

    @Test
    void shouldFlagANewExtremeOnceAndItsEchoesAtHalfUntilTheEchoWindowHasPassed() {
        NoveltyScore s = new NoveltyScore(SPEC);
        SplittableRandom r = new SplittableRandom(1);
        for (int t = 0; t < 200; t++) {
            s.update(Double.NaN, Double.NaN, 10 * r.nextDouble(), Double.NaN);
        }
        assertEquals(NoveltyScore.NOVEL, s.update(Double.NaN, Double.NaN, 12, Double.NaN), "beyond 10 + 5 % of the range");
        assertEquals(NoveltyScore.ECHO, s.update(Double.NaN, Double.NaN, 14, Double.NaN), "a further record right after");
        for (int t = 0; t < SPEC.echoRows(); t++) {
            assertTrue(s.update(Double.NaN, Double.NaN, 5, Double.NaN) < NoveltyScore.ECHO, "inside the range");
        }
        assertEquals(NoveltyScore.NOVEL, s.update(Double.NaN, Double.NaN, -2, Double.NaN), "a new low after the window");
        assertEquals(0, s.update(Double.NaN, Double.NaN, 14.5, Double.NaN), 0, "within 5 % of the range widened to [-2, 14]");
    }

    /**
     * Noise in [0, 10], then the value holds at 9: its 24-point mean creeps past the mean's range and would flag a
     * point the model predicts exactly. With the default minimum surprise that point is no novelty; with 0, or when
     * the model did not predict it, or when the model was surprised by it, it is.
     */
    @Test
    void shouldNotFlagAPointThePredictionExpectedAlmostExactly() {
        NoveltyScore.Spec off = new NoveltyScore.Spec(SPEC.halfSurprise(), SPEC.seasonalWidth(), SPEC.seasonalAlpha(),
                SPEC.meanRows(), SPEC.rangeTolerance(), SPEC.echoRows(), SPEC.recentDecay(), SPEC.recentTolerance(), 0);
        NoveltyScore quiet = new NoveltyScore(SPEC), flagging = new NoveltyScore(off);
        NoveltyScore unpredicted = new NoveltyScore(SPEC), surprised = new NoveltyScore(SPEC);
        SplittableRandom r = new SplittableRandom(11);
        for (int t = 0; t < 500; t++) {
            double v = 10 * r.nextDouble();
            for (NoveltyScore s : new NoveltyScore[] {quiet, flagging, unpredicted, surprised}) {
                s.update(Double.NaN, Double.NaN, v, Double.NaN);
            }
        }
        int firstFlag = -1;
        for (int t = 0; t < 24 && firstFlag < 0; t++) {
            if (flagging.update(9, 1, 9, Double.NaN) == NoveltyScore.NOVEL) {
                firstFlag = t;
            }
            double q = quiet.update(9, 1, 9, Double.NaN);
            assertEquals(0, q, 1e-12, "the value is what the model said (z = 0): no flag, and a zero tail score");
            double u = unpredicted.update(Double.NaN, Double.NaN, 9, Double.NaN);
            double s = surprised.update(5, 1, 9, Double.NaN);
            if (firstFlag >= 0) {
                assertEquals(NoveltyScore.NOVEL, u, 0, "without a prediction the flag stands");
                assertEquals(NoveltyScore.NOVEL, s, 0, "a point 4 sigma off the prediction keeps its flag");
            }
        }
        assertTrue(firstFlag > 0, "the holding value's mean leaves the mean's range within 24 points");
    }

    /**
     * A point far off its prediction alerts even when it is inside every range, e.g. a spike as large as an earlier
     * one: 30 sigma scores above the service's alert threshold 0.97 with the default half surprise (ln 1e4). With a
     * half surprise of 1e4, which ranks the tail score below every novelty (CV on NAB: no better), it would score
     * under 0.05 and never alert.
     */
    @Test
    void shouldScoreAPointFarOffItsPredictionAboveTheAlertThresholdInsideEveryRange() {
        NoveltyScore.Spec flagsOnly = new NoveltyScore.Spec(1e4, SPEC.seasonalWidth(), SPEC.seasonalAlpha(),
                SPEC.meanRows(), SPEC.rangeTolerance(), SPEC.echoRows(), SPEC.recentDecay(), SPEC.recentTolerance(),
                SPEC.minFlagSurprise());
        NoveltyScore byDefault = new NoveltyScore(SPEC), flags = new NoveltyScore(flagsOnly);
        SplittableRandom r = new SplittableRandom(29);
        for (int t = 0; t < 2000; t++) {
            double v = 100 * r.nextDouble() - 50;
            byDefault.update(v, 1, v, Double.NaN);
            flags.update(v, 1, v, Double.NaN);
        }
        double d = byDefault.update(0, 1, 30, Double.NaN), f = flags.update(0, 1, 30, Double.NaN);
        assertTrue(d > AlertRule.NOVELTY_DEFAULT.threshold(), "30 sigma inside every range, default half surprise: " + d);
        assertTrue(f < 0.05, "the same point with a half surprise of 1e4: " + f);
    }

    /**
     * An early spike to 100 sets the all-time range of a series that then lives in [0, 10]: weeks later a spike to 30 is
     * still far inside the all-time range, but beyond the recent one, which has shrunk back towards [0, 10]. Without the
     * recent range (decay 0) it goes unflagged; it is flagged only once the early spike has decayed out of it.
     */
    @Test
    void shouldFlagASpikeBeyondTheRecentRangeAfterAnEarlierLargerOneSetTheAllTimeRange() {
        NoveltyScore.Spec allTimeOnly = new NoveltyScore.Spec(SPEC.halfSurprise(), SPEC.seasonalWidth(), SPEC.seasonalAlpha(),
                SPEC.meanRows(), SPEC.rangeTolerance(), SPEC.echoRows(), 0, SPEC.recentTolerance(), SPEC.minFlagSurprise());
        NoveltyScore recent = new NoveltyScore(SPEC), allTime = new NoveltyScore(allTimeOnly);
        NoveltyScore early = null;
        SplittableRandom r = new SplittableRandom(37);
        for (int t = 0; t < 20_000; t++) {
            double v = t == 100 ? 100 : 10 * r.nextDouble();
            double a = recent.update(Double.NaN, Double.NaN, v, Double.NaN);
            double b = allTime.update(Double.NaN, Double.NaN, v, Double.NaN);
            assertEquals(b, a, 0, "the recent range adds no flag on steady noise, point " + t);
            if (t == 1000) {
                early = copy(recent);
            }
        }
        assertEquals(0, early.update(Double.NaN, Double.NaN, 30, Double.NaN), 0, "soon after the spike to 100, 30 is in range");
        assertEquals(0, allTime.update(Double.NaN, Double.NaN, 30, Double.NaN), 0, "in the all-time range [0, 100]");
        assertEquals(NoveltyScore.NOVEL, recent.update(Double.NaN, Double.NaN, 30, Double.NaN), "beyond the recent range");
    }

    @Test
    void shouldFlagALevelShiftThatStaysInsideTheNoiseBandByItsMean() {
        NoveltyScore s = new NoveltyScore(SPEC);
        SplittableRandom r = new SplittableRandom(2);
        for (int t = 0; t < 2000; t++) {
            s.update(Double.NaN, Double.NaN, 10 * r.nextDouble(), Double.NaN);
        }
        NoveltyScore same = copy(s), shifted = copy(s);
        boolean sameFlagged = false, shiftFlagged = false;
        for (int t = 0; t < 2 * SPEC.meanRows(); t++) {
            double u = r.nextDouble();
            sameFlagged |= same.update(Double.NaN, Double.NaN, 10 * u, Double.NaN) == NoveltyScore.NOVEL;
            // Inside [0, 10] as before: only the 24-point mean (about 8 against 5) can tell.
            shiftFlagged |= shifted.update(Double.NaN, Double.NaN, 6 + 4 * u, Double.NaN) == NoveltyScore.NOVEL;
        }
        assertFalse(sameFlagged, "the same noise goes on unflagged");
        assertTrue(shiftFlagged, "the shifted noise is flagged within two mean windows");
    }

    @Test
    void shouldFlagAMissingDailyJumpByTheMeanDifferenceToTheDayBefore() {
        Input[] days = noisyDays(13, 40 * SEASON);
        NoveltyScore s = new NoveltyScore(SPEC);
        int afternoon = 39 * SEASON + 12;
        scores(s, Arrays.copyOf(days, afternoon));
        NoveltyScore regular = copy(s), missing = copy(s);
        double regularMax = 0, missingMax = 0;
        SplittableRandom r = new SplittableRandom(17);
        for (int t = afternoon; t < 40 * SEASON; t++) {
            double yesterday = days[t - SEASON].value, noise = 3 * r.nextGaussian();
            regularMax = Math.max(regularMax, regular.update(50 + noise, 3, 50 + noise, yesterday));
            // The afternoon stays at the night level, and the model (as in NAB's art_daily_nojump) expects just that,
            // up to the noise (a point it predicts exactly would be no novelty: minFlagSurprise).
            missingMax = Math.max(missingMax, missing.update(10, 3, 10 + noise, yesterday));
        }
        // An echo (0.5) rather than a novelty: this noisy history set a record of its mean within the echo window.
        assertTrue(regularMax < NoveltyScore.ECHO, "a regular afternoon is not novel: " + regularMax);
        assertTrue(missingMax >= NoveltyScore.ECHO, "the missing jump is flagged although the model expected it and every"
                + " value is in range: " + missingMax);
    }

    /**
     * The profile's forecast of a point stands in for an unknown value one season before, in the tail only: a point
     * far off the model's prediction that the season expected (a daily peak the model missed) does not score as a
     * surprise, one the season did not expect still does, and a known value one season before is used as before, the
     * forecast ignored.
     */
    @Test
    void shouldTakeTheProfilesForecastAsTheSeasonalReferenceOfTheTailWhereTheSeasonBeforeIsUnknown() {
        NoveltyScore withProfile = new NoveltyScore(SPEC), without = new NoveltyScore(SPEC);
        SplittableRandom r = new SplittableRandom(5);
        for (int t = 0; t < 500; t++) {
            double v = 10 * r.nextDouble();
            withProfile.update(Double.NaN, Double.NaN, v, Double.NaN, v + 0.1 * r.nextGaussian());
            without.update(Double.NaN, Double.NaN, v, Double.NaN, Double.NaN);
        }
        NoveltyScore unexpected = copy(withProfile);
        // A value inside every range, 70 sigma off the model's prediction (the service's alert threshold is 0.97).
        assertTrue(without.update(2, 0.1, 9, Double.NaN, Double.NaN) > 0.97);
        assertTrue(unexpected.update(2, 0.1, 9, Double.NaN, 5) > 0.97, "the season expected 5");
        assertTrue(withProfile.update(2, 0.1, 9, Double.NaN, 9.02) < 0.1, "the season expected it");

        NoveltyScore a = copy(withProfile), b = copy(withProfile);
        assertEquals(a.update(2, 0.1, 9, 8.5, 3), b.update(2, 0.1, 9, 8.5), 0);
        ByteBuffer sa = ByteBuffer.allocate(a.encodedSize()), sb = ByteBuffer.allocate(b.encodedSize());
        a.writeTo(sa);
        b.writeTo(sb);
        assertEquals(sb.flip(), sa.flip(), "a known value one season before: the forecast is not read");
    }

    @Test
    void shouldNotBeSurprisedByAnExactRepeatOfTheSeasonBefore() {
        NoveltyScore s = new NoveltyScore(SPEC);
        for (int t = 0; t < 10 * SEASON; t++) {
            double v = t % SEASON < 12 ? 32 : 79.99996928;
            // The model misses every edge by far (tiny sigma), the seasonal value is exact, as in the noise-free NAB files.
            double expected = (t - 1) % SEASON < 12 ? 32 : 79.99996928;
            double score = s.update(expected, 1e-3, v, t >= SEASON ? (float) v : Double.NaN);
            if (t >= 2 * SEASON) {
                assertEquals(0, score, 0, "point " + t);
            }
        }
    }

    @Test
    void shouldRoundTripItsStateAndGoOnScoringTheSame() {
        Input[] in = noisyDays(19, 3000);
        NoveltyScore s = new NoveltyScore(SPEC);
        scores(s, Arrays.copyOf(in, 1234));
        NoveltyScore restored = copy(s);
        assertEquals(s, restored);
        Input[] rest = Arrays.copyOfRange(in, 1234, in.length);
        assertArrayEquals(scores(s, rest), scores(restored, rest));
        assertEquals(2 + 1 + 9 * 8 + 3 * 2 + 4 + 2 * 24 * 4, s.encodedSize(), "both rings full, seasonal part known");
    }

    /**
     * Copies taken at every point of a series whose seasonal value comes and goes (runs of known differences shorter
     * and longer than the ring) and that starts without one, continue exactly as the original: the encoding leaves
     * out only ring entries that are never read again.
     */
    @Test
    void shouldRoundTripEveryStateWhileTheSeasonalValueComesAndGoes() {
        Input[] days = noisyDays(23, 1500);
        Input[] in = new Input[days.length];
        for (int t = 0; t < in.length; t++) {
            boolean known = t >= 300 && !(t % 97 < 5) && !(t > 900 && t % 31 == 0);
            in[t] = new Input(days[t].expected, days[t].sigma, days[t].value, known ? days[t].seasonal : Double.NaN);
        }
        NoveltyScore s = new NoveltyScore(SPEC);
        assertEquals(61, s.encodedSize(), "a fresh state");
        for (int t = 0; t < in.length; t++) {
            NoveltyScore c = copy(s);
            assertEquals(s, c, "state before point " + t);
            assertEquals(s.update(in[t].expected, in[t].sigma, in[t].value, in[t].seasonal),
                    c.update(in[t].expected, in[t].sigma, in[t].value, in[t].seasonal), 0, "score of point " + t);
            if (t == 299) {
                assertEquals(61 + 24 * 4, s.encodedSize(), "a full ring of values, no seasonal reference yet");
            }
        }
    }

    @Test
    void shouldStartAfreshFromAStateOfAnotherMeanLength() {
        NoveltyScore s = new NoveltyScore(SPEC);
        scores(s, noisyDays(29, 500));
        ByteBuffer b = ByteBuffer.allocate(s.encodedSize());
        s.writeTo(b);
        NoveltyScore.Spec longer = SPEC.withMeanRows(48);
        ByteBuffer in = b.flip();
        assertEquals(new NoveltyScore(longer), NoveltyScore.readFrom(longer, in));
        assertEquals(0, in.remaining(), "the stored state is read past");
    }

    /**
     * A state written before the recent range existed (same key-state codec version 2, no recent range bytes, flag 2
     * unset) still decodes, with the all-time value range as its recent range, and goes on scoring.
     */
    @Test
    void shouldReadAStateWrittenBeforeTheRecentRangeWithTheAllTimeRangeAsRecent() {
        NoveltyScore s = new NoveltyScore(SPEC);
        Input[] in = noisyDays(41, 600);
        scores(s, Arrays.copyOf(in, 500));
        ByteBuffer now = ByteBuffer.allocate(s.encodedSize());
        s.writeTo(now);
        byte[] bytes = now.array();
        int recentAt = 3 + 4 * Double.BYTES;
        ByteBuffer older = ByteBuffer.allocate(bytes.length - 2 * Double.BYTES);
        older.put(bytes, 0, recentAt).put(bytes, recentAt + 2 * Double.BYTES, bytes.length - recentAt - 2 * Double.BYTES);
        older.put(2, (byte) (bytes[2] & ~2));

        NoveltyScore read = NoveltyScore.readFrom(SPEC, older.flip());
        assertEquals(0, older.remaining(), "the whole older state was read");
        ByteBuffer again = ByteBuffer.allocate(read.encodedSize());
        read.writeTo(again);
        assertEquals(s.encodedSize(), read.encodedSize(), "written back with its recent range");
        assertEquals(again.getDouble(3), again.getDouble(recentAt), 0, "recent min = all-time min");
        assertEquals(again.getDouble(3 + Double.BYTES), again.getDouble(recentAt + Double.BYTES), 0, "recent max = all-time max");
        for (Input x : Arrays.copyOfRange(in, 500, 600)) {
            double score = read.update(x.expected, x.sigma, x.value, x.seasonal);
            assertTrue(score >= 0 && score <= 1, "scores on: " + score);
        }
    }

    @Test
    void shouldRejectACorruptStateAndBadSettings() {
        ByteBuffer b = ByteBuffer.allocate(new NoveltyScore(SPEC).encodedSize());
        new NoveltyScore(SPEC).writeTo(b);
        b.putShort(3 + 6 * Double.BYTES, (short) 99); // ring position past the 24-point ring
        assertThrows(IllegalArgumentException.class, () -> NoveltyScore.readFrom(SPEC, b.flip()));
        assertThrows(IllegalArgumentException.class, () -> NoveltyScore.readFrom(SPEC, ByteBuffer.allocate(10)));
        NoveltyScore full = new NoveltyScore(SPEC);
        scores(full, noisyDays(31, 100));
        ByteBuffer truncated = ByteBuffer.allocate(full.encodedSize());
        full.writeTo(truncated);
        truncated.limit(truncated.capacity() - 1).flip();
        assertThrows(IllegalArgumentException.class, () -> NoveltyScore.readFrom(SPEC, truncated));
        assertThrows(IllegalArgumentException.class, () -> new NoveltyScore(SPEC).update(1, 1, Double.NaN, 1));
        ByteBuffer inverted = ByteBuffer.allocate(new NoveltyScore(SPEC).encodedSize());
        new NoveltyScore(SPEC).writeTo(inverted);
        inverted.putDouble(3 + 4 * Double.BYTES, 2).putDouble(3 + 5 * Double.BYTES, 1); // recent range 2..1
        assertThrows(IllegalArgumentException.class, () -> NoveltyScore.readFrom(SPEC, inverted.flip()));
        assertThrows(IllegalArgumentException.class, () -> new NoveltyScore.Spec(0, 2, 0.01, 24, 0.05, 50, 1e-4, 0.3, 0.05));
        assertThrows(IllegalArgumentException.class, () -> new NoveltyScore.Spec(9, 2, 0.01, 0, 0.05, 50, 1e-4, 0.3, 0.05));
        assertThrows(IllegalArgumentException.class, () -> new NoveltyScore.Spec(9, 2, 0.01, 24, -0.1, 50, 1e-4, 0.3, 0.05));
        assertThrows(IllegalArgumentException.class, () -> new NoveltyScore.Spec(9, 2, 0.01, 24, 0.05, -1, 1e-4, 0.3, 0.05));
        assertThrows(IllegalArgumentException.class, () -> new NoveltyScore.Spec(9, -1, 0.01, 24, 0.05, 50, 1e-4, 0.3, 0.05));
        assertThrows(IllegalArgumentException.class, () -> new NoveltyScore.Spec(9, 2, 0.01, 24, 0.05, 50, 0.5, 0.3, 0.05));
        assertThrows(IllegalArgumentException.class, () -> new NoveltyScore.Spec(9, 2, 0.01, 24, 0.05, 50, -1e-4, 0.3, 0.05));
        assertThrows(IllegalArgumentException.class, () -> new NoveltyScore.Spec(9, 2, 0.01, 24, 0.05, 50, 1e-4, -0.3, 0.05));
        assertThrows(IllegalArgumentException.class, () -> new NoveltyScore.Spec(9, 2, 0.01, 24, 0.05, 50, 1e-4, 0.3, -1));
        assertThrows(IllegalArgumentException.class,
                () -> new NoveltyScore.Spec(9, 2, 0.01, 24, 0.05, 50, 1e-4, 0.3, Double.POSITIVE_INFINITY));
    }
}
