package org.forecaster.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.forecaster.core.wire.AnomalyRecord;
import org.forecaster.core.wire.AnomalyRecord.State;
import org.forecaster.core.wire.WireJson;
import org.junit.jupiter.api.Test;

/** Reading a record of the anomalies topic as a transition (no broker). */
class AlertForwarderTest {
    private static ConsumerRecord<String, byte[]> record(String key, String json) {
        return new ConsumerRecord<>("anomalies", 0, 42, key, json == null ? null : json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void shouldReadWhatTheModelServiceWrites() {
        AnomalyRecord written = new AnomalyRecord("cpu.a", Instant.parse("2024-05-01T12:00:00Z"), 97.3, 50, 40, 60, 0.99, State.OPEN, 3,
                "spike");
        ConsumerRecord<String, byte[]> r = new ConsumerRecord<>("anomalies", 0, 42, "cpu.a", WireJson.write(written));
        assertEquals(written, AlertForwarder.transition(r));
    }

    @Test
    void shouldTakeTheKeyAsTheSeriesWhenTheRecordHasNone() {
        AnomalyRecord t = AlertForwarder.transition(record("q.depth", "{\"ts\":\"2024-05-01T12:00:00Z\",\"state\":\"RESOLVED\"}"));
        assertEquals("q.depth", t.series());
        assertEquals(State.RESOLVED, t.state());
    }

    @Test
    void shouldRefuseRecordsThatAreNoTransitionWithAReason() {
        assertEquals("empty record", assertThrows(IllegalArgumentException.class, () -> AlertForwarder.transition(record("k", null)))
                .getMessage());
        assertThrows(IllegalArgumentException.class, () -> AlertForwarder.transition(record("k", "not json")));
        String noState = assertThrows(IllegalArgumentException.class,
                () -> AlertForwarder.transition(record("k", "{\"series\":\"s\",\"ts\":\"2024-05-01T12:00:00Z\"}"))).getMessage();
        assertTrue(noState.startsWith("an alert transition needs series, ts and state"), noState);
        assertThrows(IllegalArgumentException.class, () -> AlertForwarder.transition(record(null, "{\"state\":\"OPEN\",\"ts\":0}")));
    }
}
