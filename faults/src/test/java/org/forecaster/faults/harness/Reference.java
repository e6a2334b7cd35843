package org.forecaster.faults.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.forecaster.core.wire.Topics;

/** The comparison of a disturbed model-service run with the undisturbed reference run over the same points. */
public final class Reference {
    private Reference() {}

    /**
     * Waits for both runs to forecast all {@code expected} points and for the disturbed run's group to commit the end
     * of the input (nothing more can come), then asserts that its committed forecasts and alerts equal the reference's
     * byte for byte, by key and point time: none missing, none duplicated, none different. The reference must have
     * opened and resolved alerts, so the alert comparison is not vacuous.
     */
    public static void assertSameOutputs(Brokers broker, int expected, ServiceProcess reference, ServiceProcess... disturbed) {
        Map<String, byte[]> undisturbed = Outputs.byKeyAndTime(Services.awaitCommitted(broker, Services.REF + Topics.FORECASTS,
                expected, Duration.ofSeconds(120), reference), "observedTs");
        Services.awaitCommitted(broker, Topics.FORECASTS, expected, Duration.ofSeconds(120), disturbed);
        Services.awaitCaughtUp(broker, "model-service", Topics.POINTS, Duration.ofSeconds(60));
        assertEquals(expected, undisturbed.size(), "the reference forecast every point");
        Outputs.assertSameRecords("forecasts", undisturbed,
                Outputs.byKeyAndTime(KafkaIO.readCommitted(broker.bootstrap(), Topics.FORECASTS), "observedTs"));

        Map<String, byte[]> referenceAlerts = Outputs.byKeyAndTime(
                KafkaIO.readCommitted(broker.bootstrap(), Services.REF + Topics.ANOMALIES), "ts");
        assertTrue(referenceAlerts.values().stream().anyMatch(v -> Outputs.text(v).contains("\"OPEN\""))
                && referenceAlerts.values().stream().anyMatch(v -> Outputs.text(v).contains("\"RESOLVED\"")),
                "the injected spikes open and resolve alerts: " + referenceAlerts.keySet());
        Outputs.assertSameRecords("alerts", referenceAlerts,
                Outputs.byKeyAndTime(KafkaIO.readCommitted(broker.bootstrap(), Topics.ANOMALIES), "ts"));
        assertEquals(0, KafkaIO.countCommitted(broker.bootstrap(), Topics.DLQ), "nothing dead-lettered");
    }
}
