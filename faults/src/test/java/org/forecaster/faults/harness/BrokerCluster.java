package org.forecaster.faults.harness;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;

/**
 * A KRaft cluster of three nodes, each broker and controller in its own JVM with its own ports and log directory,
 * configured as the production overlay configures Strimzi's: replication factor 3 and {@code min.insync.replicas=2}
 * for every topic, the offsets and transaction logs included. Any one node can be killed ({@code kill -9}) or stopped
 * and started again while the other two keep the quorum, every partition's leadership and {@code acks=all} writes.
 */
public final class BrokerCluster implements Brokers {
    public static final int SIZE = 3;
    private static final Duration READY = Duration.ofSeconds(120);

    private final List<BrokerNode> nodes;

    private BrokerCluster(List<BrokerNode> nodes) {
        this.nodes = nodes;
    }

    /**
     * Formats three fresh nodes under {@code dir} ({@code node-1} ...), starts them together and waits for all. The
     * controller fences a node that has not sent a heartbeat for 6 s (9 s by default), so a killed leader's partitions
     * move sooner; a live node sends a heartbeat every second (2 s by default), six in that time against four and a
     * half by default, so a late one does not get it fenced.
     */
    public static BrokerCluster start(Path dir) throws IOException, InterruptedException {
        List<BrokerNode> nodes = new ArrayList<>();
        for (int id = 1; id <= SIZE; id++) {
            nodes.add(new BrokerNode(id, dir.resolve("node-" + id)));
        }
        BrokerCluster cluster = new BrokerCluster(nodes);
        try {
            String voters = nodes.stream().map(BrokerNode::voter).collect(Collectors.joining(","));
            String clusterId = Uuid.randomUuid().toString();
            for (BrokerNode n : nodes) {
                n.configure(voters, """
                        default.replication.factor=3
                        min.insync.replicas=2
                        offsets.topic.replication.factor=3
                        offsets.topic.num.partitions=4
                        transaction.state.log.replication.factor=3
                        transaction.state.log.min.isr=2
                        transaction.state.log.num.partitions=4
                        broker.heartbeat.interval.ms=1000
                        broker.session.timeout.ms=6000
                        """);
            }
            // Side by side: each format is a JVM start, 5-15 s on a loaded machine.
            List<Process> formats = new ArrayList<>();
            for (BrokerNode n : nodes) {
                formats.add(n.startFormat(clusterId));
            }
            for (int i = 0; i < SIZE; i++) {
                nodes.get(i).awaitFormatted(formats.get(i));
            }
            for (BrokerNode n : nodes) {
                n.launch(); // together: no node is ready before a majority of the controllers has met
            }
            try (Admin admin = cluster.admin()) {
                for (BrokerNode n : nodes) {
                    n.awaitRegistered(admin, READY);
                }
            }
            return cluster;
        } catch (RuntimeException | IOException | InterruptedException e) {
            cluster.close();
            throw e;
        }
    }

    /** The node with this {@code node.id} (1 to 3). */
    public BrokerNode node(int id) {
        return nodes.stream().filter(n -> n.id() == id).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no node " + id + "; ids are 1 to " + SIZE));
    }

    public List<BrokerNode> nodes() {
        return List.copyOf(nodes);
    }

    /** Starts {@code node} again after a kill or stop and waits until it is an unfenced broker of the cluster again. */
    public void restart(BrokerNode node) throws IOException {
        node.restart();
        try (Admin admin = admin()) {
            node.awaitRegistered(admin, READY);
        }
    }

    /** The node leading the most partitions of {@code topic}: the one whose loss moves the most of its traffic. */
    public BrokerNode busiestLeaderOf(String topic) {
        Map<Integer, Long> ledPartitions = describe(List.of(topic)).get(topic).partitions().stream()
                .filter(p -> p.leader() != null)
                .collect(Collectors.groupingBy(p -> p.leader().id(), TreeMap::new, Collectors.counting()));
        return node(ledPartitions.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey());
    }

