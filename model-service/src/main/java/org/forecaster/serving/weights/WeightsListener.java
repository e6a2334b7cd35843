package org.forecaster.serving.weights;

import io.quarkus.logging.Log;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.forecaster.core.modelio.ModelSignature;

/**
 * Consumes every model version on the weights channel (each instance with its own group, from the earliest
 * offset, so a restarted instance finds the latest valid version again) and offers it, with its record key and
 * signature headers, to the {@link ModelHolder}. Reading the whole history in order is what makes a fresh pod serve
 * the newest <em>valid</em> model: a bad newest record is rejected and the good one before it keeps serving, as long
 * as compaction has not removed it ({@code min.compaction.lag.ms} on {@code model.weights} keeps 7 days of history).
 * Blocking: validation reads and checks the whole file, which is no work for the event loop.
 *
 * <p>A record this instance has already judged is skipped: the group commits no offsets, so when the consumer
 * rejoins (after a broker outage, say) it reads the topic again from the start, and offering those versions again
 * would count and log every one of them as a "stale" rejection, a false alarm. (Found by the broker-outage fault
 * test, {@code faults/BrokerOutageIT}.)
 */
@ApplicationScoped
public class WeightsListener {
    private final ModelHolder holder;
    /** The highest offset judged per partition; only the single ordered worker touches it, the map is for safety. */
    private final Map<Integer, Long> judgedUpTo = new ConcurrentHashMap<>();

    @Inject
    public WeightsListener(ModelHolder holder) {
        this.holder = holder;
    }

    @Incoming(Channels.WEIGHTS)
    @Blocking(ordered = true)
    public void onWeights(ConsumerRecord<String, byte[]> record) {
        Long judged = judgedUpTo.get(record.partition());
        if (judged != null && record.offset() <= judged) {
            Log.debugf("skipping %s-%d@%d: already judged (read again after the consumer rejoined)", record.topic(),
                    record.partition(), record.offset());
            return;
        }
        judgedUpTo.put(record.partition(), record.offset());
        if (record.value() == null) {
            Log.debugf("ignoring tombstone for model %s at offset %d", record.key(), record.offset());
            return;
        }
        ModelHolder.Verdict v = holder.offer(record.key(), record.value(), signature(record.headers()));
        if (v.accepted()) {
            Log.infof("serving %s (%d bytes, %s-%d@%d)", v.message(), record.value().length, record.topic(),
                    record.partition(), record.offset());
        } else {
            Log.warnf("rejected weights at %s-%d@%d (key %s): %s: %s; still serving v%s", record.topic(), record.partition(),
                    record.offset(), record.key(), v.reason(), v.message(),
                    holder.current() == null ? "none" : holder.current().version());
        }
    }

    /** The record's signature, or null when unsigned; the last header wins if a producer repeated one. */
    static ModelSignature signature(Headers headers) {
        return ModelSignature.fromHeaders(value(headers.lastHeader(ModelSignature.KEY_ID_HEADER)),
                value(headers.lastHeader(ModelSignature.SIGNATURE_HEADER)));
    }

    private static byte[] value(Header h) {
        return h == null ? null : h.value();
    }
}
