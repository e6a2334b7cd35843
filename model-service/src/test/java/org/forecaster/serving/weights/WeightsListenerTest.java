package org.forecaster.serving.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.forecaster.core.kernel.KernelsProvider;
import org.forecaster.serving.TestModels;
import org.forecaster.serving.metrics.ServingMetrics;
import org.junit.jupiter.api.Test;

class WeightsListenerTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ModelHolder holder = new ModelHolder(KernelsProvider.get(), new ServingMetrics(registry));
    private final WeightsListener listener = new WeightsListener(holder);

    private static ConsumerRecord<String, byte[]> at(long offset, byte[] value) {
        return new ConsumerRecord<>("model.weights", 0, offset, "forecaster", value);
    }

    private double rejected() {
        return registry.find("forecast.weights.rejected").counters().stream().mapToDouble(c -> c.count()).sum();
    }

    @Test
    void shouldNotRejectVersionsReadAgainAfterTheConsumerRejoinsFromTheStart() {
        byte[] v1 = TestModels.modelBytes(1, 7), v2 = TestModels.modelBytes(2, 8);
        listener.onWeights(at(0, v1));
        listener.onWeights(at(1, v2));
        // The group commits no offsets: a rejoin (broker outage, rebalance) delivers the topic again from offset 0.
        listener.onWeights(at(0, v1));
        listener.onWeights(at(1, v2));
        assertEquals(2, holder.current().version());
        assertEquals(0, rejected(), "a redelivered version is not a stale publication");
        assertEquals(2, registry.get("forecast.weights.accepted").counter().count());
    }

    @Test
    void shouldStillRejectAnOlderVersionPublishedAfterTheCurrentOne() {
        listener.onWeights(at(0, TestModels.modelBytes(2, 8)));
        listener.onWeights(at(1, TestModels.modelBytes(1, 7)));
        assertEquals(2, holder.current().version());
        assertEquals(1, registry.get("forecast.weights.rejected").tag("reason", "stale").counter().count());
    }
}
