package org.forecaster.core.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The hand-written forecast writer and point reader against Jackson data binding, which defines the format. */
class FastWireJsonTest {
    private static final String[] ODD_IDS = {"", "a\"b", "back\\slash", "tab\there", "nl\nx", "\u0000\u001f\u007f",
            "\b\f\r", "ü-é", "日本", "emoji-\uD83D\uDE00", "slash/ok", "x".repeat(300)};

    /** Jackson writes a forecast's numbers with {@link FloatPrecisionSerializer} (float form where the rule allows). */
    @Test
    void forecastBytesEqualJacksonOnRandomRecords() {
        SplittableRandom rnd = new SplittableRandom(7);
        ForecastJsonWriter writer = new ForecastJsonWriter();
        for (int n = 0; n < 5_000; n++) {
            ForecastRecord r = randomForecast(rnd);
            assertArrayEquals(WireJson.write(r), writer.write(r),
                    () -> "record " + r + "\njackson: " + new String(WireJson.write(r), StandardCharsets.UTF_8));
        }
    }

    @Test
    void pointBytesEqualJacksonOnRandomPoints() {
        SplittableRandom rnd = new SplittableRandom(16);
        ForecastJsonWriter writer = new ForecastJsonWriter();
        for (int n = 0; n < 5_000; n++) {
            String id = switch (rnd.nextInt(4)) {
                case 0 -> ODD_IDS[rnd.nextInt(ODD_IDS.length)];
                case 1 -> RandomText.randomString(rnd);
                default -> "bench-" + rnd.nextInt(100_000);
            };
            Point p = new Point(id, rnd.nextInt(20) == 0 ? null : randomInstant(rnd), randomInstant(rnd),
                    rnd.nextLong(0, Long.MAX_VALUE), randomDouble(rnd), randomDouble(rnd), randomDouble(rnd), randomDouble(rnd));
            assertArrayEquals(WireJson.write(p), writer.write(p),
                    () -> "point " + p + "\njackson: " + new String(WireJson.write(p), StandardCharsets.UTF_8));
        }
    }

    @Test
    void unpairedSurrogatesAreEscapedAsJacksonDoes() {
        ForecastRecord r = new ForecastRecord("bad\uD800-\uDC00", Instant.EPOCH, 1, 1, false, 0.95, List.of());
        assertArrayEquals(WireJson.write(r), new ForecastJsonWriter().write(r));
    }

    @Test
    void instantsMatchIsoInstantBothWays() {
        SplittableRandom rnd = new SplittableRandom(11);
        byte[] out = new byte[IsoInstants.MAX_LENGTH];
        for (int n = 0; n < 200_000; n++) {
            Instant t = randomInstant(rnd);
            String expected = t.toString();
            int len = IsoInstants.write(t, out, 0);
            assertEquals(expected, new String(out, 0, len, StandardCharsets.US_ASCII));
            long ms = IsoInstants.parseMillis(expected);
            if (t.getNano() % 1_000_000 == 0 && expected.length() <= 24 && !expected.startsWith("+") && !expected.startsWith("-")) {
                assertEquals(t.toEpochMilli(), ms, expected);
            } else {
                assertEquals(Long.MIN_VALUE, ms, expected);
            }
        }
        for (String bad : new String[] {"2014-02-30T00:00:00Z", "2015-02-29T00:00:00Z", "2014-13-01T00:00:00Z",
                "2014-04-10T24:00:00Z", "2014-04-10T00:60:00Z", "2014-04-10T00:00:60Z", "2014-04-10 00:00:00Z",
                "2014-04-10T00:00:00", "2014-04-10T00:00:00.5Z", "2014-04-10T00:00:00,500Z", "2O14-04-10T00:00:00Z"}) {
            assertEquals(Long.MIN_VALUE, IsoInstants.parseMillis(bad), bad);
        }
        assertEquals(Instant.parse("2016-02-29T23:59:59.999Z").toEpochMilli(), IsoInstants.parseMillis("2016-02-29T23:59:59.999Z"));
        assertEquals(Instant.parse("0000-01-01T00:00:00Z").toEpochMilli(), IsoInstants.parseMillis("0000-01-01T00:00:00Z"));
    }

