package org.forecaster.serving.config;

import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import java.time.Duration;
import org.apache.kafka.streams.KafkaStreams;
import org.forecaster.streams.BoundedClose;

/**
 * Bounds Kafka Streams' close on SIGTERM to {@code forecast.serving.streams-close-timeout}: this observer runs before the Quarkus
 * extension's unbounded close, and in production halts the JVM with {@link BoundedClose#EXIT_CLOSE_TIMED_OUT} when
 * the stream does not close in time (a broker that is gone); {@link BoundedClose} says why.
 */
@ApplicationScoped
public class StreamsShutdown {
    private final KafkaStreams streams;
    private final Duration timeout;

    StreamsShutdown(KafkaStreams streams, ServingConfig config) {
        this.streams = streams;
        this.timeout = config.streamsCloseTimeout();
    }

    /**
     * Before the extension's close (its observer has the default priority, APPLICATION + 500) and after
     * {@link StartWithModel}'s (APPLICATION), which ends a stream thread's wait for a model.
     */
    void onStop(@Observes @Priority(Interceptor.Priority.APPLICATION + 100) ShutdownEvent event) {
        BoundedClose.closeOrHalt(streams, timeout, LaunchMode.current() == LaunchMode.NORMAL, LaunchMode.current().name());
    }
}
