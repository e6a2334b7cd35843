package org.forecaster.ingest.topology;

/**
 * What the topology reports as it runs (metrics in the service, counters in tests). Called on stream
 * threads: implementations must be thread-safe and cheap. Under exactly-once a task that aborts and
 * reprocesses reports its records again, so these are processing counts, not committed counts.
 */
public interface IngestListener {
    /** An event passed validation and the lateness check and went into its window. */
    void accepted();

    /** An event went to the dead-letter topic; {@code reason} is the stable code in its header. */
    void deadLettered(String reason);

    /** A closed window was emitted as a point. */
    void windowEmitted();

    IngestListener NONE = new IngestListener() {
        @Override
        public void accepted() {}

        @Override
        public void deadLettered(String reason) {}

        @Override
        public void windowEmitted() {}
    };
}
