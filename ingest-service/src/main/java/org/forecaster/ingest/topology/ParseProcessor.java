package org.forecaster.ingest.topology;

import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.forecaster.core.wire.RawEventParser;

/**
 * Validates each raw record with the shared {@link RawEventParser} and remembers where it came from.
 * Valid events are re-timestamped with their own {@code ts} (the extractor already read it; this keeps
 * the two in step even if the extractor had to fall back).
 */
final class ParseProcessor implements FixedKeyProcessor<String, byte[], Routed> {
    private final RawEventParser parser;
    private FixedKeyProcessorContext<String, Routed> context;

    ParseProcessor(RawEventParser parser) {
        this.parser = parser;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, Routed> context) {
        this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<String, byte[]> record) {
        RecordMetadata m = context.recordMetadata().orElse(null);
        String topic = m == null ? "" : m.topic();
        int partition = m == null ? -1 : m.partition();
        long offset = m == null ? -1 : m.offset();
        RawEventParser.Result r = parser.parse(record.value(), record.key());
        if (r.valid()) {
            context.forward(record.withValue(new Routed(r.event(), null, record.value(), topic, partition, offset))
                    .withTimestamp(r.event().ts().toEpochMilli()));
        } else {
            context.forward(record.withValue(new Routed(null, r.rejection(), record.value(), topic, partition, offset)));
        }
    }
}
