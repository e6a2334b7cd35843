package org.forecaster.streams;

import java.time.Duration;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds Kafka Streams' close on SIGTERM, for both services' shutdown observers. The Quarkus extension closes the stream
 * without a timeout, and with the broker unreachable that close never ends: the stream thread waits in the producer's
 * flush for batches no broker takes, and the pod hangs in Terminating until the kubelet kills it at the grace period
 * (ShutdownWithoutBrokerIT in faults/).
 *
 * <p>Closed in time, the extension's own close afterwards returns at once. If not, a second close cannot help: Kafka
 * Streams makes it wait, without bound, for the first one's stuck thread. So in production the JVM halts with
 * {@link #EXIT_CLOSE_TIMED_OUT}, as SIGKILL would end it, only sooner. Exactly-once holds as after any crash: the open
 * transaction is never committed, the broker aborts it and the next instance fences this one's producer. In dev and
 * test mode it only logs, and the extension's close waits as before.
 */
public final class BoundedClose {
    /** The exit status when Kafka Streams did not close within the timeout (documented in the services' READMEs). */
    public static final int EXIT_CLOSE_TIMED_OUT = 3;
    private static final Logger LOG = LoggerFactory.getLogger(BoundedClose.class);

    private BoundedClose() {}

    /**
     * Closes {@code streams} within {@code timeout}; if it did not close, halts the JVM when {@code halt} (production),
     * else logs that the caller's close will wait ({@code mode} names the launch mode in that line).
     */
    public static void closeOrHalt(KafkaStreams streams, Duration timeout, boolean halt, String mode) {
        long start = System.nanoTime();
        if (streams.close(new KafkaStreams.CloseOptions().timeout(timeout))) {
            LOG.info("Kafka Streams closed in {} ms", (System.nanoTime() - start) / 1_000_000L);
            return;
        }
        if (!halt) {
            LOG.warn("Kafka Streams did not close within {} (is the broker reachable?); {} mode: waiting for it", timeout, mode);
            return;
        }
        LOG.error("Kafka Streams did not close within {} (is the broker reachable?): exiting with status {}; its open"
                + " transaction is abandoned, the broker aborts it", timeout, EXIT_CLOSE_TIMED_OUT);
        Runtime.getRuntime().halt(EXIT_CLOSE_TIMED_OUT);
    }
}
