package org.forecaster.core.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.forecaster.core.anomaly.AlertKinds;
import org.forecaster.core.anomaly.AlertReason;
import org.forecaster.core.anomaly.NoveltyScore;
import org.forecaster.core.baseline.SeasonalProfile;
import org.junit.jupiter.api.Test;

class KeyStateCodecTest {
    private static final NoveltyScore.Spec NOVELTY = NoveltyScore.Spec.DEFAULT;
    private static final AlertKinds.Spec KINDS = AlertKinds.Spec.DEFAULT;
    /**
     * Where what follows the last value starts in the sample's encoding (after the header, 128 + 48 floats and the last
     * value): the interval scale in version 4, the alert reason byte in version 3.
     */
    private static final int REASON_AT = 76 + 4 * 128 + 4 * 48 + 8;

    /** Hidden 64, one LSTM layer (128 recurrent floats), a full 48-input ring. */
    private static KeyState sample() {
        KeyState s = new KeyState(128, 48);
        for (int i = 0; i < 128; i++) {
            s.recurrent[i] = i * 0.01f - 0.3f;
        }
        for (int i = 0; i < 60; i++) { // wraps the ring
            s.remember(i % 9 == 0 ? Float.NaN : i);
        }
        s.modelVersion = 7;
        s.lastTimestamp = 1_700_000_000_000L;
        s.steps = 60;
        s.normCount = 53;
        s.normMean = 12.5;
        s.normVariance = 3.25;
        s.expected = 13.0;
        s.sigma = 0.5;
        s.anomalyRun = 2;
        s.alertOpen = true;
        s.lastValue = 59.000001; // not a float: the ring holds 59f
        return s;
    }

    /** The sample with a novelty state of {@code points} points, the seasonal value known from {@code seasonalFrom} on. */
    private static KeyState withNovelty(int points, int seasonalFrom) {
        KeyState s = sample();
        s.novelty = new NoveltyScore(NOVELTY);
        SplittableRandom r = new SplittableRandom(5);
        for (int t = 0; t < points; t++) {
            double v = 20 + 5 * r.nextGaussian();
            s.novelty.update(v + r.nextGaussian(), 1.5, v, t >= seasonalFrom ? v + r.nextGaussian() : Double.NaN);
        }
        return s;
    }

    /** Version-1 bytes of a state without a scorer: version 2's without the trailing last value and scorer byte. */
    private static byte[] version1(KeyState withoutScorer) {
        byte[] v2 = version2(withoutScorer);
        assertEquals(0, v2[v2.length - 1], "no scorer");
        byte[] v1 = Arrays.copyOf(v2, v2.length - 9);
        v1[0] = 1;
        return v1;
    }

    /** Version-5 bytes of a sample-shaped state: version 6's without the window extremes at the end of the kinds' state. */
    private static byte[] version5(KeyState state) {
        return withKindsCut(KeyStateCodec.encode(state), state, AlertKinds.ENCODED_SIZE, AlertKinds.ENCODED_SIZE_V5, 5);
    }

    /** Version-4 bytes of a sample-shaped state: version 5's without the level change rate at the end of the kinds' state. */
    private static byte[] version4(KeyState state) {
        return withKindsCut(version5(state), state, AlertKinds.ENCODED_SIZE_V5, AlertKinds.ENCODED_SIZE_V4, 4);
    }

    /**
     * {@code bytes} of a sample-shaped state whose alert kinds' state (if it has one) is cut from {@code fromSize} to
     * its first {@code toSize} bytes, marked as {@code version}.
     */
    private static byte[] withKindsCut(byte[] bytes, KeyState state, int fromSize, int toSize, int version) {
        int cut = state.kinds == null ? 0 : fromSize - toSize;
        // after the scale, the reason and kinds bytes and the kinds' kept part
        int at = state.kinds == null ? bytes.length : REASON_AT + 4 + 2 + toSize;
        byte[] out = new byte[bytes.length - cut];
        System.arraycopy(bytes, 0, out, 0, at);
        System.arraycopy(bytes, at + cut, out, at, bytes.length - at - cut);
        out[0] = (byte) version;
        return out;
    }

