package org.forecaster.faults.harness;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;

/**
 * A Kafka Streams application's consumer group seen from outside through the Admin client, as the scaling and
 * failover measurements watch it: who holds which input partition, when the group is stable, how far it has
 * committed (under exactly-once: forecast) its input.
 */
public final class StreamsGroup {
    private final Admin admin;
    private final String group;
    private final String input;

    /** {@code group} (the application id) reading {@code input}, watched through {@code admin} (not closed here). */
    public StreamsGroup(Admin admin, String group, String input) {
        this.admin = admin;
        this.group = group;
        this.input = input;
    }

    /** Which member (by client id) holds each input partition as an active task, in the group's current assignment. */
    public Map<TopicPartition, String> owners() throws Exception {
        Map<TopicPartition, String> out = new HashMap<>();
        for (MemberDescription m : describe().members()) {
            m.assignment().topicPartitions().stream().filter(tp -> tp.topic().equals(input))
                    .forEach(tp -> out.put(tp, m.clientId()));
        }
        return out;
    }

    public ConsumerGroupDescription describe() throws Exception {
        return admin.describeConsumerGroups(List.of(group)).all().get().get(group);
    }

    public int partitions() throws Exception {
        return admin.describeTopics(List.of(input)).allTopicNames().get().get(input).partitions().size();
    }

    /**
     * Until the group is stable with {@code members} members, every one of them active on at least one input
     * partition and every partition assigned: the work is spread over the instances there are. Fails at once if one
     * of {@code watched} dies.
     */
    public void awaitStable(int members, Duration timeout, Collection<ServiceProcess> watched) throws Exception {
        int partitions = partitions();
        String[] last = {""};
        Await.until("group " + group + " stable with " + members + " active members", timeout, () -> {
            watched.forEach(StreamsGroup::assertAlive);
            try {
                ConsumerGroupDescription g = describe();
                last[0] = g.groupState() + " " + g.members().stream().map(m -> m.clientId() + "=" + m.assignment().topicPartitions()).toList();
                return g.groupState() == GroupState.STABLE && g.members().size() == members
                        && g.members().stream().allMatch(m -> m.assignment().topicPartitions().stream().anyMatch(tp -> tp.topic().equals(input)))
                        && owners().size() == partitions;
            } catch (Exception e) {
                last[0] = e.toString();
                return false;
            }
        }, () -> ": " + last[0]);
    }

    /** Until the group has no members (after its last members stopped or their sessions expired). */
    public void awaitEmpty(Duration timeout) {
        String[] last = {""};
        Await.until("group " + group + " without members", timeout, () -> {
            try {
                ConsumerGroupDescription g = describe();
                last[0] = g.groupState() + " " + g.members().stream().map(MemberDescription::clientId).toList();
                return g.members().isEmpty();
            } catch (Exception e) {
                last[0] = e.toString();
                return false;
            }
        }, () -> ": " + last[0]);
    }

    /** The input's end offsets now. */
    public Map<TopicPartition, Long> endOffsets() throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        admin.describeTopics(List.of(input)).allTopicNames().get().get(input).partitions()
                .forEach(p -> latest.put(new TopicPartition(input, p.partition()), OffsetSpec.latest()));
        Map<TopicPartition, Long> out = new HashMap<>();
        admin.listOffsets(latest).all().get().forEach((tp, r) -> out.put(tp, r.offset()));
        return out;
    }

    /** The group's committed input offsets now (without waiting for open transactions; absent: none committed). */
    public Map<TopicPartition, Long> committed() throws Exception {
        Map<TopicPartition, Long> out = new HashMap<>();
        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get()
                .forEach((tp, o) -> { if (o != null && tp.topic().equals(input)) out.put(tp, o.offset()); });
        return out;
    }

    /** Until the group has committed (under exactly-once: forecast) every input partition up to {@code ends}. */
    public void awaitCommitted(Map<TopicPartition, Long> ends, Duration timeout, Collection<ServiceProcess> watched) {
        Map<TopicPartition, Long> behind = new HashMap<>();
        Await.until("group " + group + " to commit up to " + ends, timeout, () -> {
            watched.forEach(StreamsGroup::assertAlive);
            try {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
                behind.clear();
                ends.forEach((tp, end) -> {
                    OffsetAndMetadata c = committed.get(tp);
                    if (c == null || c.offset() < end) {
                        behind.put(tp, end - (c == null ? 0 : c.offset()));
                    }
                });
                return behind.isEmpty();
            } catch (Exception e) {
                return false;
            }
        }, () -> ": behind " + behind);
    }

    public static void assertAlive(ServiceProcess s) {
        if (!s.isAlive()) {
            throw new AssertionError(s + " died:\n" + Logs.tail(s.log(), 40));
        }
    }

    /** The input partition the default partitioner puts {@code key} on. */
    public static int partitionOf(String key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    /** Sleeps until {@code nanoTime}: a phase of steady load to measure, not a wait for a condition. */
    public static void sleepUntil(long nanoTime) throws InterruptedException {
        long wait = nanoTime - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(Duration.ofNanos(wait));
        }
    }
}
