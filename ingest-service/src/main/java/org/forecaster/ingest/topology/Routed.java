package org.forecaster.ingest.topology;

import org.forecaster.core.wire.RawEvent;
import org.forecaster.core.wire.RawEventParser.Rejection;

/**
 * A raw record on its way through the topology: the parsed event or why it was rejected, plus what a
 * dead letter needs (the original bytes and where they were read). Exactly one of {@code event} and
 * {@code rejection} is non-null.
 */
record Routed(RawEvent event, Rejection rejection, byte[] original, String sourceTopic, int sourcePartition, long sourceOffset) {
    Routed rejected(String reason, String message) {
        return new Routed(null, new Rejection(reason, message), original, sourceTopic, sourcePartition, sourceOffset);
    }

    boolean valid() {
        return rejection == null;
    }
}
