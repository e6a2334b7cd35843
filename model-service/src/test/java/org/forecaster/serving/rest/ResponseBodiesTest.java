package org.forecaster.serving.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.forecaster.core.modelio.ModelHeader;
import org.forecaster.core.state.KeyState;
import org.forecaster.core.state.StoredState;
import org.forecaster.core.wire.WireJson;
import org.forecaster.serving.TestModels;
import org.junit.jupiter.api.Test;

/**
 * The typed bodies (issue 19) write the JSON the maps they replaced wrote, byte for byte, so the dashboard and every
 * other client read them unchanged. Each expected map is built as ServingResource built it before.
 */
class ResponseBodiesTest {
    private static String json(Object body) {
        return new String(WireJson.write(body), StandardCharsets.UTF_8);
    }

    @Test
    void shouldWriteTheModelAsTheMapDid() {
        ModelHeader h = TestModels.model(3, 7).header();
        Map<String, Double> weights = new TreeMap<>(Map.of("accepted", 3.0, "rejected.checksum", 1.0));
        Map<String, Object> old = new LinkedHashMap<>();
        old.put("name", h.name());
        old.put("version", h.version());
        old.put("parentVersion", h.parentVersion());
        old.put("spec", h.spec());
        old.put("parameters", h.spec().parameterCount());
        old.put("normalizer", h.normalizer());
        old.put("stepMillis", h.stepMillis());
        old.put("trainedFrom", h.trainedFrom());
        old.put("trainedTo", h.trainedTo());
        old.put("seriesCount", h.seriesCount());
        old.put("seed", h.seed());
        old.put("metrics", h.metrics());
        old.put("createdAt", h.createdAt());
        old.put("weights", weights);
        old.put("summary", "LSTM 1x8");
        assertEquals(json(old), json(ModelInfo.of(h, weights, "LSTM 1x8")));
    }

    @Test
    void shouldWriteTheStateAsTheMapDidWithNullsForNoForecastYet() {
        for (boolean forecastYet : new boolean[] {false, true}) {
            KeyState s = new KeyState(16, 4);
            s.modelVersion = 2;
            s.lastTimestamp = TestModels.T0.toEpochMilli();
            s.steps = 5;
            s.remember(1.5f);
            if (forecastYet) {
                s.expected = 2.25;
                s.sigma = 0.5;
            }
            byte[] bytes = StoredState.encode(s, TestModels.T0.plusSeconds(60).toEpochMilli());
            Map<String, Object> old = new LinkedHashMap<>();
            old.put("series", "cpu");
            old.put("modelVersion", s.modelVersion);
            old.put("lastTimestamp", Instant.ofEpochMilli(s.lastTimestamp));
            old.put("steps", s.steps);
            old.put("cold", s.steps < 10);
            old.put("expected", Double.isNaN(s.expected) ? null : s.expected);
            old.put("sigma", Double.isNaN(s.sigma) ? null : s.sigma);
            old.put("alertOpen", s.alertOpen);
            old.put("remembered", s.remembered());
            old.put("lastSeen", Instant.ofEpochMilli(StoredState.lastSeen(bytes)));
            old.put("bytes", bytes.length);
            assertEquals(json(old), json(SeriesState.of("cpu", s, bytes, 10)));
        }
    }

    @Test
    void shouldWriteHistoryErrorsAndRedirectsAsTheMapsDid() {
        List<StateViews.HistoryPoint> points = List.of(new StateViews.HistoryPoint(TestModels.T0, 1.5),
                new StateViews.HistoryPoint(TestModels.T0.plusSeconds(60), null));
        Map<String, Object> history = new LinkedHashMap<>();
        history.put("series", "cpu");
        history.put("stepMillis", TestModels.STEP);
        history.put("points", points);
        history.put("forecast", null);
        assertEquals(json(history), json(new SeriesHistory("cpu", TestModels.STEP, points, null)));
        assertEquals(json(Map.of("error", "no state for series cpu")), json(new ApiError("no state for series cpu")));
        Map<String, Object> redirect = new LinkedHashMap<>();
        redirect.put("error", "series cpu is owned by another instance");
        redirect.put("owner", "10.0.0.2:8081");
        redirect.put("location", "http://10.0.0.2:8081/api/v1/series/cpu/state");
        assertEquals(json(redirect), json(new OwnerRedirect("series cpu is owned by another instance", "10.0.0.2:8081",
                "http://10.0.0.2:8081/api/v1/series/cpu/state")));
        // Map.of had no order; the fields are the same.
        assertEquals(WireJson.mapper().valueToTree(Map.of("series", List.of("a", "b"), "openAlerts", List.of())),
                WireJson.mapper().valueToTree(new SeriesList(List.of("a", "b"), List.of())));
    }
}
