package org.forecaster.core.state;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.forecaster.core.anomaly.AlertKinds;
import org.forecaster.core.anomaly.AlertReason;
import org.forecaster.core.anomaly.NoveltyScore;
import org.forecaster.core.baseline.SeasonalProfile;

/**
 * Compact little-endian bytes for a {@link KeyState}: what the state store and its changelog hold.
 * Layout (version 6): {@code u8 version, i64 modelVersion, i64 lastTimestamp, i64 steps, i64 normCount,
 * f64 normMean, f64 normVariance, f64 expected, f64 sigma, i32 anomalyRun, u8 alertOpen,
 * u16 recurrentSize, f32[recurrentSize], u16 ringCapacity, u16 ringSize, f32[ringSize] oldest first,
 * f64 lastValue, f32 intervalLogScale, u8 alertReason (0: none, else {@link AlertReason#code}), u8 kinds (0: none, 1: present),
 * [the alert kinds state as AlertKinds.writeTo writes it, 129 bytes], u8 scorer (0: none, 1: novelty),
 * [the novelty state as NoveltyScore.writeTo writes it]}.
 * Version 5 is the same with the 104-byte alert kinds state of before their window extremes (which then start afresh).
 * Version 4 is the same with the 100-byte alert kinds state of before their level change rate (which then starts at 0).
 * Version 3 is version 4 without the interval scale (read as 0: the model's own widths) and with the 76-byte alert
 * kinds state of before the shift CUSUM (whose sums then start at 0); version 2 also without the
 * alert reason and kinds bytes and state; version 1 also without the last value, scorer byte and state. All are still
 * read (alert reason none, a fresh kinds state when kinds are wanted, last value NaN for version 1).
 *
 * <p>Appended section, same version (issue 15): {@code u8 profile (1), [the profile as SeasonalProfile.writeTo
 * writes it: u16 (bins | 0xE000), i32 seasonMillis, f64 level, i32 count, i16 unitExponent, i64 start, f64
 * secondSeasonLevel, i32 secondSeasonValues, f16[bins]; profiles written before the corrections' weight (or whose
 * count passed 2^31 - 1) have no 0x2000 flag and both as i64, those written before the first season's ramp was taken
 * out have no 0x4000 flag and no start, level or values of the ramp, and those written before half-float indices,
 * without the 0x8000 flag and unit, hold f32[bins]; both are still read]}, written only when the key has a
 * {@link SeasonalProfile}. States that end after the scorer section (every state written before it, and those of
 * keys without a profile) read with a null profile; bytes written with it are rejected by a decoder without it
 * ("bytes after its end"), so the services must be rolled forward together.
 *
 * <p>Appended after it, same version (issue 15): {@code u8 issued (2), f32 farLogScale, u8 slots (the model's
 * horizon H), f32[slots] means, f16[slots] half-widths in normaliser scales}: the far end of the interval calibration
 * and the h = H intervals issued and not yet judged ({@link KeyState#issuedSlots}), 78 bytes at H = 12; written only
 * when the key keeps them. States without it read with a far scale of 0 and none pending.
 *
 * <p>Appended last, same version (issue 15): {@code u8 residuals (3), f16 correlation, f16 rms, f16 last}: the memory of
 * the key's one-step errors that {@code Stepper} carries into its forecasts ({@link KeyState#residualCorrelation}),
 * 7 bytes, written only when it holds anything. States without it read with none.
 *
 * <p>Appended after it, same version (issue 15): {@code u8 corrections (4), f32 weight, f16 rms, f16 last}: how much
 * of the network's correction of its base the key's forecasts keep ({@link KeyState#correctionWeight}), 9 bytes,
 * written only when it holds anything. States without it read with a weight of 1 and nothing learnt.
 *
 * <p>At hidden size 64 with one LSTM layer and a full 48-step ring that is 795 bytes without a scorer or kinds
 * (791 in version 3, 789 in version 2), 952 with a novelty state whose 24-point ring of values is full and which has
 * no seasonal reference (a day of 5-minute steps does not fit 48), 1,081 with the alert kinds' 129 bytes too, and
 * 1,418 with the 144-bin daily profile of the default model (337 bytes; 1,488 with the earlier 96 bins of f32): the
 * model service's default, 1,426 in its store with the 8-byte stamp; 1,450 since the profile's forecast stands in as
 * the novelty score's seasonal reference (its mean absolute difference, 24 bytes with the two ends of the seasonal
 * range that stay unknown), 1,528 with the far-end calibration's 78 bytes at the default model's H = 12, 1,535 with
 * the one-step errors' memory, and 1,536 with the corrections' weight (9 bytes), for which the profile's season and
 * count went to 32 bits (8 bytes): within issue 15's 1.5 KB (1,536 bytes). With a seasonal reference from the ring (a season that fits
 * it) the novelty state is 120 bytes larger than without any.
 */
