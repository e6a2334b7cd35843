package org.forecaster.ingest.topology;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.forecaster.core.wire.Topics;

/**
 * Turns a rejected event back into its original bytes with the reason, a message and the source
 * coordinates in headers ({@link Topics#DLQ_REASON} and friends), keeping the producer's own headers.
 */
final class DeadLetterProcessor implements FixedKeyProcessor<String, Routed, byte[]> {
    private final IngestListener listener;
    private FixedKeyProcessorContext<String, byte[]> context;

    DeadLetterProcessor(IngestListener listener) {
        this.listener = listener;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, byte[]> context) {
        this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<String, Routed> record) {
        Routed r = record.value();
        Headers h = new RecordHeaders(record.headers().toArray());
        h.remove(Topics.DLQ_REASON).remove(Topics.DLQ_MESSAGE).remove(Topics.DLQ_SOURCE_TOPIC)
                .remove(Topics.DLQ_SOURCE_PARTITION).remove(Topics.DLQ_SOURCE_OFFSET);
        h.add(Topics.DLQ_REASON, utf8(r.rejection().reason()))
                .add(Topics.DLQ_MESSAGE, utf8(r.rejection().message()))
                .add(Topics.DLQ_SOURCE_TOPIC, utf8(r.sourceTopic()))
                .add(Topics.DLQ_SOURCE_PARTITION, utf8(Integer.toString(r.sourcePartition())))
                .add(Topics.DLQ_SOURCE_OFFSET, utf8(Long.toString(r.sourceOffset())));
        listener.deadLettered(r.rejection().reason());
        context.forward(record.withValue(r.original()).withHeaders(h));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
