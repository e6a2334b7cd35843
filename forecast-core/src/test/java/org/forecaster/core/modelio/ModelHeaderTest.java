package org.forecaster.core.modelio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.forecaster.core.model.CellType;
import org.forecaster.core.model.ModelSpec;
import org.forecaster.core.model.NormalizerSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class ModelHeaderTest {

    private static final ModelSpec SPEC = new ModelSpec(CellType.LSTM, 1, 7, 4, 2);
    private static final NormalizerSpec NORM = new NormalizerSpec(0.01, 1e-6);
    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
    private static final Instant T1 = Instant.parse("2025-01-02T00:00:00Z");

    private static void rejects(String fragment, Executable construct) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, construct);
        assertTrue(e.getMessage().contains(fragment), () -> "message lacks \"" + fragment + "\": " + e.getMessage());
    }

    private static ModelHeader header(String name, long version, Long parent, long step, Instant from, Instant to,
            int series, Map<String, Double> metrics, Map<String, String> config, Instant created) {
        return new ModelHeader(name, version, parent, SPEC, NORM, step, from, to, series, 1, metrics, config, created);
    }

    @Test
    void shouldAcceptAValidHeader() {
        ModelHeader h = header("cpu.p95-v2", 5, 4L, 1000, T0, T1, 3, Map.of("nll", 1.0), Map.of("k", "v"), T1);
        assertEquals("cpu.p95-v2", h.name());
    }

    @Test
    void shouldRejectEachInvalidField() {
        rejects("model name must be 1 to 128 characters", () -> header("", 1, null, 1, null, null, 0, Map.of(), Map.of(), T0));
        rejects("got \"my model\"", () -> header("my model", 1, null, 1, null, null, 0, Map.of(), Map.of(), T0));
        rejects("got \"-x\"", () -> header("-x", 1, null, 1, null, null, 0, Map.of(), Map.of(), T0));
        rejects("got null", () -> header(null, 1, null, 1, null, null, 0, Map.of(), Map.of(), T0));
        rejects("model version must be at least 1, got 0", () -> header("m", 0, null, 1, null, null, 0, Map.of(), Map.of(), T0));
        rejects("parent version must be in [1, 2) for version 2, got 2", () -> header("m", 2, 2L, 1, null, null, 0, Map.of(), Map.of(), T0));
        rejects("got 0", () -> header("m", 2, 0L, 1, null, null, 0, Map.of(), Map.of(), T0));
        rejects("step must be positive milliseconds, got 0", () -> header("m", 1, null, 0, null, null, 0, Map.of(), Map.of(), T0));
        rejects("training range ends before it starts", () -> header("m", 1, null, 1, T1, T0, 0, Map.of(), Map.of(), T0));
        rejects("series count must not be negative, got -1", () -> header("m", 1, null, 1, null, null, -1, Map.of(), Map.of(), T0));
        rejects("metric nll must be finite, got NaN", () -> header("m", 1, null, 1, null, null, 0, Map.of("nll", Double.NaN), Map.of(), T0));
        rejects("metrics map is required", () -> header("m", 1, null, 1, null, null, 0, null, Map.of(), T0));
        rejects("config key must be non-blank", () -> header("m", 1, null, 1, null, null, 0, Map.of(), Map.of(" ", "v"), T0));
        Map<String, String> nullValue = new HashMap<>();
        nullValue.put("k", null);
        rejects("config value for k must not be null", () -> header("m", 1, null, 1, null, null, 0, Map.of(), nullValue, T0));
        rejects("createdAt is required", () -> header("m", 1, null, 1, null, null, 0, Map.of(), Map.of(), null));
        rejects("model spec is required", () -> new ModelHeader("m", 1, null, null, NORM, 1, null, null, 0, 1, Map.of(), Map.of(), T0));
        rejects("normalizer spec is required", () -> new ModelHeader("m", 1, null, SPEC, null, 1, null, null, 0, 1, Map.of(), Map.of(), T0));
    }

    @Test
    void shouldCopyMapsSortedAndUnmodifiable() {
        Map<String, String> config = new HashMap<>(Map.of("b", "2", "a", "1"));
        ModelHeader h = header("m", 1, null, 1, null, null, 0, Map.of(), config, T0);
        config.put("c", "3");

        assertEquals(List.of("a", "b"), List.copyOf(h.config().keySet()));
        assertThrows(UnsupportedOperationException.class, () -> h.config().put("d", "4"));
    }

    @Test
    void shouldRejectParametersThatDoNotFitTheSpec() {
        ModelHeader h = header("m", 1, null, 1, null, null, 0, Map.of(), Map.of(), T0);
        rejects("parameter array has 3 floats, spec ModelSpec[cell=LSTM, layers=1, inputSize=7, hidden=4, horizon=2] needs 212",
                () -> new ModelFile(h, new float[3]));

        float[] p = new float[212];
        p[200] = Float.POSITIVE_INFINITY;
        rejects("tensor head.w has non-finite value Infinity at index 8 (parameter 200)", () -> new ModelFile(h, p));
    }

    @Test
    void shouldRejectNonFiniteParametersBeforeWriting() {
        // The writer cannot be handed NaN weights: the ModelFile refuses them, so no file with them is published.
        ModelHeader h = header("m", 1, null, 1, null, null, 0, Map.of(), Map.of(), T0);
        float[] p = new float[212];
        p[0] = Float.NaN;
        rejects("tensor layer0.w has non-finite value NaN at index 0", () -> ModelWriter.write(new ModelFile(h, p)));
    }

    @Test
    void shouldRefuseToWriteAHeaderReadersWouldReject() {
        Map<String, String> huge = Map.of("blob", "x".repeat(FormatVersion.MAX_HEADER_BYTES));
        ModelHeader h = header("m", 1, null, 1, null, null, 0, Map.of(), huge, T0);

        rejects("the limit is 1048576", () -> ModelWriter.write(new ModelFile(h, new float[212])));
    }
}