public final class KeyStateCodec {
    public static final byte VERSION = 6;
    private static final byte VERSION_1 = 1, VERSION_2 = 2, VERSION_3 = 3, VERSION_4 = 4, VERSION_5 = 5;
    private static final byte NO_SCORER = 0, NOVELTY = 1;
    /** Marks the appended profile section. */
    private static final byte PROFILE = 1;
    /** Marks the appended section of the far-end interval calibration. */
    private static final byte ISSUED = 2;
    /** Marks the appended section of the one-step errors' memory. */
    private static final byte RESIDUALS = 3;
    /** Marks the appended section of the network corrections' weight. */
    private static final byte CORRECTIONS = 4;
    /** Largest correlation of successive errors a state may hold (a running ratio of two means; 1 in theory). */
    private static final float MAX_RESIDUAL_CORRELATION = 4;
    /** The version-1 header: everything up to the recurrent floats, plus the ring's two sizes. */
    private static final int FIXED = 1 + 8 * 8 + 4 + 1 + 2 + 2 + 2;

    private KeyStateCodec() {}

    /** Bytes needed for {@code state}. */
    public static int encodedSize(KeyState state) {
        return FIXED + 4 * state.recurrent.length + 4 * state.remembered() + 8 + 4 + 1 + 1 + 1
                + (state.kinds == null ? 0 : AlertKinds.ENCODED_SIZE)
                + (state.novelty == null ? 0 : state.novelty.encodedSize())
                + (state.profile == null ? 0 : 1 + state.profile.encodedSize())
                + (state.issuedSlots() == 0 ? 0 : 1 + 4 + 1 + 6 * state.issuedSlots())
                + (state.remembersResiduals() ? 1 + 3 * 2 : 0)
                + (state.remembersCorrections() ? 1 + 4 + 2 * 2 : 0);
    }

    public static byte[] encode(KeyState state) {
        ByteBuffer b = ByteBuffer.allocate(encodedSize(state)).order(ByteOrder.LITTLE_ENDIAN);
        encode(state, b);
        return b.array();
    }

    /** Writes {@code state} at the buffer's position (which must be little-endian with room for {@link #encodedSize}). */
    public static void encode(KeyState s, ByteBuffer b) {
        b.put(VERSION).putLong(s.modelVersion).putLong(s.lastTimestamp).putLong(s.steps).putLong(s.normCount)
                .putDouble(s.normMean).putDouble(s.normVariance).putDouble(s.expected).putDouble(s.sigma)
                .putInt(s.anomalyRun).put((byte) (s.alertOpen ? 1 : 0));
        b.putShort((short) s.recurrent.length);
        for (float v : s.recurrent) {
            b.putFloat(v);
        }
        b.putShort((short) s.ringCapacity()).putShort((short) s.remembered());
        for (int i = 0; i < s.remembered(); i++) {
            b.putFloat(s.recall(i));
        }
        b.putDouble(s.lastValue).putFloat(s.intervalLogScale);
        b.put(s.alertReason == null ? 0 : s.alertReason.code());
        if (s.kinds == null) {
            b.put((byte) 0);
        } else {
            b.put((byte) 1);
            s.kinds.writeTo(b);
        }
        if (s.novelty == null) {
            b.put(NO_SCORER);
        } else {
            b.put(NOVELTY);
            s.novelty.writeTo(b);
        }
        if (s.profile != null) {
            b.put(PROFILE);
            s.profile.writeTo(b);
        }
        int slots = s.issuedSlots();
        if (slots > 0) {
            b.put(ISSUED).putFloat(s.farLogScale).put((byte) slots);
            for (float mean : s.issuedMeans()) {
                b.putFloat(mean);
            }
            for (short half : s.issuedHalves()) {
                b.putShort(half);
            }
        }
        if (s.remembersResiduals()) {
            b.put(RESIDUALS).putShort(Float.floatToFloat16(s.residualCorrelation)).putShort(Float.floatToFloat16(s.residualRms))
                    .putShort(Float.floatToFloat16(s.lastResidual));
        }
        if (s.remembersCorrections()) {
            b.put(CORRECTIONS).putFloat(s.correctionWeight).putShort(Float.floatToFloat16(s.correctionRms))
                    .putShort(Float.floatToFloat16(s.lastCorrection));
        }
    }

