package org.forecaster.core.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The forecast's numbers at the model's float precision (issue 18): a number in float form is written as
 * {@code Float.toString((float) v)} writes it, so that {@code Float.parseFloat} of the text is exactly
 * {@code (float) v}; NaN and the infinities as the strings Jackson writes; finite doubles beyond float's range in their
 * double form. {@code Float.toString} is the reference throughout. The level is always in float form (the probe
 * below); a step's numbers where the float grain is fine against the step's interval; the observed value never.
 */
class ForecastJsonNumbersTest {
    private final ForecastJsonWriter writer = new ForecastJsonWriter();

    /** The text the writer gives v as a forecast's level (always in float form). */
    private String text(double v) {
        String json = new String(writer.write(new ForecastRecord("s", null, 1, 1, false, v, List.of())), StandardCharsets.US_ASCII);
        int from = json.indexOf("\"level\":") + "\"level\":".length();
        return json.substring(from, json.indexOf(",\"steps\"", from));
    }

    /** The rule for one double, checked on its text. */
    private static void assertRule(double v, String text) {
        float f = (float) v;
        if (Double.isNaN(v)) {
            assertEquals("\"NaN\"", text);
        } else if (Double.isInfinite(v)) {
            assertEquals(v > 0 ? "\"Infinity\"" : "\"-Infinity\"", text);
        } else if (Float.isInfinite(f)) {
            // Read as Jackson reads it (a double), this is v itself, so (float) of it is (float) v, infinite. (Float.parseFloat
            // of the shortened double text can give MAX_VALUE for a double just above float's rounding midpoint.)
            assertEquals(Double.toString(v), text, "a finite double beyond float's range keeps its double form");
            assertEquals(v, Double.parseDouble(text));
            assertEquals(f, (float) Double.parseDouble(text));
        } else {
            assertEquals(Float.toString(f), text, () -> "v = " + v);
            assertEquals(Float.floatToRawIntBits(f), Float.floatToRawIntBits(Float.parseFloat(text)), () -> "v = " + v + ", text " + text);
            assertTrue(text.length() <= FloatDecimal.MAX_LENGTH, text);
        }
    }

    @Test
    void randomDoublesOfAllMagnitudesReadBackAsTheirFloat() {
        SplittableRandom rnd = new SplittableRandom(18);
        for (int n = 0; n < 300_000; n++) {
            double v = switch (rnd.nextInt(8)) {
                case 0 -> Double.longBitsToDouble(rnd.nextLong()); // any double: most beyond float's range or below it
                case 1 -> Float.intBitsToFloat(rnd.nextInt()); // any float, exactly
                case 2 -> rnd.nextGaussian() * Math.pow(10, rnd.nextInt(-46, 40)); // float's whole range, not exact floats
                case 3 -> (rnd.nextBoolean() ? 1 : -1) * Float.MIN_VALUE * rnd.nextInt(1, 1 << 24); // subnormal floats
                case 4 -> (rnd.nextBoolean() ? 1 : -1) * rnd.nextDouble() * 0x1p-126 * 4; // near float's subnormal range
                case 5 -> (double) rnd.nextLong(-100_000_000L, 100_000_000L); // integers around float's exact range
                case 6 -> rnd.nextGaussian() * 50 + 40; // what forecasts hold
                default -> new double[] {0.0, -0.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
                        Double.MIN_VALUE, -Double.MIN_VALUE, Double.MAX_VALUE, -Double.MAX_VALUE, Float.MAX_VALUE,
                        -Float.MAX_VALUE, Float.MIN_VALUE, Float.MIN_NORMAL, 3.4028235677973366E38, 3.4028236E38, 1e39,
                        7.006492321624085E-46, 7.006492321624087E-46, 1e-46}[rnd.nextInt(19)];
            };
            assertRule(v, text(v));
        }
    }

    @Test
    void everyFloatOnAStrideAndEverySubnormalIsFloatToString() {
        byte[] out = new byte[FloatDecimal.MAX_LENGTH];
        for (long bits = 0; bits <= 0xFFFF_FFFFL; bits += 1_009) {
            check(Float.intBitsToFloat((int) bits), out);
        }
        for (int t = 0; t < 1 << 23; t += 3) {
            check(Float.intBitsToFloat(t), out);
            check(Float.intBitsToFloat(t | 0x8000_0000), out);
        }
    }

