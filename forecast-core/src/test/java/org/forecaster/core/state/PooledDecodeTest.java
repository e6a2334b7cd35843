package org.forecaster.core.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import org.forecaster.core.anomaly.AlertKinds;
import org.forecaster.core.anomaly.AlertRule;
import org.forecaster.core.anomaly.NoveltyScore;
import org.forecaster.core.baseline.SeasonalProfile;
import org.forecaster.core.kernel.KernelsProvider;
import org.forecaster.core.model.CellType;
import org.forecaster.core.model.Features;
import org.forecaster.core.model.Forecaster;
import org.forecaster.core.model.ModelSpec;
import org.forecaster.core.model.NormalizerSpec;
import org.forecaster.core.online.PointStep;
import org.junit.jupiter.api.Test;

/**
 * The model service decodes each point's stored state into a reused per-slot {@link KeyState}
 * ({@link StoredState#decode(byte[], NoveltyScore.Spec, AlertKinds.Spec, KeyState)}): nothing of the key decoded
 * into it before may leak into the next. Keys with very different histories are decoded alternately into one
 * object, stepped, and compared field by field (every field, by reflection, so a field added later is covered)
 * and by their outputs with fresh decodes of the same bytes.
 */
class PooledDecodeTest {
    private static final long STEP = Duration.ofMinutes(5).toMillis();
    private static final long T0 = 1_700_000_000_000L;
    private static final NoveltyScore.Spec NOVELTY = NoveltyScore.Spec.DEFAULT;
    private static final AlertKinds.Spec KINDS = AlertKinds.Spec.DEFAULT;
    private static final int H = 8, BINS = 24;

    private static PointStep step(boolean profile, long seasonMillis) {
        ModelSpec spec = profile
                ? ModelSpec.withProfile(CellType.LSTM, 1, Features.count(0, BINS), H, 3, BINS, Duration.ofDays(1).toMillis())
                : new ModelSpec(CellType.LSTM, 1, Features.COUNT, H, 3);
        Forecaster model = Forecaster.initialize(spec, 5, KernelsProvider.get());
        PointStep s = new PointStep(model, NormalizerSpec.DEFAULT, STEP, 1, new PointStep.Rules(0.95, 288, 48, 24,
                seasonMillis, NOVELTY, AlertRule.NOVELTY_DEFAULT, KINDS));
        s.reserveBatch(1);
        return s;
    }

    /** {@code n} points of a key: level, noise, daily swing, and spikes every {@code spikeEvery} points (0: none). */
    private static KeyState history(PointStep step, int n, double level, double noise, int spikeEvery, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        KeyState s = step.newState();
        for (int i = 0; i < n; i++) {
            double v = level + level * 0.2 * Math.sin(2 * Math.PI * i / 288.0) + noise * r.nextGaussian();
            if (spikeEvery > 0 && i % spikeEvery == spikeEvery - 1) {
                v += 40 * noise;
            }
            step.observe("k", s, Instant.ofEpochMilli(T0 + i * STEP), v, i % 3 == 0 ? 1 : 5, v - 3 * noise, v + noise);
        }
        return s;
    }

