package org.forecaster.faults.harness;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

/**
 * The Kafka the services of a fault test run against: one {@link BrokerProcess} or a {@link BrokerCluster} of
 * several. Topics are created with the production settings of {@code deploy/topics.properties} at the replication
 * factor the brokers can hold, and with {@code min.insync.replicas} one below it when replicated, so an
 * {@code acks=all} write survives the loss of any one broker and is refused rather than kept on a single copy.
 */
public interface Brokers extends AutoCloseable {
    /** The bootstrap list: every broker's address, so clients started while one is down still connect. */
    String bootstrap();

    /** The replication factor of every topic here (1 on a single broker). */
    int replicationFactor();

    default Admin admin() {
        Map<String, Object> c = new HashMap<>();
        c.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        c.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        c.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000);
        return Admin.create(c);
    }

    /**
     * Creates {@code topic} with the partitions and configs that {@code deploy/topics.properties} gives {@code template}
     * (the production settings: LogAppendTime, retention, compaction of the weights topic).
     */
    default void createLike(String topic, String template) {
        createTopics(List.of(newTopic(topic, TopicTemplates.get(template))));
    }

    /** Creates every topic of {@code deploy/topics.properties} under its own name. */
    default void createProductionTopics() {
        List<NewTopic> topics = new ArrayList<>();
        TopicTemplates.all().forEach((name, t) -> topics.add(newTopic(name, t)));
        createTopics(topics);
    }

    private NewTopic newTopic(String name, TopicTemplates.Template t) {
        Map<String, String> configs = new HashMap<>(t.configs());
        if (replicationFactor() > 1) {
            configs.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(replicationFactor() - 1));
        }
        return new NewTopic(name, t.partitions(), (short) replicationFactor()).configs(configs);
    }

    private void createTopics(List<NewTopic> topics) {
        try (Admin admin = admin()) {
            admin.createTopics(topics).all().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not create topics " + topics + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Stops every broker (a controlled shutdown where possible). */
    @Override
    void close();
}
