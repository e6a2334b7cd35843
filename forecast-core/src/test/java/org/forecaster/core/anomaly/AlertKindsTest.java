package org.forecaster.core.anomaly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.forecaster.core.kernel.ScalarKernels;
import org.forecaster.core.model.CellType;
import org.forecaster.core.model.Features;
import org.forecaster.core.model.Forecaster;
import org.forecaster.core.model.ModelSpec;
import org.forecaster.core.model.NormalizerSpec;
import org.forecaster.core.online.PointStep;
import org.forecaster.core.state.KeyState;
import org.forecaster.core.wire.AnomalyRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each alert kind on a small generated series (a daily cycle of 288 five-minute points plus Gaussian noise) with
 * one injected anomaly: it opens one alert with its reason near the injection, and the same series without the
 * injection opens none. Through core's {@link PointStep} with the model service's default rules (novelty score,
 * probation 288, default kinds) and an untrained model (close to "same as the last point").
 */
class AlertKindsTest {
    static final long STEP = 300_000L;
    static final Instant T0 = Instant.parse("2026-01-05T00:00:00Z");
    static final int DAY = 288, AT = 1500;

    record Alert(int index, AnomalyRecord record) {}

    /** 100 + 10 sin(day) + N(0, 1), with {@code inject} applied to (index, value). */
    static double[] series(int n, long seed, Injection inject) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] v = new double[n];
        for (int t = 0; t < n; t++) {
            double noise = rnd.nextGaussian();
            v[t] = inject.apply(t, 100 + 10 * Math.sin(2 * Math.PI * t / DAY), noise, v);
        }
        return v;
    }

    /** The value of point t from its seasonal part, its noise and the points before it. */
    interface Injection {
        double apply(int t, double seasonal, double noise, double[] before);
    }

    static final Injection NONE = (t, s, e, v) -> s + e;

    static PointStep step() {
        ModelSpec spec = new ModelSpec(CellType.LSTM, 1, Features.COUNT, 8, 1);
        PointStep.Rules rules = new PointStep.Rules(0.95, 288, 48, 24, 0, NoveltyScore.Spec.DEFAULT,
                AlertRule.NOVELTY_DEFAULT, AlertKinds.Spec.DEFAULT);
        return new PointStep(Forecaster.initialize(spec, 7, ScalarKernels.INSTANCE), NormalizerSpec.DEFAULT, STEP, 1, rules);
    }

    /** As {@link #step()} with the default model family: an untrained network over a 96-bin daily profile. */
    static PointStep profileStep() {
        ModelSpec spec = new ModelSpec(CellType.LSTM, 1, Features.count(0, 96), 8, 1, 0, 96, DAY * STEP);
        PointStep.Rules rules = new PointStep.Rules(0.95, 288, 48, 24, 0, NoveltyScore.Spec.DEFAULT,
                AlertRule.NOVELTY_DEFAULT, AlertKinds.Spec.DEFAULT);
        return new PointStep(Forecaster.initialize(spec, 7, ScalarKernels.INSTANCE), NormalizerSpec.DEFAULT, STEP, 1, rules);
    }

    static List<Alert> alerts(double[] values) {
        return alerts(step(), values);
    }

    static List<Alert> alerts(PointStep step, double[] values) {
        KeyState state = step.newState();
        List<Alert> out = new ArrayList<>();
        for (int t = 0; t < values.length; t++) {
            PointStep.Outcome o = step.observe("s", state, T0.plusMillis(t * STEP), values[t]);
            state = o.state();
            if (o.alert() != null) {
                out.add(new Alert(t, o.alert()));
            }
        }
        return out;
    }

    static String describe(List<Alert> alerts) {
        StringBuilder b = new StringBuilder();
        for (Alert a : alerts) {
            b.append(a.index()).append(' ').append(a.record().state()).append(' ').append(a.record().reason()).append("; ");
        }
        return b.toString();
    }

    static final int N = 3000;

    private static void assertOneAlert(AlertReason reason, int from, int to, List<Alert> alerts) {
        assertEquals(2, alerts.size(), describe(alerts));
        Alert open = alerts.get(0), resolved = alerts.get(1);
        assertEquals(AnomalyRecord.State.OPEN, open.record().state(), describe(alerts));
        assertEquals(reason.wireName(), open.record().reason(), describe(alerts));
        assertTrue(open.index() >= from && open.index() <= to, "opened at " + open.index() + ", not in " + from + ".." + to);
        assertEquals(AnomalyRecord.State.RESOLVED, resolved.record().state());
        assertEquals(reason.wireName(), resolved.record().reason(), "a RESOLVED carries the reason of its OPEN");
    }

    @ParameterizedTest
    @ValueSource(longs = {2, 3, 5})
    void shouldNotAlertOnTheSeriesWithoutAnAnomaly(long seed) {
        assertEquals(List.of(), alerts(series(N + 1200, seed, NONE)));
    }

    @ParameterizedTest
    @ValueSource(longs = {2, 3, 5})
    void shouldCallASinglePointFarOutsideTheRangeASpike(long seed) {
        // Decided 3 points after the jump: back to normal and calm since.
        assertOneAlert(AlertReason.SPIKE, AT + 3, AT + 3, alerts(series(N, seed, (t, s, e, v) -> s + e + (t == AT ? 20 : 0))));
        assertOneAlert(AlertReason.SPIKE, AT + 3, AT + 3, alerts(series(N, seed, (t, s, e, v) -> s + e - (t == AT ? 20 : 0))));
    }

    @ParameterizedTest
    @ValueSource(longs = {2, 3, 5})
    void shouldCallALevelThatMovesAndStaysALevelShift(long seed) {
        assertOneAlert(AlertReason.LEVEL_SHIFT, AT + 3, AT + 3, alerts(series(N, seed, (t, s, e, v) -> s + e + (t >= AT ? 15 : 0))));
        assertOneAlert(AlertReason.LEVEL_SHIFT, AT + 3, AT + 3, alerts(series(N, seed, (t, s, e, v) -> s + e - (t >= AT ? 15 : 0))));
    }

    /**
     * A shift of 6 noise sigmas is under the jump threshold (8 typical errors), but a model whose level follows slowly
     * (the profile's) keeps erring on one side after it: the shift CUSUM calls it a level shift within a few points.
     * The profile model opens nothing on the series without it.
     */
    @ParameterizedTest
    @ValueSource(longs = {2, 3, 5})
    void shouldCallASmallLevelShiftThatTheModelLagsALevelShift(long seed) {
        assertEquals(List.of(), alerts(profileStep(), series(N, seed, NONE)), "nothing without the shift");
        assertOneAlert(AlertReason.LEVEL_SHIFT, AT, AT + 8, alerts(profileStep(), series(N, seed, (t, s, e, v) -> s + e + (t >= AT ? 6 : 0))));
        assertOneAlert(AlertReason.LEVEL_SHIFT, AT, AT + 8, alerts(profileStep(), series(N, seed, (t, s, e, v) -> s + e - (t >= AT ? 6 : 0))));
    }

    /** A heavy-tailed key: one isolated outlier every 90 points (3 a day), each a little larger than the last. */
    static double heavyTailed(int t, double seasonal, double noise) {
        return seasonal + noise + (t % 90 == 45 ? 12 + t / 150.0 : 0);
    }

    /**
     * A key whose outliers come daily is jumpy: its outliers are no news. Each one is a new extreme to the novelty
     * score, whose alerts opened on some of them before a jumpy key's jumps were followed quietly (2, 2 and 3 after
     * point 1,500 on the three seeds). A level shift on the same key still opens an alert.
     */
    @ParameterizedTest
    @ValueSource(longs = {2, 3, 5})
    void shouldNotAlertOnTheRecordOutliersOfAKeyThatJumpsByNature(long seed) {
        List<Alert> outliers = alerts(series(N, seed, (t, s, e, v) -> heavyTailed(t, s, e)));
        assertEquals(List.of(), outliers.stream().filter(a -> a.index() >= 1500).toList(), describe(outliers));

        List<Alert> shifted = alerts(series(N, seed, (t, s, e, v) -> heavyTailed(t, s, e) + (t >= 2000 ? 40 : 0)));
        List<Alert> opens = shifted.stream().filter(a -> a.index() >= 1500 && a.record().state() == AnomalyRecord.State.OPEN).toList();
        assertTrue(!opens.isEmpty() && opens.get(0).index() >= 2000 && opens.get(0).index() <= 2004, describe(shifted));
    }

    /**
     * The score's gate counts sigmas as the key's published intervals do: a new record 3 model sigmas above its
     * prediction opens a score alert, but not on a key whose calibration has doubled its intervals (1.5 sigmas of its
     * own errors); a calibration that narrowed them does not loosen the gate.
     */
    @ParameterizedTest
    @ValueSource(longs = {2, 3, 5})
    void shouldGateTheScoreInTheSigmasOfTheKeysOwnIntervals(long seed) {
        double[] values = series(N, seed, NONE);
        int at = 7 * DAY + DAY / 4; // a daily peak
        PointStep step = step();
        KeyState state = step.newState();
        for (int t = 0; t < at; t++) {
            state = step.observe("s", state, T0.plusMillis(t * STEP), values[t]).state();
        }
        double record = Arrays.stream(values, 0, at).max().orElseThrow();
        double value = Math.max(record + 0.1, state.expected + 3.05 * state.sigma);
        double z = (value - state.expected) / state.sigma;
        assertTrue(z >= 3 && z < 3.5, "a record " + z + " model sigmas out");
        for (double scale : new double[] {1, 0.5, 2}) {
            KeyState copy = org.forecaster.core.state.KeyStateCodec.decode(org.forecaster.core.state.KeyStateCodec.encode(state));
            copy.intervalLogScale = (float) Math.log(scale);
            AnomalyRecord alert = step.observe("s", copy, T0.plusMillis(at * STEP), value).alert();
            if (scale <= 1) {
                assertTrue(alert != null && alert.state() == AnomalyRecord.State.OPEN && alert.reason().equals("score"),
                        "intervals x" + scale + ": " + alert);
            } else {
                assertEquals(null, alert, "intervals x" + scale);
            }
        }
    }

    /**
     * A spike far beyond anything the jumpy key's outliers reach (its tail score alone passes the threshold) is news:
     * it opens at once, without waiting for the jump's shape, and the quiet follow does not take it back.
     */
    @ParameterizedTest
    @ValueSource(longs = {2, 3, 5})
    void shouldAlertAtOnceOnASpikeFarBeyondAJumpyKeysOutliers(long seed) {
        List<Alert> alerts = alerts(series(N, seed, (t, s, e, v) -> heavyTailed(t, s, e) + (t == 2000 ? 300 : 0)));
        List<Alert> late = alerts.stream().filter(a -> a.index() >= 1500).toList();
        assertEquals(2, late.size(), describe(alerts));
        assertEquals(2000, late.get(0).index(), describe(alerts));
        assertEquals(AnomalyRecord.State.OPEN, late.get(0).record().state(), describe(alerts));
        assertEquals(AnomalyRecord.State.RESOLVED, late.get(1).record().state(), describe(alerts));
    }

    /**
     * A spike 1.5 widths of the jumpy key's all-time range above its highest value opens at once too, though it is
     * under the tail exception's 24.5 sigmas: that test alone depends on the model's sigma, and a model the trainer
     * fine-tuned held such a spike quietly and opened nothing (the end-to-end test's spike). Half a width above, a
     * record like the key's own outliers, stays quiet.
     */
    @ParameterizedTest
    @ValueSource(longs = {2, 3, 5})
    void shouldAlertAtOnceOnASpikeFarBeyondAJumpyKeysRangeWhateverTheSigma(long seed) {
        double[] calm = series(N, seed, (t, s, e, v) -> heavyTailed(t, s, e));
        double max = Arrays.stream(calm, 0, 2000).max().orElseThrow(), min = Arrays.stream(calm, 0, 2000).min().orElseThrow();
        for (double widths : new double[] {1.5, 0.5}) {
            double[] values = calm.clone();
            values[2000] = max + widths * (max - min);
            PointStep step = step();
            KeyState state = step.newState();
            for (int t = 0; t < 2000; t++) {
                state = step.observe("s", state, T0.plusMillis(t * STEP), values[t]).state();
            }
            double z = (values[2000] - state.expected) / state.sigma;
            assertTrue(z > 5 && z < 24.5, "between the quiet follow and the tail exception: " + z + " sigmas");
            List<Alert> late = alerts(step, values).stream().filter(a -> a.index() >= 1500).toList();
            if (widths > 1) {
                assertTrue(!late.isEmpty() && late.get(0).index() == 2000
                        && late.get(0).record().state() == AnomalyRecord.State.OPEN, z + " sigmas: " + describe(late));
            } else {
                assertEquals(List.of(), late, z + " sigmas: " + describe(late));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {2, 3, 5})
    void shouldCallNoiseThatGrowsForAWhileAVarianceBurst(long seed) {
        List<Alert> alerts = alerts(series(N, seed, (t, s, e, v) -> s + e * (t >= AT && t < AT + 60 ? 5 : 1)));
        assertOneAlert(AlertReason.VARIANCE_BURST, AT, AT + 15, alerts);
        int resolved = alerts.get(1).index();
        assertTrue(resolved > AT + 30 && resolved <= AT + 60 + 12, "one alert for the burst, resolved at " + resolved);
    }

    /**
     * One burst in a key's first days does not make it bursty by nature (it once did, as a plain share of the few
     * points seen, muting the key's bursts for days), nor does one 1,600 points (5.6 days) before the next; a second
     * burst within 500 points (under two days) of the last does. (Not seed 2: there the first burst's first large
     * error is called a spike and the burst then starts twice, which counts as two.)
     */
    @ParameterizedTest
    @ValueSource(longs = {3, 5, 7, 11})
    void shouldReportABurstDaysAfterTheLastButNotOneWithinTwoDaysOfIt(long seed) {
        int[] starts = {600, 2200, 2700};
        List<Alert> alerts = alerts(series(N, seed, (t, s, e, v) -> {
            for (int start : starts) {
                if (t >= start && t < start + 60) {
                    return s + 5 * e;
                }
            }
            return s + e;
        }));
        List<Integer> burstOpens = alerts.stream()
                .filter(a -> a.record().state() == AnomalyRecord.State.OPEN && AlertReason.VARIANCE_BURST.wireName().equals(a.record().reason()))
                .map(Alert::index).toList();
        assertEquals(2, burstOpens.size(), describe(alerts));
        assertTrue(burstOpens.get(0) >= starts[0] && burstOpens.get(0) < starts[0] + 60, describe(alerts));
        assertTrue(burstOpens.get(1) >= starts[1] && burstOpens.get(1) < starts[1] + 60, describe(alerts));
    }

    /**
     * A key whose level steps up and down by 6 noise sigmas every 300 points (as a tweet volume or a batch job's load
     * does), under a model whose level follows with time constant 40 points (the shift CUSUM's case), changes level
     * by nature: its first three level shifts are reported, from the fourth within days on none is, while the steps
     * go on. One level shift alone is reported (above).
     */
    @ParameterizedTest
    @ValueSource(longs = {2, 3, 5, 7})
    void shouldNotReportTheLevelShiftsOfAKeyThatChangesLevelByNature(long seed) {
        List<Integer> shifts = new ArrayList<>();
        steppingLevel(seed, 3000, shifts);
        assertEquals(3, shifts.size(), "level shifts at " + shifts);
        for (int i = 0; i < 3; i++) {
            int step = 300 * (i + 1);
            assertTrue(shifts.get(i) >= step && shifts.get(i) < step + 40, "level shifts at " + shifts);
        }
    }

    /** A bare detector fed {@code points} of the stepping key above; adds the points that reported a level shift. */
    static AlertKinds steppingLevel(long seed, int points, List<Integer> shifts) {
        AlertKinds kinds = new AlertKinds(AlertKinds.Spec.DEFAULT);
        SplittableRandom rnd = new SplittableRandom(seed);
        double expected = 100, previous = Double.NaN;
        for (int t = 0; t < points; t++) {
            double value = 100 + rnd.nextGaussian() + ((t / 300) % 2 == 1 ? 6 : 0);
            if (kinds.update(value, previous, expected, 1, false) == AlertReason.LEVEL_SHIFT) {
                shifts.add(t);
            }
            expected += (value - expected) / 40;
            previous = value;
        }
        return kinds;
    }

    @ParameterizedTest
    @ValueSource(longs = {2, 3, 5})
    void shouldCallAStuckValueAFlatlineAndResolveWhenItMovesAgain(long seed) {
        List<Alert> alerts = alerts(series(N, seed, (t, s, e, v) -> t >= AT && t < AT + 60 ? v[AT - 1] : s + e));
        // 12 equal values: the last normal point and 11 stuck ones.
        assertOneAlert(AlertReason.FLATLINE, AT + 10, AT + 10, alerts);
        assertEquals(AT + 62, alerts.get(1).index(), "open while stuck, resolved after 3 moving points");
    }

    /**
     * A value stuck 3 noise sigmas above where the key was, under a model that forecasts the daily profile: each stuck
     * point misses its prediction by about 4 typical errors, which the shift CUSUM would sum to a level shift within
     * five points. The same value over and over is no level: the alert waits for the flatline and says so.
     */
    @ParameterizedTest
    @ValueSource(longs = {2, 3, 5})
    void shouldCallAStuckValueOffTheLevelAFlatlineNotALevelShift(long seed) {
        List<Alert> alerts = alerts(profileStep(), series(N, seed, (t, s, e, v) -> t >= AT && t < AT + 60 ? v[AT - 1] + 3 : s + e));
        assertOneAlert(AlertReason.FLATLINE, AT, AT + 11, alerts);
    }

    /**
     * A value that jumps 20 sigmas and sticks there: the jump's follow-up points are all one value, so it is a
     * flatline as soon as the jump is judged (not a level shift, and not a second page 8 points later).
     */
    @ParameterizedTest
    @ValueSource(longs = {2, 3, 5})
    void shouldCallAValueThatJumpsAndSticksAFlatlineAtOnce(long seed) {
        List<Alert> alerts = alerts(profileStep(), series(N, seed, (t, s, e, v) -> t >= AT && t < AT + 60 ? v[AT - 1] + 20 : s + e));
        // (The untrained profile learns the stuck hour, and misses it a day later: not this test's concern.)
        assertOneAlert(AlertReason.FLATLINE, AT, AT + AlertKinds.Spec.DEFAULT.confirmSteps(),
                alerts.stream().filter(a -> a.index() < AT + DAY).toList());
    }

    @ParameterizedTest
    @ValueSource(longs = {2, 3, 5})
    void shouldCallASlowTrendADrift(long seed) {
        int from = N;
        List<Alert> alerts = alerts(series(N + 1200, seed, (t, s, e, v) -> s + e + (t >= from ? 0.03 * (t - from) : 0)));
        Alert first = alerts.stream().filter(a -> a.record().reason().equals("drift")).findFirst().orElseThrow(
                () -> new AssertionError("no drift: " + describe(alerts)));
        assertTrue(first.index() > from && first.index() < from + 400, "drift opened at " + first.index());
        for (Alert a : alerts) {
            assertTrue(a.index() > from, "nothing before the drift: " + describe(alerts));
            assertTrue(List.of("drift", "score").contains(a.record().reason()), describe(alerts));
        }
    }

    /**
     * A value stuck for four hours on a daily cycle's rising side, under a model whose level learns it (time constant
     * 40 points) over an exact daily pattern: when the value moves again the model is 4-5 noise sigmas off, and its
     * errors while it caught up made a variance burst 3-8 points later (seeds 3 and 5). The flatline's end holds bursts
     * and level shifts (and the score) as a reported level change does; noise five times as large a day later is a
     * burst.
     */
    @ParameterizedTest
    @ValueSource(longs = {3, 5})
    void shouldNotCallTheModelCatchingUpAfterAFlatlineABurst(long seed) {
        AlertKinds kinds = new AlertKinds(AlertKinds.Spec.DEFAULT);
        SplittableRandom rnd = new SplittableRandom(seed);
        double offset = 0, previous = Double.NaN;
        int stuck = 6 * DAY, moves = stuck + 48, burst = moves + DAY;
        List<String> afterwards = new ArrayList<>();
        for (int t = 0; t < burst + 60; t++) {
            double seasonal = 100 + 10 * Math.sin(2 * Math.PI * t / DAY);
            double value = t >= stuck && t < moves ? previous : seasonal + rnd.nextGaussian() * (t >= burst ? 5 : 1);
            AlertReason kind = kinds.update(value, previous, seasonal + offset, 1, false);
            if (t == stuck + 10) { // 12 equal values: the last moving one and 11 stuck
                assertEquals(AlertReason.FLATLINE, kind);
            }
            if (kind != null && t >= moves) {
                afterwards.add(kind.name() + "@" + t);
            }
            if (t == moves) {
                assertTrue(kinds.settling(), "held after the flatline");
            }
            offset += (value - seasonal - offset) / 40;
            previous = value;
        }
        assertEquals(1, afterwards.size(), "reported after the flatline's end at " + moves + ": " + afterwards);
        int at = Integer.parseInt(afterwards.get(0).split("@")[1]);
        assertTrue(afterwards.get(0).startsWith("VARIANCE_BURST@") && at >= burst && at < burst + 30, "reported " + afterwards);
    }

    @Test
    void shouldNeverFlatlineASeriesThatIsConstantFromTheStart() {
        assertEquals(List.of(), alerts(series(N, 1, (t, s, e, v) -> 0)), "an error counter that stays 0");
        // A counter that is mostly 0 and sometimes 1 or 2 repeats far more than 10 % of its steps.
        SplittableRandom r = new SplittableRandom(3);
        List<Alert> alerts = alerts(series(N, 1, (t, s, e, v) -> r.nextInt(10) == 0 ? 1 + r.nextInt(2) : 0));
        assertTrue(alerts.stream().noneMatch(a -> a.record().reason().equals("flatline")), describe(alerts));
    }

    @Test
    void shouldNotFlatlineOnARunNoLongerThanTheKeysUsualRests() {
        // Every day the series holds its value for 15 points (a nightly job); a stuck value needs about twice that.
        Injection nightly = (t, s, e, v) -> t % DAY >= 100 && t % DAY < 114 ? v[t - 1] : s + e;
        List<Alert> alerts = alerts(series(N, 2, nightly));
        assertTrue(alerts.stream().noneMatch(a -> a.record().reason().equals("flatline")), describe(alerts));
        List<Alert> stuck = alerts(series(N, 2, (t, s, e, v) -> t >= AT && t < AT + 60 ? v[AT - 1] : nightly.apply(t, s, e, v)));
        assertTrue(stuck.stream().anyMatch(a -> a.record().reason().equals("flatline") && a.index() >= AT + 24
                && a.index() <= AT + 40), describe(stuck));
    }

    @Test
    void shouldRoundTripItsStateExactly() {
        AlertKinds k = new AlertKinds(AlertKinds.Spec.DEFAULT);
        SplittableRandom r = new SplittableRandom(4);
        double previous = Double.NaN;
        for (int t = 0; t < 400; t++) {
            double v = t > 390 ? 5 : r.nextGaussian();
            k.update(v, previous, 0, 1, false);
            previous = v;
        }
        ByteBuffer b = ByteBuffer.allocate(AlertKinds.ENCODED_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        k.writeTo(b);
        assertEquals(0, b.remaining(), "ENCODED_SIZE is what writeTo writes");
        AlertKinds back = AlertKinds.readFrom(AlertKinds.Spec.DEFAULT, b.flip());
        assertEquals(k, back);
        assertEquals(k.update(5, 5, 0, 1, false), back.update(5, 5, 0, 1, false));
        assertEquals(k, back);

        // With level changes behind it (a non-zero change rate, the last field before the window extremes), and a
        // corrupt rate rejected.
        AlertKinds stepped = steppingLevel(3, 1000, new ArrayList<>());
        ByteBuffer s = ByteBuffer.allocate(AlertKinds.ENCODED_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        stepped.writeTo(s);
        assertNotEquals(0f, s.getFloat(AlertKinds.ENCODED_SIZE_V5 - Float.BYTES), "the change rate");
        assertEquals(stepped, AlertKinds.readFrom(AlertKinds.Spec.DEFAULT, s.flip()));
        s.putFloat(AlertKinds.ENCODED_SIZE_V5 - Float.BYTES, -1f).rewind();
        var e = assertThrows(IllegalArgumentException.class, () -> AlertKinds.readFrom(AlertKinds.Spec.DEFAULT, s));
        assertTrue(e.getMessage().contains("level change rate"), e.getMessage());
    }
}
