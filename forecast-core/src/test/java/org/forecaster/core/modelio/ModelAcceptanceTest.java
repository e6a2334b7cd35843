package org.forecaster.core.modelio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.util.Map;
import org.forecaster.core.model.CellType;
import org.forecaster.core.model.ModelSpec;
import org.forecaster.core.model.NormalizerSpec;
import org.junit.jupiter.api.Test;

class ModelAcceptanceTest {
    private static final ModelSpec SMALL = new ModelSpec(CellType.LSTM, 1, 7, 32, 12);
    private final ModelAcceptance rules = ModelAcceptance.DEFAULT;

    private static ModelHeader header(ModelSpec spec, long version) {
        return new ModelHeader("forecaster", version, null, spec, NormalizerSpec.DEFAULT, 60_000, null, null, 1, 1,
                Map.of(), Map.of(), Instant.parse("2025-01-01T00:00:00Z"));
    }

    private static String reason(ModelAcceptance.Rejection r) {
        return r == null ? null : r.reason();
    }

    @Test
    void shouldAcceptAnOrdinaryNextVersion() {
        assertNull(rules.check("forecaster", header(SMALL, 8), 7L));
        assertNull(rules.check("forecaster", header(SMALL, 1), null));
        assertNull(rules.check(null, header(SMALL, 1), null), "no key to compare on the CLI");
    }

    @Test
    void shouldRejectAKeyThatIsNotTheModelName() {
        assertEquals("key-mismatch", reason(rules.check("other", header(SMALL, 8), 7L)));
    }

    @Test
    void shouldRejectTheOversizedModelOfTheIssue() {
        ModelAcceptance.Rejection r = rules.check("forecaster", header(new ModelSpec(CellType.LSTM, 8, 7, 500, 1024), 8), 7L);
        assertEquals("too-large", reason(r));
        assertEquals("too-large", reason(rules.check("forecaster", header(new ModelSpec(CellType.LSTM, 1, 7, 32, 257), 8), 7L)));
        assertEquals("too-large", reason(rules.check("forecaster", header(new ModelSpec(CellType.LSTM, 5, 7, 32, 12), 8), 7L)));
        assertEquals("too-large", reason(new ModelAcceptance(4, 1024, 256, 1000, 10).check("forecaster", header(SMALL, 8), 7L)));
    }

    @Test
    void shouldRejectVersionsNearLongMaxAndLargeJumps() {
        assertEquals("version-too-high", reason(rules.check("forecaster", header(SMALL, Long.MAX_VALUE), 7L)));
        assertEquals("version-too-high", reason(rules.check("forecaster", header(SMALL, Long.MAX_VALUE), null)));
        assertNull(rules.check("forecaster", header(SMALL, ModelAcceptance.MAX_VERSION), null));
        assertEquals("version-jump", reason(rules.check("forecaster", header(SMALL, 7 + 1_000_001), 7L)));
        assertNull(rules.check("forecaster", header(SMALL, 7 + 1_000_000), 7L));
    }
}
