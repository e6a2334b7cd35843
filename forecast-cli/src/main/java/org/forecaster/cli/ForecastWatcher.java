package org.forecaster.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.BitSet;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.record.TimestampType;
import org.forecaster.core.wire.WireJson;

/**
 * The consuming half of {@code load}: reads the forecasts topic (read_committed, from its end at the start of
 * the run), matches each forecast to the window of the schedule it answers, and records its latency.
 *
 * <p>All three latencies are in microseconds, for forecasts whose closing event was due after the warm-up:
 * <ul>
 *   <li>{@link #closeLatency}: from the closing event's due time to the consumer receiving the forecast;
 *   <li>{@link #eventLatency}: from the window's own event's due time (adds the wait for the next round);
 *   <li>{@link #appendLatency}: from the closing event's due time to the forecast's LogAppendTime (only when the
 *       topic stamps append time): the broker has the record, but the model service's transaction may still be open.
 * </ul>
 * Due times are schedule positions ({@link LoadSchedule#dueNanos}), not actual send times, so a sender that falls
 * behind its schedule shows up in the latencies instead of hiding them (no coordinated omission).
 *
 * <p>Threading: {@link #run} is the only writer of the histograms and the seen-set; the counters are read by the
 * sending thread while it runs, and everything else after {@link #stop} and a join.
 */
final class ForecastWatcher implements Runnable {
    static final long HIGHEST_MICROS = TimeUnit.HOURS.toMicros(1);

    private final KafkaConsumer<String, byte[]> consumer;
    private final LoadSchedule schedule;
    private final long totalEvents;
    private final long startNanos;
    private final long startEpochMillis;
    private final long warmupNanos;
    private final BitSet seen;
    private final Object progress = new Object();

    final Histogram closeLatency = new Histogram(HIGHEST_MICROS, 3);
    final Histogram eventLatency = new Histogram(HIGHEST_MICROS, 3);
    final Histogram appendLatency = new Histogram(HIGHEST_MICROS, 3);
    /** The close latencies since the last progress line. */
    final Recorder closeInterval = new Recorder(HIGHEST_MICROS, 3);

    private volatile boolean stopped;
    private volatile long received;
    private volatile long duplicates;
    private volatile long foreign;
    private volatile long unclosedBySchedule;
    private volatile long lastReceivedNanos;
    private volatile boolean appendTimes;
    private volatile Throwable failure;

    /**
     * @param consumer         positioned at the end of every partition of the forecasts topic; owned from now on
     * @param startNanos       {@link System#nanoTime} of event 0's due time
     * @param startEpochMillis wall clock at {@code startNanos}, to place broker timestamps on the same scale
     */
    ForecastWatcher(KafkaConsumer<String, byte[]> consumer, LoadSchedule schedule, long totalEvents, long startNanos,
                    long startEpochMillis, Duration warmup) {
        this.consumer = consumer;
        this.schedule = schedule;
        this.totalEvents = totalEvents;
        this.startNanos = startNanos;
        this.startEpochMillis = startEpochMillis;
        this.warmupNanos = warmup.toNanos();
        this.seen = new BitSet((int) Math.min(totalEvents, LoadSchedule.MAX_EVENTS));
    }

    @Override
    public void run() {
        try (consumer) {
            while (!stopped) {
                ConsumerRecords<String, byte[]> batch = consumer.poll(Duration.ofMillis(100));
                long now = System.nanoTime();
                for (ConsumerRecord<String, byte[]> r : batch) {
                    accept(r, now);
                }
                synchronized (progress) {
                    progress.notifyAll();
                }
            }
        } catch (WakeupException e) {
            if (!stopped) {
                failure = e;
            }
        } catch (RuntimeException e) {
            failure = e;
        }
    }

    private void accept(ConsumerRecord<String, byte[]> r, long now) {
        int s = schedule.seriesIndex(r.key());
        long windowStart = s < 0 ? Long.MIN_VALUE : observedMillis(r.value());
        long round = windowStart == Long.MIN_VALUE ? -1 : schedule.roundOfWindow(windowStart);
        long event = round < 0 ? -1 : schedule.eventOf(s, round);
        if (event < 0 || event >= totalEvents) {
            foreign++;
            return;
        }
        if (seen.get((int) event)) {
            duplicates++;
            return;
        }
        seen.set((int) event);
        received++;
        lastReceivedNanos = now;
        long closing = schedule.closingEvent(s, round);
        if (closing >= totalEvents) {
            unclosedBySchedule++; // something other than this run closed the window: no due time to measure from
            return;
        }
        long closeDue = schedule.dueNanos(closing);
        if (closeDue < warmupNanos) {
            return;
        }
        long closeMicros = micros(now - startNanos - closeDue);
        closeLatency.recordValue(closeMicros);
        closeInterval.recordValue(closeMicros);
        eventLatency.recordValue(micros(now - startNanos - schedule.dueNanos(event)));
        if (r.timestampType() == TimestampType.LOG_APPEND_TIME) {
            appendTimes = true;
            appendLatency.recordValue(micros((r.timestamp() - startEpochMillis) * 1_000_000 - closeDue));
        }
    }

    private static long micros(long nanos) {
        return Math.clamp(nanos / 1000, 0, HIGHEST_MICROS);
    }

    /**
     * The forecast's {@code observedTs} (its window's start) in epoch ms, read with a streaming parser that stops
     * at that field, or {@link Long#MIN_VALUE} when the value is not a forecast.
     */
    static long observedMillis(byte[] json) {
        if (json == null) {
            return Long.MIN_VALUE;
        }
        try (JsonParser p = WireJson.mapper().getFactory().createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return Long.MIN_VALUE;
            }
            for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                if ("observedTs".equals(name)) {
                    return switch (v) {
                        case VALUE_STRING -> Instant.parse(p.getText()).toEpochMilli();
                        case VALUE_NUMBER_INT -> p.getLongValue();
                        default -> Long.MIN_VALUE;
                    };
                }
                p.skipChildren();
            }
            return Long.MIN_VALUE;
        } catch (IOException | DateTimeParseException e) {
            return Long.MIN_VALUE;
        }
    }

    /** Waits until {@code expected} forecasts arrived or the deadline ({@link System#nanoTime}) passed. */
    boolean awaitReceived(long expected, long deadlineNanos) throws InterruptedException {
        synchronized (progress) {
            while (received < expected && failure == null) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(progress, left);
            }
        }
        return received >= expected;
    }

    void stop() {
        stopped = true;
        consumer.wakeup();
    }

    long received() {
        return received;
    }

    long duplicates() {
        return duplicates;
    }

    long foreign() {
        return foreign;
    }

    long unclosedBySchedule() {
        return unclosedBySchedule;
    }

    long lastReceivedNanos() {
        return lastReceivedNanos;
    }

    boolean sawAppendTimes() {
        return appendTimes;
    }

    Throwable failure() {
        return failure;
    }
}
