package org.forecaster.core.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The plain fast path of {@link RawEventParser#parse} must give exactly the general (Jackson tree) parser's result on
 * every input: the same event, or the same rejection reason and message (it leaves every rejection to the general
 * parser). Random events from a grammar that mixes valid and invalid parts, then random damage to their bytes.
 */
class PlainRawEventReaderTest {
    private static final Instant NOW = Instant.parse("2024-05-01T12:00:00Z");
    private final RawEventParser parser = new RawEventParser(RawEventParser.Limits.DEFAULT, InstantSource.fixed(NOW));

    @Test
    void shouldGiveTheGeneralParsersResultOnRandomEventsAndDamagedOnes() {
        long seed = 20261206L;
        SplittableRandom rnd = new SplittableRandom(seed);
        int plain = 0, validGeneral = 0, compared = 0;
        for (int i = 0; i < 60_000; i++) {
            String json = event(rnd);
            byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
            if (rnd.nextInt(4) == 0) {
                bytes = damage(bytes, rnd);
            }
            String key = switch (rnd.nextInt(8)) {
                case 0, 4 -> null;
                case 1 -> "";
                case 2 -> "other";
                default -> seriesOf(json);
            };
            if (bytes.length == 0 || bytes.length > RawEventParser.Limits.DEFAULT.maxPayloadBytes()) {
                continue; // refused by size before either path
            }
            RawEventParser.Result expected = parser.parseGeneral(bytes, key);
            RawEventParser.Result actual = parser.parse(bytes, key);
            byte[] in = bytes;
            int at = i;
            java.util.function.Supplier<String> input = () -> new String(in, StandardCharsets.UTF_8) + " key " + key
                    + " (seed " + seed + ", case " + at + ")";
            assertEquals(expected, actual, input);
            RawEvent fast = PlainRawEventReader.read(bytes, key, RawEventParser.Limits.DEFAULT, InstantSource.fixed(NOW));
            if (fast != null) {
                assertTrue(expected.valid(), () -> "fast path accepted what the general parser rejects: " + input.get());
                plain++;
            }
            validGeneral += expected.valid() ? 1 : 0;
            compared++;
        }
        // Both paths are exercised: most valid events are plain, and many inputs are rejected.
        assertTrue(plain > compared / 10, plain + " of " + compared + " took the fast path");
        assertTrue(validGeneral > plain, validGeneral + " valid, " + plain + " of them plain: some valid ones are not plain");
        assertTrue(compared - validGeneral > compared / 5, (compared - validGeneral) + " of " + compared + " rejected");
    }

    @Test
    void shouldReadThePlainEventsProducersSend() {
        RawEvent e = PlainRawEventReader.read(utf8("{\"series\":\"host-1.cpu\",\"ts\":\"2024-05-01T11:59:00.250Z\",\"value\":0.5,"
                + "\"labels\":{\"dc\":\"eu\",\"rack\":\"r1\"}}"), null, RawEventParser.Limits.DEFAULT, InstantSource.fixed(NOW));
        assertNotNull(e);
        assertEquals(new RawEvent("host-1.cpu", Instant.parse("2024-05-01T11:59:00.250Z"), 0.5, Map.of("dc", "eu", "rack", "r1")), e);
        RawEvent epoch = PlainRawEventReader.read(utf8(" {\n\"value\" : -3 , \"ts\":1714564740000,\"series\":\"k:1\"}\r\n"), "k:1",
                RawEventParser.Limits.DEFAULT, InstantSource.fixed(NOW));
        assertEquals(new RawEvent("k:1", Instant.ofEpochMilli(1714564740000L), -3, Map.of()), epoch);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"series\":\"a\",\"ts\":1714564740000,\"value\":1,\"unit\":\"s\"}", // another field: checked for duplicates there
        "{\"series\":\"a\\u0062\",\"ts\":1714564740000,\"value\":1}",          // an escape
        "{\"series\":\"a\",\"ts\":1714564740000,\"value\":1e999}",             // non-finite: the general parser says why
        "{\"series\":\"a\",\"ts\":1714564740000,\"value\":01}",                // not JSON
        "{\"series\":\"a\",\"ts\":1714564740000,\"value\":1,}",
        "{\"series\":\"a\",\"ts\":17145647400000000000,\"value\":1}",          // beyond a long
        "{\"series\":\"a\",\"ts\":1714564740000,\"value\":1} x",
        "{\"series\":\"a\",\"series\":\"a\",\"ts\":1714564740000,\"value\":1}",
        "{\"series\":\"a\",\"ts\":1714564740000,\"value\":1,\"labels\":{\"x\":\"1\",\"x\":\"2\"}}",
        "{\"ts\":1714564740000,\"value\":1}",                                  // series from the key: the general parser
        "{\"series\":\"a\",\"ts\":\"2024-05-03T12:00:00Z\",\"value\":1}",      // too far in the future
    })
    void shouldLeaveEverythingElseToTheGeneralParser(String json) {
        assertNull(PlainRawEventReader.read(utf8(json), null, RawEventParser.Limits.DEFAULT, InstantSource.fixed(NOW)), json);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String seriesOf(String json) {
        int i = json.indexOf("\"series\":\"");
        if (i < 0) {
            return "s";
        }
        int from = i + "\"series\":\"".length(), to = json.indexOf('"', from);
        return to < 0 ? "s" : json.substring(from, to);
    }

    /** A random event: mostly valid parts in random order and spacing, each part sometimes replaced by a bad one. */
    private static String event(SplittableRandom rnd) {
        List<String> fields = new ArrayList<>();
        if (rnd.nextInt(20) != 0) {
            fields.add("\"series\"" + ws(rnd) + ":" + ws(rnd) + series(rnd));
        }
        if (rnd.nextInt(20) != 0) {
            fields.add("\"ts\"" + ws(rnd) + ":" + ws(rnd) + ts(rnd));
        }
        if (rnd.nextInt(20) != 0) {
            fields.add("\"value\":" + ws(rnd) + number(rnd));
        }
        if (rnd.nextInt(3) == 0) {
            fields.add("\"labels\":" + ws(rnd) + labels(rnd));
        }
        if (rnd.nextInt(15) == 0) {
            fields.add(pick(rnd, "\"unit\":\"s\"", "\"series\":\"dup\"", "\"ts\":1714564740000", "\"value\":2", "\"x\":{\"y\":[1,2]}",
                    "\"labels\":{}", "\"t\\u0073\":1714564740000"));
        }
        java.util.Collections.shuffle(fields, new java.util.Random(rnd.nextLong()));
        StringBuilder sb = new StringBuilder(ws(rnd)).append('{');
        for (int i = 0; i < fields.size(); i++) {
            sb.append(ws(rnd)).append(i == 0 ? "" : ",").append(ws(rnd)).append(fields.get(i));
        }
        sb.append(ws(rnd)).append(rnd.nextInt(40) == 0 ? ",}" : "}").append(ws(rnd));
        if (rnd.nextInt(40) == 0) {
            sb.append(pick(rnd, "x", "{}", "}", "\u0000"));
        }
        return sb.toString();
    }

    private static String series(SplittableRandom rnd) {
        return switch (rnd.nextInt(30)) {
            case 0 -> "\"\"";
            case 1 -> "\"a b\"";
            case 2 -> "\"" + "x".repeat(256 + rnd.nextInt(2)) + "\"";
            case 3 -> "7";
            case 4 -> "null";
            case 5 -> "\"h\\u00e9\"";
            case 6 -> "\"hé\"";
            case 7 -> "\"a\\\"b\"";
            case 8 -> "\"tab\there\"";
            default -> "\"" + pick(rnd, "host-1.cpu", "a", "svc/x@eu=1", "bench-42", "A_b:c", "x~y") + "\"";
        };
    }

    private static String ts(SplittableRandom rnd) {
        long ms = NOW.toEpochMilli() - rnd.nextLong(26L * 365 * 86_400_000) + rnd.nextLong(2_400_000);
        return switch (rnd.nextInt(30)) {
            case 0 -> "\"yesterday\"";
            case 1 -> "1.5";
            case 2 -> "null";
            case 3 -> "\"2024-02-30T00:00:00Z\"";
            case 4 -> "\"2024-05-01T11:00:00.123456Z\"";
            case 5 -> "\"2024-05-01T11:00:00+01:00\"";
            case 6 -> "17145647400000000000";
            case 7 -> "-1";
            case 8 -> "\"" + Instant.ofEpochMilli(ms) + "\"";
            case 9 -> "\"" + Instant.ofEpochMilli(ms - ms % 1000) + "\"";
            case 10 -> "1.714564740E12";
            case 11 -> "0" + ms;
            default -> Long.toString(ms);
        };
    }

    private static String number(SplittableRandom rnd) {
        return switch (rnd.nextInt(36)) {
            case 0 -> "NaN";
            case 1 -> "\"1\"";
            case 2 -> "1e999";
            case 3 -> "-0";
            case 4 -> "-0.0";
            case 5 -> "01";
            case 6 -> "1.";
            case 7 -> ".5";
            case 8 -> "+1";
            case 9 -> "12345678901234567890";
            case 10 -> Long.toString(rnd.nextLong());
            case 11, 15, 16, 17, 18 -> Double.toString(rnd.nextDouble() * Math.pow(10, rnd.nextInt(-300, 300)));
            case 12, 19, 20, 21 -> rnd.nextInt(-1000, 1000) + "." + rnd.nextInt(0, 1_000_000) + "e" + rnd.nextInt(-20, 20);
            case 13 -> "true";
            case 14 -> "0.1000000000000000055511151231257827021181583404541015625";
            case 22, 23, 24 -> Long.toString(rnd.nextLong() / (1L << rnd.nextInt(64)));
            default -> Integer.toString(rnd.nextInt(-100_000, 100_000));
        };
    }

    private static String labels(SplittableRandom rnd) {
        return switch (rnd.nextInt(20)) {
            case 0 -> "[1]";
            case 1 -> "null";
            case 2 -> "{\"a\":1}";
            case 3 -> "{\"\":\"x\"}";
            case 4 -> "{\"a\":\"" + "v".repeat(256 + rnd.nextInt(2)) + "\"}";
            case 5 -> {
                StringBuilder sb = new StringBuilder("{");
                int n = 30 + rnd.nextInt(5);
                for (int i = 0; i < n; i++) {
                    sb.append(i == 0 ? "" : ",").append("\"l").append(i).append("\":\"v\"");
                }
                yield sb.append('}').toString();
            }
            case 6 -> "{\"dc\":\"eu\",\"dc\":\"us\"}";
            default -> "{" + ws(rnd) + "\"dc\"" + ws(rnd) + ":" + ws(rnd) + "\"eu\"" + ws(rnd)
                    + (rnd.nextBoolean() ? ",\"rack\":\"" + "r".repeat(rnd.nextInt(1, 5)) + "\"" : "") + "}";
        };
    }

    private static String ws(SplittableRandom rnd) {
        if (rnd.nextInt(4) != 0) {
            return "";
        }
        return rnd.nextInt(60) == 0 ? pick(rnd, "\u000b", "\u00a0", "\u0000") : pick(rnd, " ", "\n", "\t", "\r\n ");
    }

    /** Truncates, flips, deletes or inserts one byte. */
    private static byte[] damage(byte[] b, SplittableRandom rnd) {
        if (b.length == 0) {
            return b;
        }
        int at = rnd.nextInt(b.length);
        return switch (rnd.nextInt(4)) {
            case 0 -> java.util.Arrays.copyOf(b, at);
            case 1 -> {
                byte[] c = b.clone();
                c[at] = (byte) rnd.nextInt(256);
                yield c;
            }
            case 2 -> {
                byte[] c = new byte[b.length - 1];
                System.arraycopy(b, 0, c, 0, at);
                System.arraycopy(b, at + 1, c, at, b.length - at - 1);
                yield c;
            }
            default -> {
                byte[] c = new byte[b.length + 1];
                System.arraycopy(b, 0, c, 0, at);
                c[at] = (byte) pick(rnd, "\"", ",", "}", "{", "0", "\\", "e", " ", "-").charAt(0);
                System.arraycopy(b, at, c, at + 1, b.length - at);
                yield c;
            }
        };
    }

    @SafeVarargs
    private static <T> T pick(SplittableRandom rnd, T... options) {
        return options[rnd.nextInt(options.length)];
    }
}
