package org.forecaster.trainer.data;

import io.quarkus.logging.Log;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.forecaster.core.wire.PointReader;

/** Reads the look-back of {@code telemetry.points} (seek by record timestamp) into an assembler. */
public final class KafkaHistorySource implements HistorySource {
    private final TopicReader reader;
    private final String topic;
    private final Duration timeout;

    public KafkaHistorySource(TopicReader reader, String topic, Duration timeout) {
        this.reader = reader;
        this.topic = topic;
        this.timeout = timeout;
    }

    @Override
    public History read(Instant now, Duration lookBack, SeriesAssembler assembler) {
        AtomicLong malformed = new AtomicLong();
        long read = reader.read(topic, TopicReader.fromTimestamp(now.minus(lookBack).toEpochMilli(), timeout), r -> {
            try {
                assembler.add(PointReader.read(r.value()));
            } catch (IllegalArgumentException | NullPointerException e) {
                malformed.incrementAndGet();
                Log.debugf("skipping malformed point at %s-%d@%d: %s", r.topic(), r.partition(), r.offset(), e.getMessage());
            }
        }, timeout);
        if (malformed.get() > 0) {
            Log.warnf("skipped %d malformed records of %d on %s", malformed.get(), read, topic);
        }
        return assembler.build(read);
    }
}