    @Test
    void keysDecodedAlternatelyIntoOneStateGiveWhatFreshDecodesGive() {
        PointStep withProfile = step(true, Duration.ofDays(1).toMillis());
        // Same shapes, other histories: a long calm key with spikes (alerts, rich alert kinds, full rings), a short
        // one of another magnitude, one with a season that fits the ring (the novelty state's seasonal part), one
        // without a profile section.
        List<byte[]> keys = new ArrayList<>();
        keys.add(StoredState.encode(history(withProfile, 700, 50, 1, 97, 1), 11));
        keys.add(StoredState.encode(history(withProfile, 30, 3e6, 4e4, 0, 2), 12));
        keys.add(StoredState.encode(history(step(true, 48 * STEP), 400, 0.002, 0.0001, 31, 3), 13));
        keys.add(StoredState.encode(history(step(false, Duration.ofDays(1).toMillis()), 90, -20, 5, 7, 4), 14));
        assertTrue(StoredState.decode(keys.get(2), NOVELTY, KINDS).novelty.encodedSize()
                > StoredState.decode(keys.get(0), NOVELTY, KINDS).novelty.encodedSize(), "one novelty state has its seasonal part");
        assertTrue(StoredState.decode(keys.get(1), NOVELTY, KINDS).remembered() < 48, "one ring is not full");
        assertNull(StoredState.decode(keys.get(3), NOVELTY, KINDS).profile, "one key has no profile");

        KeyState pooled = null;
        StoredState.Buffer buffer = new StoredState.Buffer();
        int[] order = {0, 1, 0, 2, 3, 0, 3, 1, 2, 2, 0, 3, 2, 1};
        for (int round = 0; round < order.length; round++) {
            int k = order[round];
            byte[] bytes = keys.get(k);
            KeyState reused = round % 2 == 0 ? StoredState.decode(bytes, NOVELTY, KINDS, pooled)
                    : buffer.decode(bytes, NOVELTY, KINDS, pooled);
            if (pooled != null) {
                assertSame(pooled, reused, "same shapes: the pooled state is reused");
            }
            pooled = reused;
            KeyState fresh = StoredState.decode(bytes, NOVELTY, KINDS);
            assertSameFields(fresh, reused, "key " + k + " at round " + round);

            // The same point on both: the same forecast, alert and stored bytes.
            long ts = StoredState.lastTimestamp(bytes) + STEP;
            double value = fresh.lastValue * 1.5 + 1;
            PointStep.Outcome a = withProfile.observe("k", fresh, Instant.ofEpochMilli(ts), value, 5, value - 2, value + 1);
            byte[] freshBytes = StoredState.encode(a.state(), 1);
            var freshForecast = a.forecast();
            var freshAlert = a.alert();
            PointStep.Outcome b = withProfile.observe("k", reused, Instant.ofEpochMilli(ts), value, 5, value - 2, value + 1);
            assertEquals(freshForecast, b.forecast(), "key " + k + " at round " + round);
            assertEquals(freshAlert, b.alert());
            assertArrayEquals(freshBytes, StoredState.encode(b.state(), 1));
            assertArrayEquals(freshBytes, buffer.encode(b.state(), 1));
            pooled = b.state(); // as the processor keeps what the step returns (a re-warmed key may get a new state)
        }
    }

    @Test
    void aStateOfAnotherShapeIsDecodedIntoANewOne() {
        byte[] small = StoredState.encode(history(step(true, Duration.ofDays(1).toMillis()), 50, 10, 1, 0, 5), 1);
        KeyState other = new KeyState(2 * H + 2, 48);
        KeyState decoded = StoredState.decode(small, NOVELTY, KINDS, other);
        assertNotNull(decoded.profile);
        assertTrue(decoded != other, "another recurrent size: a new state");
        assertSameFields(StoredState.decode(small, NOVELTY, KINDS), decoded, "new state");
    }

    @Test
    void theReusedBufferGrowsForALargerState() {
        KeyState large = new KeyState(1500, 600); // 8.4 KB, more than the buffer's first 2 KB
        for (int i = 0; i < 700; i++) {
            large.remember(i * 0.5f);
        }
        large.recurrent[1499] = 3f;
        large.novelty = new NoveltyScore(NOVELTY);
        StoredState.Buffer buffer = new StoredState.Buffer();
        byte[] small = StoredState.encode(history(step(true, Duration.ofDays(1).toMillis()), 50, 10, 1, 0, 6), 2);
        assertArrayEquals(small, buffer.encode(StoredState.decode(small, NOVELTY, KINDS), 2));
        byte[] bytes = buffer.encode(large, 9);
        assertArrayEquals(StoredState.encode(large, 9), bytes);
        assertSameFields(StoredState.decode(bytes, NOVELTY, null), buffer.decode(bytes, NOVELTY, null, null), "large");
        assertSameFields(StoredState.decode(small, NOVELTY, KINDS), buffer.decode(small, NOVELTY, KINDS, null), "small after");
    }

    /** Every instance field of the two, recursively into the state's own objects; doubles and floats bit for bit. */
    private static void assertSameFields(Object expected, Object actual, String where) {
        if (expected == null || actual == null) {
            if (expected != actual) {
                fail(where + ": " + expected + " vs " + actual);
            }
            return;
        }
        assertEquals(expected.getClass(), actual.getClass(), where);
        for (Class<?> c = expected.getClass(); c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers())) {
                    continue;
                }
                f.setAccessible(true);
                Object e, a;
                try {
                    e = f.get(expected);
                    a = f.get(actual);
                } catch (IllegalAccessException x) {
                    throw new AssertionError(x);
                }
                String at = where + ": " + c.getSimpleName() + "." + f.getName();
                Class<?> t = f.getType();
                if (t == NoveltyScore.class || t == AlertKinds.class || t == SeasonalProfile.class) {
                    assertSameFields(e, a, at);
                } else if (t == float[].class) {
                    assertArrayEquals((float[]) e, (float[]) a, at);
                } else if (t == short[].class) {
                    assertArrayEquals((short[]) e, (short[]) a, at);
                } else if (t.isArray()) {
                    fail(at + ": an array field this test does not compare yet");
                } else if (!Objects.equals(e, a)) { // boxed Double/Float equals compares bits
                    fail(at + ": expected " + e + ", was " + a);
                }
            }
        }
    }
}
