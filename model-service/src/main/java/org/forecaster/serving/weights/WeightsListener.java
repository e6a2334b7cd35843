package org.forecaster.serving.weights;

import io.quarkus.logging.Log;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.forecaster.serving.config.Channels;

/**
 * Consumes every model version on the weights channel (each instance with its own group, from the earliest
 * offset, so a restarted instance finds the latest valid version again) and offers it to the {@link ModelHolder}.
 * Blocking: validation reads and checks the whole file, which is no work for the event loop.
 */
@ApplicationScoped
public class WeightsListener {
    private final ModelHolder holder;

    @Inject
    public WeightsListener(ModelHolder holder) {
        this.holder = holder;
    }

    @Incoming(Channels.WEIGHTS)
    @Blocking(ordered = true)
    public void onWeights(ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            Log.debugf("ignoring tombstone for model %s at offset %d", record.key(), record.offset());
            return;
        }
        ModelHolder.Verdict v = holder.offer(record.value());
        if (v.accepted()) {
            Log.infof("serving %s (%d bytes, %s-%d@%d)", v.message(), record.value().length, record.topic(),
                    record.partition(), record.offset());
        } else {
            Log.warnf("rejected weights at %s-%d@%d (key %s): %s: %s; still serving v%s", record.topic(), record.partition(),
                    record.offset(), record.key(), v.reason(), v.message(),
                    holder.current() == null ? "none" : holder.current().version());
        }
    }
}
