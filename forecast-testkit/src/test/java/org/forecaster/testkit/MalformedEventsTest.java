package org.forecaster.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.InstantSource;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import org.forecaster.core.wire.RawEventParser;
import org.junit.jupiter.api.Test;

/** The generator is deterministic, covers every kind, and each record's reason is the one the real parser gives. */
class MalformedEventsTest {
    private static final Instant VALID_TS = Instant.parse("2025-03-01T10:00:00Z");
    private static final int RECORDS = 20_000;

    @Test
    void shouldGiveTheSameRecordsForTheSameSeed() {
        MalformedEvents a = new MalformedEvents(42, VALID_TS);
        MalformedEvents b = new MalformedEvents(42, VALID_TS);
        MalformedEvents other = new MalformedEvents(43, VALID_TS);
        boolean differs = false;
        for (int i = 0; i < 2_000; i++) {
            MalformedEvents.Malformed x = a.next();
            MalformedEvents.Malformed y = b.next();
            assertEquals(x.kind(), y.kind());
            assertEquals(x.key(), y.key());
            assertEquals(x.reason(), y.reason());
            assertArrayEquals(x.value(), y.value());
            differs |= !x.toString().equals(other.next().toString());
        }
        assertTrue(differs, "another seed gives other records");
    }

    @Test
    void shouldCarryTheReasonTheRealParserGivesForEveryRecord() {
        // The clock sits at the valid timestamp: with the default one-day skew, every far-future record is out of range.
        RawEventParser parser = new RawEventParser(RawEventParser.Limits.DEFAULT, InstantSource.fixed(VALID_TS));
        MalformedEvents gen = new MalformedEvents(7, VALID_TS);
        Map<MalformedEvents.Kind, Integer> kinds = new EnumMap<>(MalformedEvents.Kind.class);
        Map<String, Integer> reasons = new TreeMap<>();
        for (int i = 0; i < RECORDS; i++) {
            MalformedEvents.Malformed m = gen.next();
            RawEventParser.Result r = parser.parse(m.value(), m.key());
            assertFalse(r.valid(), () -> "accepted: " + m);
            assertEquals(m.reason(), r.rejection().reason(), () -> m + " was rejected with: " + r.rejection().message());
            kinds.merge(m.kind(), 1, Integer::sum);
            reasons.merge(m.reason(), 1, Integer::sum);
        }
        assertEquals(MalformedEvents.Kind.values().length, kinds.size(), "every kind drawn: " + kinds);
        // Every reason but key-mismatch's neighbours in the topology (late) is produced.
        assertEquals(14, reasons.size(), "reasons: " + reasons);
        assertTrue(kinds.get(MalformedEvents.Kind.OVERSIZED) < RECORDS / 50, "oversized records stay rare: " + kinds);
    }

    @Test
    void shouldMakeOversizedAndHugeIdRecordsExceedTheGivenLimits() {
        MalformedEvents gen = new MalformedEvents(3, VALID_TS, 1_000, 10, 2);
        for (int i = 0; i < 200; i++) {
            MalformedEvents.Malformed big = gen.next(MalformedEvents.Kind.OVERSIZED);
            assertTrue(big.value().length > 1_000 && big.value().length <= 2_000, big::toString);
        }
        RawEventParser parser = new RawEventParser(new RawEventParser.Limits(1_000, 10, 2, Instant.parse("2000-01-01T00:00:00Z"),
                java.time.Duration.ofDays(1)), InstantSource.fixed(VALID_TS));
        for (MalformedEvents.Kind k : new MalformedEvents.Kind[] {MalformedEvents.Kind.HUGE_SERIES, MalformedEvents.Kind.BAD_LABELS,
                MalformedEvents.Kind.OVERSIZED}) {
            for (int i = 0; i < 200; i++) {
                MalformedEvents.Malformed m = gen.next(k);
                assertEquals(m.reason(), parser.parse(m.value(), m.key()).rejection().reason(), m::toString);
            }
        }
    }
}