    /**
     * Version-3 bytes of a sample-shaped state: version 4's without the interval scale that follows the last value and,
     * if it has alert kinds, without the shift CUSUM's bytes at the end of their state.
     */
    private static byte[] version3(KeyState state) {
        byte[] v4 = version4(state);
        int shiftBytes = state.kinds == null ? 0 : AlertKinds.ENCODED_SIZE_V4 - AlertKinds.ENCODED_SIZE_V3;
        // after the scale, the reason and kinds bytes and the kinds' version-3 part
        int shiftAt = state.kinds == null ? v4.length : REASON_AT + 4 + 2 + AlertKinds.ENCODED_SIZE_V3;
        byte[] v3 = new byte[v4.length - 4 - shiftBytes];
        System.arraycopy(v4, 0, v3, 0, REASON_AT);
        System.arraycopy(v4, REASON_AT + 4, v3, REASON_AT, shiftAt - REASON_AT - 4);
        System.arraycopy(v4, shiftAt + shiftBytes, v3, shiftAt - 4, v4.length - shiftAt - shiftBytes);
        v3[0] = 3;
        return v3;
    }

    /**
     * Version-2 bytes of a sample-shaped state without alert kinds: version 3's without the alert reason and kinds
     * bytes that follow the last value.
     */
    private static byte[] version2(KeyState withoutKinds) {
        byte[] v3 = version3(withoutKinds);
        assertEquals(0, v3[REASON_AT + 1], "no kinds");
        byte[] v2 = new byte[v3.length - 2];
        System.arraycopy(v3, 0, v2, 0, REASON_AT);
        System.arraycopy(v3, REASON_AT + 2, v2, REASON_AT, v3.length - REASON_AT - 2);
        v2[0] = 2;
        return v2;
    }

    /** The sample with novelty and alert kinds states that have seen {@code points} points of a noisy series. */
    private static KeyState withKinds(int points) {
        KeyState s = withNovelty(points, Integer.MAX_VALUE);
        s.kinds = new AlertKinds(KINDS);
        s.alertReason = AlertReason.LEVEL_SHIFT;
        SplittableRandom r = new SplittableRandom(9);
        double previous = Double.NaN;
        for (int t = 0; t < points; t++) {
            double v = t == points - 2 ? 90 : 20 + r.nextGaussian(); // ends with a jump pending
            double extreme = 1 + Math.abs(r.nextGaussian());
            s.kinds.update(v, previous, 20, 1, false, 5, v - extreme / 2, v + extreme); // windows of 5 events
            previous = v;
        }
        return s;
    }

    /**
     * Version 4 keeps the key's interval calibration; version-3 states read as uncalibrated (factor 1); version 5
     * reads with fresh window extremes.
     */
    @Test
    void keepsTheIntervalScaleAndReadsVersions5To3() {
        KeyState s = withKinds(300);
        s.intervalLogScale = 0.4375f;
        KeyState back = KeyStateCodec.decode(KeyStateCodec.encode(s), 0, NOVELTY, KINDS);
        assertEquals(0.4375f, back.intervalLogScale);
        assertEquals(s, back);

        KeyState old = KeyStateCodec.decode(version3(s), 0, NOVELTY, KINDS);
        assertEquals(0f, old.intervalLogScale);
        assertArrayEquals(version3(s), version3(old), "everything else as stored (the shift CUSUM starts at 0)");

        KeyState v4 = KeyStateCodec.decode(version4(s), 0, NOVELTY, KINDS);
        assertEquals(0.4375f, v4.intervalLogScale);
        assertArrayEquals(version4(s), version4(v4), "version 4 as stored (the level change rate starts at 0)");

        KeyState v5 = KeyStateCodec.decode(version5(s), 0, NOVELTY, KINDS);
        assertArrayEquals(version5(s), version5(v5), "version 5 as stored");
        assertNotEquals(s.kinds, v5.kinds, "the sample's window extremes are not in version 5");
        s.kinds = AlertKinds.readFrom(KINDS, ByteBuffer.wrap(version5(s), REASON_AT + 4 + 2, AlertKinds.ENCODED_SIZE_V5)
                .order(ByteOrder.LITTLE_ENDIAN), AlertKinds.ENCODED_SIZE_V5);
        assertEquals(s.kinds, v5.kinds, "the rest of the kinds' state as stored, the extremes afresh");

        byte[] corrupt = KeyStateCodec.encode(s);
        ByteBuffer.wrap(corrupt).order(ByteOrder.LITTLE_ENDIAN).putFloat(REASON_AT, Float.NaN);
        var e = assertThrows(IllegalArgumentException.class, () -> KeyStateCodec.decode(corrupt, 0, NOVELTY, KINDS));
        assertTrue(e.getMessage().contains("interval scale"), e.getMessage());
    }

