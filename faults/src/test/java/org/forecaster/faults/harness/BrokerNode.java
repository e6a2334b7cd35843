package org.forecaster.faults.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;

/**
 * One KRaft node (broker and controller in one process) as its own JVM from the Kafka jars on the test classpath,
 * with its own ports, configuration and log directory. It can be killed with SIGKILL or stopped with SIGTERM (a
 * controlled shutdown that hands its leaderships over first, as a rolling upgrade does) and started again on the
 * same ports and data.
 */
public final class BrokerNode implements AutoCloseable {
    private final int id;
    private final Path dir;
    private final int port;
    private final int controllerPort;
    private Process process;
    private int starts;

    /** A node with free ports; {@link #configure} writes its configuration. */
    BrokerNode(int id, Path dir) throws IOException {
        this.id = id;
        this.dir = dir;
        this.port = Ports.free();
        this.controllerPort = Ports.free();
        Files.createDirectories(dir);
    }

    /**
     * Writes {@code server.properties}: this node's identity, listeners and log directory, the controller quorum
     * {@code voters} ({@code id@host:port,...}) and {@code settings} (replication factors and the like).
     */
    void configure(String voters, String settings) throws IOException {
        Files.writeString(config(), """
                process.roles=broker,controller
                node.id=%d
                controller.quorum.voters=%s
                listeners=PLAINTEXT://127.0.0.1:%d,CONTROLLER://127.0.0.1:%d
                advertised.listeners=PLAINTEXT://127.0.0.1:%3$d
                controller.listener.names=CONTROLLER
                inter.broker.listener.name=PLAINTEXT
                listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
                log.dirs=%s
                num.partitions=1
                group.initial.rebalance.delay.ms=0
                message.max.bytes=67108864
                """.formatted(id, voters, port, controllerPort, dir.resolve("data")) + settings);
    }

    /** Formats the log directory for cluster {@code clusterId} (all nodes of a cluster share it). */
    void format(String clusterId) throws IOException, InterruptedException {
        awaitFormatted(startFormat(clusterId));
    }

    /** Starts formatting without waiting, so a cluster's nodes format side by side: {@link #awaitFormatted}. */
    Process startFormat(String clusterId) throws IOException {
        return new ProcessBuilder(Jvm.command(List.of("-Xmx256m"), "kafka.tools.StorageTool",
                "format", "-t", clusterId, "-c", config().toString()))
                .redirectErrorStream(true).redirectOutput(dir.resolve("format.log").toFile()).start();
    }

    /** Waits for {@link #startFormat}'s process; fails, naming its log, if it does not succeed within 60 s. */
    void awaitFormatted(Process format) throws InterruptedException {
        if (!format.waitFor(60, TimeUnit.SECONDS) || format.exitValue() != 0) {
            format.destroyForcibly();
            throw new IllegalStateException("formatting the storage of node " + id + " failed; see " + dir.resolve("format.log"));
        }
    }

    /** Starts the process without waiting: the nodes of a cluster must start together to form their quorum. */
    void launch() throws IOException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("node " + id + " is still running");
        }
        starts++;
        process = new ProcessBuilder(Jvm.command(List.of("-Xms128m", "-Xmx512m",
                "-Dlog4j2.configurationFile=" + Jvm.ROOT.resolve("deploy/local/log4j2.properties"),
                // SLF4J Simple (the test classpath's provider): INFO, so leader elections and fencing show in the log
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=info"), "kafka.Kafka",
                config().toString()))
                .redirectErrorStream(true).redirectOutput(log().toFile()).start();
    }

    /**
     * Waits until this node is a registered, unfenced broker of the cluster that {@code admin} talks to (so it takes
     * partitions and leaderships again).
     */
    void awaitRegistered(Admin admin, Duration timeout) {
        Await.until("node " + id + " on port " + port + " to join the cluster (log " + log() + ")", timeout, () -> {
            if (!process.isAlive()) {
                throw new AssertionError("node " + id + " exited with " + process.exitValue() + "; see " + log());
            }
            try {
                return admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).stream().anyMatch(n -> n.id() == id);
            } catch (Exception e) {
                return false;
            }
        });
    }

    /** Starts the node again on the same ports and data (after {@link #kill()} or {@link #stop()}), without waiting. */
    public void restart() throws IOException {
        launch();
    }

    /** SIGKILL: no controlled shutdown, open transactions and unflushed segments left as they are. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("node " + id + " did not die within 30 s of SIGKILL");
        }
    }

    /** SIGTERM and wait: the broker's controlled shutdown moves its leaderships to the other replicas first. */
    public void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("node " + id + " did not stop within 60 s of SIGTERM; see " + log());
        }
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    public int id() {
        return id;
    }

    public String address() {
        return "127.0.0.1:" + port;
    }

    String voter() {
        return id + "@127.0.0.1:" + controllerPort;
    }

    /** The log of the current (latest) start. */
    public Path log() {
        return dir.resolve("broker-" + starts + ".log");
    }

    private Path config() {
        return dir.resolve("server.properties");
    }

    @Override
    public void close() {
        Jvm.stop(process);
    }

    @Override
    public String toString() {
        return "node " + id + " (" + address() + (process == null ? "" : ", pid " + process.pid()) + ")";
    }
}
