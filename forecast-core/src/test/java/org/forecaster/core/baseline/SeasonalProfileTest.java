package org.forecaster.core.baseline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import org.forecaster.core.model.CellType;
import org.forecaster.core.model.ModelSpec;
import org.junit.jupiter.api.Test;

class SeasonalProfileTest {
    private static final long DAY = 86_400_000L, HOUR = 3_600_000L, T0 = 1_700_006_400_000L; // T0: a UTC midnight

    private static double daily(long ts) {
        return 100 + 20 * Math.sin(2 * Math.PI * Math.floorMod(ts, DAY) / DAY);
    }

    @Test
    void recoversACleanDailyPatternInEveryBin() {
        SeasonalProfile p = new SeasonalProfile(24, DAY);
        for (int t = 0; t < 24 * 5; t++) {
            p.update(T0 + t * HOUR, daily(T0 + t * HOUR));
        }
        for (int h = 0; h < 48; h++) {
            long ts = T0 + (24 * 5 + h) * HOUR;
            assertEquals(daily(ts), p.forecast(ts), 0.02, "hour " + h); // half-float indices: 1 part in 1,000 of the amplitude
        }
    }

    @Test
    void forecastsOnlyVisitedBinsAndStartsAtSeasonalNaive() {
        SeasonalProfile p = new SeasonalProfile(24, DAY);
        assertTrue(Double.isNaN(p.forecast(T0)), "empty");
        p.update(T0 + 3 * HOUR, 7);
        p.update(T0 + 4 * HOUR, 9);
        assertEquals(7, p.forecast(T0 + DAY + 3 * HOUR), 0, "first season: the value one season back");
        assertEquals(9, p.forecast(T0 + 4 * HOUR + 30 * 60_000L), 0, "same bin");
        assertTrue(Double.isNaN(p.forecast(T0 + 5 * HOUR)), "unvisited bin");
    }

    /** A pattern constant over each half hour of the day. */
    private static double halfHourly(long ts) {
        return 100 + 20 * Math.sin(2 * Math.PI * (Math.floorMod(ts, DAY) / (DAY / 48)) / 48.0);
    }

    /**
     * Bins follow the clock: a 25-hour hole, 20 % missing steps and points up to a minute off the 5-minute grid do
     * not shift the pattern (counting steps instead of reading the time would put every later value a bin off).
     */
    @Test
    void gapsAndIrregularStepsDoNotShiftIt() {
        SeasonalProfile gappy = new SeasonalProfile(48, DAY);
        SplittableRandom r = new SplittableRandom(3);
        long step = 300_000L;
        for (int t = 0; t < 288 * 6; t++) {
            long ts = T0 + t * step + r.nextLong(60_000L); // stays inside the step's half hour
            boolean missing = t >= 400 && t < 700 || r.nextDouble() < 0.2;
            gappy.update(ts, missing ? Double.NaN : halfHourly(ts));
        }
        for (int b = 0; b < 48; b++) {
            long ts = T0 + 7 * DAY + b * (DAY / 48) + DAY / 96; // middle of each bin
            assertEquals(halfHourly(ts), gappy.forecast(ts), 0.02, "bin " + b);
        }
        assertEquals(0, gappy.bin(T0));
        assertEquals(47, gappy.bin(T0 - 1));
    }

    @Test
    void roundTripsItsBytesAndGoesOnIdentically() {
        SeasonalProfile p = new SeasonalProfile(24, DAY);
        for (int t = 0; t < 100; t += 1 + t % 3) {
            p.update(T0 + t * HOUR, daily(T0 + t * HOUR) + t % 5);
        }
        ByteBuffer b = ByteBuffer.allocate(p.encodedSize()).order(ByteOrder.LITTLE_ENDIAN);
        p.writeTo(b);
        assertEquals(28 + 2 * 24, b.position());
        SeasonalProfile back = SeasonalProfile.readFrom(b.flip());
        assertEquals(p, back);
        p.update(T0 + 200 * HOUR, 3);
        back.update(T0 + 200 * HOUR, 3);
        assertEquals(p, back);
        assertEquals(p, p.copy());
    }

