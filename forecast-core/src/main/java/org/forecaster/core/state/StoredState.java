package org.forecaster.core.state;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
        if (bytes.length < PREFIX + 1) {
            throw new IllegalArgumentException("stored state of " + bytes.length + " bytes is too short");
        }
        return KeyStateCodec.decode(bytes, PREFIX, novelty, kinds);
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
