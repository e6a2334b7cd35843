package org.forecaster.serving.topology;

import static org.forecaster.serving.TestModels.STEP;
import static org.forecaster.serving.TestModels.T0;
import static org.forecaster.serving.TestModels.pointJson;
import static org.forecaster.serving.TestModels.value;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.forecaster.core.anomaly.AlertRule;
import org.forecaster.core.kernel.KernelsProvider;
import org.forecaster.core.model.StepResult;
import org.forecaster.core.model.Stepper;
import org.forecaster.core.state.KeyState;
import org.forecaster.core.wire.AnomalyRecord;
import org.forecaster.core.wire.ForecastRecord;
import org.forecaster.core.wire.Topics;
import org.forecaster.core.wire.WireJson;
import org.forecaster.serving.TestModels;
import org.forecaster.serving.state.StoredState;
import org.forecaster.serving.weights.LoadedModel;
import org.forecaster.serving.weights.ModelHolder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ForecastProcessorTest {
    private static final Instant WALL = Instant.parse("2025-01-01T00:00:00Z");

    private SimpleMeterRegistry registry;
    private ServingMetrics metrics;
    private ModelHolder holder;
    private final List<TopologyTestDriver> drivers = new ArrayList<>();

    @BeforeEach
    void setUp() {
        registry = new SimpleMeterRegistry();
        metrics = new ServingMetrics(registry);
        holder = new ModelHolder(KernelsProvider.get(), metrics);
        assertTrue(holder.offer(TestModels.modelBytes(1, 7)).accepted());
    }

    @AfterEach
    void tearDown() {
        drivers.forEach(TopologyTestDriver::close);
    }

    /** A driver over the topology with its topics. */
    private final class Harness {
        final TopologyTestDriver driver;
        final TestInputTopic<String, byte[]> points;
        final TestOutputTopic<String, byte[]> forecasts, anomalies, dlq;

        Harness(ServingSpec spec) {
            Properties p = new Properties();
            p.put(StreamsConfig.APPLICATION_ID_CONFIG, "model-service-test");
            p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
            p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
            driver = new TopologyTestDriver(ServingTopology.build(spec, holder, metrics, ServingEvents.NONE), p, WALL);
            drivers.add(driver);
            points = driver.createInputTopic(spec.pointsTopic(), new StringSerializer(), new ByteArraySerializer());
            forecasts = driver.createOutputTopic(spec.forecastsTopic(), new StringDeserializer(), new ByteArrayDeserializer());
            anomalies = driver.createOutputTopic(spec.anomaliesTopic(), new StringDeserializer(), new ByteArrayDeserializer());
            dlq = driver.createOutputTopic(spec.dlqTopic(), new StringDeserializer(), new ByteArrayDeserializer());
        }

        void send(String key, int i, double v) {
            points.pipeInput(key, pointJson(key, i, v), T0.plusMillis(i * STEP));
        }

        List<ForecastRecord> forecasts() {
            List<ForecastRecord> out = new ArrayList<>();
            for (byte[] b : forecasts.readValuesToList()) {
                out.add(WireJson.read(b, ForecastRecord.class));
            }
            return out;
        }

        List<AnomalyRecord> anomalies() {
            List<AnomalyRecord> out = new ArrayList<>();
            for (byte[] b : anomalies.readValuesToList()) {
                out.add(WireJson.read(b, AnomalyRecord.class));
            }
            return out;
        }

        KeyValueStore<String, byte[]> store() {
            return driver.getKeyValueStore(ServingSpec.defaults().storeName());
        }
    }

    private double count(String name) {
        return registry.find(name).counter() == null ? 0 : registry.find(name).counter().count();
    }

    private static ServingSpec spec() {
        return ServingSpec.defaults().withColdSteps(10);
    }

    @Test
    void shouldEmitOneForecastPerPointWithTheModelVersionAndHorizon() {
        Harness h = new Harness(spec());
        for (int i = 0; i < 20; i++) {
            h.send("a", i, value(0, i));
        }
        List<ForecastRecord> out = h.forecasts();
        assertEquals(20, out.size());
        for (int i = 0; i < 20; i++) {
            ForecastRecord f = out.get(i);
            assertEquals("a", f.series());
            assertEquals(1, f.modelVersion());
            assertEquals(T0.plusMillis(i * STEP), f.observedTs());
            assertEquals(3, f.steps().size());
            for (int k = 0; k < 3; k++) {
                ForecastRecord.Step s = f.steps().get(k);
                assertEquals(T0.plusMillis((i + k + 1) * STEP), s.ts());
                assertTrue(s.lower() < s.mean() && s.mean() < s.upper(), "interval around the mean at step " + k);
            }
        }
        // Trained on this signal: after warm-up the one-step forecast is close to the next value.
        ForecastRecord last = out.get(19);
        assertEquals(value(0, 20), last.steps().get(0).mean(), 3.0);
        assertEquals(20, count("forecast.points"));
        assertEquals(20, count("forecast.forecasts"));
    }

    @Test
    void shouldMatchTheCoreStepperIncludingGapFilling() {
        Harness h = new Harness(spec());
        LoadedModel m = holder.current();
        Stepper reference = new Stepper(m.forecaster(), m.header().normalizer(), STEP, 0.95, 288, 48);
        KeyState state = reference.newState(1);
        int[] steps = {0, 1, 2, 3, 4, 5, 8, 9, 10, 14, 15};
        List<double[]> expected = new ArrayList<>();
        for (int i : steps) {
            h.send("g", i, value(1, i));
            StepResult r = reference.observe(state, T0.plusMillis(i * STEP).toEpochMilli(), value(1, i));
            expected.add(r.mean.clone());
        }
        List<ForecastRecord> out = h.forecasts();
        assertEquals(steps.length, out.size());
        for (int j = 0; j < steps.length; j++) {
            double[] means = out.get(j).steps().stream().mapToDouble(ForecastRecord.Step::mean).toArray();
            assertArrayEquals(expected.get(j), means, 0.0, "forecast after step " + steps[j]);
        }
        assertEquals(2 + 3, count("forecast.gaps.filled"));
        // The stored state is exactly the reference's: gaps were fed through the model, then the point.
        assertEquals(state, StoredState.decode(h.store().get("g")));
    }

    @Test
    void shouldIgnoreAndCountDuplicateWindows() {
        Harness h = new Harness(spec());
        h.send("d", 0, 10);
        h.send("d", 1, 11);
        h.send("d", 1, 99);
        h.send("d", 2, 12);
        assertEquals(3, h.forecasts().size());
        assertEquals(1, count("forecast.points.duplicate"));
        assertTrue(h.dlq.isEmpty());
    }

    @Test
    void shouldDeadLetterOlderPointsWithReasonAndSource() {
        Harness h = new Harness(spec());
        h.send("o", 5, 10);
        h.send("o", 6, 11);
        h.send("o", 3, 12);
        assertEquals(2, h.forecasts().size());
        TestRecord<String, byte[]> dead = h.dlq.readRecord();
        assertEquals("o", dead.key());
        assertArrayEquals(pointJson("o", 3, 12), dead.value());
        assertEquals("late", header(dead, Topics.DLQ_REASON));
        assertEquals(Topics.POINTS, header(dead, Topics.DLQ_SOURCE_TOPIC));
        assertEquals("2", header(dead, Topics.DLQ_SOURCE_OFFSET));
        assertEquals(1, count("forecast.points.late"));
        // The late point did not touch the state: the next in-order point is processed normally.
        h.send("o", 7, 12);
        assertEquals(1, h.forecasts().size());
    }

    @Test
    void shouldDeadLetterMalformedPoints() {
        Harness h = new Harness(spec());
        h.points.pipeInput("m", "{not json".getBytes(StandardCharsets.UTF_8), T0);
        assertEquals("malformed-point", header(h.dlq.readRecord(), Topics.DLQ_REASON));
        assertTrue(h.forecasts.isEmpty());
        assertEquals(1, count("forecast.points.invalid"));
    }

    @Test
    void shouldFlagColdKeysAndNeverAlertOnThem() {
        Harness h = new Harness(spec().withColdSteps(10).withAlertRule(new AlertRule(0.99, 1, 1)));
        for (int i = 0; i < 15; i++) {
            // Wild values while cold: they would open an alert on a warm key.
            h.send("c", i, i >= 3 && i < 8 ? 1e4 * (i % 2 == 0 ? 1 : -1) : value(0, i));
        }
        List<ForecastRecord> out = h.forecasts();
        for (int i = 0; i < 15; i++) {
            assertEquals(i < 9, out.get(i).cold(), "cold flag of point " + i);
        }
        assertTrue(h.anomalies.isEmpty());
        assertEquals(9, count("forecast.forecasts.cold"));
    }

    @Test
    void shouldOpenOneAlertForAnInjectedAnomalyAndResolveItAfterwards() {
        Harness h = new Harness(spec());
        for (int i = 0; i < 200; i++) {
            double v = value(0, i);
            if (i >= 150 && i < 155) {
                // An erratic incident of five points, far outside the interval each time. (A plain level shift
                // scores high only at its first point: the model follows the new level at once.)
                v += i % 2 == 0 ? 40 : -40;
            }
            h.send("x", i, v);
        }
        List<AnomalyRecord> alerts = h.anomalies();
        assertEquals(2, alerts.size(), "one OPEN and one RESOLVED, not a storm: " + alerts);
        AnomalyRecord open = alerts.get(0), resolved = alerts.get(1);
        assertEquals(AnomalyRecord.State.OPEN, open.state());
        assertEquals(T0.plusMillis(151 * STEP), open.ts(), "opened at the second anomalous point (openAfter 2)");
        assertTrue(open.score() >= 0.9999);
        assertTrue(open.value() < open.lower() || open.value() > open.upper(), "the value lies outside its interval");
        assertEquals(1, open.modelVersion());
        assertEquals(AnomalyRecord.State.RESOLVED, resolved.state());
        assertTrue(resolved.ts().isAfter(T0.plusMillis(154 * STEP)));
        assertEquals(1, registry.get("forecast.alerts").tag("transition", "open").counter().count());
        assertEquals(1, registry.get("forecast.alerts").tag("transition", "resolved").counter().count());
    }

    @Test
    void shouldRewarmStateUnderNewWeightsBeforeTheNextForecast() {
        Harness h = new Harness(spec());
        for (int i = 0; i < 60; i++) {
            h.send("w", i, value(2, i));
        }
        h.forecasts.readValuesToList();
        KeyState before = StoredState.decode(h.store().get("w"));
        assertEquals(1, before.modelVersion);

        assertTrue(holder.offer(TestModels.modelBytes(2, 11)).accepted());
        h.send("w", 60, value(2, 60));
        ForecastRecord after = h.forecasts().get(0);
        assertEquals(2, after.modelVersion());

        // The same point on a state re-warmed by hand under v2 gives bit-identical forecasts.
        LoadedModel v2 = holder.current();
        Stepper s2 = new Stepper(v2.forecaster(), v2.header().normalizer(), STEP, 0.95, 288, 48);
        s2.rewarm(before, 2);
        StepResult expected = s2.observe(before, T0.plusMillis(60 * STEP).toEpochMilli(), value(2, 60));
        assertArrayEquals(expected.mean, after.steps().stream().mapToDouble(ForecastRecord.Step::mean).toArray(), 0.0);
        assertEquals(before, StoredState.decode(h.store().get("w")));
        assertEquals(1, count("forecast.rewarms"));

        // Without re-warm (v2 over v1's hidden state) the forecast would differ: the re-warm is not a no-op.
        KeyState stale = StoredState.decode(h.store().get("w"));
        assertEquals(2, stale.modelVersion);
        h.send("w", 61, value(2, 61));
        assertEquals(1, count("forecast.rewarms"), "a key re-warms once per swap");
        assertEquals(2, h.forecasts().get(0).modelVersion());
    }

    @Test
    void shouldKeepServingTheOldVersionWhenNewWeightsAreRejected() {
        Harness h = new Harness(spec());
        h.send("r", 0, 1);
        byte[] corrupt = TestModels.modelBytes(2, 11);
        corrupt[corrupt.length / 2] ^= 0x10;
        assertFalse(holder.offer(corrupt).accepted());
        h.send("r", 1, 2);
        List<ForecastRecord> out = h.forecasts();
        assertEquals(List.of(1L, 1L), out.stream().map(ForecastRecord::modelVersion).toList());
        assertEquals(0, count("forecast.rewarms"));
    }

    @Test
    void shouldEvictKeysIdleLongerThanTheTtl() {
        Harness h = new Harness(spec().withTtl(Duration.ofHours(1), Duration.ofMinutes(1)));
        h.send("old", 0, 1);
        h.driver.advanceWallClockTime(Duration.ofMinutes(30));
        h.send("new", 0, 1);
        h.driver.advanceWallClockTime(Duration.ofMinutes(31));
        assertNull(h.store().get("old"));
        assertNotNull(h.store().get("new"));
        assertEquals(1, count("forecast.evictions"));
        // An evicted key that comes back starts afresh (cold, no history).
        h.forecasts.readValuesToList();
        h.send("old", 500, 1);
        assertEquals(1, StoredState.decode(h.store().get("old")).steps);
        h.driver.advanceWallClockTime(Duration.ofMinutes(45));
        assertNull(h.store().get("new"));
        assertEquals(2, count("forecast.evictions"));
    }

    @Test
    void shouldGiveTheSameForecastsFromARestoredStoreAsFromAnUninterruptedRun() {
        int n = 120;
        String[] keys = {"k0", "k1", "k2"};
        Harness straight = new Harness(spec());
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < keys.length; k++) {
                if (i % 17 != k) { // some gaps
                    straight.send(keys[k], i, value(k, i) + (i == 90 ? 30 : 0));
                }
            }
        }
        List<KeyValue<String, byte[]>> expected = straight.forecasts.readKeyValuesToList();

        Harness first = new Harness(spec());
        for (int i = 0; i < n / 2; i++) {
            for (int k = 0; k < keys.length; k++) {
                if (i % 17 != k) {
                    first.send(keys[k], i, value(k, i) + (i == 90 ? 30 : 0));
                }
            }
        }
        List<KeyValue<String, byte[]>> got = new ArrayList<>(first.forecasts.readKeyValuesToList());
        Map<String, byte[]> snapshot = new HashMap<>();
        try (KeyValueIterator<String, byte[]> it = first.store().all()) {
            it.forEachRemaining(kv -> snapshot.put(kv.key, kv.value));
        }
        first.driver.close();
        drivers.remove(first.driver);

        // A new instance whose store holds only the encoded bytes (what the changelog restores).
        Harness second = new Harness(spec());
        snapshot.forEach(second.store()::put);
        for (int i = n / 2; i < n; i++) {
            for (int k = 0; k < keys.length; k++) {
                if (i % 17 != k) {
                    second.send(keys[k], i, value(k, i) + (i == 90 ? 30 : 0));
                }
            }
        }
        got.addAll(second.forecasts.readKeyValuesToList());
        assertEquals(expected.size(), got.size());
        for (int j = 0; j < expected.size(); j++) {
            assertEquals(expected.get(j).key, got.get(j).key);
            assertArrayEquals(expected.get(j).value, got.get(j).value, "forecast " + j + " differs after restore");
        }
        assertNotEquals(0, expected.size());
    }

    private static String header(TestRecord<?, ?> r, String name) {
        return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
