package org.forecaster.ingest.topology;

import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * Partitions the re-key topic: an event goes where the producer's default partitioner puts its series key (murmur2),
 * the same partition as the series' keyed records on the raw topic; a progress record goes to every partition
 * (multicast), so that every window task hears every raw partition. It also notes the topic's partition count, the
 * only place a Kafka Streams processor can learn it, for {@link RekeyProcessor}'s progress records.
 */
final class RekeyPartitioner implements StreamPartitioner<String, Routed> {
    private final AtomicInteger partitionCount = new AtomicInteger();

    @Override
    public Optional<Set<Integer>> partitions(String topic, String key, Routed value, int numPartitions) {
        partitionCount.set(numPartitions);
        if (value.progress() == null) {
            return Optional.empty();
        }
        return Optional.of(IntStream.range(0, numPartitions).boxed().collect(Collectors.toUnmodifiableSet()));
    }

    /** The re-key topic's partition count as of the last record sent, 0 before the first. */
    int partitionCount() {
        return partitionCount.get();
    }
}