    /** Powers of ten and of two (where the rounding interval is lopsided), and their neighbours. */
    @Test
    void powersOfTenAndTwoAndTheirNeighbours() {
        byte[] out = new byte[FloatDecimal.MAX_LENGTH];
        for (int e = -46; e <= 39; e++) {
            float p = Float.parseFloat("1e" + e);
            for (float f : new float[] {p, Math.nextUp(p), Math.nextDown(p), -p}) {
                check(f, out);
            }
            assertRule(Math.pow(10, e), text(Math.pow(10, e)));
        }
        for (int e = -149; e <= 127; e++) {
            float p = Math.scalb(1f, e);
            for (float f : new float[] {p, Math.nextUp(p), Math.nextDown(p), 3 * p, -p}) {
                check(f, out);
            }
        }
    }

    private static void check(float f, byte[] out) {
        if (!Float.isFinite(f)) {
            return;
        }
        int len = FloatDecimal.write(f, out, 0);
        String text = new String(out, 0, len, StandardCharsets.US_ASCII);
        assertEquals(Float.toString(f), text, () -> "bits " + Integer.toHexString(Float.floatToRawIntBits(f)));
    }

    @Test
    void roundingCarriesAndNotationBoundaries() {
        String[][] cases = {
                {"9.9999999", "10.0"}, {"9.99999999", "10.0"}, {"0.99999999", "1.0"}, {"99.9999999", "100.0"},
                {"9999999.5", "1.0E7"}, {"9999999.0", "9999999.0"}, {"1e7", "1.0E7"}, {"12345678.9", "1.2345679E7"},
                {"0.001", "0.001"}, {"9.999999e-4", "9.999999E-4"}, {"0.0009999999999", "0.001"}, {"1e-5", "1.0E-5"},
                {"43.218", "43.218"}, {"41.3", "41.3"}, {"0.1", "0.1"}, {"0.3", "0.3"}, {"1.0000001", "1.0000001"},
                {"1.00000001", "1.0"}, {"0.95", "0.95"}, {"100", "100.0"}, {"16777216", "1.6777216E7"},
                {"16777217", "1.6777216E7"}, {"-2.5", "-2.5"}, {"-0.0", "-0.0"}, {"0", "0.0"},
                {"3.4028235e38", "3.4028235E38"}, {"1.4e-45", "1.4E-45"}, {"1e-46", "0.0"}, {"-1e-46", "-0.0"},
                {"0.1234567890123", "0.12345679"}, {"41.300000000000004", "41.3"}, {"2.0000000000000004", "2.0"},
        };
        for (String[] c : cases) {
            double v = Double.parseDouble(c[0]);
            assertEquals(c[1], text(v), c[0]);
            assertRule(v, text(v));
        }
    }

    /**
     * The shape is Jackson's ordinary data binding's (without the record's float-precision annotation) for the record
     * with each double first rounded to its float's shortest decimal: the annotation changes only the numbers.
     */
    @Test
    @SuppressWarnings("deprecation")
    void bytesArePlainDataBindingOfTheRecordRoundedToFloats() throws Exception {
        ObjectMapper plain = WireJson.mapper().copy().configure(MapperFeature.USE_ANNOTATIONS, false);
        SplittableRandom rnd = new SplittableRandom(182);
        for (int n = 0; n < 3_000; n++) {
            ForecastRecord r = FastWireJsonTest.randomForecast(rnd);
            ForecastRecord rounded = atFloatPrecision(r);
            assertArrayEquals(plain.writeValueAsBytes(rounded), writer.write(r), () -> "record " + r);
        }
    }

    /** The record with each double replaced by the decimal of {@code Float.toString((float) v)} (NaN, infinities and doubles beyond float's range kept). */
    private static ForecastRecord atFloatPrecision(ForecastRecord r) {
        List<ForecastRecord.Step> steps = new ArrayList<>();
        for (ForecastRecord.Step s : r.steps()) {
            double half = s.halfWidth();
            steps.add(new ForecastRecord.Step(s.ts(), atFloatPrecision(s.mean(), half), atFloatPrecision(s.lower(), half),
                    atFloatPrecision(s.upper(), half)));
        }
        return new ForecastRecord(r.series(), r.observedTs(), r.observedValue(), r.modelVersion(), r.cold(),
                atFloatPrecision(r.level()), steps);
    }

    private static double atFloatPrecision(double v, double halfWidth) {
        return ForecastRecord.Step.atFloatPrecision(v, halfWidth) ? Double.parseDouble(Float.toString((float) v)) : v;
    }

    private static double atFloatPrecision(double v) {
        float f = (float) v;
        return Float.isFinite(f) ? Double.parseDouble(Float.toString(f)) : v;
    }

