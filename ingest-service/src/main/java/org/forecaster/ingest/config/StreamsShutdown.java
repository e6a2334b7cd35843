package org.forecaster.ingest.config;

import io.quarkus.logging.Log;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import java.time.Duration;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Bounds Kafka Streams' close on SIGTERM. The Quarkus extension closes the stream without a timeout, and with the
 * broker unreachable that close never ends: the stream thread waits in the producer's flush for batches no broker
 * takes, and the pod hangs in Terminating until the kubelet kills it at the grace period (ShutdownWithoutBrokerIT in faults/).
 *
 * <p>This observer runs first (a lower priority than the extension's default) and closes the stream with
 * {@code forecast.ingest.streams-close-timeout}. Closed in time, the extension's own close returns at once. If not,
 * a second close cannot help: Kafka Streams makes it wait, without bound, for the first one's stuck thread. So in
 * production the JVM halts with {@link #EXIT_CLOSE_TIMED_OUT}, as SIGKILL would end it, only sooner. Exactly-once holds
 * as after any crash: the open transaction is never committed, the broker aborts it and the next instance fences
 * this one's producer. In dev and test mode it only logs, and the extension's close waits as before.
 */
@ApplicationScoped
public class StreamsShutdown {
    /** The exit status when Kafka Streams did not close within the timeout (documented in the README). */
    public static final int EXIT_CLOSE_TIMED_OUT = 3;

    private final KafkaStreams streams;
    private final Duration timeout;

    StreamsShutdown(KafkaStreams streams, IngestConfig config) {
        this.streams = streams;
        this.timeout = config.streamsCloseTimeout();
    }

    /** Before the extension's close (its observer has the default priority, APPLICATION + 500). */
    void onStop(@Observes @Priority(Interceptor.Priority.APPLICATION + 100) ShutdownEvent event) {
        long start = System.nanoTime();
        if (streams.close(new KafkaStreams.CloseOptions().timeout(timeout))) {
            Log.infof("Kafka Streams closed in %d ms", (System.nanoTime() - start) / 1_000_000L);
            return;
        }
        if (LaunchMode.current() != LaunchMode.NORMAL) {
            Log.warnf("Kafka Streams did not close within %s (is the broker reachable?); %s mode: waiting for it", timeout,
                    LaunchMode.current());
            return;
        }
        Log.errorf("Kafka Streams did not close within %s (is the broker reachable?): exiting with status %d; its open"
                + " transaction is abandoned, the broker aborts it", timeout, EXIT_CLOSE_TIMED_OUT);
        Runtime.getRuntime().halt(EXIT_CLOSE_TIMED_OUT);
    }
}
