package org.forecaster.core.state;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Compact little-endian bytes for a {@link KeyState}: what the state store and its changelog hold.
 * Layout (version 1): {@code u8 version, i64 modelVersion, i64 lastTimestamp, i64 steps, i64 normCount,
 * f64 normMean, f64 normVariance, f64 expected, f64 sigma, i32 anomalyRun, u8 alertOpen,
 * u16 recurrentSize, f32[recurrentSize], u16 ringCapacity, u16 ringSize, f32[ringSize] oldest first}.
 * At hidden size 64 with one LSTM layer and a 48-step ring that is 780 bytes.
 */
public final class KeyStateCodec {
    public static final byte VERSION = 1;
    private static final int FIXED = 1 + 8 * 8 + 4 + 1 + 2 + 2 + 2;

    private KeyStateCodec() {}

    /** Bytes needed for {@code state}. */
    public static int encodedSize(KeyState state) {
        return FIXED + 4 * state.recurrent.length + 4 * state.remembered();
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
    }

    /** Decodes bytes made by {@link #encode}; throws IllegalArgumentException naming what is wrong. */
    public static KeyState decode(byte[] bytes) {
        if (bytes.length < FIXED) {
            throw new IllegalArgumentException("key state of " + bytes.length + " bytes is shorter than the " + FIXED + "-byte header");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        byte version = b.get();
        if (version != VERSION) {
            throw new IllegalArgumentException("key state version " + version + " is not supported (expected " + VERSION + ")");
        }
        long modelVersion = b.getLong(), lastTs = b.getLong(), steps = b.getLong(), normCount = b.getLong();
        double mean = b.getDouble(), variance = b.getDouble(), expected = b.getDouble(), sigma = b.getDouble();
        int run = b.getInt();
        boolean open = b.get() != 0;
        int recurrentSize = Short.toUnsignedInt(b.getShort());
        if (recurrentSize == 0 || b.remaining() < 4 * recurrentSize + 4) {
            throw new IllegalArgumentException("key state truncated: " + recurrentSize + " recurrent floats, " + b.remaining() + " bytes left");
        }
        float[] rec = new float[recurrentSize];
        for (int i = 0; i < recurrentSize; i++) {
            rec[i] = b.getFloat();
        }
        int capacity = Short.toUnsignedInt(b.getShort()), size = Short.toUnsignedInt(b.getShort());
        if (capacity == 0 || size > capacity || b.remaining() != 4 * size) {
            throw new IllegalArgumentException("key state ring of " + size + "/" + capacity + " does not match " + b.remaining() + " bytes left");
        }
        float[] ring = new float[size];
        for (int i = 0; i < size; i++) {
            ring[i] = b.getFloat();
        }
        KeyState s = new KeyState(recurrentSize, capacity);
        System.arraycopy(rec, 0, s.recurrent, 0, recurrentSize);
        s.restoreRing(ring);
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
        return s;
    }
}
