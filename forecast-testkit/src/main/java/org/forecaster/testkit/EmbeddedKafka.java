package org.forecaster.testkit;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.network.ListenerName;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A real single-node KRaft broker (combined broker + controller) inside the test JVM, on random loopback
 * ports, with every replication factor at 1 so transactions ({@code exactly_once_v2}) work. Ready in about
 * four seconds. Helpers produce, and consume to a deadline by polling (no sleeps).
 *
 * <p>{@link #startSecure()} starts it encrypted, authenticated and authorized instead: SASL_SSL for clients with a
 * throwaway CA made for the run, SASL on the controller listener, the
 * StandardAuthorizer with no access unless an ACL allows it, one SCRAM-SHA-512 user per service with a throwaway
 * password and the ACLs of {@link KafkaAcls}. The helpers then act as the super user {@value #ADMIN};
 * {@link #clientConfig(String)} gives a service's client settings.
 */
public final class EmbeddedKafka implements AutoCloseable {
    /** The super user of a secure broker: the broker itself (inter-broker and controller traffic) and test setup. */
    public static final String ADMIN = "admin";
    private static final String BROKER_LISTENER = "EXTERNAL";
    private static final String CONTROLLER_LISTENER = "CONTROLLER";

    private final KafkaClusterTestKit cluster;
    /** Security settings of the helpers' clients: empty on a plaintext broker, the super user's on a secure one. */
    private final Map<String, Object> helperSecurity;
    /** The throwaway CA clients of a secure broker trust (PEM); null on a plaintext broker. */
    private final String caPem;
    /** SCRAM password per service user; empty on a plaintext broker. */
    private final Map<String, String> passwords = new HashMap<>();

    private EmbeddedKafka(KafkaClusterTestKit cluster, Map<String, Object> helperSecurity, String caPem) {
        this.cluster = cluster;
        this.helperSecurity = Map.copyOf(helperSecurity);
        this.caPem = caPem;
    }

    /** Starts a broker with the defaults plus {@code brokerProps}. */
    public static EmbeddedKafka start(Map<String, String> brokerProps) {
        return new EmbeddedKafka(startCluster(brokerProps), Map.of(), null);
    }

    /**
     * Starts a broker that authenticates every client and authorizes every request: SCRAM-SHA-512 for the
     * services' users (created here, one per user of {@link KafkaAcls}, with random passwords) and their ACLs.
     *
     * <p>SCRAM credentials live in the cluster metadata, so the broker's own principal cannot be a SCRAM user
     * without writing it at format time, which {@link KafkaClusterTestKit#format()} does not offer. The super user
     * {@value #ADMIN} therefore uses SASL/PLAIN, its password in the listeners' JAAS settings (inter-broker traffic,
     * the controller listener, and the test's own setup); every service principal uses SCRAM, as under Strimzi.
     */
    public static EmbeddedKafka startSecure(Map<String, String> brokerProps) {
        String adminPassword = randomPassword();
        TestCertificates tls;
        try {
            tls = TestCertificates.create(Files.createTempDirectory("kafka-test-ca"), randomPassword());
        } catch (IOException e) {
            throw new IllegalStateException("could not create a directory for the test certificates", e);
        }
        String plainServer = "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + ADMIN
                + "\" password=\"" + adminPassword + "\" user_" + ADMIN + "=\"" + adminPassword + "\";";
        Map<String, String> props = new HashMap<>();
        // Set the protocols ourselves: the test kit's own SASL mode writes a JVM-wide JAAS file for PLAIN users.
        // Clients get TLS, as from Strimzi; the controller listener carries only the node's own traffic.
        props.put("listener.security.protocol.map", BROKER_LISTENER + ":SASL_SSL," + CONTROLLER_LISTENER + ":SASL_PLAINTEXT");
        props.put("listener.name.external.ssl.keystore.type", "PKCS12");
        props.put("listener.name.external.ssl.keystore.location", tls.brokerKeystore().toString());
        props.put("listener.name.external.ssl.keystore.password", tls.password());
        props.put("listener.name.external.ssl.truststore.type", "PEM"); // the broker's own inter-broker client
        props.put("listener.name.external.ssl.truststore.location", tls.caFile().toString());
        props.put("listener.name.external.sasl.enabled.mechanisms", "SCRAM-SHA-512,PLAIN");
        props.put("listener.name.external.scram-sha-512.sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        props.put("listener.name.external.plain.sasl.jaas.config", plainServer);
        props.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
        props.put("listener.name.controller.sasl.enabled.mechanisms", "PLAIN");
        props.put("listener.name.controller.plain.sasl.jaas.config", plainServer);
        props.put("sasl.mechanism.controller.protocol", "PLAIN");
        props.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        props.put("super.users", "User:" + ADMIN);
        props.put("allow.everyone.if.no.acl.found", "false");
        props.putAll(brokerProps);
        Map<String, Object> admin = Map.of(
                "security.protocol", "SASL_SSL",
                "ssl.truststore.type", "PEM",
                "ssl.truststore.certificates", tls.caPem(),
                "sasl.mechanism", "PLAIN",
                "sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + ADMIN
                        + "\" password=\"" + adminPassword + "\";");
        EmbeddedKafka kafka = new EmbeddedKafka(startCluster(props), admin, tls.caPem());
        try {
            kafka.createUsersAndAcls();
        } catch (RuntimeException e) {
            kafka.close();
            throw e;
        }
        return kafka;
    }

    public static EmbeddedKafka startSecure() {
        return startSecure(Map.of());
    }

    private static KafkaClusterTestKit startCluster(Map<String, String> brokerProps) {
        try {
            KafkaClusterTestKit.Builder b = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                    .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1)
                    .setBrokerListenerName(ListenerName.normalised(BROKER_LISTENER))
                    .setControllerListenerName(ListenerName.normalised(CONTROLLER_LISTENER)).build());
            Map<String, String> props = new HashMap<>();
            props.put("offsets.topic.replication.factor", "1");
            props.put("offsets.topic.num.partitions", "4");
            props.put("transaction.state.log.replication.factor", "1");
            props.put("transaction.state.log.min.isr", "1");
            props.put("transaction.state.log.num.partitions", "4");
            props.put("group.initial.rebalance.delay.ms", "0");
            props.put("default.replication.factor", "1");
            props.put("min.insync.replicas", "1");
            props.put("message.max.bytes", Integer.toString(16 * 1024 * 1024));
            // Keep every record whatever its timestamp. Tests write event-time data from the past (2024); with the
            // default 7-day time retention the broker's first retention pass (30 s after start-up) deleted whole
            // input partitions and parts of output topics under a running test, so a consumer that reset to
            // "earliest" after that point silently skipped everything (see ExactRecoveryIT).
            props.put("log.retention.ms", "-1");
            props.putAll(brokerProps);
            props.forEach(b::setConfigProp);
            KafkaClusterTestKit cluster = b.build();
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            return cluster;
        } catch (Exception e) {
            throw new IllegalStateException("could not start the embedded Kafka broker", e);
        }
    }

    /** Creates one SCRAM user per user of {@link KafkaAcls} and every ACL, and waits until the broker applies them. */
    private void createUsersAndAcls() {
        List<AclBinding> acls = new ArrayList<>();
        KafkaAcls.grants().forEach(g -> acls.addAll(g.bindings()));
        try (Admin admin = Admin.create(clientConfig())) {
            List<UserScramCredentialAlteration> users = new ArrayList<>();
            for (String user : KafkaAcls.users()) {
                String password = randomPassword();
                passwords.put(user, password);
                users.add(new UserScramCredentialUpsertion(user, new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), password));
            }
            admin.alterUserScramCredentials(users).all().get();
            admin.createAcls(acls).all().get();
            // Both are metadata records: the broker applies them shortly after the controller accepted them.
            await("the broker to apply the users and ACLs").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                    .until(() -> admin.describeAcls(AclBindingFilter.ANY).values().get().size() >= acls.size()
                            && admin.describeUserScramCredentials().all().get().size() >= users.size());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating Kafka users", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("could not create the Kafka users and ACLs", e);
        }
    }

    private static String randomPassword() {
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes); // no quotes or spaces: safe inside JAAS
    }

    /** Whether clients must authenticate ({@link #startSecure()}). */
    public boolean secure() {
        return !helperSecurity.isEmpty();
    }

    /** Settings of the test's own helper clients: bootstrap servers, plus the super user's credentials when secure. */
    public Map<String, Object> clientConfig() {
        Map<String, Object> config = new HashMap<>(helperSecurity);
        config.put("bootstrap.servers", bootstrapServers());
        return config;
    }

    /** The CA certificate (PEM) that a secure broker's certificate is signed with, made for this broker alone. */
    public String caCertificatePem() {
        return caPem;
    }

    /**
     * Client settings of a service user of a secure broker (a user of {@link KafkaAcls}), the same keys a service
     * gets on Kubernetes: bootstrap servers, SASL_SSL trusting the test CA (PEM), SCRAM-SHA-512 and its JAAS line.
     */
    public Map<String, Object> clientConfig(String user) {
        String password = passwords.get(user);
        if (password == null) {
            throw new IllegalArgumentException(secure() ? "no Kafka user " + user + " (users: " + passwords.keySet() + ")"
                    : "this broker is not secure: start it with startSecure()");
        }
        return Map.of("bootstrap.servers", bootstrapServers(),
                "security.protocol", "SASL_SSL",
                "ssl.truststore.type", "PEM",
                "ssl.truststore.certificates", caPem,
                "sasl.mechanism", "SCRAM-SHA-512",
                "sasl.jaas.config", scramJaasConfig(user, password));
    }

    /** The client JAAS line of a SCRAM user. */
    public static String scramJaasConfig(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user + "\" password=\""
                + password + "\";";
    }

    public static EmbeddedKafka start() {
        return start(Map.of());
    }

    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    /** Creates topics ({@code name -> partitions}) with optional configs; existing ones are left alone. */
    public void createTopics(Map<String, Integer> partitions, Map<String, Map<String, String>> configs) {
        try (Admin admin = Admin.create(clientConfig())) {
            List<NewTopic> topics = new ArrayList<>();
            partitions.forEach((name, p) -> topics.add(new NewTopic(name, p, (short) 1).configs(configs.getOrDefault(name, Map.of()))));
            for (var f : admin.createTopics(topics).values().values()) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("could not create topics " + partitions.keySet(), e);
        }
    }

    public void createTopics(String... names) {
        Map<String, Integer> m = new HashMap<>();
        for (String n : names) {
            m.put(n, 1);
        }
        createTopics(m, Map.of());
    }

    /** A producer of string keys and byte values (idempotent, acks=all); close it when done. */
    public KafkaProducer<String, byte[]> producer() {
        Properties p = new Properties();
        p.putAll(clientConfig());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(16 * 1024 * 1024));
        // One request in flight: tests send right after creating a topic, and with several in flight Kafka 4.1 can
        // accept a later batch on a partition whose leader is not yet applied while the first one is refused, then
        // refuse that one's retries as out of order until it expires (KAFKA-15591; MicroBatchIT lost its first send so).
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        return new KafkaProducer<>(p);
    }

    /** Sends records and waits until each is acknowledged. */
    public void send(Collection<ProducerRecord<String, byte[]>> records) {
        try (KafkaProducer<String, byte[]> producer = producer()) {
            List<java.util.concurrent.Future<?>> acks = new ArrayList<>();
            for (var r : records) {
                acks.add(producer.send(r));
            }
            for (var a : acks) {
                a.get();
            }
        } catch (Exception e) {
            throw new IllegalStateException("could not send " + records.size() + " records", e);
        }
    }

    public void send(String topic, String key, byte[] value, Header... headers) {
        send(List.of(new ProducerRecord<>(topic, null, key, value, List.of(headers))));
    }

    /**
     * Reads {@code topic} from the beginning until {@code done} holds for what was read or the deadline passes,
     * then returns everything read. {@code readCommitted} hides aborted transactional records.
     */
    public List<ConsumerRecord<String, byte[]>> consumeUntil(String topic, Predicate<List<ConsumerRecord<String, byte[]>>> done,
                                                             Duration timeout, boolean readCommitted) {
        Properties p = new Properties();
        p.putAll(clientConfig());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, readCommitted ? "read_committed" : "read_uncommitted");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p)) {
            c.subscribe(List.of(topic));
            while (!done.test(out) && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    /** Reads until at least {@code count} records arrived (read_committed) or the deadline passed. */
    public List<ConsumerRecord<String, byte[]>> consume(String topic, int count, Duration timeout) {
        return consumeUntil(topic, l -> l.size() >= count, timeout, true);
    }

    /** The value of a header as UTF-8, or null. */
    public static String header(ConsumerRecord<?, ?> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        try {
            cluster.close();
        } catch (Exception e) {
            throw new IllegalStateException("could not stop the embedded Kafka broker", e);
        }
    }
}