    /** The partitions of {@code topics} (by "topic-partition") that {@code nodeId} leads now. */
    public List<String> ledBy(int nodeId, List<String> topics) {
        List<String> led = new ArrayList<>();
        describe(topics).forEach((topic, d) -> d.partitions().stream()
                .filter(p -> p.leader() != null && p.leader().id() == nodeId)
                .forEach(p -> led.add(topic + "-" + p.partition())));
        return led;
    }

    /**
     * Waits until every partition of every topic (the internal offsets and transaction logs included) has all its
     * replicas in sync: what a rolling restart waits for before it takes the next broker down.
     */
    public void awaitFullyReplicated(Duration timeout) {
        List<String> behind = new ArrayList<>();
        Await.until("every partition to have all " + SIZE + " replicas in sync", timeout, () -> {
            behind.clear();
            try (Admin admin = admin()) {
                List<String> topics = new ArrayList<>(admin.listTopics(new ListTopicsOptions().listInternal(true)).names()
                        .get(10, TimeUnit.SECONDS));
                describe(admin, topics).forEach((topic, d) -> {
                    for (TopicPartitionInfo p : d.partitions()) {
                        if (p.isr().size() < p.replicas().size() || p.leader() == null) {
                            behind.add(topic + "-" + p.partition() + " isr " + p.isr().stream().map(n -> n.id()).toList());
                        }
                    }
                });
                return behind.isEmpty();
            } catch (Exception e) {
                behind.add(e.toString());
                return false;
            }
        }, () -> ": " + behind.stream().sorted().limit(10).toList());
    }

    /**
     * How {@code topic} is replicated, as "replicas=N min.insync.replicas=M" (N the smallest replica count of its
     * partitions, M its effective config), for checking that topics created by the services are replicated too.
     */
    public String replication(String topic) {
        int replicas = describe(List.of(topic)).get(topic).partitions().stream().mapToInt(p -> p.replicas().size()).min()
                .orElseThrow();
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        try (Admin admin = admin()) {
            String minIsr = admin.describeConfigs(List.of(resource)).all().get(20, TimeUnit.SECONDS).get(resource)
                    .get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG).value();
            return "replicas=" + replicas + " min.insync.replicas=" + minIsr;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (Exception e) {
            throw new IllegalStateException("could not describe the configs of " + topic + ": " + e, e);
        }
    }

    /** Every topic whose name starts with {@code prefix} (Kafka Streams names its internal topics after the application id). */
    public List<String> topicsStartingWith(String prefix) {
        try (Admin admin = admin()) {
            return admin.listTopics().names().get(20, TimeUnit.SECONDS).stream().filter(t -> t.startsWith(prefix)).sorted()
                    .toList();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (Exception e) {
            throw new IllegalStateException("could not list topics: " + e, e);
        }
    }

    /** The current description (leader, replicas, ISR per partition) of each of {@code topics}. */
    public Map<String, TopicDescription> describe(List<String> topics) {
        try (Admin admin = admin()) {
            return describe(admin, topics);
        }
    }

    private static Map<String, TopicDescription> describe(Admin admin, List<String> topics) {
        try {
            return admin.describeTopics(topics).allTopicNames().get(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (Exception e) {
            throw new IllegalStateException("could not describe " + topics + ": " + e, e);
        }
    }

    @Override
    public String bootstrap() {
        return nodes.stream().map(BrokerNode::address).collect(Collectors.joining(","));
    }

    @Override
    public int replicationFactor() {
        return SIZE;
    }

    /**
     * SIGKILL to every node: the test's data is thrown away, and a controlled shutdown of the last nodes would wait
     * for a controller quorum that the first ones to stop have taken away.
     */
    @Override
    public void close() {
        for (BrokerNode n : nodes) {
            try {
                if (n.isAlive()) {
                    n.kill();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
