package org.forecaster.ingest.rest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import org.forecaster.core.wire.RawEvent;
import org.forecaster.core.wire.RawEventParser;
import org.forecaster.ingest.rest.RemoteWriteDecoder.Label;
import org.forecaster.ingest.rest.RemoteWriteDecoder.Sample;
import org.forecaster.ingest.rest.RemoteWriteDecoder.TimeSeries;
import org.junit.jupiter.api.Test;

class RemoteWriteSamplesTest {
    private static final Instant NOW = Instant.parse("2026-05-19T12:00:00Z");
    private static final long TS = NOW.minusSeconds(30).toEpochMilli();
    private static final RawEventParser PARSER = new RawEventParser(RawEventParser.Limits.DEFAULT, InstantSource.fixed(NOW));
    private final RemoteWriteSamples samples = new RemoteWriteSamples(List.of("job", "instance", "__name__"), PARSER);

    private static TimeSeries series(List<Sample> samples, String... labelPairs) {
        List<Label> labels = new java.util.ArrayList<>();
        for (int i = 0; i < labelPairs.length; i += 2) {
            labels.add(new Label(labelPairs[i], labelPairs[i + 1]));
        }
        return new TimeSeries(labels, samples);
    }

    private RemoteWriteSamples.Item only(TimeSeries ts) {
        RemoteWriteSamples.Conversion c = samples.convert(List.of(ts));
        assertEquals(1, c.items().size());
        return c.items().getFirst();
    }

    @Test
    void shouldBuildTheIdFromTheNameAndTheConfiguredLabelsSortedByName() {
        RemoteWriteSamples.Item item = only(series(List.of(new Sample(0.25, TS)),
                "job", "node", "__name__", "node_load1", "instance", "host-1:9100", "region", "eu"));
        assertEquals("node_load1.instance=host-1:9100.job=node", item.series());
        assertTrue(item.result().valid(), () -> item.result().rejection().toString());
        assertEquals(new RawEvent("node_load1.instance=host-1:9100.job=node", Instant.ofEpochMilli(TS), 0.25,
                Map.of("instance", "host-1:9100", "job", "node", "region", "eu")), item.result().event());
    }

    @Test
    void shouldLeaveAbsentAndEmptyLabelsOutOfTheId() {
        assertEquals("up", only(series(List.of(new Sample(1, TS)), "__name__", "up", "job", "")).series());
        assertEquals("up.job=api", only(series(List.of(new Sample(1, TS)), "__name__", "up", "job", "api")).series());
    }

    /** What goes to Kafka is a JSON event that the stream's parser reads back as the same event. */
    @Test
    void shouldWriteTheEventAsTheJsonLineTheEventsEndpointAccepts() {
        RemoteWriteSamples.Item item = only(series(List.of(new Sample(-3.5e-7, TS)), "__name__", "queue_depth", "job", "q"));
        String json = new String(item.json(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals("{\"series\":\"queue_depth.job=q\",\"ts\":" + TS + ",\"value\":-3.5E-7,\"labels\":{\"job\":\"q\"}}", json);
        RawEventParser.Result reread = PARSER.parse(item.json(), item.series());
        assertEquals(item.result().event(), reread.event());
    }

    @Test
    void shouldSkipAndCountStalenessMarkersButDeadLetterOtherNonFiniteValues() {
        double stale = Double.longBitsToDouble(RemoteWriteSamples.STALE_NAN_BITS);
        RemoteWriteSamples.Conversion c = samples.convert(List.of(series(List.of(new Sample(stale, TS), new Sample(Double.NaN, TS),
                new Sample(Double.POSITIVE_INFINITY, TS + 1), new Sample(2, TS + 2), new Sample(stale, TS + 3)), "__name__", "temp")));
        assertEquals(2, c.staleMarkers());
        assertEquals(List.of("non-finite-value", "non-finite-value"),
                c.items().stream().filter(i -> !i.result().valid()).map(i -> i.result().rejection().reason()).toList());
        assertEquals(List.of(2.0), c.items().stream().filter(i -> i.result().valid()).map(i -> i.result().event().value()).toList());
        assertArrayEquals(new String[] {"temp", "temp", "temp"}, c.items().stream().map(RemoteWriteSamples.Item::series).toArray());
    }

    @Test
    void shouldRejectAnIdWithCharactersTheSeriesRuleDoesNotAllow() {
        RemoteWriteSamples.Item item = only(series(List.of(new Sample(1, TS)), "__name__", "http_requests", "job", "api server"));
        assertEquals("http_requests.job=api server", item.series());
        assertEquals("bad-series", item.result().rejection().reason());
        // Outside the id, any label value is fine.
        assertTrue(only(series(List.of(new Sample(1, TS)), "__name__", "http_requests", "path", "/a b{c}")).result().valid());
    }

    @Test
    void shouldRejectAnIdOverTheLengthLimit() {
        String longValue = "x".repeat(251); // "m.job=" + 251 = 257 characters, one over the limit
        assertEquals("bad-series", only(series(List.of(new Sample(1, TS)), "__name__", "m", "job", longValue)).result().rejection().reason());
    }

    @Test
    void shouldRejectASeriesWithoutAName() {
        RemoteWriteSamples.Item item = only(series(List.of(new Sample(1, TS)), "job", "node"));
        assertNull(item.series());
        assertEquals("missing-series", item.result().rejection().reason());
        assertEquals("time series has no __name__ label", item.result().rejection().message());
    }

    @Test
    void shouldApplyTheEventRulesToTimeAndLabels() {
        assertEquals("ts-out-of-range", only(series(List.of(new Sample(1, 0)), "__name__", "m")).result().rejection().reason());
        assertEquals("ts-out-of-range", only(series(List.of(new Sample(1, NOW.plusSeconds(3600).toEpochMilli())), "__name__", "m"))
                .result().rejection().reason());
        assertEquals("bad-labels", only(series(List.of(new Sample(1, TS)), "__name__", "m", "long", "v".repeat(257)))
                .result().rejection().reason());
    }

    @Test
    void shouldConvertEverySampleOfEverySeriesInOrder() {
        RemoteWriteSamples.Conversion c = samples.convert(List.of(
                series(List.of(new Sample(1, TS), new Sample(2, TS + 1000)), "__name__", "a"),
                series(List.of(), "__name__", "empty"),
                series(List.of(new Sample(3, TS)), "__name__", "b")));
        assertEquals(List.of("a", "a", "b"), c.items().stream().map(RemoteWriteSamples.Item::series).toList());
        assertEquals(List.of(1.0, 2.0, 3.0), c.items().stream().map(i -> i.result().event().value()).toList());
        assertEquals(0, c.staleMarkers());
    }
}