    @Test
    void pointsReadAsDataBindingReadsThem() {
        SplittableRandom rnd = new SplittableRandom(5);
        int fast = 0;
        for (int n = 0; n < 5_000; n++) {
            Point p = new Point(rnd.nextInt(10) == 0 ? ODD_IDS[rnd.nextInt(ODD_IDS.length)] : "series-" + rnd.nextInt(1000),
                    Instant.ofEpochMilli(rnd.nextLong(-10_000_000_000_000L, 10_000_000_000_000L)),
                    Instant.ofEpochMilli(rnd.nextLong(0, 2_000_000_000_000L)), rnd.nextLong(0, Long.MAX_VALUE),
                    finite(rnd), finite(rnd), finite(rnd), finite(rnd));
            byte[] json = WireJson.write(p);
            assertEquals(p, PointJsonReader.read(json));
            if (PointJsonReader.tryFast(json) != null) {
                fast++;
            }
        }
        assertEquals(5_000, fast, "every point ingest writes must take the fast path");
        // Other forms: whatever data binding makes of them, the reader makes too (value or message).
        String[] forms = {
                "{\"series\":\"s\",\"windowStart\":\"2014-04-10T00:05:00Z\",\"mean\":\"1.5\"}",
                "{\"series\":\"s\",\"windowStart\":1397088300,\"mean\":1}",
                "{\"series\":\"s\",\"windowStart\":\"2014-04-10T00:05:00.123456Z\",\"mean\":2}",
                "{\"series\":\"s\",\"windowStart\":\"2014-04-10T02:05:00+02:00\",\"mean\":2}",
                "{\"series\":null,\"windowStart\":null,\"mean\":null}",
                "{\"series\":\"s\",\"extra\":{\"a\":[1,2,{\"b\":3}]},\"windowStart\":\"2014-04-10T00:05:00Z\",\"count\":3,\"mean\":2.5}",
                "{\"series\":\"s\",\"mean\":1,\"mean\":2}",
                "{\"series\":\"s\",\"count\":1.5}",
                "{\"series\":\"s\",\"count\":99999999999999999999999}",
                "{\"series\":\"s\",\"mean\":1e400}",
                "{\"series\":\"s\",\"mean\":NaN}",
                "{\"series\":\"s\",\"windowStart\":\"2014-02-30T00:00:00Z\"}",
                "{\"series\":\"s\"} trailing",
                "{\"series\":5}",
                "[1,2]",
                "{\"series\":\"s\"",
                "",
                "nonsense",
        };
        for (String f : forms) {
            byte[] json = f.getBytes(StandardCharsets.UTF_8);
            Object expected, actual;
            try {
                expected = WireJson.read(json, Point.class);
            } catch (IllegalArgumentException e) {
                expected = e.getMessage();
            }
            try {
                actual = PointJsonReader.read(json);
            } catch (IllegalArgumentException e) {
                actual = e.getMessage();
            }
            assertEquals(expected, actual, f);
        }
        assertNull(PointJsonReader.tryFast("{\"series\":\"s\",\"mean\":\"1.5\"}".getBytes(StandardCharsets.UTF_8)));
        assertNotNull(PointJsonReader.tryFast("{\"mean\":1.5,\"series\":\"s\",\"x\":null}".getBytes(StandardCharsets.UTF_8)));
    }

    static ForecastRecord randomForecast(SplittableRandom rnd) {
        String id = switch (rnd.nextInt(4)) {
            case 0 -> ODD_IDS[rnd.nextInt(ODD_IDS.length)];
            case 1 -> RandomText.randomString(rnd);
            default -> "host-" + rnd.nextInt(100_000) + ".cpu";
        };
        List<ForecastRecord.Step> steps = new ArrayList<>();
        int k = rnd.nextInt(0, 50);
        for (int i = 0; i < k; i++) {
            steps.add(new ForecastRecord.Step(randomInstant(rnd), randomDouble(rnd), randomDouble(rnd), randomDouble(rnd)));
        }
        return new ForecastRecord(id, rnd.nextInt(20) == 0 ? null : randomInstant(rnd), randomDouble(rnd),
                rnd.nextLong(-5, Long.MAX_VALUE), rnd.nextBoolean(), randomDouble(rnd), steps);
    }

    static Instant randomInstant(SplittableRandom rnd) {
        return switch (rnd.nextInt(6)) {
            case 0 -> Instant.ofEpochSecond(rnd.nextLong(-400_000_000_000L, 400_000_000_000L), rnd.nextInt(1_000_000_000));
            case 1 -> Instant.ofEpochSecond(rnd.nextLong(-62167219200L - 10, 253402300800L + 10));
            case 2 -> Instant.ofEpochMilli(rnd.nextLong(-62167219200000L, 253402300800000L));
            default -> Instant.ofEpochMilli(1_396_000_000_000L + 300_000L * rnd.nextInt(1_000_000));
        };
    }

    /** Ingest never writes non-finite numbers (Jackson would write them as strings, which the slow path reads). */
    private static double finite(SplittableRandom rnd) {
        double d;
        do {
            d = randomDouble(rnd);
        } while (!Double.isFinite(d));
        return d;
    }

    static double randomDouble(SplittableRandom rnd) {
        return switch (rnd.nextInt(8)) {
            case 0 -> Double.longBitsToDouble(rnd.nextLong());
            case 1 -> new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, 0.0,
                    Double.MIN_VALUE, Double.MAX_VALUE, 1e-5, 1e7, 12345678.9}[rnd.nextInt(10)];
            case 2 -> (float) rnd.nextGaussian();
            default -> rnd.nextGaussian() * Math.pow(10, rnd.nextInt(-8, 9));
        };
    }
}
