package org.forecaster.core.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The binary point form (issue 18): round trip, the pinned byte layout, and every rejection. */
class PointBinaryTest {
    private static final String[] ODD_IDS = {"", "a\"b", "back\\slash", "tab\there", "nl\nx", "\u0000\u001f\u007f",
            "ü-é", "日本", "emoji-\uD83D\uDE00", "slash/ok", "x".repeat(300), "日".repeat(70_000)};

    @Test
    void shouldRoundTripRandomPointsBitForBit() {
        long seed = 18;
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int n = 0; n < 20_000; n++) {
            Point p = randomPoint(rnd);
            byte[] bytes = PointBinary.write(p);
            Point back = PointBinary.read(bytes);
            String why = "seed " + seed + ", point " + n + ": " + p;
            assertEquals(p, back, why);
            // Record equality calls every NaN equal; the wire keeps the exact bits.
            assertEquals(Double.doubleToRawLongBits(p.mean()), Double.doubleToRawLongBits(back.mean()), why);
            assertEquals(Double.doubleToRawLongBits(p.min()), Double.doubleToRawLongBits(back.min()), why);
            assertEquals(Double.doubleToRawLongBits(p.max()), Double.doubleToRawLongBits(back.max()), why);
            assertEquals(Double.doubleToRawLongBits(p.last()), Double.doubleToRawLongBits(back.last()), why);
            assertEquals(PointBinary.FIXED_LENGTH + p.series().getBytes(StandardCharsets.UTF_8).length, bytes.length, why);
            assertEquals(p, PointReader.read(bytes), why);
        }
    }

    /** The layout of version 1, pinned: changing it needs a new version byte, never a silent change. */
    @Test
    void shouldWriteVersionOneLayoutExactly() {
        Point p = new Point("cpu.é日", Instant.parse("2014-04-10T00:05:00Z"), Instant.parse("2014-04-10T00:10:00Z"), 3,
                43.25, -0.0, Double.POSITIVE_INFINITY, -1.5);
        String golden = "01"                  // version 1
                + "0000014548f3abe0"          // window start 1397088300000 ms
                + "0000014548f83fc0"          // window end, 300 000 ms later
                + "0000000000000003"          // count 3
                + "4045a00000000000"          // mean 43.25
                + "8000000000000000"          // min -0.0
                + "7ff0000000000000"          // max +Infinity
                + "bff8000000000000"          // last -1.5
                + "00000009"                  // series id: 9 bytes
                + "6370752ec3a9e697a5";       // "cpu.é日" in UTF-8
        assertEquals(golden, HexFormat.of().formatHex(PointBinary.write(p)));
        assertEquals(p, PointReader.read(HexFormat.of().parseHex(golden)));
    }

    @Test
    void shouldReadOldJsonRecordsAsBefore() {
        SplittableRandom rnd = new SplittableRandom(7);
        for (int n = 0; n < 5_000; n++) {
            Point p = new Point(rnd.nextInt(10) == 0 ? ODD_IDS[rnd.nextInt(ODD_IDS.length - 1)] : "series-" + rnd.nextInt(1000),
                    Instant.ofEpochMilli(rnd.nextLong(-10_000_000_000_000L, 10_000_000_000_000L)),
                    Instant.ofEpochMilli(rnd.nextLong(0, 2_000_000_000_000L)), rnd.nextLong(0, Long.MAX_VALUE),
                    randomDouble(rnd), randomDouble(rnd), randomDouble(rnd), randomDouble(rnd));
            byte[] json = WireJson.write(p); // what the previous release's ingest wrote
            assertEquals(PointJsonReader.read(json), PointReader.read(json), "point " + n);
            assertEquals(p, PointReader.read(json), "point " + n);
            assertArrayEquals(json, PointFormat.JSON.newWriter().apply(p), "point " + n);
        }
        // JSON may start with whitespace; every JSON outcome, value or message, is PointJsonReader's.
        String[] forms = {" {\"series\":\"s\",\"mean\":1}", "\n{\"series\":\"s\"}", "\t{\"series\":\"s\"}", "\r\n{\"mean\":2}",
                "{\"series\":\"s\",\"windowStart\":\"2014-04-10T00:05:00Z\",\"mean\":\"1.5\"}", "{\"series\":\"s\"", "", "nonsense",
                "[1,2]", "\uFEFF{\"series\":\"s\"}"};
        for (String f : forms) {
            byte[] json = f.getBytes(StandardCharsets.UTF_8);
            assertEquals(outcome(() -> PointJsonReader.read(json)), outcome(() -> PointReader.read(json)), f);
        }
    }

    @Test
    void shouldRejectUnknownVersionsClearly() {
        byte[] valid = PointBinary.write(new Point("s", Instant.EPOCH, Instant.EPOCH, 1, 1, 1, 1, 1));
        for (int tag = 0; tag < 0x20; tag++) {
            if (tag == PointBinary.VERSION_1 || tag == '\t' || tag == '\n' || tag == '\r') {
                continue;
            }
            byte[] b = valid.clone();
            b[0] = (byte) tag;
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PointReader.read(b));
            assertEquals(String.format("unknown binary point version 0x%02x; this reader knows version 0x01 and JSON: "
                    + "upgrade the reader", tag), e.getMessage());
        }
    }

    @Test
    void shouldRejectTruncatedAndOverlongRecords() {
        byte[] valid = PointBinary.write(new Point("series-1", Instant.EPOCH, Instant.EPOCH, 1, 1, 1, 1, 1));
        for (int len = 1; len < valid.length; len++) {
            byte[] b = Arrays.copyOf(valid, len);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PointReader.read(b), "length " + len);
            String expected = len < PointBinary.FIXED_LENGTH
                    ? "truncated binary point: " + len + " bytes, version 1 has at least 61"
                    : "binary point declares a series id of 8 bytes but " + (len - 61) + " follow the fixed fields";
            assertEquals(expected, e.getMessage());
        }
        byte[] longer = Arrays.copyOf(valid, valid.length + 1);
        assertEquals("binary point declares a series id of 8 bytes but 9 follow the fixed fields",
                assertThrows(IllegalArgumentException.class, () -> PointReader.read(longer)).getMessage());
        byte[] negative = valid.clone();
        negative[57] = (byte) 0xFF;
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PointReader.read(negative)).getMessage()
                .startsWith("binary point declares a series id of -"));
        byte[] badUtf8 = valid.clone();
        badUtf8[61] = (byte) 0xC3; // a lead byte followed by ASCII
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PointReader.read(badUtf8)).getMessage()
                .startsWith("binary point's series id is not valid UTF-8"));
    }

    @Test
    void shouldRefusePointsWithoutBinaryForm() {
        Instant t = Instant.EPOCH;
        assertEquals("a binary point needs a series id, the point has none: Point[series=null, windowStart=1970-01-01T00:00:00Z, "
                        + "windowEnd=1970-01-01T00:00:00Z, count=1, mean=1.0, min=1.0, max=1.0, last=1.0]",
                assertThrows(IllegalArgumentException.class, () -> PointBinary.write(new Point(null, t, t, 1, 1, 1, 1, 1))).getMessage());
        assertEquals("a binary point needs a window start, the point has none",
                assertThrows(IllegalArgumentException.class, () -> PointBinary.write(new Point("s", null, t, 1, 1, 1, 1, 1))).getMessage());
        assertEquals("a binary point carries epoch milliseconds; window end 1970-01-01T00:00:00.000000001Z has sub-millisecond precision",
                assertThrows(IllegalArgumentException.class,
                        () -> PointBinary.write(new Point("s", t, t.plusNanos(1), 1, 1, 1, 1, 1))).getMessage());
        assertEquals("window start +1000000000-12-31T23:59:59Z is outside the epoch-millisecond range",
                assertThrows(IllegalArgumentException.class,
                        () -> PointBinary.write(new Point("s", Instant.MAX.minusNanos(999_999_999), t, 1, 1, 1, 1, 1))).getMessage());
        assertEquals("series id has an unpaired surrogate at index 3, so no UTF-8 form",
                assertThrows(IllegalArgumentException.class,
                        () -> PointBinary.write(new Point("bad\uD800-", t, t, 1, 1, 1, 1, 1))).getMessage());
    }

    /**
     * {@link PointReader#read(byte[], PointReader.Fields)} (the model service's reused read) gives what the point of
     * {@link PointReader#read(byte[])} has, bit for bit, or the same exception message, for every record here:
     * random binary and JSON points, odd ids, and every rejection of the tests above.
     */
    @Test
    void shouldReadFieldsIntoAReusedObjectAsThePointHasThem() {
        PointReader.Fields fields = new PointReader.Fields();
        SplittableRandom rnd = new SplittableRandom(19);
        java.util.List<byte[]> records = new java.util.ArrayList<>();
        for (int n = 0; n < 5_000; n++) {
            Point p = randomPoint(rnd);
            records.add(PointBinary.write(p));
            records.add(WireJson.write(p));
        }
        byte[] valid = PointBinary.write(new Point("series-1", Instant.EPOCH, Instant.EPOCH, 1, 1, 1, 1, 1));
        for (int len = 0; len <= valid.length + 1; len++) {
            records.add(Arrays.copyOf(valid, len));
        }
        for (int tag = 0; tag < 0x20; tag++) {
            byte[] b = valid.clone();
            b[0] = (byte) tag;
            records.add(b);
        }
        byte[] badUtf8 = valid.clone();
        badUtf8[61] = (byte) 0xC3;
        records.add(badUtf8);
        for (String f : new String[] {" {\"series\":\"s\",\"mean\":1}", "{\"series\":\"s\"", "", "nonsense"}) {
            records.add(f.getBytes(StandardCharsets.UTF_8));
        }
        for (byte[] r : records) {
            Object expected = outcome(() -> PointReader.read(r));
            if (expected instanceof Point p) {
                expected = Arrays.asList(p.series(), String.valueOf(p.windowStart()), Double.doubleToRawLongBits(p.mean()),
                        p.count(), Double.doubleToRawLongBits(p.min()), Double.doubleToRawLongBits(p.max()));
            }
            Object actual;
            try {
                PointReader.read(r, fields);
                actual = Arrays.asList(fields.series(), String.valueOf(fields.windowStart()),
                        Double.doubleToRawLongBits(fields.mean()), fields.count(), Double.doubleToRawLongBits(fields.min()),
                        Double.doubleToRawLongBits(fields.max()));
            } catch (IllegalArgumentException e) {
                actual = e.getMessage();
            }
            assertEquals(expected, actual, HexFormat.of().formatHex(r));
        }
    }

    private static Object outcome(java.util.function.Supplier<Point> read) {
        try {
            return read.get();
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    private static Point randomPoint(SplittableRandom rnd) {
        String id = switch (rnd.nextInt(4)) {
            case 0 -> ODD_IDS[rnd.nextInt(ODD_IDS.length)];
            case 1 -> RandomText.randomString(rnd);
            default -> "host-" + rnd.nextInt(100_000) + ".cpu";
        };
        return new Point(id, randomInstant(rnd), randomInstant(rnd), randomLong(rnd), randomDouble(rnd), randomDouble(rnd),
                randomDouble(rnd), randomDouble(rnd));
    }

    private static Instant randomInstant(SplittableRandom rnd) {
        return switch (rnd.nextInt(4)) {
            case 0 -> Instant.ofEpochMilli(new long[] {Long.MIN_VALUE, Long.MAX_VALUE, 0, -1, 1}[rnd.nextInt(5)]);
            case 1 -> Instant.ofEpochMilli(rnd.nextLong());
            default -> Instant.ofEpochMilli(1_396_000_000_000L + 300_000L * rnd.nextInt(1_000_000));
        };
    }

    private static long randomLong(SplittableRandom rnd) {
        return switch (rnd.nextInt(3)) {
            case 0 -> new long[] {Long.MIN_VALUE, Long.MAX_VALUE, 0, -1, 1}[rnd.nextInt(5)];
            case 1 -> rnd.nextLong();
            default -> rnd.nextLong(1, 1000);
        };
    }

    private static double randomDouble(SplittableRandom rnd) {
        return switch (rnd.nextInt(8)) {
            case 0 -> Double.longBitsToDouble(rnd.nextLong()); // includes NaNs with payloads and subnormals
            case 1 -> new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, 0.0,
                    Double.MIN_VALUE, -Double.MIN_VALUE, Double.MAX_VALUE, -Double.MAX_VALUE, Double.MIN_NORMAL}[rnd.nextInt(10)];
            case 2 -> (float) rnd.nextGaussian();
            default -> rnd.nextGaussian() * Math.pow(10, rnd.nextInt(-8, 9));
        };
    }
}
