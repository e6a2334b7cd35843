package org.forecaster.ingest.rest;

import io.quarkus.logging.Log;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.forecaster.core.wire.RawEvent;
import org.forecaster.core.wire.RawEventParser;
import org.forecaster.core.wire.Topics;
import org.forecaster.ingest.config.IngestConfig;

/**
 * The HTTP endpoints' way to Kafka: good events to the raw topic (channel {@value #RAW_CHANNEL}) keyed by series
 * with the event time as record time, and, for remote-write, bad samples to the dead-letter topic (channel
 * {@value #DLQ_CHANNEL}) with the reason headers the stream's dead letters carry. Callers wait for the
 * acknowledgements with {@link #awaitAll}, so a request is answered only once Kafka has its records.
 */
@ApplicationScoped
public class RawEventSender {
    /** Emitter channel to the raw topic, mapped in application.properties. */
    public static final String RAW_CHANNEL = "raw-out";
    /** Emitter channel to the dead-letter topic, mapped in application.properties. */
    public static final String DLQ_CHANNEL = "dlq-out";

    private final Emitter<byte[]> raw;
    private final Emitter<byte[]> dlq;
    private final long sendTimeoutMillis;

    public RawEventSender(IngestConfig config,
                          @Channel(RAW_CHANNEL) @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 16384) Emitter<byte[]> raw,
                          @Channel(DLQ_CHANNEL) @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 16384) Emitter<byte[]> dlq) {
        this.raw = raw;
        this.dlq = dlq;
        this.sendTimeoutMillis = config.http().sendTimeout().toMillis();
    }

    /** Sends a valid event's bytes to the raw topic; completes when Kafka acknowledges. */
    CompletableFuture<Void> send(RawEvent event, byte[] bytes) {
        return emit(raw, bytes, OutgoingKafkaRecordMetadata.<String>builder().withKey(event.series()).withTimestamp(event.ts()).build());
    }

    /**
     * Sends a rejected event's bytes to the dead-letter topic with {@link Topics#DLQ_REASON} and
     * {@link Topics#DLQ_MESSAGE}. It never was on a topic, so it has no source coordinates; and its record time is
     * the producer's clock, since a bad event time (far future) is a timestamp the broker may refuse.
     */
    CompletableFuture<Void> deadLetter(String key, byte[] bytes, RawEventParser.Rejection rejection) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(Topics.DLQ_REASON, rejection.reason().getBytes(StandardCharsets.UTF_8));
        headers.add(Topics.DLQ_MESSAGE, rejection.message().getBytes(StandardCharsets.UTF_8));
        return emit(dlq, bytes, OutgoingKafkaRecordMetadata.<String>builder().withKey(key).withHeaders(headers).build());
    }

    /**
     * Waits up to the configured send timeout for every acknowledgement.
     *
     * @return false when Kafka failed or did not answer in time (logged once with the cause)
     */
    boolean awaitAll(List<CompletableFuture<Void>> acks) {
        try {
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(sendTimeoutMillis, TimeUnit.MILLISECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            Log.warnf(e, "interrupted while waiting for Kafka to acknowledge %d records", acks.size());
            return false;
        } catch (ExecutionException | TimeoutException e) {
            Log.warnf(e, "Kafka did not acknowledge %d records in time", acks.size());
            return false;
        }
    }

    private static CompletableFuture<Void> emit(Emitter<byte[]> emitter, byte[] bytes, OutgoingKafkaRecordMetadata<String> meta) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        emitter.send(Message.of(bytes, Metadata.of(meta), () -> {
            done.complete(null);
            return CompletableFuture.completedFuture(null);
        }, failure -> {
            done.completeExceptionally(failure);
            return CompletableFuture.completedFuture(null);
        }));
        return done;
    }
}
