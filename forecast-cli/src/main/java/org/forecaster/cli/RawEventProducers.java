package org.forecaster.cli;

import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** The producer settings of the commands that send raw events keyed by series id ({@code replay}, {@code scenario send}). */
public final class RawEventProducers {
    private RawEventProducers() {}

    /**
     * Acks from all replicas and idempotence, so per-key order survives retries; a send fails once the broker has not
     * acknowledged it for {@code timeout}.
     */
    public static Properties properties(String bootstrap, Duration timeout) {
        long timeoutMillis = timeout.toMillis();
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        KafkaSecurity.applyTo(p);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(timeoutMillis));
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(timeoutMillis));
        // Delivery must exceed request + linger.
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(Math.min(30_000, timeoutMillis / 2)));
        return p;
    }
}
