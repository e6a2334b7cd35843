package org.forecaster.faults.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;

/**
 * A single-node KRaft broker (broker and controller in one process) started as its own JVM from the Kafka jars on
 * the test classpath, configured as {@code bin/run-local} configures it. It can be killed with SIGKILL and started
 * again on the same ports and data directory, so tests can take the broker away under load.
 */
public final class BrokerProcess implements AutoCloseable {
    private final Path dir;
    private final int port;
    private final int controllerPort;
    private Process process;
    private int starts;

    private BrokerProcess(Path dir) throws IOException {
        this.dir = dir;
        this.port = Ports.free();
        this.controllerPort = Ports.free();
        Files.createDirectories(dir);
        Files.writeString(config(), """
                process.roles=broker,controller
                node.id=1
                controller.quorum.voters=1@127.0.0.1:%2$d
                listeners=PLAINTEXT://127.0.0.1:%1$d,CONTROLLER://127.0.0.1:%2$d
                advertised.listeners=PLAINTEXT://127.0.0.1:%1$d
                controller.listener.names=CONTROLLER
                listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
                log.dirs=%3$s
                num.partitions=1
                offsets.topic.replication.factor=1
                offsets.topic.num.partitions=4
                transaction.state.log.replication.factor=1
                transaction.state.log.min.isr=1
                transaction.state.log.num.partitions=4
                group.initial.rebalance.delay.ms=0
                message.max.bytes=67108864
                """.formatted(port, controllerPort, dir.resolve("data")));
    }

    /** Formats a fresh data directory under {@code dir}, starts the broker and waits until it answers. */
    public static BrokerProcess start(Path dir) throws IOException, InterruptedException {
        BrokerProcess broker = new BrokerProcess(dir);
        try {
            Process format = new ProcessBuilder(Jvm.command(List.of("-Xmx256m"), "kafka.tools.StorageTool",
                    "format", "-t", Uuid.randomUuid().toString(), "-c", broker.config().toString()))
                    .redirectErrorStream(true).redirectOutput(dir.resolve("format.log").toFile()).start();
            if (!format.waitFor(60, TimeUnit.SECONDS) || format.exitValue() != 0) {
                format.destroyForcibly();
                throw new IllegalStateException("formatting the broker storage failed; see " + dir.resolve("format.log"));
            }
            broker.startProcess();
            return broker;
        } catch (RuntimeException | IOException | InterruptedException e) {
            broker.close();
            throw e;
        }
    }

    /** Starts the broker again on the same ports and data directory (after {@link #kill()}) and waits for it. */
    public void restart() throws IOException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("the broker is still running");
        }
        startProcess();
    }

    private void startProcess() throws IOException {
        starts++;
        Path log = dir.resolve("broker-" + starts + ".log");
        process = new ProcessBuilder(Jvm.command(List.of("-Xms128m", "-Xmx512m",
                "-Dlog4j2.configurationFile=" + Jvm.ROOT.resolve("deploy/local/log4j2.properties")), "kafka.Kafka",
                config().toString()))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Await.until("the broker on port " + port + " to answer (log " + log + ")", Duration.ofSeconds(90), () -> {
            if (!process.isAlive()) {
                throw new AssertionError("the broker exited with " + process.exitValue() + "; see " + log);
            }
            try (Admin admin = admin()) {
                return !admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty();
            } catch (Exception e) {
                return false;
            }
        });
    }

    /** SIGKILL: no controlled shutdown, open transactions and unflushed segments left as they are. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the broker did not die within 30 s of SIGKILL");
        }
    }

    public String bootstrap() {
        return "127.0.0.1:" + port;
    }

    public Admin admin() {
        Map<String, Object> c = new HashMap<>();
        c.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        c.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        c.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000);
        return Admin.create(c);
    }

    /**
     * Creates {@code topic} with the partitions and configs that {@code deploy/topics.properties} gives {@code template}
     * (the production settings: LogAppendTime, retention, compaction of the weights topic).
     */
    public void createLike(String topic, String template) {
        TopicTemplates.Template t = TopicTemplates.get(template);
        createTopics(List.of(new NewTopic(topic, t.partitions(), (short) 1).configs(t.configs())));
    }

    /** Creates every topic of {@code deploy/topics.properties} under its own name. */
    public void createProductionTopics() {
        List<NewTopic> topics = new ArrayList<>();
        TopicTemplates.all().forEach((name, t) -> topics.add(new NewTopic(name, t.partitions(), (short) 1).configs(t.configs())));
        createTopics(topics);
    }

    private void createTopics(List<NewTopic> topics) {
        try (Admin admin = admin()) {
            admin.createTopics(topics).all().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("could not create topics " + topics + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private Path config() {
        return dir.resolve("server.properties");
    }

    @Override
    public void close() {
        if (process == null) {
            return;
        }
        process.destroy(); // a controlled shutdown when it can; SIGKILL if it takes too long
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