    @Test
    void roundTripIsExactAndUnder1KbAtHidden64() {
        KeyState s = sample();
        byte[] bytes = KeyStateCodec.encode(s);
        assertEquals(795, bytes.length);
        KeyState back = KeyStateCodec.decode(bytes);
        assertEquals(s, back);
        assertEquals(12f, back.recall(0), "oldest remembered input first");
        assertEquals(59f, back.recall(47), "newest last");
        assertTrue(Float.isNaN(back.recall(6)), "input 18 was a missing step");
    }

    @Test
    void roundTripsTheNoveltyStateExactlyAndStaysUnder1KbWithoutASeasonalReference() {
        KeyState s = withNovelty(500, Integer.MAX_VALUE);
        byte[] bytes = KeyStateCodec.encode(s);
        assertEquals(795 + 157, bytes.length, "a full 24-point ring of values, no seasonal part");
        assertTrue(8 + bytes.length <= 1024, "with the store's 8-byte last-seen stamp: " + (8 + bytes.length));
        KeyState back = KeyStateCodec.decode(bytes, NOVELTY);
        assertEquals(s, back);
        // The decoded scorer goes on exactly as the original.
        for (double v : new double[] {21, 60, 19, -40, 20}) {
            assertEquals(s.novelty.update(20, 1.5, v, Double.NaN), back.novelty.update(20, 1.5, v, Double.NaN), 0);
        }
        assertEquals(s, back);

        KeyState seasonal = withNovelty(500, 100);
        assertEquals(795 + 277, KeyStateCodec.encode(seasonal).length, "both rings and the seasonal part");
        assertEquals(seasonal, KeyStateCodec.decode(KeyStateCodec.encode(seasonal), NOVELTY));
    }

    @Test
    void decodesAnEncodingAfterAPrefixInPlace() {
        KeyState s = withNovelty(500, Integer.MAX_VALUE);
        KeyState partial = new KeyState(128, 48); // a ring holding fewer inputs than its capacity
        partial.remember(3f);
        partial.remember(Float.NaN);
        partial.remember(5f);
        partial.lastTimestamp = 42;
        for (KeyState state : new KeyState[] {s, partial}) {
            ByteBuffer b = ByteBuffer.allocate(8 + KeyStateCodec.encodedSize(state)).order(ByteOrder.LITTLE_ENDIAN);
            b.putLong(-1L); // a store's own prefix, e.g. a last-seen stamp: not part of the state
            KeyStateCodec.encode(state, b);
            byte[] bytes = b.array();
            assertEquals(state.novelty == null ? state : s, KeyStateCodec.decode(bytes, 8, state.novelty == null ? null : NOVELTY));
            assertEquals(KeyStateCodec.decode(Arrays.copyOfRange(bytes, 8, bytes.length), NOVELTY),
                    KeyStateCodec.decode(bytes, 8, NOVELTY), "the same state as decoding a copy of the encoding");
        }
        KeyState back = KeyStateCodec.decode(KeyStateCodec.encode(partial));
        assertEquals(3, back.remembered());
        assertEquals(5f, back.recall(2));
        back.remember(6f);
        assertEquals(partial.recall(0), back.recall(0), "the ring goes on from where it was restored");
        assertEquals(6f, back.recall(3));
        byte[] prefixed = new byte[8 + 20];
        var e = assertThrows(IllegalArgumentException.class, () -> KeyStateCodec.decode(prefixed, 8, NOVELTY));
        assertTrue(e.getMessage().contains("20 bytes"), e.getMessage());
    }