    /** The whole record reads back through Jackson into the same record at float precision. */
    @Test
    void recordsReadBackThroughJacksonAtFloatPrecision() {
        SplittableRandom rnd = new SplittableRandom(181);
        for (int n = 0; n < 3_000; n++) {
            ForecastRecord r = FastWireJsonTest.randomForecast(rnd);
            ForecastRecord back = WireJson.read(writer.write(r), ForecastRecord.class);
            assertEquals(r.series(), back.series());
            assertEquals(r.observedTs(), back.observedTs());
            assertEquals(r.modelVersion(), back.modelVersion());
            assertEquals(r.cold(), back.cold());
            assertEquals(r.observedValue(), back.observedValue(), 0.0, "the observed value, exactly");
            assertFloatEqual(r.level(), back.level());
            assertEquals(r.steps().size(), back.steps().size());
            for (int k = 0; k < r.steps().size(); k++) {
                ForecastRecord.Step s = r.steps().get(k), b = back.steps().get(k);
                assertEquals(s.ts(), b.ts());
                assertStepNumber(s.mean(), b.mean(), s.halfWidth());
                assertStepNumber(s.lower(), b.lower(), s.halfWidth());
                assertStepNumber(s.upper(), b.upper(), s.halfWidth());
            }
        }
    }

    /** A step's number read back: in float form within the rule's tolerance of the original, else exactly it. */
    private static void assertStepNumber(double original, double read, double halfWidth) {
        if (ForecastRecord.Step.atFloatPrecision(original, halfWidth)) {
            assertFloatEqual(original, read);
            assertTrue(Math.abs(read - original) <= ForecastRecord.Step.OF_HALF_WIDTH * halfWidth, () -> original + " read as " + read);
        } else if (Double.isNaN(original)) {
            assertTrue(Double.isNaN(read));
        } else {
            assertEquals(original, read, 0.0);
        }
    }

    /**
     * The model's float precision is relative to a series' spread, not its magnitude: a gauge near 1.7e9 (epoch
     * seconds) forecast to +-50 would lose up to 64 in float form, so its steps keep every digit; a series near 200
     * forecast to +-10 goes out in float form.
     */
    @Test
    void aStepKeepsEveryDigitWhereTheFloatGrainIsCoarseAgainstItsInterval() {
        ForecastRecord.Step gauge = new ForecastRecord.Step(null, 1_733_526_000.372, 1_733_525_950.372, 1_733_526_050.372);
        ForecastRecord.Step usual = new ForecastRecord.Step(null, 213.04705810546875 + 1e-9, 203.04705810546875, 223.04705810546875);
        String json = new String(writer.write(new ForecastRecord("s", null, 1_733_526_000.25, 1, false, 0.95,
                List.of(gauge, usual))), StandardCharsets.US_ASCII);
        assertTrue(json.contains("\"observedValue\":1.73352600025E9,"), json);
        assertTrue(json.contains("\"mean\":1.733526000372E9,\"lower\":1.733525950372E9,\"upper\":1.733526050372E9}"), json);
        assertTrue(json.contains("\"mean\":213.04706,\"lower\":203.04706,\"upper\":223.04706}"), json);
        assertArrayEquals(WireJson.write(new ForecastRecord("s", null, 1_733_526_000.25, 1, false, 0.95, List.of(gauge, usual))),
                json.getBytes(StandardCharsets.US_ASCII), "Jackson writes the same");
    }

    /** (float) of the double read back is (float) of the original, bit for bit (-0.0 kept, NaN as NaN). */
    private static void assertFloatEqual(double original, double read) {
        if (Double.isNaN(original)) {
            assertTrue(Double.isNaN(read));
            return;
        }
        assertEquals(Float.floatToRawIntBits((float) original), Float.floatToRawIntBits((float) read), () -> original + " read as " + read);
        if (Float.isInfinite((float) original) && Double.isFinite(original)) {
            assertEquals(original, read, "beyond float's range: the double itself");
        }
    }

    /** Instants written with the writer's day cache, in runs on one day and jumps between days, as without it. */
    @Test
    void instantsWithTheDayCacheMatchIsoInstant() {
        SplittableRandom rnd = new SplittableRandom(3);
        IsoInstants.Day day = new IsoInstants.Day();
        byte[] out = new byte[IsoInstants.MAX_LENGTH];
        Instant t = Instant.parse("2014-04-10T23:30:00Z");
        for (int n = 0; n < 200_000; n++) {
            t = switch (rnd.nextInt(10)) {
                case 0 -> FastWireJsonTest.randomInstant(rnd);
                case 1 -> t.minusSeconds(rnd.nextLong(0, 200_000));
                case 2 -> t.plusMillis(rnd.nextLong(0, 600_000));
                default -> t.plusSeconds(300); // a forecast's steps
            };
            int len = IsoInstants.write(t, out, 0, day);
            assertEquals(t.toString(), new String(out, 0, len, StandardCharsets.US_ASCII));
        }
    }
}
