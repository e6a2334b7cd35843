package org.forecaster.ingest.topology;

/**
 * How far one raw-topic partition's re-key task has got, sent to every partition of the re-key topic so that every
 * window task knows it (issue 16): Flink-style watermarks per raw partition. Travels as a {@link Routed} with key
 * {@link #KEY}; never becomes a point, a dead letter or an accepted event.
 *
 * @param partition  the raw partition
 * @param partitions how many partitions the re-key topic has, which is how many the raw topic has (the DSL creates
 *                   it with its source's count); 0 while the re-key task has not learned it yet
 * @param highWater  the largest event time (epoch ms) of the unkeyed events the task has forwarded,
 *                   {@link Long#MIN_VALUE} before the first
 * @param idle       the task has forwarded no unkeyed event for the idle-close time (since it started, if ever):
 *                   such a partition does not hold back the watermark
 */
record RawProgress(int partition, int partitions, long highWater, boolean idle) {
    /** Key of progress records: never a series id (ids have 1..256 characters). */
    static final String KEY = "";
}
