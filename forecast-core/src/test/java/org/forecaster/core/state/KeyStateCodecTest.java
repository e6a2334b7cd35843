package org.forecaster.core.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class KeyStateCodecTest {
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
        return s;
    }

    @Test
    void roundTripIsExactAndUnder1KbAtHidden64() {
        KeyState s = sample();
        byte[] bytes = KeyStateCodec.encode(s);
        assertEquals(780, bytes.length);
        KeyState back = KeyStateCodec.decode(bytes);
        assertEquals(s, back);
        assertEquals(12f, back.recall(0), "oldest remembered input first");
        assertEquals(59f, back.recall(47), "newest last");
        assertTrue(Float.isNaN(back.recall(6)), "input 18 was a missing step");
    }

    @Test
    void rejectsTruncatedOrForeignBytes() {
        byte[] bytes = KeyStateCodec.encode(sample());
        var e = assertThrows(IllegalArgumentException.class, () -> KeyStateCodec.decode(java.util.Arrays.copyOf(bytes, bytes.length - 3)));
        assertTrue(e.getMessage().contains("ring"), e.getMessage());
        bytes[0] = 9;
        e = assertThrows(IllegalArgumentException.class, () -> KeyStateCodec.decode(bytes));
        assertTrue(e.getMessage().contains("version 9"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> KeyStateCodec.decode(new byte[5]));
        assertTrue(e.getMessage().contains("5 bytes"), e.getMessage());
    }
}
