package org.forecaster.serving.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SeriesSearchTest {
    private static List<String> shuffledIds(int n, long seed) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add("host-" + i + ".cpu");
        }
        Collections.shuffle(ids, new Random(seed));
        return ids;
    }

    @Test
    void shouldReturnTheFirstMatchesInIdOrderIgnoringCaseAndSayThatMoreMatched() {
        List<String> ids = shuffledIds(3000, 7);
        SeriesSearch.Result r = SeriesSearch.scan(ids.iterator(), "HOST-12", 5);
        // host-12, host-120..host-129, host-1200..: in string order.
        assertEquals(List.of("host-12.cpu", "host-120.cpu", "host-1200.cpu", "host-1201.cpu", "host-1202.cpu"), r.series());
        assertTrue(r.more());
        SeriesSearch.Result one = SeriesSearch.scan(ids.iterator(), "t-2999.c", 5);
        assertEquals(List.of("host-2999.cpu"), one.series());
        assertFalse(one.more());
        assertEquals(List.of(), SeriesSearch.scan(ids.iterator(), "mem", 5).series());
        assertEquals(50, SeriesSearch.scan(ids.iterator(), null, 50).series().size(), "no text: every id");
    }

    @Test
    void shouldMergeInstancesAnswersInOrderAndCutAtTheLimit() {
        SeriesSearch.Result a = SeriesSearch.scan(List.of("a1", "c1", "e1").iterator(), "1", 3);
        SeriesSearch.Result b = SeriesSearch.scan(List.of("b1", "d1").iterator(), "1", 3);
        SeriesSearch.Result merged = SeriesSearch.merge("1", 3, List.of(a, b), List.of("peer:1"));
        assertEquals(List.of("a1", "b1", "c1"), merged.series());
        assertTrue(merged.more(), "d1 and e1 matched too");
        assertEquals(List.of("peer:1"), merged.unreachable());
        assertFalse(SeriesSearch.merge("1", 5, List.of(a, b), List.of()).more());
    }

    @Test
    void shouldRejectALimitOrTextOutOfRange() {
        assertThrows(IllegalArgumentException.class, () -> SeriesSearch.check("x", 0));
        assertThrows(IllegalArgumentException.class, () -> SeriesSearch.check("x", SeriesSearch.MAX_LIMIT + 1));
        var e = assertThrows(IllegalArgumentException.class, () -> SeriesSearch.check("x".repeat(SeriesSearch.MAX_MATCH + 1), 10));
        assertTrue(e.getMessage().contains("at most 256"), e.getMessage());
        SeriesSearch.check(null, 1);
    }
}