    /** As {@link #decode(byte[], NoveltyScore.Spec)} without a scorer or kinds: any stored state of theirs is left out. */
    public static KeyState decode(byte[] bytes) {
        return decode(bytes, null);
    }

    /**
     * Decodes bytes made by {@link #encode} (or by version 1); throws IllegalArgumentException naming what is wrong.
     *
     * @param novelty the spec of the keys' {@link NoveltyScore}, or null when they are not scored by one (a stored
     *                novelty state is then left out). With a spec, a state stored without a novelty state (version
     *                1, or written while the keys were not scored by novelty) gets a fresh one.
     */
    public static KeyState decode(byte[] bytes, NoveltyScore.Spec novelty) {
        return decode(bytes, 0, novelty, null);
    }

    /** As {@link #decode(byte[], int, NoveltyScore.Spec, AlertKinds.Spec)} without alert kinds. */
    public static KeyState decode(byte[] bytes, int offset, NoveltyScore.Spec novelty) {
        return decode(bytes, offset, novelty, null);
    }

    /**
     * As {@link #decode(byte[], NoveltyScore.Spec)} for the encoding that fills {@code bytes} from {@code offset} to
     * its end (a store value that carries its own prefix decodes without copying the rest out first), with
     * {@code kinds} the spec of the keys' {@link AlertKinds}, or null when they have none (a stored kinds state is
     * then left out). With a spec, a state stored without one (versions 1 and 2, or written while kinds were off)
     * gets a fresh one.
     */
    public static KeyState decode(byte[] bytes, int offset, NoveltyScore.Spec novelty, AlertKinds.Spec kinds) {
        return decode(bytes, offset, novelty, kinds, null);
    }

    /**
     * As {@link #decode(byte[], int, NoveltyScore.Spec, AlertKinds.Spec)}, into {@code into} when it has the read
     * recurrent size and ring capacity, else into a new state; returns the one decoded. Every field of the state and
     * of its novelty, kinds and profile objects (reused where their shape fits) is overwritten, so the result equals a
     * fresh decode whatever {@code into} held (the model service decodes each point's key into a pooled state). On an
     * exception {@code into} is left half written: decode into it again before using it.
     */
    public static KeyState decode(byte[] bytes, int offset, NoveltyScore.Spec novelty, AlertKinds.Spec kinds, KeyState into) {
        int length = bytes.length - offset;
        if (offset < 0 || length < FIXED) {
            throw new IllegalArgumentException("key state of " + length + " bytes is shorter than the " + FIXED + "-byte header");
        }
        return decode(ByteBuffer.wrap(bytes, offset, length).order(ByteOrder.LITTLE_ENDIAN), novelty, kinds, into);
    }

