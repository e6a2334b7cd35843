package org.forecaster.faults.harness;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.Uuid;

/**
 * A single-node KRaft broker (broker and controller in one process) started as its own JVM from the Kafka jars on
 * the test classpath, configured as {@code bin/run-local} configures it (every replication factor 1). It can be
 * killed with SIGKILL and started again on the same ports and data directory, so tests can take the broker away
 * under load. {@link BrokerCluster} is the replicated variant.
 */
public final class BrokerProcess implements Brokers {
    private static final Duration READY = Duration.ofSeconds(90);
    private final BrokerNode node;

    private BrokerProcess(BrokerNode node) {
        this.node = node;
    }

    /** Formats a fresh data directory under {@code dir}, starts the broker and waits until it answers. */
    public static BrokerProcess start(Path dir) throws IOException, InterruptedException {
        return start(dir, "");
    }

    /**
     * As {@link #start(Path)}, with {@code settings} ({@code server.properties} lines, such as a lower
     * {@code group.min.session.timeout.ms}) added to the configuration.
     */
    public static BrokerProcess start(Path dir, String settings) throws IOException, InterruptedException {
        BrokerProcess broker = new BrokerProcess(new BrokerNode(1, dir));
        try {
            broker.node.configure(broker.node.voter(), """
                    offsets.topic.replication.factor=1
                    offsets.topic.num.partitions=4
                    transaction.state.log.replication.factor=1
                    transaction.state.log.min.isr=1
                    transaction.state.log.num.partitions=4
                    """ + settings);
            broker.node.format(Uuid.randomUuid().toString());
            broker.node.launch();
            broker.awaitUp();
            return broker;
        } catch (RuntimeException | IOException | InterruptedException e) {
            broker.close();
            throw e;
        }
    }

    /** Starts the broker again on the same ports and data directory (after {@link #kill()}) and waits for it. */
    public void restart() throws IOException {
        node.restart();
        awaitUp();
    }

    private void awaitUp() {
        try (Admin admin = admin()) {
            node.awaitRegistered(admin, READY);
        }
    }

    /** SIGKILL: no controlled shutdown, open transactions and unflushed segments left as they are. */
    public void kill() throws InterruptedException {
        node.kill();
    }

    @Override
    public String bootstrap() {
        return node.address();
    }

    @Override
    public int replicationFactor() {
        return 1;
    }

    @Override
    public void close() {
        node.close();
    }
}
