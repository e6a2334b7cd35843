package org.forecaster.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A real single-node KRaft broker (combined broker + controller) inside the test JVM, on random loopback
 * ports, with every replication factor at 1 so transactions ({@code exactly_once_v2}) work. Ready in about
 * four seconds. Helpers produce, and consume to a deadline by polling (no sleeps).
 */
public final class EmbeddedKafka implements AutoCloseable {
    private final KafkaClusterTestKit cluster;

    private EmbeddedKafka(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
    }

    /** Starts a broker with the defaults plus {@code brokerProps}. */
    public static EmbeddedKafka start(Map<String, String> brokerProps) {
        try {
            KafkaClusterTestKit.Builder b = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                    .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build());
            Map<String, String> props = new HashMap<>();
            props.put("offsets.topic.replication.factor", "1");
            props.put("offsets.topic.num.partitions", "4");
            props.put("transaction.state.log.replication.factor", "1");
            props.put("transaction.state.log.min.isr", "1");
            props.put("transaction.state.log.num.partitions", "4");
            props.put("group.initial.rebalance.delay.ms", "0");
            props.put("default.replication.factor", "1");
            props.put("min.insync.replicas", "1");
            props.put("message.max.bytes", Integer.toString(16 * 1024 * 1024));
            // Keep every record whatever its timestamp. Tests write event-time data from the past (2024); with the
            // default 7-day time retention the broker's first retention pass (30 s after start-up) deleted whole
            // input partitions and parts of output topics under a running test, so a consumer that reset to
            // "earliest" after that point silently skipped everything (see ExactRecoveryIT).
            props.put("log.retention.ms", "-1");
            props.putAll(brokerProps);
            props.forEach(b::setConfigProp);
            KafkaClusterTestKit cluster = b.build();
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            return new EmbeddedKafka(cluster);
        } catch (Exception e) {
            throw new IllegalStateException("could not start the embedded Kafka broker", e);
        }
    }

    public static EmbeddedKafka start() {
        return start(Map.of());
    }

    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    /** Creates topics ({@code name -> partitions}) with optional configs; existing ones are left alone. */
    public void createTopics(Map<String, Integer> partitions, Map<String, Map<String, String>> configs) {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers()))) {
            List<NewTopic> topics = new ArrayList<>();
            partitions.forEach((name, p) -> topics.add(new NewTopic(name, p, (short) 1).configs(configs.getOrDefault(name, Map.of()))));
            for (var f : admin.createTopics(topics).values().values()) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("could not create topics " + partitions.keySet(), e);
        }
    }

    public void createTopics(String... names) {
        Map<String, Integer> m = new HashMap<>();
        for (String n : names) {
            m.put(n, 1);
        }
        createTopics(m, Map.of());
    }

    /** A producer of string keys and byte values (idempotent, acks=all); close it when done. */
    public KafkaProducer<String, byte[]> producer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(16 * 1024 * 1024));
        return new KafkaProducer<>(p);
    }

    /** Sends records and waits until each is acknowledged. */
    public void send(Collection<ProducerRecord<String, byte[]>> records) {
        try (KafkaProducer<String, byte[]> producer = producer()) {
            List<java.util.concurrent.Future<?>> acks = new ArrayList<>();
            for (var r : records) {
                acks.add(producer.send(r));
            }
            for (var a : acks) {
                a.get();
            }
        } catch (Exception e) {
            throw new IllegalStateException("could not send " + records.size() + " records", e);
        }
    }

    public void send(String topic, String key, byte[] value, Header... headers) {
        send(List.of(new ProducerRecord<>(topic, null, key, value, List.of(headers))));
    }

    /**
     * Reads {@code topic} from the beginning until {@code done} holds for what was read or the deadline passes,
     * then returns everything read. {@code readCommitted} hides aborted transactional records.
     */
    public List<ConsumerRecord<String, byte[]>> consumeUntil(String topic, Predicate<List<ConsumerRecord<String, byte[]>>> done,
                                                             Duration timeout, boolean readCommitted) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, readCommitted ? "read_committed" : "read_uncommitted");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p)) {
            c.subscribe(List.of(topic));
            while (!done.test(out) && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    /** Reads until at least {@code count} records arrived (read_committed) or the deadline passed. */
    public List<ConsumerRecord<String, byte[]>> consume(String topic, int count, Duration timeout) {
        return consumeUntil(topic, l -> l.size() >= count, timeout, true);
    }

    /** The value of a header as UTF-8, or null. */
    public static String header(ConsumerRecord<?, ?> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        try {
            cluster.close();
        } catch (Exception e) {
            throw new IllegalStateException("could not stop the embedded Kafka broker", e);
        }
    }
}
