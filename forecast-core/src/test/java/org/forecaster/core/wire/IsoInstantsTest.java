package org.forecaster.core.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class IsoInstantsTest {
    @Test
    void shouldParseExactlyAsInstantParseOnRandomInstants() {
        long seed = 16;
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < 100_000; i++) {
            // Years 0000..9999 (the fast path), with and without milliseconds, and some with nanoseconds (the fallback).
            long ms = r.nextLong(-62167219200000L, 253402300800000L);
            Instant t = switch (i % 3) {
                case 0 -> Instant.ofEpochSecond(Math.floorDiv(ms, 1000));
                case 1 -> Instant.ofEpochMilli(ms);
                default -> Instant.ofEpochSecond(Math.floorDiv(ms, 1000), r.nextInt(1_000_000_000));
            };
            String s = t.toString();
            assertEquals(Instant.parse(s), IsoInstants.parse(s), () -> s + " (seed " + seed + ")");
            byte[] padded = ("x" + s + "y").getBytes(java.nio.charset.StandardCharsets.US_ASCII); // not at offset 0
            assertEquals(IsoInstants.parseMillis(s), IsoInstants.parseMillis(padded, 1, s.length()), () -> s + " (seed " + seed + ")");
        }
    }

    @Test
    void shouldTakeOtherFormsAndRejectionsFromInstantParse() {
        for (String s : List.of("2024-05-01T12:00:00.5Z", "+12024-05-01T12:00:00Z",
                "2024-02-29T23:59:59.999Z", "2024-05-01T24:00:00Z", "2024-05-01T12:00:00.123456Z")) {
            assertEquals(Instant.parse(s), IsoInstants.parse(s), s);
        }
        for (String s : List.of("2023-02-29T00:00:00Z", "2024-13-01T00:00:00Z", "2024-05-01T25:00:00Z",
                "2024-05-01 12:00:00Z", "2024-05-01T12:00:00", "yesterday", "")) {
            assertThrows(DateTimeParseException.class, () -> IsoInstants.parse(s), s);
            if (s.length() == 20 || s.length() == 24) {
                assertEquals(Long.MIN_VALUE, IsoInstants.parseMillis(s.getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, s.length()), s);
            }
        }
    }
}
