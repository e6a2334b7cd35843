package org.forecaster.core.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RawEventParserTest {
    private static final Instant NOW = Instant.parse("2024-05-01T12:00:00Z");
    private final RawEventParser parser = new RawEventParser(RawEventParser.Limits.DEFAULT, InstantSource.fixed(NOW));

    private RawEventParser.Result parse(String json, String key) {
        return parser.parse(json.getBytes(StandardCharsets.UTF_8), key);
    }

    @Test
    void acceptsIsoAndEpochTimestampsAndTakesTheSeriesFromTheKeyWhenAbsent() {
        var a = parse("{\"series\":\"host-1.cpu\",\"ts\":\"2024-05-01T11:59:00Z\",\"value\":0.5,\"labels\":{\"dc\":\"eu\"}}", null);
        assertTrue(a.valid(), String.valueOf(a.rejection()));
        assertEquals(new RawEvent("host-1.cpu", Instant.parse("2024-05-01T11:59:00Z"), 0.5, java.util.Map.of("dc", "eu")), a.event());
        var b = parse("{\"ts\":1714564740000,\"value\":-3}", "k:1");
        assertTrue(b.valid(), String.valueOf(b.rejection()));
        assertEquals("k:1", b.event().series());
        assertEquals(Instant.ofEpochMilli(1714564740000L), b.event().ts());
    }

    @ParameterizedTest(name = "{1}: {0}")
    @CsvSource(delimiter = '|', value = {
        "{\"series\":\"a\",\"ts\":1714564740000,\"value\":1                 | malformed-json",
        "[1,2]                                                               | not-an-object",
        "{\"ts\":1714564740000,\"value\":1}                                  | missing-series",
        "{\"series\":\"\",\"ts\":1714564740000,\"value\":1}                  | bad-series",
        "{\"series\":\"a b\",\"ts\":1714564740000,\"value\":1}               | bad-series",
        "{\"series\":7,\"ts\":1714564740000,\"value\":1}                     | bad-series",
        "{\"series\":\"a\",\"ts\":1714564740000}                             | missing-value",
        "{\"series\":\"a\",\"ts\":1714564740000,\"value\":\"1\"}             | bad-value",
        "{\"series\":\"a\",\"ts\":1714564740000,\"value\":1e999}             | non-finite-value",
        "{\"series\":\"a\",\"value\":1}                                      | missing-ts",
        "{\"series\":\"a\",\"ts\":\"yesterday\",\"value\":1}                 | bad-ts",
        "{\"series\":\"a\",\"ts\":1.5,\"value\":1}                           | bad-ts",
        "{\"series\":\"a\",\"ts\":\"1999-12-31T23:59:59Z\",\"value\":1}      | ts-out-of-range",
        "{\"series\":\"a\",\"ts\":\"2024-05-03T12:00:00Z\",\"value\":1}      | ts-out-of-range",
        "{\"series\":\"a\",\"ts\":1714564740000,\"value\":1,\"labels\":[1]}  | bad-labels",
        "{\"series\":\"a\",\"series\":\"b\",\"ts\":1714564740000,\"value\":1} | malformed-json",
        "{\"series\":\"a\",\"ts\":1714564740000,\"value\":1} x              | malformed-json",
        "{\"series\":\"a\",\"ts\":1714564740000,\"value\":1}{\"series\":\"b\"} | malformed-json",
        "{\"series\":\"a\",\"ts\":1714564740000,\"value\":NaN}             | non-finite-value",
        "{\"series\":\"a\",\"ts\":1714564740000,\"value\":-Infinity}       | non-finite-value",
        "{\"series\":\"a\",\"ts\":1714564740000,\"value\":\"NaN\"}       | bad-value",
    })
    void rejectsEachKindOfBadEventWithItsReason(String json, String reason) {
        var r = parse(json.strip(), null);
        assertEquals(reason, r.valid() ? "valid" : r.rejection().reason(), json);
        assertTrue(r.rejection().message().length() > 10);
    }

    @Test
    void rejectsOversizedEmptyAndKeyMismatchedEvents() {
        String big = "{\"series\":\"a\",\"ts\":1714564740000,\"value\":1,\"pad\":\"" + "x".repeat(70_000) + "\"}";
        assertEquals("too-large", parse(big, null).rejection().reason());
        assertEquals("empty", parser.parse(new byte[0], null).rejection().reason());
        assertEquals("empty", parser.parse(null, null).rejection().reason());
        assertEquals("empty", parse(" \t\r\n ", null).rejection().reason(), "whitespace only is empty, not a non-object");
        assertEquals("key-mismatch", parse("{\"series\":\"a\",\"ts\":1714564740000,\"value\":1}", "b").rejection().reason());
        assertEquals("bad-series", parse("{\"series\":\"" + "a".repeat(300) + "\",\"ts\":1714564740000,\"value\":1}", null).rejection().reason());
    }

    @Test
    void wireRecordsRoundTripThroughJson() {
        var p = new Point("a", NOW, NOW.plusSeconds(60), 3, 1.5, 1, 2, 2);
        assertEquals(p, WireJson.read(WireJson.write(p), Point.class));
        var f = new ForecastRecord("a", NOW, 1.5, 3, false, 0.95, List.of(new ForecastRecord.Step(NOW.plusSeconds(60), 1, 0.5, 1.5)));
        assertEquals(f, WireJson.read(WireJson.write(f), ForecastRecord.class));
        assertTrue(new String(WireJson.write(p), StandardCharsets.UTF_8).contains("\"windowStart\":\"2024-05-01T12:00:00Z\""));
    }
}
