package org.forecaster.alerts;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.forecaster.core.wire.AnomalyRecord;
import org.forecaster.core.wire.WireJson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads alert transitions from the {@code anomalies} topic and posts them to Alertmanager, in topic order per
 * partition (so per series), committing a batch's offsets only after Alertmanager accepted (or refused with a 4xx)
 * every alert of the batch: after a crash or restart it resumes at the first transition not yet delivered, and the
 * at most one batch it may post again is harmless (Alertmanager keeps one alert per label set).
 *
 * <p>It assigns itself every partition of the topic (no group rebalancing: one instance runs, the Deployment
 * recreates rather than rolls) and commits under its group id. At start it rebuilds the open alerts from the topic's
 * beginning up to the committed offsets and re-posts them, then every {@code resend-interval}, because Alertmanager
 * resolves a firing alert whose {@code endsAt} has passed. Partitions added to the topic later are picked up at the
 * next re-post.
 *
 * <p>Threading: {@link #run} is the consuming thread and owns everything but the stop latch; {@link #stop} and
 * {@link #ready} may be called from any thread (a shutdown hook, the health endpoint).
 */
final class AlertForwarder implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(AlertForwarder.class);
    private static final Duration POLL = Duration.ofMillis(500);

    private final ForwarderConfig config;
    private final InstantSource clock;
    private final ForwarderMetrics metrics;
    private final Delivery delivery;
    private final OpenAlerts open;
    private final Consumer<AnomalyRecord> onDelivered;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);
    private KafkaConsumer<String, byte[]> consumer;
    private volatile boolean ready;
    private Set<TopicPartition> assigned = Set.of();
    private Instant nextResend = Instant.MIN;

    /**
     * @param onDelivered called on the consuming thread for each transition once its offset is committed (tests
     *                    count deliveries with it)
     */
    AlertForwarder(ForwarderConfig config, AlertSink sink, InstantSource clock, ForwarderMetrics metrics,
                   Consumer<AnomalyRecord> onDelivered) {
        this.config = config;
        this.clock = clock;
        this.metrics = metrics;
        this.open = new OpenAlerts(new AlertMapping(config));
        this.onDelivered = onDelivered;
        this.delivery = new Delivery(sink, config.retryInitial(), config.retryMax(), this::pause, metrics);
    }

    /** True once the open alerts are rebuilt and transitions are being forwarded. */
    boolean ready() {
        return ready;
    }

    @Override
    public void run() {
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(consumerProperties(config.groupId()))) {
            consumer = c;
            if (stopRequested.getCount() == 0) {
                return;
            }
            if (!assignPartitions()) {
                return;
            }
            ready = true;
            LOG.info("forwarding {} ({} partitions, group {}) to {}; {} alerts open", config.topic(), assigned.size(), config.groupId(),
                    config.alertmanagerAlerts(), open.size());
            while (stopRequested.getCount() > 0) {
                if (clock.instant().compareTo(nextResend) >= 0) {
                    resendOpenAlerts();
                }
                ConsumerRecords<String, byte[]> records = c.poll(POLL);
                if (!records.isEmpty() && !forward(records)) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            ready = false;
            finished.countDown();
        }
    }

    /** Asks {@link #run} to stop (it commits nothing undelivered) and waits up to {@code timeout} for it. */
    boolean stop(Duration timeout) throws InterruptedException {
        // No consumer.wakeup(): it would also abort the commit of a batch just delivered. A poll returns within POLL.
        stopRequested.countDown();
        return finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One batch: post its transitions in order, then commit its offsets. False when stopped before delivering. */
    private boolean forward(ConsumerRecords<String, byte[]> records) throws InterruptedException {
        Instant now = clock.instant();
        List<AlertmanagerAlert> alerts = new ArrayList<>();
        List<AnomalyRecord> transitions = new ArrayList<>();
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : records) {
            offsets.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
            AnomalyRecord t = decode(r);
            if (t != null) {
                alerts.addAll(open.apply(t, now));
                transitions.add(t);
            }
        }
        if (!delivery.deliver(alerts)) {
            return false;
        }
        if (!commit(offsets)) {
            return false;
        }
        metrics.countTransitions(transitions.size());
        metrics.openAlerts(open.size());
        transitions.forEach(onDelivered);
        return true;
    }

    /** Commits, retrying while the broker is unreachable; false when stopped first. */
    private boolean commit(Map<TopicPartition, OffsetAndMetadata> offsets) throws InterruptedException {
        Duration wait = config.retryInitial();
        while (true) {
            try {
                consumer.commitSync(offsets);
                return true;
            } catch (RetriableException e) {
                LOG.warn("could not commit offsets {} yet: {}", offsets, e.toString());
                if (!pause(wait)) {
                    return false;
                }
                wait = doubled(wait);
            }
        }
    }

    private Duration doubled(Duration wait) {
        Duration twice = wait.multipliedBy(2);
        return twice.compareTo(config.retryMax()) > 0 ? config.retryMax() : twice;
    }

    /** The transition in a record, or null (counted and logged) when the record is not one. */
    private AnomalyRecord decode(ConsumerRecord<String, byte[]> r) {
        try {
            return transition(r);
        } catch (IllegalArgumentException e) {
            metrics.countMalformed();
            LOG.warn("skipping {}-{}@{} (key {}): {}", r.topic(), r.partition(), r.offset(), r.key(), e.getMessage());
            return null;
        }
    }

    /** Reads a record as an alert transition; the Kafka key stands in for a missing series. */
    static AnomalyRecord transition(ConsumerRecord<String, byte[]> r) {
        if (r.value() == null) {
            throw new IllegalArgumentException("empty record");
        }
        AnomalyRecord t = WireJson.read(r.value(), AnomalyRecord.class);
        if (t.series() == null && r.key() != null) {
            t = new AnomalyRecord(r.key(), t.ts(), t.value(), t.expected(), t.lower(), t.upper(), t.score(), t.state(), t.modelVersion(),
                    t.reason());
        }
        if (t.series() == null || t.series().isBlank() || t.ts() == null || t.state() == null) {
            throw new IllegalArgumentException("an alert transition needs series, ts and state, got " + t);
        }
        return t;
    }

    /**
     * Assigns every partition of the topic, rebuilds the open alerts up to the committed offsets and positions the
     * consumer there; waits (with back-off) for the topic to exist and for Kafka to answer. False when stopped first.
     */
    private boolean assignPartitions() throws InterruptedException {
        Duration wait = config.retryInitial();
        while (true) {
            try {
                if (assignNewPartitions()) {
                    return true;
                }
                LOG.warn("topic {} does not exist yet; looking again in {}", config.topic(), wait);
            } catch (RetriableException e) {
                LOG.warn("Kafka at {} does not answer ({}); trying again in {}", config.bootstrapServers(), e.toString(), wait);
            }
            if (!pause(wait)) {
                return false;
            }
            wait = doubled(wait);
        }
    }

    /**
     * Assigns partitions not assigned yet (all at start; those added to the topic later), rebuilding their open alerts
     * and seeking to their committed offsets. False when the topic does not exist.
     *
     * @throws RetriableException when Kafka does not answer in time; the open alerts are then partly rebuilt, and
     *                            rebuilding again from the beginning gives the same (the latest transition per series wins)
     */
    private boolean assignNewPartitions() {
        Set<TopicPartition> partitions = new HashSet<>();
        List<PartitionInfo> infos = consumer.partitionsFor(config.topic(), config.requestTimeout());
        if (infos != null) {
            infos.forEach(i -> partitions.add(new TopicPartition(i.topic(), i.partition())));
        }
        if (partitions.isEmpty()) {
            return false;
        }
        Set<TopicPartition> added = new HashSet<>(partitions);
        added.removeAll(assigned);
        if (added.isEmpty()) {
            return true;
        }
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(added, config.requestTimeout());
        Map<TopicPartition, Long> delivered = new HashMap<>();
        committed.forEach((tp, om) -> {
            if (om != null && om.offset() > 0) {
                delivered.put(tp, om.offset());
            }
        });
        rebuildOpenAlerts(delivered);
        consumer.assign(partitions);
        for (TopicPartition tp : added) {
            if (delivered.containsKey(tp)) {
                consumer.seek(tp, delivered.get(tp));
            } else {
                consumer.seekToBeginning(List.of(tp)); // nothing delivered yet: every transition on the topic is due
            }
        }
        if (!assigned.isEmpty()) {
            LOG.info("topic {} grew to {} partitions; forwarding them too", config.topic(), partitions.size());
        }
        assigned = Set.copyOf(partitions);
        metrics.openAlerts(open.size());
        return true;
    }

    /** Replays the already delivered transitions ({@code [beginning, committed)} per partition) into the open alerts. */
    private void rebuildOpenAlerts(Map<TopicPartition, Long> delivered) {
        if (delivered.isEmpty()) {
            return;
        }
        Instant now = clock.instant();
        int read = 0;
        // No group: this reader only looks, the forwarding consumer's group position stays where it is.
        try (KafkaConsumer<String, byte[]> reader = new KafkaConsumer<>(consumerProperties(null))) {
            reader.assign(delivered.keySet());
            reader.seekToBeginning(delivered.keySet());
            Set<TopicPartition> pending = new HashSet<>(delivered.keySet());
            while (!pending.isEmpty() && stopRequested.getCount() > 0) {
                for (ConsumerRecord<String, byte[]> r : reader.poll(POLL)) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    if (r.offset() < delivered.get(tp)) {
                        try {
                            open.apply(transition(r), now);
                            read++;
                        } catch (IllegalArgumentException e) {
                            // counted and logged when it was forwarded
                        }
                    }
                }
                // Positions, not record offsets: transaction markers take offsets that no record has.
                pending.removeIf(tp -> reader.position(tp) >= delivered.get(tp));
            }
        }
        LOG.info("rebuilt the open alerts from {} delivered transitions: {} open", read, open.size());
    }

    /**
     * Posts every open alert again (Alertmanager expects firing alerts to be re-sent), then looks once for partitions
     * added to the topic. A Kafka outage must not stop the re-posts, or Alertmanager would resolve the open alerts.
     */
    private void resendOpenAlerts() {
        Instant now = clock.instant();
        nextResend = now.plus(config.resendInterval());
        List<AlertmanagerAlert> alerts = open.refreshed(now);
        if (!alerts.isEmpty()) {
            delivery.postOnce(alerts);
            metrics.countResend();
        }
        try {
            assignNewPartitions();
        } catch (RetriableException e) {
            LOG.debug("could not look for new partitions of {}: {}", config.topic(), e.toString());
        }
    }

    /** Waits unless stopping; false when the forwarder is stopping. */
    private boolean pause(Duration wait) throws InterruptedException {
        return !stopRequested.await(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    private Properties consumerProperties(String group) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.putAll(config.kafkaSecurity());
        if (group != null) {
            p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        }
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // The model service writes transitions in transactions (exactly_once_v2): aborted ones never happened.
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return p;
    }
}
