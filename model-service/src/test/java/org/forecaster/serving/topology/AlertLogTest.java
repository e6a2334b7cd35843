package org.forecaster.serving.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.forecaster.core.wire.AnomalyRecord;
import org.junit.jupiter.api.Test;

class AlertLogTest {
    private static AnomalyRecord alert(int i) {
        return new AnomalyRecord("k", Instant.parse("2024-01-01T00:00:00Z").plusSeconds(300L * i), i + 0.1, i, i - 1.5,
                i + 1.5, 0.99, i % 2 == 0 ? AnomalyRecord.State.OPEN : AnomalyRecord.State.RESOLVED, 3, "level-shift");
    }

    @Test
    void shouldKeepTheLastTransitionsOldestFirst() {
        byte[] log = null;
        for (int i = 0; i < AlertLog.CAPACITY + 5; i++) {
            log = AlertLog.append(log, alert(i));
        }
        List<AnomalyRecord> kept = AlertLog.read(log);
        assertEquals(AlertLog.CAPACITY, kept.size());
        assertEquals(alert(5), kept.get(0), "the five oldest were dropped");
        assertEquals(alert(AlertLog.CAPACITY + 4), kept.get(kept.size() - 1));
    }

    @Test
    void shouldReadNothingForAKeyWithoutALogAndRejectBytesThatAreNotOne() {
        assertEquals(List.of(), AlertLog.read(null));
        var e = assertThrows(IllegalArgumentException.class, () -> AlertLog.read("{\"x\":1}".getBytes(StandardCharsets.UTF_8)));
        assertEquals(true, e.getMessage().contains("AnomalyRecord[]"), e.getMessage());
    }
}
