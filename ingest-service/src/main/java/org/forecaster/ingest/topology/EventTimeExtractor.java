package org.forecaster.ingest.topology;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.time.InstantSource;
import java.time.format.DateTimeParseException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;
import org.forecaster.core.wire.IsoInstants;
import org.forecaster.core.wire.PlainRawEventReader;
import org.forecaster.core.wire.RawEventParser;

/**
 * Event time from the raw event's {@code ts} (epoch milliseconds or ISO-8601), read with a streaming scan
 * of the top-level fields (no tree). A record whose ts cannot be read, or lies outside the accepted range
 * ({@code earliest} .. clock + {@code maxFutureSkew}, the parser's bounds), keeps a valid timestamp (the
 * partition's time, else the record's own, else 0) so it reaches the parser and is dead-lettered with its
 * reason: a negative timestamp would make Kafka Streams drop it silently, and a far-future one (say
 * {@code Long.MAX_VALUE} ms) would become the dead letter's timestamp, which the broker refuses (Kafka 4
 * brokers refuse CreateTime timestamps more than {@code message.timestamp.after.max.ms}, 1 h by default,
 * ahead), failing the task and shutting the whole stream down.
 */
public final class EventTimeExtractor implements TimestampExtractor {
    private static final JsonFactory JSON = new JsonFactory();

    private final long earliestMs;
    private final long maxFutureSkewMs;
    private final InstantSource clock;

    /** @param limits the parser's limits (earliest and future skew bound the accepted event times) */
    public EventTimeExtractor(RawEventParser.Limits limits, InstantSource clock) {
        this.earliestMs = limits.earliest().toEpochMilli();
        this.maxFutureSkewMs = limits.maxFutureSkew().toMillis();
        this.clock = clock;
    }

    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
        long ts = record.value() instanceof byte[] b ? eventTime(b) : -1;
        if (ts >= Math.max(earliestMs, 0) && ts - maxFutureSkewMs <= clock.millis()) {
            return ts;
        }
        return partitionTime >= 0 ? partitionTime : Math.max(record.timestamp(), 0);
    }

    /**
     * The event's ts in epoch ms, or -1 when there is none that parses. A plain event's is read straight from its bytes
     * ({@link PlainRawEventReader#eventTime}, several times cheaper); anything else by {@link #generalEventTime}.
     */
    static long eventTime(byte[] json) {
        long plain = PlainRawEventReader.eventTime(json);
        return plain != PlainRawEventReader.UNKNOWN ? plain : generalEventTime(json);
    }

    /** {@link #eventTime} by a streaming scan of the top-level fields: any JSON. */
    static long generalEventTime(byte[] json) {
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
                    return t == JsonToken.VALUE_STRING ? IsoInstants.parse(p.getText()).toEpochMilli() : -1;
                }
                p.skipChildren();
            }
            return -1;
        } catch (IOException | DateTimeParseException | ArithmeticException e) {
            return -1;
        }
    }
}