    /** A full daily profile of {@code bins} bins after five days of 5-minute steps. */
    private static SeasonalProfile profile(int bins) {
        SeasonalProfile p = new SeasonalProfile(bins, 86_400_000L);
        for (int t = 0; t < 5 * 288; t++) {
            p.update(1_700_000_000_000L + t * 300_000L, 20 + 5 * Math.sin(2 * Math.PI * t / 288) + (t % 7) * 0.1);
        }
        return p;
    }

    /**
     * Issue 15: the profile is one appended, flag-marked section of 41 + 2 * bins bytes; the model service's default
     * shape (hidden 64, full ring, novelty without a seasonal part, alert kinds) with a 144-bin daily profile stays
     * within the issue's 1.5 KB per key.
     */
    @Test
    void roundTripsTheProfileSectionAndStaysUnder1500BytesWithNovelty() {
        KeyState service = withKinds(500);
        service.profile = profile(144);
        byte[] serviceBytes = KeyStateCodec.encode(service);
        assertEquals(795 + 157 + 129 + 41 + 2 * 144, serviceBytes.length);
        assertTrue(8 + serviceBytes.length <= 1536, "with the store's last-seen stamp: " + (8 + serviceBytes.length));
        assertEquals(service, KeyStateCodec.decode(serviceBytes, 0, NOVELTY, KINDS));

        KeyState s = withNovelty(500, 100);
        s.profile = profile(48);
        byte[] bytes = KeyStateCodec.encode(s);
        assertEquals(795 + 277 + 41 + 2 * 48, bytes.length);
        KeyState back = KeyStateCodec.decode(bytes, NOVELTY);
        assertEquals(s, back);
        assertEquals(s.profile.forecast(42), back.profile.forecast(42), 0);

        KeyState plain = sample();
        plain.profile = profile(48);
        assertEquals(795 + 41 + 2 * 48, KeyStateCodec.encode(plain).length);
        assertEquals(plain, KeyStateCodec.decode(KeyStateCodec.encode(plain)));

        KeyState skipped = KeyStateCodec.decode(bytes); // the novelty state is read past, the profile kept
        assertNull(skipped.novelty);
        assertEquals(s.profile, skipped.profile);
    }

