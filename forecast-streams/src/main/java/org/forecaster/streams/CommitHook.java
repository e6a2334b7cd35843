package org.forecaster.streams;

import java.util.Map;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.internals.CacheFlushListener;
import org.apache.kafka.streams.state.internals.CachedStateStore;

/**
 * A state store that holds nothing and calls its {@link #onCommit} action when Kafka Streams flushes its task's
 * caches, which it does in {@code StreamTask.prepareCommit}: after the last processed record and before the
 * records are flushed to the broker and the consumed offsets are committed, and on every close (clean or dirty)
 * before the processors are closed. A processor writes what it holds back there (model-service's
 * {@code ForecastProcessor} its micro-batch, ingest-service's {@code SeriesWindowProcessor} its changed series'
 * state), so every record whose offset a commit covers has its state writes and outputs in that commit's
 * transaction (exactly-once), as with Kafka Streams' own record caches, which flush from the same call.
 *
 * <p>{@link CachedStateStore} is an internal interface of Kafka Streams (4.1.1, pinned by the Quarkus BOM):
 * {@code ForecastProcessorTest}, {@code ExactRecoveryIT}, {@code SeriesWindowProcessorTest} and
 * {@code IngestTopologyTest} fail if the call stops coming. Not changelogged.
 */
public final class CommitHook implements StateStore, CachedStateStore<Object, Object> {
    private final String name;
    private boolean open;
    private Runnable onCommit;

    private CommitHook(String name) {
        this.name = name;
    }

    /** Sets the action run at every commit of this store's task (the processor's batch flush); one per task. */
    public void onCommit(Runnable action) {
        this.onCommit = action;
    }

    @Override
    public void flushCache() {
        if (onCommit != null) {
            onCommit.run();
        }
    }

    @Override
    public boolean setFlushListener(CacheFlushListener<Object, Object> listener, boolean sendOldValues) {
        return false;
    }

    @Override
    public void clearCache() {}

    @Override
    public String name() {
        return name;
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        context.register(root, (key, value) -> {
            throw new IllegalStateException("the commit hook has no changelog to restore from");
        });
        open = true;
    }

    @Override
    public void flush() {}

    @Override
    public void close() {
        open = false;
        onCommit = null;
    }

    @Override
    public boolean persistent() {
        return false;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    /** Builds one hook per task, named {@code name}; logging and caching settings do not apply to it. */
    public static StoreBuilder<CommitHook> builder(String name) {
        return new StoreBuilder<>() {
            @Override
            public StoreBuilder<CommitHook> withCachingEnabled() {
                return this;
            }

            @Override
            public StoreBuilder<CommitHook> withCachingDisabled() {
                return this;
            }

            @Override
            public StoreBuilder<CommitHook> withLoggingEnabled(Map<String, String> config) {
                return this;
            }

            @Override
            public StoreBuilder<CommitHook> withLoggingDisabled() {
                return this;
            }

            @Override
            public CommitHook build() {
                return new CommitHook(name);
            }

            @Override
            public Map<String, String> logConfig() {
                return Map.of();
            }

            @Override
            public boolean loggingEnabled() {
                return false;
            }

            @Override
            public String name() {
                return name;
            }
        };
    }
}
