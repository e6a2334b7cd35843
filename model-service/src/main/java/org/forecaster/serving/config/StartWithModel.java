package org.forecaster.serving.config;

import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import jakarta.interceptor.Interceptor;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaClientSupplier;
import org.forecaster.serving.weights.ModelHolder;

/**
 * Keeps the stream out of the consumer group until a valid model is served (issue 17). A stream that joined without
 * one would take partitions it cannot forecast, stall them and, once its threads give up waiting
 * ({@code model-wait}), rebalance the group again and again, stalling the instances that do have a model.
 *
 * <p>The gate is the stream threads' main consumer: Kafka Streams subscribes it, on the stream thread, before its
 * first poll, and only a subscribed consumer joins the group. Its {@code subscribe} waits for the model, so the
 * application starts as usual (HTTP answers, readiness down with "no model loaded yet", the weights channel
 * consumes) and points queue on the topic meanwhile. A shutdown ends the wait. The clients are otherwise Kafka
 * Streams' default ones.
 */
@ApplicationScoped
public class StartWithModel {
    private static final Duration LOG_EVERY = Duration.ofSeconds(30);

    private volatile boolean stopping;

    @Produces
    @Singleton
    KafkaClientSupplier clients(ModelHolder holder, ServingConfig config) {
        boolean gated = config.awaitModelBeforeStart();
        return new KafkaClientSupplier() {
            @Override
            public Admin getAdmin(Map<String, Object> c) {
                return Admin.create(c);
            }

            @Override
            public Producer<byte[], byte[]> getProducer(Map<String, Object> c) {
                return new KafkaProducer<>(c, new ByteArraySerializer(), new ByteArraySerializer());
            }

            @Override
            public Consumer<byte[], byte[]> getConsumer(Map<String, Object> c) {
                return gated ? new GatedConsumer(c, holder) : plain(c);
            }

            @Override
            public Consumer<byte[], byte[]> getRestoreConsumer(Map<String, Object> c) {
                return plain(c);
            }

            @Override
            public Consumer<byte[], byte[]> getGlobalConsumer(Map<String, Object> c) {
                return plain(c);
            }
        };
    }

    /** Before the Kafka Streams extension closes the stream (default priority): ends any wait. */
    void onStop(@Observes @Priority(Interceptor.Priority.APPLICATION) ShutdownEvent event) {
        stopping = true;
    }

    private static KafkaConsumer<byte[], byte[]> plain(Map<String, Object> c) {
        return new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private final class GatedConsumer extends KafkaConsumer<byte[], byte[]> {
        private final ModelHolder holder;

        GatedConsumer(Map<String, Object> config, ModelHolder holder) {
            super(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            this.holder = holder;
        }

        @Override
        public void subscribe(Collection<String> topics, ConsumerRebalanceListener listener) {
            awaitModel();
            super.subscribe(topics, listener);
        }

        @Override
        public void subscribe(Pattern pattern, ConsumerRebalanceListener listener) {
            awaitModel();
            super.subscribe(pattern, listener);
        }

        private void awaitModel() {
            if (holder.isLoaded()) {
                return;
            }
            long start = System.nanoTime();
            long nextLog = start + LOG_EVERY.toNanos();
            Log.info("waiting for a valid model (bootstrap file or weights topic) before joining the consumer group");
            try {
                while (!stopping && holder.await(Duration.ofMillis(500)) == null) {
                    if (System.nanoTime() >= nextLog) {
                        nextLog += LOG_EVERY.toNanos();
                        Log.infof("still no valid model after %d s; the stream stays out of the consumer group",
                                (System.nanoTime() - start) / 1_000_000_000L);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (holder.isLoaded()) {
                Log.infof("model %s v%d served; joining the consumer group after %d ms", holder.current().header().name(),
                        holder.current().version(), (System.nanoTime() - start) / 1_000_000L);
            }
        }
    }
}