    /**
     * Issue 15: the far end of the interval calibration and the h = H intervals it has yet to judge are one appended,
     * flag-marked section of 6 + 6 * H bytes (78 at the default model's H = 12), after the profile; the model service's
     * default shape stays within the issue's 1.5 KB. States written before it read with a far scale of 0 and none
     * pending.
     */
    @Test
    void roundTripsTheIssuedIntervalsAndReadsStatesWithoutThem() {
        KeyState service = withKinds(500);
        service.profile = profile(144);
        byte[] without = KeyStateCodec.encode(service);
        service.keepIssued(12);
        service.farLogScale = -0.3125f;
        for (int i = 0; i < 12; i++) {
            service.issue(60 + i, i == 5 ? Float.NaN : 100f + i / 8f, Float.floatToFloat16(1.5f + i));
        }
        byte[] bytes = KeyStateCodec.encode(service);
        assertEquals(without.length + 78, bytes.length);
        assertTrue(Arrays.equals(without, Arrays.copyOf(bytes, without.length)), "the section is appended");
        assertTrue(8 + bytes.length + 24 <= 1536, "with the store's stamp and the novelty's seasonal reference: "
                + (8 + bytes.length + 24));
        KeyState back = KeyStateCodec.decode(bytes, 0, NOVELTY, KINDS);
        assertEquals(service, back);
        assertEquals(100.5f, back.issuedMean(64));
        assertTrue(Float.isNaN(back.issuedMean(65)));
        assertEquals(11.5f, back.issuedHalf(70));

        KeyState old = KeyStateCodec.decode(without, 0, NOVELTY, KINDS, back); // into the state that had them
        assertEquals(0, old.issuedSlots());
        assertEquals(0f, old.farLogScale);

        KeyState plain = sample();
        plain.keepIssued(3);
        assertEquals(795 + 6 + 18, KeyStateCodec.encode(plain).length, "without a profile too");
        assertEquals(plain, KeyStateCodec.decode(KeyStateCodec.encode(plain)));

        byte[] badScale = bytes.clone();
        ByteBuffer.wrap(badScale).order(ByteOrder.LITTLE_ENDIAN).putFloat(without.length + 1, Float.NaN);
        var e = assertThrows(IllegalArgumentException.class, () -> KeyStateCodec.decode(badScale, 0, NOVELTY, KINDS));
        assertTrue(e.getMessage().contains("far interval scale"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> KeyStateCodec.decode(Arrays.copyOf(bytes, bytes.length - 1), 0, NOVELTY, KINDS));
        byte[] noSlots = bytes.clone();
        noSlots[without.length + 5] = 0;
        assertThrows(IllegalArgumentException.class, () -> KeyStateCodec.decode(noSlots, 0, NOVELTY, KINDS));
    }

    /** The model service's default shape (hidden 64, full ring, novelty, alert kinds, 144 bins) with 12 issued intervals. */
    private static KeyState serviceWithIssued() {
        KeyState service = withKinds(500);
        service.profile = profile(144);
        service.keepIssued(12);
        for (int i = 0; i < 12; i++) {
            service.issue(60 + i, 100f + i, Float.floatToFloat16(1.5f));
        }
        return service;
    }

    /**
     * Issue 15: the one-step errors' memory (their correlation, rms and the last error, half floats) is a last
     * appended section of 7 bytes, written only when it holds something; the model service's default shape with
     * every section stays within the issue's 1.5 KB. States written before it read with none.
     */
    @Test
    void roundTripsTheOneStepErrorsMemoryAndReadsStatesWithoutIt() {
        KeyState service = serviceWithIssued();
        byte[] without = KeyStateCodec.encode(service);
        service.residualCorrelation = 0.8125f;
        service.residualRms = 0.03125f;
        service.lastResidual = -0.046875f;
        byte[] bytes = KeyStateCodec.encode(service);
        assertEquals(without.length + 7, bytes.length);
        assertTrue(Arrays.equals(without, Arrays.copyOf(bytes, without.length)), "the section is appended");
        assertTrue(8 + bytes.length + 24 <= 1536, "with the store's stamp and the novelty's seasonal reference: "
                + (8 + bytes.length + 24));
        KeyState back = KeyStateCodec.decode(bytes, 0, NOVELTY, KINDS);
        assertEquals(service, back);

        KeyState old = KeyStateCodec.decode(without, 0, NOVELTY, KINDS, back); // into the state that had it
        assertEquals(0f, old.residualCorrelation);
        assertEquals(0f, old.residualRms);
        assertTrue(Float.isNaN(old.lastResidual));

        KeyState gapped = sample(); // no last error (after a gap), the moments kept; no profile or issued section
        gapped.residualCorrelation = -0.25f;
        gapped.residualRms = 2f;
        assertEquals(795 + 7, KeyStateCodec.encode(gapped).length);
        assertEquals(gapped, KeyStateCodec.decode(KeyStateCodec.encode(gapped)));

        byte[] badCorrelation = bytes.clone();
        ByteBuffer.wrap(badCorrelation).order(ByteOrder.LITTLE_ENDIAN).putShort(without.length + 1, Float.floatToFloat16(9f));
        var e = assertThrows(IllegalArgumentException.class, () -> KeyStateCodec.decode(badCorrelation, 0, NOVELTY, KINDS));
        assertTrue(e.getMessage().contains("one-step errors"), e.getMessage());
        byte[] badRms = bytes.clone();
        ByteBuffer.wrap(badRms).order(ByteOrder.LITTLE_ENDIAN).putShort(without.length + 3, Float.floatToFloat16(-1f));
        assertThrows(IllegalArgumentException.class, () -> KeyStateCodec.decode(badRms, 0, NOVELTY, KINDS));
        assertThrows(IllegalArgumentException.class,
                () -> KeyStateCodec.decode(Arrays.copyOf(bytes, bytes.length - 1), 0, NOVELTY, KINDS));
    }

    /**
     * Issue 15: the weight of the network's corrections (f32, with their rms and the last one as half floats) is a
     * last appended section of 9 bytes, written only when it holds something; the model service's default shape
     * with every section stays within the issue's 1.5 KB (the profile's season and count in 32 bits pay for it).
     * States written before it read with a weight of 1 and nothing learnt; a weight outside [0, 1] is rejected.
     */
    @Test
    void roundTripsTheCorrectionWeightAndReadsStatesWithoutIt() {
        KeyState service = serviceWithIssued();
        service.residualCorrelation = 0.8125f;
        service.residualRms = 0.03125f;
        service.lastResidual = -0.046875f;
        byte[] without = KeyStateCodec.encode(service);
        service.correctionWeight = 0.3f;
        service.correctionRms = 0.0625f;
        service.lastCorrection = -0.015625f;
        byte[] bytes = KeyStateCodec.encode(service);
        assertEquals(without.length + 9, bytes.length);
        assertTrue(Arrays.equals(without, Arrays.copyOf(bytes, without.length)), "the section is appended");
        assertEquals(1536, 8 + bytes.length + 24, "with the store's stamp and the novelty's seasonal reference");
        KeyState back = KeyStateCodec.decode(bytes, 0, NOVELTY, KINDS);
        assertEquals(service, back);

        KeyState old = KeyStateCodec.decode(without, 0, NOVELTY, KINDS, back); // into the state that had it
        assertEquals(1f, old.correctionWeight);
        assertEquals(0f, old.correctionRms);
        assertTrue(Float.isNaN(old.lastCorrection));

        KeyState gapped = sample(); // no pending correction (after a gap), the weight kept; no other appended section
        gapped.correctionWeight = 0f;
        gapped.correctionRms = 2f;
        assertEquals(795 + 9, KeyStateCodec.encode(gapped).length);
        assertEquals(gapped, KeyStateCodec.decode(KeyStateCodec.encode(gapped)));

        for (float weight : new float[] {1.5f, -0.25f, Float.NaN}) {
            byte[] bad = bytes.clone();
            ByteBuffer.wrap(bad).order(ByteOrder.LITTLE_ENDIAN).putFloat(without.length + 1, weight);
            var e = assertThrows(IllegalArgumentException.class, () -> KeyStateCodec.decode(bad, 0, NOVELTY, KINDS));
            assertTrue(e.getMessage().contains("corrections' weight"), e.getMessage());
        }
        byte[] badRms = bytes.clone();
        ByteBuffer.wrap(badRms).order(ByteOrder.LITTLE_ENDIAN).putShort(without.length + 5, Float.floatToFloat16(-1f));
        assertThrows(IllegalArgumentException.class, () -> KeyStateCodec.decode(badRms, 0, NOVELTY, KINDS));
        assertThrows(IllegalArgumentException.class,
                () -> KeyStateCodec.decode(Arrays.copyOf(bytes, bytes.length - 1), 0, NOVELTY, KINDS));
    }

    @Test
    void readsStatesWrittenBeforeTheProfileWithNone() {
        KeyState s = withNovelty(100, Integer.MAX_VALUE);
        byte[] withProfile;
        byte[] without = KeyStateCodec.encode(s);
        s.profile = profile(48);
        withProfile = KeyStateCodec.encode(s);
        assertTrue(Arrays.equals(without, Arrays.copyOf(withProfile, without.length)), "the section is appended");
        assertNull(KeyStateCodec.decode(without, NOVELTY).profile);
        assertNull(KeyStateCodec.decode(version1(sample())).profile);
        byte[] corrupt = withProfile.clone();
        corrupt[without.length + 1] = 0; // 0 bins
        corrupt[without.length + 2] = 0;
        assertThrows(IllegalArgumentException.class, () -> KeyStateCodec.decode(corrupt, NOVELTY));
        assertThrows(IllegalArgumentException.class,
                () -> KeyStateCodec.decode(Arrays.copyOf(withProfile, withProfile.length - 1), NOVELTY));
    }

    @Test
    void leavesOutAStoredNoveltyStateWhenNotScoringByNovelty() {
        KeyState s = withNovelty(100, Integer.MAX_VALUE);
        KeyState back = KeyStateCodec.decode(KeyStateCodec.encode(s));
        assertNull(back.novelty);
        s.novelty = null;
        assertEquals(s, back);
    }

    @Test
    void givesAFreshNoveltyStateToAStateStoredWithoutOne() {
        KeyState s = sample();
        KeyState fromV2 = KeyStateCodec.decode(KeyStateCodec.encode(s), NOVELTY);
        assertEquals(new NoveltyScore(NOVELTY), fromV2.novelty);
        fromV2.novelty = null;
        assertEquals(s, fromV2);
    }

    @Test
    void readsVersion1WithAFreshNoveltyState() {
        KeyState s = sample();
        s.lastValue = Double.NaN; // version 1 did not keep it
        byte[] v1 = version1(s);
        assertEquals(780, v1.length, "version 1's size at hidden 64 and a full 48-input ring");
        KeyState plain = KeyStateCodec.decode(v1);
        assertEquals(s, plain);
        assertNull(plain.novelty);
        KeyState scored = KeyStateCodec.decode(v1, NOVELTY);
        assertEquals(new NoveltyScore(NOVELTY), scored.novelty);
        scored.novelty = null;
        assertEquals(s, scored);
        // Re-encoding writes version 3.
        assertEquals(KeyStateCodec.VERSION, KeyStateCodec.encode(plain)[0]);
        assertNotEquals(KeyStateCodec.VERSION, v1[0]);
    }

    @Test
    void roundTripsTheAlertKindsAndReasonExactlyAndStaysUnder1Point5KbAtHidden64() {
        KeyState s = withKinds(500);
        byte[] bytes = KeyStateCodec.encode(s);
        assertEquals(795 + 157 + 129, bytes.length, "the model service's default: novelty without a seasonal part, kinds");
        assertTrue(StoredState.PREFIX + bytes.length <= 1536, "with the store's stamp: " + (StoredState.PREFIX + bytes.length));
        KeyState back = KeyStateCodec.decode(bytes, 0, NOVELTY, KINDS);
        assertEquals(s, back);
        assertEquals(AlertReason.LEVEL_SHIFT, back.alertReason);
        // The decoded detectors go on exactly as the originals (the pending jump included).
        double previous = s.lastValue;
        for (double v : new double[] {90, 91, 89, 90, 20, 20}) {
            assertEquals(s.kinds.update(v, previous, 20, 1, false), back.kinds.update(v, previous, 20, 1, false));
            assertEquals(s.kinds.busy(), back.kinds.busy());
            previous = v;
        }
        assertEquals(s, back);
        KeyState seasonal = withNovelty(500, 100);
        seasonal.kinds = new AlertKinds(KINDS);
        assertEquals(795 + 277 + 129, KeyStateCodec.encode(seasonal).length, "the largest at hidden 64 and a 48-input ring");
    }

    @Test
    void leavesOutStoredKindsWithoutASpecAndGivesFreshOnesToAStateStoredWithout() {
        KeyState s = withKinds(100);
        KeyState back = KeyStateCodec.decode(KeyStateCodec.encode(s), 0, NOVELTY, null);
        assertNull(back.kinds);
        assertEquals(AlertReason.LEVEL_SHIFT, back.alertReason, "the reason of the open alert is kept either way");
        s.kinds = null;
        assertEquals(s, back);
        KeyState fresh = KeyStateCodec.decode(KeyStateCodec.encode(s), 0, NOVELTY, KINDS);
        assertEquals(new AlertKinds(KINDS), fresh.kinds);
    }

    @Test
    void readsVersion2WithNoReasonAndFreshKinds() {
        KeyState s = withNovelty(300, Integer.MAX_VALUE);
        byte[] v2 = version2(s);
        assertEquals(789 + 157, v2.length, "version 2's size with a novelty state");
        assertEquals(2, v2[0]);
        KeyState back = KeyStateCodec.decode(v2, 0, NOVELTY, KINDS);
        assertNull(back.alertReason, "version 2 kept no reason");
        assertEquals(new AlertKinds(KINDS), back.kinds);
        assertEquals(s.novelty, back.novelty);
        back.kinds = null;
        assertEquals(s, back);
        KeyState plain = KeyStateCodec.decode(version2(sample()));
        assertEquals(sample(), plain);
        assertArrayEquals(KeyStateCodec.encode(sample()), KeyStateCodec.encode(plain), "re-encoded in the current version");
    }

    @Test
    void rejectsAnUnknownReasonOrKindsByte() {
        byte[] bytes = KeyStateCodec.encode(withKinds(60));
        byte[] reason = bytes.clone();
        reason[REASON_AT + 4] = 42; // after the interval scale
        var e = assertThrows(IllegalArgumentException.class, () -> KeyStateCodec.decode(reason, 0, NOVELTY, KINDS));
        assertTrue(e.getMessage().contains("reason code 42"), e.getMessage());
        byte[] kinds = bytes.clone();
        kinds[REASON_AT + 5] = 5;
        e = assertThrows(IllegalArgumentException.class, () -> KeyStateCodec.decode(kinds, 0, NOVELTY, KINDS));
        assertTrue(e.getMessage().contains("kinds byte 5"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> KeyStateCodec.decode(Arrays.copyOf(bytes, REASON_AT + 30), 0, NOVELTY, KINDS));
    }

    @Test
    void rejectsTruncatedOrForeignBytes() {
        byte[] bytes = KeyStateCodec.encode(sample());
        var e = assertThrows(IllegalArgumentException.class, () -> KeyStateCodec.decode(Arrays.copyOf(bytes, bytes.length - 4)));
        assertTrue(e.getMessage().contains("ring"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> KeyStateCodec.decode(Arrays.copyOf(bytes, bytes.length + 2)));
        assertTrue(e.getMessage().contains("2 bytes after"), e.getMessage());
        byte[] unknownScorer = bytes.clone();
        unknownScorer[unknownScorer.length - 1] = 7;
        e = assertThrows(IllegalArgumentException.class, () -> KeyStateCodec.decode(unknownScorer, NOVELTY));
        assertTrue(e.getMessage().contains("scorer 7"), e.getMessage());
        byte[] v1 = version1(sample());
        e = assertThrows(IllegalArgumentException.class, () -> KeyStateCodec.decode(Arrays.copyOf(v1, v1.length + 1)));
        assertTrue(e.getMessage().contains("ring"), e.getMessage());
        byte[] novelty = KeyStateCodec.encode(withNovelty(100, Integer.MAX_VALUE));
        assertThrows(IllegalArgumentException.class, () -> KeyStateCodec.decode(Arrays.copyOf(novelty, novelty.length - 1), NOVELTY));
        bytes[0] = 9;
        e = assertThrows(IllegalArgumentException.class, () -> KeyStateCodec.decode(bytes));
        assertTrue(e.getMessage().contains("version 9"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> KeyStateCodec.decode(new byte[5]));
        assertTrue(e.getMessage().contains("5 bytes"), e.getMessage());
    }
}
