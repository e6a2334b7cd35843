package org.forecaster.core.state;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.forecaster.core.anomaly.AlertKinds;
import org.forecaster.core.anomaly.NoveltyScore;

/**
 * The value bytes of the key-state store: {@code i64 lastSeen} (wall-clock milliseconds when the key last had
 * a point, for the TTL) followed by core's {@link KeyStateCodec} encoding. Little-endian. The wall-clock stamp
 * is kept out of {@link KeyState} because it is a serving concern: it never affects a forecast. Here in core so
 * that benchmarks measure the model service's exact bytes.
 */
public final class StoredState {
    /** Bytes before the codec's encoding. */
    public static final int PREFIX = Long.BYTES;
    /** Offset of {@code steps} inside the codec's layout: u8 version, i64 modelVersion, i64 lastTimestamp, i64 steps. */
    private static final int STEPS_OFFSET = PREFIX + 1 + 8 + 8;
    /** Offsets of {@code lastTimestamp} and {@code alertOpen} in the same layout (all versions). */
    private static final int LAST_TIMESTAMP_OFFSET = PREFIX + 1 + 8, ALERT_OPEN_OFFSET = PREFIX + 1 + 8 * 8 + 4;

    private StoredState() {}

    public static byte[] encode(KeyState state, long lastSeenMillis) {
        ByteBuffer b = ByteBuffer.allocate(PREFIX + KeyStateCodec.encodedSize(state)).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(lastSeenMillis);
        KeyStateCodec.encode(state, b);
        return b.array();
    }

    /**
     * Decodes the key state without its anomaly scorer's state (for summaries); throws IllegalArgumentException for
     * bytes this class did not write.
     */
    public static KeyState decode(byte[] bytes) {
        return decode(bytes, null);
    }

    /**
     * Decodes the key state to go on stepping it: {@code novelty} is the keys' novelty settings, null when they are
     * not scored by novelty (see {@link KeyStateCodec#decode(byte[], NoveltyScore.Spec)}).
     */
    public static KeyState decode(byte[] bytes, NoveltyScore.Spec novelty) {
        return decode(bytes, novelty, null);
    }

    /**
     * Decodes the key state to go on stepping it, with {@code kinds} the keys' alert kinds settings, null when they
     * have none (see {@link KeyStateCodec#decode(byte[], int, NoveltyScore.Spec, AlertKinds.Spec)}).
     */
    public static KeyState decode(byte[] bytes, NoveltyScore.Spec novelty, AlertKinds.Spec kinds) {
        return decode(bytes, novelty, kinds, null);
    }

    /**
     * As {@link #decode(byte[], NoveltyScore.Spec, AlertKinds.Spec)}, into {@code into} where its shape fits (see
     * {@link KeyStateCodec#decode(byte[], int, NoveltyScore.Spec, AlertKinds.Spec, KeyState)}); returns the state decoded.
     */
    public static KeyState decode(byte[] bytes, NoveltyScore.Spec novelty, AlertKinds.Spec kinds, KeyState into) {
        if (bytes.length < PREFIX + 1) {
            throw new IllegalArgumentException("stored state of " + bytes.length + " bytes is too short");
        }
        return KeyStateCodec.decode(bytes, PREFIX, novelty, kinds, into);
    }

    /**
     * Encodes and decodes store values through one reused buffer instead of a new {@link ByteBuffer} per call: the
     * model service's per-point path then allocates only the encoded array it stores (one per stream task; not
     * thread-safe). The same bytes and states as {@link StoredState#encode} and {@link StoredState#decode}.
     */
    public static final class Buffer {
        private ByteBuffer buffer = ByteBuffer.allocate(2048).order(ByteOrder.LITTLE_ENDIAN);

        /** As {@link StoredState#encode}: written into the reused buffer, then copied out into the exact array. */
        public byte[] encode(KeyState state, long lastSeenMillis) {
            int n = PREFIX + KeyStateCodec.encodedSize(state);
            ByteBuffer b = room(n);
            b.putLong(lastSeenMillis);
            KeyStateCodec.encode(state, b);
            if (b.position() != n) {
                throw new IllegalStateException("key state encoded into " + b.position() + " bytes, expected " + n);
            }
            return Arrays.copyOf(b.array(), n);
        }

        /**
         * As {@link StoredState#decode(byte[], NoveltyScore.Spec, AlertKinds.Spec, KeyState)}, from a copy of
         * {@code bytes} in the reused buffer.
         */
        public KeyState decode(byte[] bytes, NoveltyScore.Spec novelty, AlertKinds.Spec kinds, KeyState into) {
            if (bytes.length < PREFIX + 1) {
                throw new IllegalArgumentException("stored state of " + bytes.length + " bytes is too short");
            }
            ByteBuffer b = room(bytes.length);
            System.arraycopy(bytes, 0, b.array(), 0, bytes.length);
            b.position(PREFIX).limit(bytes.length);
            return KeyStateCodec.decode(b, novelty, kinds, into);
        }

        /** The buffer cleared, grown first if shorter than {@code n} bytes. */
        private ByteBuffer room(int n) {
            if (buffer.capacity() < n) {
                buffer = ByteBuffer.allocate(Math.max(n, 2 * buffer.capacity())).order(ByteOrder.LITTLE_ENDIAN);
            }
            return buffer.clear();
        }
    }

    /** The wall-clock time the key was last seen, read without decoding the state. */
    public static long lastSeen(byte[] bytes) {
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
    }

    /** The timestamp of the key's last point, read without decoding the state. */
    public static long lastTimestamp(byte[] bytes) {
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(LAST_TIMESTAMP_OFFSET);
    }

    /** Whether the key has an open alert, read without decoding the state. */
    public static boolean alertOpen(byte[] bytes) {
        return bytes[ALERT_OPEN_OFFSET] != 0;
    }

    /** The state's step count (for the cold-key gauge), read without decoding the state. */
    public static long steps(byte[] bytes) {
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(STEPS_OFFSET);
    }
}
