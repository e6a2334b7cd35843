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
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.forecaster.core.anomaly.AlertReason;
import org.forecaster.core.anomaly.AlertRule;
import org.forecaster.core.anomaly.NoveltyScore;
import org.forecaster.core.online.ScoredStep;
import org.forecaster.core.data.SeriesFiles;
import org.forecaster.core.data.SeriesFiles.TimedValues;
import org.forecaster.core.kernel.KernelsProvider;
import org.forecaster.core.model.CellType;
import org.forecaster.core.model.Features;
import org.forecaster.core.model.Forecaster;
import org.forecaster.core.model.ModelSpec;
import org.forecaster.core.model.NormalizerSpec;
import org.forecaster.core.modelio.ModelFile;
import org.forecaster.core.modelio.ModelHeader;
import org.forecaster.core.modelio.ModelWriter;
import org.forecaster.core.model.StepResult;
import org.forecaster.core.model.Stepper;
import org.forecaster.core.state.KeyState;
import org.forecaster.core.state.StoredState;
import org.forecaster.core.wire.AnomalyRecord;
import org.forecaster.core.wire.ForecastRecord;
import org.forecaster.core.wire.Point;
import org.forecaster.core.wire.Topics;
import org.forecaster.core.wire.WireJson;
import org.forecaster.serving.TestModels;
import org.forecaster.serving.weights.LoadedModel;
import org.forecaster.serving.weights.ModelHolder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.forecaster.serving.metrics.ServingMetrics;

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

        /** The key's alert transitions as its {@link AlertLog} holds them. */
        List<AnomalyRecord> alertLog(String key) {
            KeyValueStore<String, byte[]> log = driver.getKeyValueStore(AlertLog.STORE);
            return AlertLog.read(log.get(key));
        }
    }

    private double count(String name) {
        return registry.find(name).counter() == null ? 0 : registry.find(name).counter().count();
    }

    /** The defaults for short test series: warm after 10 steps, alerting after 10 points. */
    private static ServingSpec spec() {
        ServingSpec d = ServingSpec.defaults();
        AlertRule r = d.alertRule();
        return d.withColdSteps(10).withAlertRule(new AlertRule(r.threshold(), r.openAfter(), r.resolveAfter(), 10));
    }

    /**
     * The driver commits after every record: the commit hook must apply the gathered point then (else the commit
     * would cover a point without its outputs), so each forecast is there right after its point, as when stepping
     * each point as it comes (batch of 1), byte for byte.
     */
    @Test
    void shouldApplyEveryGatheredPointAtTheCommitThatCoversIt() {
        Harness batched = new Harness(spec().withBatch(ServingSpec.BATCH_MAX_POINTS_WHEN_ON, Duration.ofMillis(5)));
        Harness single = new Harness(spec());
        for (int i = 0; i < 12; i++) {
            for (String key : List.of("a", "b", "c")) {
                batched.send(key, i, value(key.charAt(0) - 'a', i));
                assertEquals(1, batched.forecasts.getQueueSize(), "forecast of " + key + " #" + i + " at its commit");
                single.send(key, i, value(key.charAt(0) - 'a', i));
                assertArrayEquals(single.forecasts.readValue(), batched.forecasts.readValue(), key + " #" + i);
            }
        }
        var gathered = registry.get("forecast.batch.points").summary();
        assertTrue(gathered.count() >= 36 && gathered.max() == 1, "one flush per commit, here of one point each: "
                + gathered.count() + " flushes, max " + gathered.max());
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
            assertArrayEquals(floats(expected.get(j)), floats(means), "forecast after step " + steps[j] + ", at float precision");
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
    void shouldDeadLetterPoisonPointsWithTheirReasonAndKeepForecasting() {
        Harness h = new Harness(spec());
        h.send("p", 0, 10);
        h.send("p", 1, 11);
        // A window start the calendar of the step cannot take: dead-lettered, the task keeps running (issue 17).
        Point far = TestModels.point("p", 2, 12);
        h.points.pipeInput("p", WireJson.write(new Point("p", Instant.parse("9999-01-01T00:00:00Z"),
                Instant.parse("9999-01-01T00:05:00Z"), far.count(), far.mean(), far.min(), far.max(), far.last())), T0);
        // A stored state that cannot be decoded: its key's point is dead-lettered, the state is left for inspection.
        h.store().put("q", new byte[] {1, 2, 3});
        h.send("q", 0, 5);
        h.points.pipeInput("", pointJsonWithoutSeries(), T0);

        List<String> reasons = h.dlq.readRecordsToList().stream().map(r -> header(r, Topics.DLQ_REASON)).toList();
        assertEquals(List.of("bad-window-start", "bad-state", "malformed-point"), reasons);
        assertEquals(3, count("forecast.points.invalid"));
        // Nothing else lost: the good points before and after are forecast, and p's state was not touched.
        h.send("p", 2, 12);
        assertEquals(3, h.forecasts().size());
        assertArrayEquals(new byte[] {1, 2, 3}, h.store().get("q"));
    }

    private static byte[] pointJsonWithoutSeries() {
        return "{\"windowStart\":\"2025-01-01T00:00:00Z\",\"windowEnd\":\"2025-01-01T00:05:00Z\",\"count\":1,\"mean\":1,\"min\":1,\"max\":1,\"last\":1}"
                .getBytes(StandardCharsets.UTF_8);
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
    void shouldOpenOneTailAlertForAnInjectedAnomalyAndResolveItAfterwards() {
        // The score's own rule, without the alert kinds (which wait for the incident's kind to show).
        Harness h = new Harness(spec().withScorer(ServingSpec.Scorer.TAIL).withAlertKinds(null));
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
        assertEquals("score", open.reason());
        assertTrue(open.score() >= 0.9999);
        assertTrue(open.value() < open.lower() || open.value() > open.upper(), "the value lies outside its interval");
        assertEquals(1, open.modelVersion());
        assertEquals(AnomalyRecord.State.RESOLVED, resolved.state());
        assertTrue(resolved.ts().isAfter(T0.plusMillis(154 * STEP)));
        assertEquals(alerts, h.alertLog("x"), "the key's alert log holds the transitions sent");
        assertEquals(1, registry.get("forecast.alerts").tag("transition", "open").counter().count());
        assertEquals(1, registry.get("forecast.alerts").tag("transition", "resolved").counter().count());
    }

    @Test
    void shouldOpenANoveltyAlertForASpikeToANewExtremeAndResolveItWhenTheValueFallsBack() {
        // The default rule: no alert during the key's first 288 points, while its first points set its ranges. The
        // score's own rule, without the alert kinds (shouldSayWhatKindOfChangeOpenedAnAlert has them).
        Harness h = new Harness(ServingSpec.defaults().withAlertKinds(null));
        assertEquals(ServingSpec.Scorer.NOVELTY, spec().scorer(), "novelty is the default");
        assertEquals(288, ServingSpec.defaults().alertRule().probationPoints());
        for (int i = 0; i < 400; i++) {
            h.send("n", i, value(0, i) + (i == 150 ? 20 : 0) + (i == 350 ? 30 : 0));
        }
        List<AnomalyRecord> alerts = h.anomalies();
        assertEquals(2, alerts.size(), "the spike in the probation opens nothing, the later one OPEN and RESOLVED: " + alerts);
        AnomalyRecord open = alerts.get(0), resolved = alerts.get(1);
        assertEquals(AnomalyRecord.State.OPEN, open.state());
        assertEquals(T0.plusMillis(350 * STEP), open.ts(), "a novelty opens on its own point (open-after 1)");
        assertEquals(NoveltyScore.NOVEL, open.score(), 0, "the spike is a new extreme of the value");
        assertEquals(value(0, 350) + 30, open.value(), 0);
        assertEquals(AnomalyRecord.State.RESOLVED, resolved.state());
        assertEquals(T0.plusMillis(353 * STEP), resolved.ts(), "resolved by the third point back in range");
        assertTrue(resolved.score() < AlertRule.NOVELTY_DEFAULT.threshold(), "resolving point's score " + resolved.score());
        // The key's novelty state is in the store: the spike widened the value range, so the same spike again is not novel.
        KeyState stored = StoredState.decode(h.store().get("n"), NoveltyScore.Spec.DEFAULT);
        assertTrue(stored.novelty.update(Double.NaN, Double.NaN, value(0, 350) + 30, Double.NaN) < NoveltyScore.ECHO);
    }

    @Test
    void shouldRewarmStateUnderNewWeightsBeforeTheNextForecast() {
        Harness h = new Harness(spec());
        for (int i = 0; i < 60; i++) {
            h.send("w", i, value(2, i));
        }
        h.forecasts.readValuesToList();
        KeyState before = StoredState.decode(h.store().get("w"), NoveltyScore.Spec.DEFAULT);
        assertEquals(1, before.modelVersion);
        byte[] noveltyBefore = noveltyBytes(before);

        assertTrue(holder.offer(TestModels.modelBytes(2, 11)).accepted());
        h.send("w", 60, value(2, 60));
        ForecastRecord after = h.forecasts().get(0);
        assertEquals(2, after.modelVersion());

        // The same point on a state re-warmed by hand under v2 gives bit-identical forecasts (at the float precision
        // the forecasts topic carries), and the same state:
        // the novelty state went through the swap unchanged and took the point as detect's path does.
        LoadedModel v2 = holder.current();
        Stepper s2 = new Stepper(v2.forecaster(), v2.header().normalizer(), STEP, 0.95, 288, 48);
        s2.rewarm(before, 2);
        assertArrayEquals(noveltyBefore, noveltyBytes(before), "a re-warm leaves the novelty state alone");
        StepResult expected = ScoredStep.observe(s2, before, before.novelty, 0, T0.plusMillis(60 * STEP).toEpochMilli(),
                value(2, 60));
        assertArrayEquals(floats(expected.mean), floats(after.steps().stream().mapToDouble(ForecastRecord.Step::mean).toArray()));
        assertEquals(before, StoredState.decode(h.store().get("w"), NoveltyScore.Spec.DEFAULT));
        assertEquals(1, count("forecast.rewarms"));

        // Without re-warm (v2 over v1's hidden state) the forecast would differ: the re-warm is not a no-op.
        KeyState stale = StoredState.decode(h.store().get("w"));
        assertEquals(2, stale.modelVersion);
        h.send("w", 61, value(2, 61));
        assertEquals(1, count("forecast.rewarms"), "a key re-warms once per swap");
        assertEquals(2, h.forecasts().get(0).modelVersion());
    }

    @Test
    void shouldCarryTheNoveltyStateOverWhenTheRingChanges() {
        Harness first = new Harness(spec());
        for (int i = 0; i < 80; i++) {
            first.send("s", i, value(1, i));
        }
        byte[] stored = first.store().get("s");
        KeyState old = StoredState.decode(stored, NoveltyScore.Spec.DEFAULT);
        first.driver.close();
        drivers.remove(first.driver);

        // A new instance configured with a longer ring: the key is re-shaped (a fresh state of the new shape).
        Harness second = new Harness(spec().withRingCapacity(64));
        second.store().put("s", stored);
        second.send("s", 80, value(1, 80));
        KeyState reshaped = StoredState.decode(second.store().get("s"), NoveltyScore.Spec.DEFAULT);
        assertEquals(64, reshaped.ringCapacity());
        assertEquals(1, count("forecast.rewarms"));
        // The novelty state does not depend on the model: the old one folding in the point is the new one.
        old.novelty.update(Double.NaN, Double.NaN, value(1, 80), Double.NaN);
        assertArrayEquals(noveltyBytes(old), noveltyBytes(reshaped), "carried over, not restarted");
        NoveltyScore restarted = new NoveltyScore(NoveltyScore.Spec.DEFAULT);
        restarted.update(Double.NaN, Double.NaN, value(1, 80), Double.NaN);
        assertNotEquals(restarted, reshaped.novelty);
    }

    /**
     * The service scores exactly as {@code forecast detect}: two NAB series (5-minute steps, the seasonal reference
     * on with a day-long ring) through the topology, across a weight swap, give the alert transitions, scores and
     * key states of the shared core path ({@link ScoredStep} with a {@link NoveltyScore} per key, as detect's
     * OnlineDetector) run directly with the same models and settings, fed to the same {@link AlertRule}.
     */
    @Test
    void shouldScoreAndAlertExactlyAsDetectsCodePathAcrossAWeightSwap() throws IOException {
        long step = Duration.ofMinutes(5).toMillis();
        holder = new ModelHolder(KernelsProvider.get(), metrics);
        assertTrue(holder.offer(TestModels.modelBytes(1, 7, step)).accepted());
        ServingSpec spec = spec().withRingCapacity(288).withColdSteps(24).withAlertKinds(null);
        assertEquals(288, spec.seasonSteps(step), "a day of 5-minute steps fits the ring: the seasonal reference is on");
        Harness h = new Harness(spec);
        String[] keys = {"art_daily_jumpsup", "ec2_cpu_utilization_77c1ca"};
        TimedValues[] rows = new TimedValues[keys.length];
        for (int k = 0; k < keys.length; k++) {
            rows[k] = SeriesFiles.readTimedCsv(Path.of("../deploy/local/samples", keys[k] + ".csv"));
        }
        int n = rows[0].size(), swapAt = 2500;

        List<String> expected = new ArrayList<>();
        Stepper reference = stepper(holder.current(), spec);
        KeyState[] states = new KeyState[keys.length];
        for (int k = 0; k < keys.length; k++) {
            states[k] = reference.newState(1);
            states[k].novelty = new NoveltyScore(spec.novelty());
        }
        for (int i = 0; i < n; i++) {
            if (i == swapAt) {
                assertTrue(holder.offer(TestModels.modelBytes(2, 11, step)).accepted());
                reference = stepper(holder.current(), spec);
                for (KeyState st : states) {
                    reference.rewarm(st, 2);
                }
            }
            for (int k = 0; k < keys.length; k++) {
                long ts = rows[k].timestamps()[i];
                double v = rows[k].values()[i];
                Instant start = Instant.ofEpochMilli(ts);
                h.points.pipeInput(keys[k], WireJson.write(new Point(keys[k], start, start.plusMillis(step), 1, v, v, v, v)), start);
                KeyState st = states[k];
                if (st.lastTimestamp != KeyState.NO_TIMESTAMP && ts <= st.lastTimestamp) {
                    continue; // the service ignores a duplicate and dead-letters a late point; detect repeats its score
                }
                StepResult r = ScoredStep.observe(reference, st, st.novelty, spec.seasonSteps(step), ts, v);
                if (st.steps >= spec.coldSteps()) {
                    AlertRule.Transition t = spec.alertRule().update(st, r.score);
                    if (t != AlertRule.Transition.NONE) {
                        expected.add(keys[k] + " " + start + " " + (t == AlertRule.Transition.OPEN ? "OPEN" : "RESOLVED") + " "
                                + r.score + " " + r.expected + " v" + st.modelVersion);
                    }
                }
            }
        }
        List<String> got = new ArrayList<>();
        for (KeyValue<String, byte[]> kv : h.anomalies.readKeyValuesToList()) {
            AnomalyRecord a = WireJson.read(kv.value, AnomalyRecord.class);
            got.add(kv.key + " " + a.ts() + " " + a.state() + " " + a.score() + " " + a.expected() + " v" + a.modelVersion());
        }
        assertEquals(expected, got);
        for (int k = 0; k < keys.length; k++) {
            KeyState stored = StoredState.decode(h.store().get(keys[k]), spec.novelty());
            assertEquals(AlertReason.SCORE, stored.alertReason, "without kinds every alert is the score's");
            stored.alertReason = null;
            assertEquals(states[k], stored, "state of " + keys[k]);
        }
        // The comparison has something to compare: novelties open alerts before and after the swap, on both keys.
        assertTrue(got.stream().anyMatch(a -> a.contains(" OPEN 1.0 ") && a.endsWith(" v1")), got.toString());
        assertTrue(got.stream().anyMatch(a -> a.contains(" OPEN 1.0 ") && a.endsWith(" v2")), got.toString());
        for (String key : keys) {
            assertTrue(got.stream().anyMatch(a -> a.startsWith(key + " ") && a.contains(" RESOLVED ")), key + ": " + got);
        }
    }

    /**
     * With the alert kinds (the default), an alert says what changed: a lone spike is a {@code spike}, decided three
     * points after it; the same series with a stuck value is a {@code flatline}; on the two NAB samples (a square
     * daily pattern and a jumpy CPU series) they add no storm of pages to the score's alerts.
     */
    @Test
    void shouldSayWhatKindOfChangeOpenedAnAlert() throws IOException {
        Harness h = new Harness(ServingSpec.defaults());
        for (int i = 0; i < 400; i++) {
            h.send("n", i, value(0, i) + (i == 350 ? 30 : 0));
            h.send("f", i, i >= 350 && i < 380 ? value(0, 349) : value(0, i));
        }
        List<String> got = new ArrayList<>();
        for (KeyValue<String, byte[]> kv : h.anomalies.readKeyValuesToList()) {
            AnomalyRecord a = WireJson.read(kv.value, AnomalyRecord.class);
            got.add(kv.key + " " + (a.ts().toEpochMilli() - T0.toEpochMilli()) / STEP + " " + a.state() + " " + a.reason());
        }

        long step = Duration.ofMinutes(5).toMillis();
        holder = new ModelHolder(KernelsProvider.get(), metrics);
        assertTrue(holder.offer(TestModels.modelBytes(1, 7, step)).accepted());
        Harness nab = new Harness(ServingSpec.defaults().withRingCapacity(288));
        Map<String, Integer> opened = new java.util.TreeMap<>();
        for (String key : new String[] {"art_daily_jumpsup", "ec2_cpu_utilization_77c1ca"}) {
            TimedValues rows = SeriesFiles.readTimedCsv(Path.of("../deploy/local/samples", key + ".csv"));
            for (int i = 0; i < rows.size(); i++) {
                Instant start = Instant.ofEpochMilli(rows.timestamps()[i]);
                double v = rows.values()[i];
                nab.points.pipeInput(key, WireJson.write(new Point(key, start, start.plusMillis(step), 1, v, v, v, v)), start);
            }
        }
        for (AnomalyRecord a : nab.anomalies()) {
            if (a.state() == AnomalyRecord.State.OPEN) {
                opened.merge(a.series() + " " + a.reason(), 1, Integer::sum);
            }
        }
        // Measured: 8 alerts of the score; the kinds add 1 level shift to each, 2 variance bursts to the square pattern
        // and 1 to the CPU series (whose 20-odd other bursts are its nature: more than one per 3.5 days).
        for (String key : new String[] {"art_daily_jumpsup", "ec2_cpu_utilization_77c1ca"}) {
            int kinds = opened.entrySet().stream().filter(e -> e.getKey().startsWith(key + " ") && !e.getKey().endsWith(" score"))
                    .mapToInt(Map.Entry::getValue).sum();
            assertTrue(kinds <= 3, "no storm of kinds on " + key + ": " + opened);
        }
        assertEquals(List.of("n 353 OPEN spike", "n 356 RESOLVED spike", "f 360 OPEN flatline", "f 386 RESOLVED flatline"), got);
    }

    /**
     * A point is a window of scrapes: a spike of one scrape, which the window's mean dilutes to a fifth, stands out
     * whole in the window's maximum, and the alert kinds report it as a spike at the next point (once they have
     * seen 1,152 of the key's windows). The same means with an ordinary maximum open no spike.
     */
    @Test
    void shouldFindASpikeOfOneScrapeInTheWindowsMaximum() {
        int at = 1200;
        for (boolean inTheMax : new boolean[] {true, false}) {
            Harness h = new Harness(ServingSpec.defaults());
            SplittableRandom r = new SplittableRandom(5);
            for (int i = 0; i < at + 20; i++) {
                double mean = value(0, i) + (i == at ? 1 : 0), spread = 0.3 + 0.1 * r.nextDouble();
                double max = mean + spread + (i == at && inTheMax ? 4 : 0);
                Instant start = T0.plusMillis(i * STEP);
                h.points.pipeInput("w", WireJson.write(new Point("w", start, start.plusMillis(STEP), 5, mean, mean - spread,
                        max, mean)), start);
            }
            List<String> opened = h.anomalies().stream().filter(a -> a.state() == AnomalyRecord.State.OPEN)
                    .map(a -> (a.ts().toEpochMilli() - T0.toEpochMilli()) / STEP + " " + a.reason()).toList();
            if (inTheMax) {
                assertEquals(List.of((at + 1) + " spike"), opened);
            } else {
                assertFalse(opened.contains((at + 1) + " spike"), opened.toString());
            }
        }
    }

    /**
     * A key that stops reporting while the others go on opens one {@code silent} alert from the wall-clock scan, once
     * both the wall clock and the newest point are the silent steps (5 by default) past its last point; its next point
     * resolves it.
     */
    @Test
    void shouldOpenASilentAlertForAKeyThatStopsReportingAndResolveItWhenPointsReturn() {
        Harness h = new Harness(spec());
        int silent = spec().alertKinds().silentSteps();
        aStopsWhileBGoesOn(h);
        h.driver.advanceWallClockTime(Duration.ofMillis((silent - 1) * STEP));
        assertEquals(List.of(), h.anomalies(), (silent - 1) + " steps of wall clock are not yet silence");
        h.driver.advanceWallClockTime(Duration.ofMillis(2 * STEP));
        List<AnomalyRecord> alerts = h.anomalies();
        assertEquals(1, alerts.size(), alerts.toString());
        AnomalyRecord open = alerts.get(0);
        assertEquals("a", open.series());
        assertEquals(AnomalyRecord.State.OPEN, open.state());
        assertEquals("silent", open.reason());
        assertEquals(T0.plusMillis((29 + silent) * STEP), open.ts(), "silent from the " + silent + "th missing step on");
        assertEquals(value(0, 29), open.value(), "the last value seen");
        assertTrue(StoredState.alertOpen(h.store().get("a")));
        assertEquals(1, registry.get("forecast.alerts").tag("transition", "open").counter().count());
        h.driver.advanceWallClockTime(Duration.ofMinutes(30));
        assertEquals(List.of(), h.anomalies(), "one OPEN, not one per scan");

        h.send("a", 60, value(0, 60));
        alerts = h.anomalies();
        assertEquals(1, alerts.size(), alerts.toString());
        assertEquals(AnomalyRecord.State.RESOLVED, alerts.get(0).state());
        assertEquals("silent", alerts.get(0).reason());
        assertEquals(T0.plusMillis(60 * STEP), alerts.get(0).ts(), "resolved by the point that came back");
        assertFalse(StoredState.alertOpen(h.store().get("a")));
        assertEquals(List.of(open, alerts.get(0)), h.alertLog("a"), "the silent alert is logged as sent, then its resolution");
        assertEquals(List.of(), h.alertLog("b"), "a key that never alerted has no log");
    }

    /**
     * A replay far faster than real time gives the wall-clock scan no silent time: a key that stops while the others go
     * on opens its silent alert when its point returns, dated when it became silent, and that point resolves it. When
     * every key stops and comes back at once (an outage of the whole pipeline), none was silent.
     */
    @Test
    void shouldOpenTheSilenceAFastReplayHidFromTheScanWhenTheKeyReturns() {
        Harness h = new Harness(spec());
        int silent = spec().alertKinds().silentSteps();
        aStopsWhileBGoesOn(h); // no wall clock passes
        assertEquals(List.of(), h.anomalies(), "the scan has seen no silent time");
        h.send("b", 50, value(1, 50));
        h.send("a", 50, value(0, 50));
        List<AnomalyRecord> alerts = h.anomalies();
        assertEquals(2, alerts.size(), alerts.toString());
        assertEquals(List.of("a", "a"), alerts.stream().map(AnomalyRecord::series).toList());
        assertEquals(List.of(AnomalyRecord.State.OPEN, AnomalyRecord.State.RESOLVED), alerts.stream().map(AnomalyRecord::state).toList());
        assertEquals(List.of("silent", "silent"), alerts.stream().map(AnomalyRecord::reason).toList());
        assertEquals(T0.plusMillis((29 + silent) * STEP), alerts.get(0).ts(), "silent from the " + silent + "th missing step on");
        assertEquals(T0.plusMillis(50 * STEP), alerts.get(1).ts(), "resolved by the point that came back");
        assertFalse(StoredState.alertOpen(h.store().get("a")));

        for (int i = 70; i < 72; i++) { // both stop at 50 and come back at 70: the pipeline, not a key
            h.send("b", i, value(1, i));
            h.send("a", i, value(0, i));
        }
        assertEquals(List.of(), h.anomalies(), "every key back at once: no silence");
    }

    /** Points 0-29 of keys "a" and "b", then 30-49 of "b" alone: "a" stops at 29 while the points move on 20 steps. */
    private static void aStopsWhileBGoesOn(Harness h) {
        for (int i = 0; i < 30; i++) {
            h.send("a", i, value(0, i));
            h.send("b", i, value(1, i));
        }
        for (int i = 30; i < 50; i++) {
            h.send("b", i, value(1, i));
        }
    }

    /**
     * After a restart the backlog is not silence: a key whose last point is old by the wall clock is not silent until
     * this task has itself waited the silent time, counted from its first wall-clock reading. Kafka Streams sets a
     * task's wall clock only when it first processes or punctuates, so it reads 0 in {@code init()}; counted from
     * there, "a" (last seen 2 hours before the restart) would be called silent at the first scan while the other
     * keys' backlog is worked off.
     */
    @Test
    void shouldCountTheSilentTimeAfterARestartFromTheTasksFirstWallClockReading() {
        ServingSpec spec = spec().withBatch(1, ServingSpec.DEFAULT_BATCH_MAX_WAIT);
        KeyValueStore<String, byte[]> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(spec.storeName()),
                Serdes.String(), Serdes.ByteArray()).withLoggingDisabled().build();
        MockProcessorContext<String, byte[]> before = new MockProcessorContext<>();
        store.init(before.getStateStoreContext(), store);
        before.addStateStore(store);
        KeyValueStore<String, byte[]> alertLog = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(AlertLog.STORE),
                Serdes.String(), Serdes.ByteArray()).withLoggingDisabled().build();
        alertLog.init(before.getStateStoreContext(), alertLog);
        before.addStateStore(alertLog);
        ForecastProcessor first = new ForecastProcessor(spec, holder, metrics, ServingEvents.NONE);
        before.setCurrentSystemTimeMs(0);
        first.init(before);
        before.setCurrentSystemTimeMs(WALL.toEpochMilli());
        for (int i = 0; i < 30; i++) {
            first.process(new Record<>("a", pointJson("a", i, value(0, i)), T0.plusMillis(i * STEP).toEpochMilli()));
            first.process(new Record<>("b", pointJson("b", i, value(1, i)), T0.plusMillis(i * STEP).toEpochMilli()));
        }
        first.close();

        MockProcessorContext<String, byte[]> after = new MockProcessorContext<>();
        after.addStateStore(store);
        after.addStateStore(alertLog);
        ForecastProcessor restarted = new ForecastProcessor(spec, holder, metrics, ServingEvents.NONE);
        after.setCurrentSystemTimeMs(0); // as Kafka Streams' init() reads it
        restarted.init(after);
        long restartedAt = WALL.plus(Duration.ofHours(2)).toEpochMilli();
        after.setCurrentSystemTimeMs(restartedAt);
        for (int i = 30; i < 50; i++) { // b's backlog first; a's may be next on the topic
            restarted.process(new Record<>("b", pointJson("b", i, value(1, i)), T0.plusMillis(i * STEP).toEpochMilli()));
        }
        after.scheduledPunctuators().forEach(p -> p.getPunctuator().punctuate(restartedAt + Duration.ofMinutes(1).toMillis()));
        assertEquals(List.of(), silentOpened(after), "one minute after the restart nothing is silent yet");
        after.scheduledPunctuators().forEach(p -> p.getPunctuator().punctuate(restartedAt + 13 * STEP));
        assertEquals(List.of("a"), silentOpened(after), "the silent time counted from the restart has passed");
    }

    private static List<String> silentOpened(MockProcessorContext<String, byte[]> context) {
        List<String> out = new ArrayList<>();
        for (MockProcessorContext.CapturedForward<? extends String, ? extends byte[]> f : context.forwarded()) {
            if (!f.childName().equals(java.util.Optional.of(ForecastProcessor.ANOMALIES_SINK))) {
                continue;
            }
            AnomalyRecord a = WireJson.read(f.record().value(), AnomalyRecord.class);
            if ("silent".equals(a.reason()) && a.state() == AnomalyRecord.State.OPEN) {
                out.add(a.series());
            }
        }
        context.resetForwards();
        return out;
    }

    @Test
    void shouldNotCallKeysSilentWhenNoPointsArriveAtAllOrTheyAreCold() {
        Harness h = new Harness(spec());
        for (int i = 0; i < 30; i++) {
            h.send("a", i, value(0, i));
            h.send("b", i, value(1, i));
        }
        h.send("cold", 29, 5);
        h.driver.advanceWallClockTime(Duration.ofHours(2));
        assertEquals(List.of(), h.anomalies(), "no point moves on: a stopped pipeline, a backlog or a restart, not silence");
        for (int i = 30; i < 50; i++) {
            h.send("b", i, value(1, i));
        }
        h.driver.advanceWallClockTime(Duration.ofMinutes(1));
        assertEquals(List.of("a"), h.anomalies().stream().map(AnomalyRecord::series).toList(), "a cold key never alerts");
    }

    /**
     * Issue 15's budget: at most 1.5 KB per key at hidden size 64 for the default model family (a 144-bin daily
     * profile), measured on the store's bytes after a full ring.
     */
    @Test
    void shouldStoreAtMost1500BytesPerKeyAtHidden64WithAFullRing() {
        ModelSpec h64 = new ModelSpec(CellType.LSTM, 1, Features.count(0, 144), 64, 12, 0, 144, Duration.ofDays(1).toMillis());
        ModelHeader header = new ModelHeader("forecaster", 1, null, h64, NormalizerSpec.DEFAULT, STEP, null, null, 4, 1,
                Map.of(), Map.of(), Instant.parse("2024-06-01T00:00:00Z"));
        holder = new ModelHolder(KernelsProvider.get(), metrics);
        assertTrue(holder.offer(ModelWriter.write(new ModelFile(header,
                Forecaster.initialize(h64, 1, KernelsProvider.get()).parameters()))).accepted());
        Harness novelty = new Harness(spec()), tail = new Harness(spec().withScorer(ServingSpec.Scorer.TAIL));
        for (int i = 0; i < 100; i++) {
            novelty.send("k", i, value(0, i));
            tail.send("k", i, value(0, i));
        }
        // 8 (last seen) + 795 (recurrent state 128 floats, ring 48 floats, last value, interval scale, alert reason,
        // kinds and scorer bytes) + 129 (the alert kinds' detectors) + 181 (novelty: its 24-value ring, 6 ranges' ends
        // and its seasonal part: a day of 1-minute steps does not fit the ring, so the seasonal reference is the
        // profile's forecast, whose mean absolute difference it keeps) + 309 (the profile: level, 32-bit season and count,
        // unit and 144 half-float seasonal indices) + 78 (the far end of the interval calibration and the 12 h = 12
        // intervals it has yet to judge, at the default model's horizon) + 7 (the memory of the one-step errors: their
        // correlation, rms and the last, half floats) + 9 (the weight the key gives the network's corrections, their rms
        // and the last). 954 before the alert kinds, 1,032 before the profile, the calibration and the
        // shift CUSUM, 1,471 with 96 bins of f32, 1,377 before the kinds' level change rate, 1,381 before their window
        // extremes, 1,426 before the profile's forecast as the seasonal reference, 1,450 before the far end, 1,528
        // before the errors' memory, 1,535 before the corrections' weight (and the profile's 64-bit season and count).
        assertEquals(1536, novelty.store().get("k").length);
        assertEquals(1355, tail.store().get("k").length, "the tail scorer keeps no scorer state");
        assertTrue(novelty.store().get("k").length <= 1536, "under 1.5 KB");
    }

    private static Stepper stepper(LoadedModel m, ServingSpec spec) {
        return new Stepper(m.forecaster(), m.header().normalizer(), m.header().stepMillis(), spec.intervalLevel(),
                spec.maxGapSteps(), spec.ringCapacity());
    }

    private static byte[] noveltyBytes(KeyState s) {
        ByteBuffer b = ByteBuffer.allocate(s.novelty.encodedSize());
        s.novelty.writeTo(b);
        return b.array();
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

    /**
     * A key that goes silent and never returns is deleted after the TTL; its open silent alert is resolved then, dated
     * the TTL after its last point, or Alertmanager would be sent it, firing, for ever (a host taken away). A key
     * without an open alert is deleted without one.
     */
    @Test
    void shouldResolveTheOpenAlertOfAKeyEvictedAfterTheTtl() {
        Duration ttl = Duration.ofHours(1);
        Harness h = new Harness(spec().withTtl(ttl, Duration.ofMinutes(1)));
        aStopsWhileBGoesOn(h);
        h.driver.advanceWallClockTime(Duration.ofMinutes(31));
        List<AnomalyRecord> opened = h.anomalies();
        assertEquals(List.of("a OPEN silent"), opened.stream().map(r -> r.series() + " " + r.state() + " " + r.reason()).toList());
        h.driver.advanceWallClockTime(Duration.ofMinutes(30));
        assertNull(h.store().get("a"));
        assertNull(h.store().get("b"));
        List<AnomalyRecord> resolved = h.anomalies();
        assertEquals(List.of("a RESOLVED silent"), resolved.stream().map(r -> r.series() + " " + r.state() + " " + r.reason()).toList());
        assertEquals(T0.plusMillis(29 * STEP).plus(ttl), resolved.get(0).ts(), "the TTL after its last point");
        assertEquals(value(0, 29), resolved.get(0).value(), "the last value seen");
        assertEquals(1, registry.get("forecast.alerts").tag("transition", "resolved").counter().count());
    }

    @Test
    void shouldEvictKeysIdleLongerThanTheTtl() {
        Harness h = new Harness(spec().withTtl(Duration.ofHours(1), Duration.ofMinutes(1)));
        h.send("old", 0, 1);
        KeyValueStore<String, byte[]> alertLog = h.driver.getKeyValueStore(AlertLog.STORE);
        alertLog.put("old", AlertLog.append(null, new AnomalyRecord("old", T0, 1, 0, -1, 1, 1,
                AnomalyRecord.State.OPEN, 1, "spike")));
        h.driver.advanceWallClockTime(Duration.ofMinutes(30));
        h.send("new", 0, 1);
        h.driver.advanceWallClockTime(Duration.ofMinutes(31));
        assertNull(h.store().get("old"));
        assertNull(alertLog.get("old"), "the key's alert log goes with its state");
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
        int n = 180; // a spike at 150, past the echoes of the first cycle's new highs
        String[] keys = {"k0", "k1", "k2"};
        Harness straight = new Harness(spec());
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < keys.length; k++) {
                if (i % 17 != k) { // some gaps
                    straight.send(keys[k], i, value(k, i) + (i == 150 ? 30 : 0));
                }
            }
        }
        List<KeyValue<String, byte[]>> expected = straight.forecasts.readKeyValuesToList();
        List<KeyValue<String, byte[]>> expectedAlerts = straight.anomalies.readKeyValuesToList();

        Harness first = new Harness(spec());
        for (int i = 0; i < n / 2; i++) {
            for (int k = 0; k < keys.length; k++) {
                if (i % 17 != k) {
                    first.send(keys[k], i, value(k, i) + (i == 150 ? 30 : 0));
                }
            }
        }
        List<KeyValue<String, byte[]>> got = new ArrayList<>(first.forecasts.readKeyValuesToList());
        List<KeyValue<String, byte[]>> gotAlerts = new ArrayList<>(first.anomalies.readKeyValuesToList());
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
                    second.send(keys[k], i, value(k, i) + (i == 150 ? 30 : 0));
                }
            }
        }
        got.addAll(second.forecasts.readKeyValuesToList());
        gotAlerts.addAll(second.anomalies.readKeyValuesToList());
        assertEquals(expected.size(), got.size());
        for (int j = 0; j < expected.size(); j++) {
            assertEquals(expected.get(j).key, got.get(j).key);
            assertArrayEquals(expected.get(j).value, got.get(j).value, "forecast " + j + " differs after restore");
        }
        assertNotEquals(0, expected.size());
        // The alerts too: each key's novelty state came back with the rest of its state.
        assertNotEquals(0, expectedAlerts.size());
        assertEquals(expectedAlerts.size(), gotAlerts.size());
        for (int j = 0; j < expectedAlerts.size(); j++) {
            assertArrayEquals(expectedAlerts.get(j).value, gotAlerts.get(j).value, "alert " + j + " differs after restore");
        }
    }

    private static String header(TestRecord<?, ?> r, String name) {
        return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    /** The forecasts topic carries the model's float precision (issue 18): compare what it can carry. */
    private static float[] floats(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }
}
