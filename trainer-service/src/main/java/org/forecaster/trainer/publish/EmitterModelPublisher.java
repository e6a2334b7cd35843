package org.forecaster.trainer.publish;

import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.forecaster.core.modelio.ModelSignature;
import org.forecaster.trainer.config.TrainerConfig;

/**
 * Publishes through SmallRye emitters on the {@code weights} and {@code evaluations} channels (topics,
 * serializers, idempotence and {@code max.request.size} in application.properties), waiting for each
 * record's acknowledgement so a run knows whether it was published.
 */
@ApplicationScoped
public class EmitterModelPublisher implements ModelPublisher {
    public static final String WEIGHTS_CHANNEL = "weights";
    public static final String EVALUATIONS_CHANNEL = "evaluations";

    private final Emitter<byte[]> weights;
    private final Emitter<byte[]> evaluations;
    private final Duration timeout;

    @Inject
    public EmitterModelPublisher(@Channel(WEIGHTS_CHANNEL) Emitter<byte[]> weights,
                                 @Channel(EVALUATIONS_CHANNEL) Emitter<byte[]> evaluations, TrainerConfig config) {
        this.weights = weights;
        this.evaluations = evaluations;
        this.timeout = config.publishTimeout();
    }

    @Override
    public void publishWeights(String modelName, byte[] bytes, ModelSignature signature) {
        RecordHeaders headers = new RecordHeaders();
        if (signature != null) {
            headers.add(ModelSignature.KEY_ID_HEADER, signature.keyIdBytes());
            headers.add(ModelSignature.SIGNATURE_HEADER, signature.signature());
        }
        send(weights, WEIGHTS_CHANNEL, modelName, bytes, headers);
    }

    @Override
    public void publishEvaluation(String modelName, byte[] json) {
        send(evaluations, EVALUATIONS_CHANNEL, modelName, json, new RecordHeaders());
    }

    private void send(Emitter<byte[]> emitter, String channel, String key, byte[] payload, RecordHeaders headers) {
        CompletableFuture<Void> acked = new CompletableFuture<>();
        Message<byte[]> message = Message.of(payload)
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(key).withHeaders(headers).build())
                .withAck(() -> {
                    acked.complete(null);
                    return CompletableFuture.completedFuture(null);
                })
                .withNack(e -> {
                    acked.completeExceptionally(e);
                    return CompletableFuture.completedFuture(null);
                });
        emitter.send(message);
        try {
            acked.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing on " + channel, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("broker refused the " + channel + " record of " + payload.length + " bytes: "
                    + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("no acknowledgement for the " + channel + " record within " + timeout, e);
        }
    }
}
