package org.forecaster.ingest.topology;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * Event time from the raw event's {@code ts} (epoch milliseconds or ISO-8601), read with a streaming scan
 * of the top-level fields (no tree). A record whose ts cannot be read keeps a valid timestamp (the
 * partition's time, else the record's own, else 0) so it reaches the parser and is dead-lettered with its
 * reason: a negative timestamp would make Kafka Streams drop it silently.
 */
public final class EventTimeExtractor implements TimestampExtractor {
    private static final JsonFactory JSON = new JsonFactory();

    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
        long ts = record.value() instanceof byte[] b ? eventTime(b) : -1;
        if (ts >= 0) {
            return ts;
        }
        return partitionTime >= 0 ? partitionTime : Math.max(record.timestamp(), 0);
    }

    /** The event's ts in epoch ms, or -1 when there is none that parses. */
    static long eventTime(byte[] json) {
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return -1;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                if ("ts".equals(name)) {
                    if (t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
                        return p.getLongValue();
                    }
                    return t == JsonToken.VALUE_STRING ? Instant.parse(p.getText()).toEpochMilli() : -1;
                }
                p.skipChildren();
            }
            return -1;
        } catch (IOException | DateTimeParseException | ArithmeticException e) {
            return -1;
        }
    }
}
