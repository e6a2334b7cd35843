package org.forecaster.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.forecaster.core.wire.AnomalyRecord;
import org.forecaster.core.wire.AnomalyRecord.State;
import org.junit.jupiter.api.Test;

/** From AnomalyRecord to the JSON Alertmanager's POST /api/v2/alerts takes. */
class AlertMappingTest {
    private static final Instant OPENED = Instant.parse("2024-05-01T12:00:00Z");
    private static final Instant RESOLVED_AT = Instant.parse("2024-05-01T12:25:00Z");
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private static final AlertMapping MAPPING = new AlertMapping("ForecastAnomaly", "warning",
            Map.of("silent", "critical", "level-shift", "critical"), "http://forecaster.example/?series={series}", Duration.ofMinutes(4));

    static AnomalyRecord open(String series, String reason) {
        return new AnomalyRecord(series, OPENED, 97.3, 50.12345678, 40, 60.2, 0.9991, State.OPEN, 7, reason);
    }

    static AnomalyRecord resolved(String series, String reason) {
        return new AnomalyRecord(series, RESOLVED_AT, 51, 50.5, 40.5, 60.5, 0.12, State.RESOLVED, 8, reason);
    }

    @Test
    void shouldMapAnOpenTransitionToAFiringAlertWithLabelsAndAnnotations() {
        AlertmanagerAlert a = MAPPING.firing(open("cpu.host-1", "spike"), NOW);
        assertEquals(Map.of("alertname", "ForecastAnomaly", "series", "cpu.host-1", "reason", "spike", "severity", "warning"), a.labels());
        assertEquals(Map.of("summary", "spike on cpu.host-1: value 97.3, expected 50.1235 in [40, 60.2], score 0.9991",
                "value", "97.3", "expected", "50.1235", "interval", "[40, 60.2]", "score", "0.9991", "model_version", "7"), a.annotations());
        assertEquals(OPENED, a.startsAt());
        assertEquals(NOW.plus(Duration.ofMinutes(4)), a.endsAt(), "firing until a lifetime past the post");
        assertEquals("http://forecaster.example/?series=cpu.host-1", a.generatorURL());
    }

    @Test
    void shouldResolveWithTheOpenAlertsLabelsAndStartAtTheTransitionTime() {
        AlertmanagerAlert firing = MAPPING.firing(open("cpu.host-1", "level-shift"), NOW);
        AlertmanagerAlert done = MAPPING.resolved(resolved("cpu.host-1", "level-shift"), firing);
        assertEquals(firing.labels(), done.labels(), "same labels: the same alert for Alertmanager, though the score differs");
        assertEquals("critical", done.labels().get("severity"));
        assertEquals(OPENED, done.startsAt());
        assertEquals(RESOLVED_AT, done.endsAt());
        assertEquals("resolved: level-shift on cpu.host-1: value 51, expected 50.5 in [40.5, 60.5], score 0.12",
                done.annotations().get("summary"));
        assertEquals("8", done.annotations().get("model_version"));
    }

    @Test
    void shouldResolveAnUnknownOpenByItsOwnLabelsWithoutAStart() {
        AlertmanagerAlert done = MAPPING.resolved(resolved("q.depth", "silent"), null);
        assertEquals(Map.of("alertname", "ForecastAnomaly", "series", "q.depth", "reason", "silent", "severity", "critical"), done.labels());
        assertNull(done.startsAt(), "Alertmanager takes endsAt as the start");
        assertEquals(RESOLVED_AT, done.endsAt());
    }

    @Test
    void shouldLabelARecordWithoutReasonAsUnknownWithTheDefaultSeverity() {
        assertEquals(Map.of("alertname", "ForecastAnomaly", "series", "s", "reason", "unknown", "severity", "warning"),
                MAPPING.labels(open("s", null)));
    }

    @Test
    void shouldWriteAlertmanagersJsonArrayWithRfc3339TimesAndNoNullFields() throws Exception {
        AlertMapping noLink = new AlertMapping("A", "info", Map.of(), null, Duration.ofMinutes(4));
        AlertmanagerAlert done = noLink.resolved(resolved("a b/c", "drift"), null);
        AlertmanagerAlert firing = MAPPING.firing(open("a b/c", "drift"), NOW);
        JsonNode json = new ObjectMapper().readTree(AlertmanagerClient.json(List.of(firing, done)));
        assertEquals(2, json.size());
        JsonNode f = json.get(0);
        assertEquals("2024-05-01T12:00:00Z", f.get("startsAt").asText());
        assertEquals("2026-01-01T00:04:00Z", f.get("endsAt").asText());
        assertEquals("http://forecaster.example/?series=a+b%2Fc", f.get("generatorURL").asText(), "series URL-encoded");
        assertEquals("a b/c", f.get("labels").get("series").asText());
        assertEquals("drift", f.get("labels").get("reason").asText());
        assertEquals("97.3", f.get("annotations").get("value").asText());
        JsonNode r = json.get(1);
        assertEquals("2024-05-01T12:25:00Z", r.get("endsAt").asText());
        assertFalse(r.has("startsAt"), "no start rather than null: " + r);
        assertFalse(r.has("generatorURL"), "no link configured: " + r);
    }

    @Test
    void shouldShowNumbersWithSixSignificantDigits() {
        assertEquals("100", AlertMapping.number(100));
        assertEquals("0", AlertMapping.number(0));
        assertEquals("-0.5", AlertMapping.number(-0.5));
        assertEquals("1.23457E+12", AlertMapping.number(1.2345678e12));
        assertEquals("1.5E-7", AlertMapping.number(1.5e-7));
        assertEquals("NaN", AlertMapping.number(Double.NaN));
        assertEquals("Infinity", AlertMapping.number(Double.POSITIVE_INFINITY));
    }
}
