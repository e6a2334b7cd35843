package org.forecaster.ingest.topology;

import org.forecaster.core.wire.RawEvent;
import org.forecaster.core.wire.RawEventParser.Rejection;

/**
 * A raw record on its way through the topology: the parsed event or why it was rejected, plus what a
 * dead letter needs (the original bytes and where they were read). Exactly one of {@code event},
 * {@code rejection} and {@code progress} is non-null; {@code progress} marks a raw partition's progress record
 * on the re-key topic ({@link RekeyProcessor}), which carries no event.
 */
record Routed(RawEvent event, Rejection rejection, byte[] original, String sourceTopic, int sourcePartition, long sourceOffset,
              RawProgress progress) {
    Routed(RawEvent event, Rejection rejection, byte[] original, String sourceTopic, int sourcePartition, long sourceOffset) {
        this(event, rejection, original, sourceTopic, sourcePartition, sourceOffset, null);
    }

    static Routed progress(RawProgress progress) {
        return new Routed(null, null, new byte[0], "", progress.partition(), -1, progress);
    }

    Routed rejected(String reason, String message) {
        return new Routed(null, new Rejection(reason, message), original, sourceTopic, sourcePartition, sourceOffset);
    }

    boolean valid() {
        return rejection == null;
    }
}
