package org.forecaster.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.forecaster.core.wire.AnomalyRecord;
import org.forecaster.core.wire.AnomalyRecord.State;
import org.junit.jupiter.api.Test;

/** Which alerts each transition posts, and which are re-posted while open. */
class OpenAlertsTest {
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration LIFETIME = Duration.ofMinutes(4);
    private final OpenAlerts open = new OpenAlerts(new AlertMapping("ForecastAnomaly", "warning", Map.of(), null, LIFETIME));

    private static AnomalyRecord record(String series, String ts, State state, String reason) {
        return new AnomalyRecord(series, Instant.parse(ts), 1, 0, -1, 1, state == State.OPEN ? 1 : 0, state, 1, reason);
    }

    @Test
    void shouldPostFiringOnOpenAndTheSameLabelsEndedOnResolved() {
        List<AlertmanagerAlert> opened = open.apply(record("a", "2024-01-01T00:00:00Z", State.OPEN, "spike"), NOW);
        assertEquals(1, opened.size());
        assertEquals(1, open.size());
        List<AlertmanagerAlert> closed = open.apply(record("a", "2024-01-01T00:30:00Z", State.RESOLVED, "spike"), NOW);
        assertEquals(1, closed.size());
        assertEquals(opened.getFirst().labels(), closed.getFirst().labels());
        assertEquals(Instant.parse("2024-01-01T00:00:00Z"), closed.getFirst().startsAt());
        assertEquals(Instant.parse("2024-01-01T00:30:00Z"), closed.getFirst().endsAt());
        assertEquals(0, open.size());
    }

    @Test
    void shouldResolveTheLabelsTheOpenPostedEvenIfTheResolvedRecordsReasonDiffers() {
        // A key state from before reasons resolves its open alert with reason "score" (model-service README).
        AlertmanagerAlert opened = open.apply(record("a", "2024-01-01T00:00:00Z", State.OPEN, null), NOW).getFirst();
        AlertmanagerAlert closed = open.apply(record("a", "2024-01-01T00:30:00Z", State.RESOLVED, "score"), NOW).getFirst();
        assertEquals("unknown", closed.labels().get("reason"));
        assertEquals(opened.labels(), closed.labels());
    }

    @Test
    void shouldResolveAnotherStillOpenAlertOfTheSeriesWhenItOpensAgain() {
        open.apply(record("a", "2024-01-01T00:00:00Z", State.OPEN, "silent"), NOW);
        List<AlertmanagerAlert> posted = open.apply(record("a", "2024-01-02T00:00:00Z", State.OPEN, "spike"), NOW);
        assertEquals(2, posted.size());
        assertEquals("silent", posted.get(0).labels().get("reason"));
        assertEquals(Instant.parse("2024-01-02T00:00:00Z"), posted.get(0).endsAt(), "the old alert ends when the new one opens");
        assertEquals("spike", posted.get(1).labels().get("reason"));
        assertEquals(1, open.size());
    }

    @Test
    void shouldPostAnOpenAgainWithoutResolvingItWhenTheLabelsAreTheSame() {
        AnomalyRecord r = record("a", "2024-01-01T00:00:00Z", State.OPEN, "spike");
        open.apply(r, NOW);
        assertEquals(1, open.apply(r, NOW).size(), "a replayed OPEN only posts its firing alert again");
    }

    @Test
    void shouldRepostEveryOpenAlertFiringUntilALifetimeFromNow() {
        open.apply(record("a", "2024-01-01T00:00:00Z", State.OPEN, "spike"), NOW);
        open.apply(record("b", "2024-01-01T00:05:00Z", State.OPEN, "drift"), NOW);
        open.apply(record("c", "2024-01-01T00:05:00Z", State.OPEN, "drift"), NOW);
        open.apply(record("b", "2024-01-01T00:10:00Z", State.RESOLVED, "drift"), NOW);
        Instant later = NOW.plus(Duration.ofMinutes(1));
        List<AlertmanagerAlert> again = open.refreshed(later);
        assertEquals(2, again.size());
        for (AlertmanagerAlert a : again) {
            assertEquals(later.plus(LIFETIME), a.endsAt());
        }
        assertEquals(java.util.Set.of("a", "c"), java.util.Set.copyOf(again.stream().map(a -> a.labels().get("series")).toList()));
    }
}