    /**
     * Half-float indices in a unit that follows the data: the profile forecasts what the same equations in doubles
     * forecast, to 2 parts in 1,000 of its largest index (the daily amplitude; the whole value when the level stayed
     * at a first 0), whether the series is in bytes (1e10), in ratios (1e-6) or starts at 0 and grows 10 orders of
     * magnitude, where a fixed unit would overflow or lose every bit.
     */
    @Test
    void matchesTheEquationsInDoublesAtEveryMagnitude() {
        for (double magnitude : new double[] {1e10, 1e-6, 1}) {
            for (boolean startsAtZero : new boolean[] {false, true}) {
                SeasonalProfile p = new SeasonalProfile(24, DAY);
                DoubleProfile reference = new DoubleProfile(24);
                SplittableRandom r = new SplittableRandom(5);
                for (int t = -1; t < 24 * 20; t++) {
                    long ts = T0 + t * HOUR;
                    double y = t < 0 ? (startsAtZero ? 0 : Double.NaN) : magnitude * (daily(ts) + r.nextGaussian());
                    p.update(ts, y);
                    reference.update(p.bin(ts), y);
                }
                for (int h = 0; h < 24; h++) {
                    long ts = T0 + (24 * 20 + h) * HOUR;
                    assertEquals(reference.forecast(p.bin(ts)), p.forecast(ts), 2e-3 * reference.largestIndex(),
                            "magnitude " + magnitude + (startsAtZero ? " from 0" : "") + ", hour " + h);
                }
            }
        }
    }

    /** SeasonalProfile's equations in doubles, as the reference for its half-float indices. */
    private static final class DoubleProfile {
        final double[] index;
        double level = Double.NaN;

        DoubleProfile(int bins) {
            index = new double[bins];
            java.util.Arrays.fill(index, Double.NaN);
        }

        void update(int b, double y) {
            if (Double.isNaN(y)) {
                return;
            }
            if (Double.isNaN(level)) {
                level = y;
                index[b] = 0;
            } else if (Double.isNaN(index[b])) {
                index[b] = y - level;
            } else {
                double s = index[b], before = level;
                level = before + SeasonalProfile.ALPHA * (y - s - before);
                index[b] = s + SeasonalProfile.GAMMA * (y - before - s);
            }
        }

        double forecast(int b) {
            return level + index[b];
        }

        double largestIndex() {
            return java.util.Arrays.stream(index).map(Math::abs).max().orElseThrow();
        }
    }

    /** Bytes of the first format (32-bit float indices) are still read, within half-float rounding. */
    @Test
    void readsTheFloatFormat() {
        ByteBuffer b = ByteBuffer.allocate(26 + 4 * 24).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) 24).putLong(DAY).putDouble(100).putLong(30);
        for (int i = 0; i < 24; i++) {
            b.putFloat(i < 20 ? (float) (20 * Math.sin(i)) : Float.NaN);
        }
        SeasonalProfile p = SeasonalProfile.readFrom(b.flip());
        assertEquals(30, p.count());
        for (int i = 0; i < 24; i++) {
            double f = p.forecast(T0 + i * HOUR + 1);
            if (i < 20) {
                assertEquals(100 + 20 * Math.sin(i), f, 20 * 1e-3, "bin " + i);
            } else {
                assertTrue(Double.isNaN(f), "bin " + i + " unvisited");
            }
        }
    }

    @Test
    void rejectsAnInfiniteStoredIndex() {
        SeasonalProfile p = new SeasonalProfile(4, DAY);
        p.update(T0, 5);
        ByteBuffer b = ByteBuffer.allocate(p.encodedSize()).order(ByteOrder.LITTLE_ENDIAN);
        p.writeTo(b);
        b.putShort(28, Float.floatToFloat16(Float.POSITIVE_INFINITY));
        assertThrows(IllegalArgumentException.class, () -> SeasonalProfile.readFrom(b.flip()));
    }

    @Test
    void rejectsBadShapes() {
        assertThrows(IllegalArgumentException.class, () -> new SeasonalProfile(0, DAY));
        assertThrows(IllegalArgumentException.class, () -> new SeasonalProfile(SeasonalProfile.MAX_BINS + 1, DAY));
        assertThrows(IllegalArgumentException.class, () -> new SeasonalProfile(24, 10));
        assertThrows(IllegalArgumentException.class, () -> new ModelSpec(CellType.LSTM, 1, 7, 4, 2, 24, 24, DAY));
        assertThrows(IllegalArgumentException.class, () -> new ModelSpec(CellType.LSTM, 1, 7, 4, 2, 0, 24, 0));
        assertThrows(IllegalArgumentException.class, () -> new ModelSpec(CellType.LSTM, 1, 7, 4, 2, 0, 0, DAY));
    }
}