    /**
     * As {@link #decode(byte[], int, NoveltyScore.Spec, AlertKinds.Spec, KeyState)} for the encoding that fills the
     * little-endian buffer {@code b} from its position to its limit; leaves the position at the limit.
     */
    public static KeyState decode(ByteBuffer b, NoveltyScore.Spec novelty, AlertKinds.Spec kinds, KeyState into) {
        if (b.remaining() < FIXED) {
            throw new IllegalArgumentException("key state of " + b.remaining() + " bytes is shorter than the " + FIXED + "-byte header");
        }
        byte version = b.get();
        if (version < VERSION_1 || version > VERSION) {
            throw new IllegalArgumentException("key state version " + version + " is not supported (expected " + VERSION_1
                    + " to " + VERSION + ")");
        }
        long modelVersion = b.getLong(), lastTs = b.getLong(), steps = b.getLong(), normCount = b.getLong();
        double mean = b.getDouble(), variance = b.getDouble(), expected = b.getDouble(), sigma = b.getDouble();
        int run = b.getInt();
        boolean open = b.get() != 0;
        int recurrentSize = Short.toUnsignedInt(b.getShort());
        if (recurrentSize == 0 || b.remaining() < 4 * recurrentSize + 4) {
            throw new IllegalArgumentException("key state truncated: " + recurrentSize + " recurrent floats, " + b.remaining() + " bytes left");
        }
        // The recurrent floats are read after the ring's sizes, straight into the state that those sizes shape:
        // no temporary arrays on the model service's per-point path.
        int recurrentAt = b.position();
        b.position(recurrentAt + 4 * recurrentSize);
        int capacity = Short.toUnsignedInt(b.getShort()), size = Short.toUnsignedInt(b.getShort());
        // last value, interval scale, reason, kinds, scorer
        int after = version == VERSION_1 ? 0 : version == VERSION_2 ? 8 + 1 : version == VERSION_3 ? 8 + 3 : 8 + 4 + 3;
        if (capacity == 0 || size > capacity || (version == VERSION_1 ? b.remaining() != 4 * size : b.remaining() < 4 * size + after)) {
            throw new IllegalArgumentException("key state ring of " + size + "/" + capacity + " does not match " + b.remaining() + " bytes left");
        }
        KeyState s = into != null && into.recurrent.length == recurrentSize && into.ringCapacity() == capacity ? into
                : new KeyState(recurrentSize, capacity);
        AlertKinds oldKinds = s.kinds;
        NoveltyScore oldNovelty = s.novelty;
        SeasonalProfile oldProfile = s.profile;
        for (int i = 0; i < recurrentSize; i++) {
            s.recurrent[i] = b.getFloat(recurrentAt + 4 * i);
        }
        float[] ring = s.restoreRing(size);
        for (int i = 0; i < size; i++) {
            ring[i] = b.getFloat();
        }
        s.modelVersion = modelVersion;
        s.lastTimestamp = lastTs;
        s.steps = steps;
        s.normCount = normCount;
        s.normMean = mean;
        s.normVariance = variance;
        s.expected = expected;
        s.sigma = sigma;
        s.anomalyRun = run;
        s.alertOpen = open;
        s.lastValue = version == VERSION_1 ? Double.NaN : b.getDouble();
        s.intervalLogScale = 0;
        s.alertReason = null;
        s.kinds = null;
        s.profile = null;
        if (version >= VERSION_4) {
            s.intervalLogScale = b.getFloat();
            if (!(Math.abs(s.intervalLogScale) <= 10)) {
                throw new IllegalArgumentException("key state interval scale " + s.intervalLogScale + " is not a log factor in [-10, 10]");
            }
        }
        if (version >= VERSION_3) {
            s.alertReason = AlertReason.ofCode(b.get());
            byte hasKinds = b.get();
            int kindsSize = version == VERSION_3 ? AlertKinds.ENCODED_SIZE_V3
                    : version == VERSION_4 ? AlertKinds.ENCODED_SIZE_V4
                    : version == VERSION_5 ? AlertKinds.ENCODED_SIZE_V5 : AlertKinds.ENCODED_SIZE;
            if (hasKinds == 1 && kinds != null) {
                s.kinds = AlertKinds.readFrom(kinds, b, kindsSize, oldKinds);
            } else if (hasKinds == 1) {
                if (b.remaining() < kindsSize) {
                    throw new IllegalArgumentException("key state truncated in its alert kinds: " + b.remaining() + " bytes left");
                }
                b.position(b.position() + kindsSize); // left out
            } else if (hasKinds != 0) {
                throw new IllegalArgumentException("key state kinds byte " + hasKinds + " is not known");
            }
        }
        if (s.kinds == null && kinds != null) {
            s.kinds = new AlertKinds(kinds);
        }
        byte scorer = version == VERSION_1 ? NO_SCORER : b.get();
        if (scorer == NOVELTY) {
            // Without a spec the novelty state is read past (under any spec) and left out.
            NoveltyScore read = novelty == null ? NoveltyScore.readFrom(NoveltyScore.Spec.DEFAULT, b)
                    : NoveltyScore.readFrom(novelty, b, oldNovelty);
            s.novelty = novelty == null ? null : read;
        } else if (scorer == NO_SCORER) {
            s.novelty = novelty == null ? null : new NoveltyScore(novelty);
        } else {
            throw new IllegalArgumentException("key state scorer " + scorer + " is not known");
        }
        if (version != VERSION_1 && b.hasRemaining() && b.get(b.position()) == PROFILE) {
            b.get();
            s.profile = SeasonalProfile.readFrom(b, oldProfile);
        }
        s.farLogScale = 0;
        if (version != VERSION_1 && b.hasRemaining() && b.get(b.position()) == ISSUED) {
            b.get();
            if (b.remaining() < 5) {
                throw new IllegalArgumentException("key state truncated in its issued intervals: " + b.remaining() + " bytes left");
            }
            s.farLogScale = b.getFloat();
            if (!(Math.abs(s.farLogScale) <= 10)) {
                throw new IllegalArgumentException("key state far interval scale " + s.farLogScale + " is not a log factor in [-10, 10]");
            }
            int slots = Byte.toUnsignedInt(b.get());
            if (slots == 0 || b.remaining() < 6 * slots) {
                throw new IllegalArgumentException("key state issued intervals of " + slots + " slots do not match "
                        + b.remaining() + " bytes left");
            }
            s.keepIssued(slots);
            float[] means = s.issuedMeans();
            short[] halves = s.issuedHalves();
            for (int i = 0; i < slots; i++) {
                means[i] = b.getFloat();
            }
            for (int i = 0; i < slots; i++) {
                halves[i] = b.getShort();
            }
        } else {
            s.keepIssued(0);
        }
        s.forgetResiduals();
        if (version != VERSION_1 && b.hasRemaining() && b.get(b.position()) == RESIDUALS) {
            b.get();
            if (b.remaining() < 6) {
                throw new IllegalArgumentException("key state truncated in its one-step errors: " + b.remaining() + " bytes left");
            }
            s.residualCorrelation = Float.float16ToFloat(b.getShort());
            s.residualRms = Float.float16ToFloat(b.getShort());
            s.lastResidual = Float.float16ToFloat(b.getShort());
            if (!(Math.abs(s.residualCorrelation) <= MAX_RESIDUAL_CORRELATION) || !(s.residualRms >= 0)
                    || Float.isInfinite(s.residualRms) || Float.isInfinite(s.lastResidual)) {
                throw new IllegalArgumentException("key state one-step errors' memory is corrupt: correlation "
                        + s.residualCorrelation + ", rms " + s.residualRms + ", last " + s.lastResidual);
            }
        }
        s.forgetCorrections();
        if (version != VERSION_1 && b.hasRemaining() && b.get(b.position()) == CORRECTIONS) {
            b.get();
            if (b.remaining() < 8) {
                throw new IllegalArgumentException("key state truncated in its corrections' weight: " + b.remaining() + " bytes left");
            }
            s.correctionWeight = b.getFloat();
            s.correctionRms = Float.float16ToFloat(b.getShort());
            s.lastCorrection = Float.float16ToFloat(b.getShort());
            if (!(s.correctionWeight >= 0 && s.correctionWeight <= 1) || !(s.correctionRms >= 0)
                    || Float.isInfinite(s.correctionRms) || Float.isInfinite(s.lastCorrection)) {
                throw new IllegalArgumentException("key state corrections' weight is corrupt: weight " + s.correctionWeight
                        + ", rms " + s.correctionRms + ", last " + s.lastCorrection);
            }
        }
        if (b.hasRemaining()) {
            throw new IllegalArgumentException("key state has " + b.remaining() + " bytes after its end");
        }
        return s;
    }
}
