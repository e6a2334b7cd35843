package org.forecaster.serving.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.kafka.streams.runtime.KafkaStreamsPropertiesUtil;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.eclipse.microprofile.config.spi.ConfigProviderResolver;
import org.junit.jupiter.api.Test;

/**
 * The failover settings (issue 21) as Kafka Streams receives them: application.properties under the prod profile plus
 * the environment a pod has, turned into Streams properties by the Quarkus extension's own code
 * ({@link KafkaStreamsPropertiesUtil}) and then into the main and restore consumers' configs by {@link StreamsConfig}.
 */
class StreamsFailoverConfigTest {
    private static final ClassLoader LOADER = StreamsFailoverConfigTest.class.getClassLoader();

    /** The Streams properties the extension builds from application.properties and {@code env} (environment variable names). */
    private static Properties streamsProperties(Map<String, String> env) throws IOException {
        SmallRyeConfig config = new SmallRyeConfigBuilder().withProfile("prod").withMapping(ServingConfig.class)
                .withConverter(Duration.class, 100, new DurationConverter())
                .withSources(new PropertiesConfigSource(LOADER.getResource("application.properties"), 250))
                .withSources(new EnvConfigSource(env, 300)).build();
        // ConfigProvider.getConfig() answers per context class loader: a loader of our own holds just this config.
        ClassLoader own = new URLClassLoader(new URL[0], LOADER);
        ConfigProviderResolver resolver = ConfigProviderResolver.instance();
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(own);
        resolver.registerConfig(config, own);
        try {
            Properties p = KafkaStreamsPropertiesUtil.appKafkaStreamsProperties();
            p.put(StreamsConfig.APPLICATION_ID_CONFIG, "model-service"); // set by the extension from quarkus.kafka-streams.*
            p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9092");
            return p;
        } finally {
            resolver.releaseConfig(config);
            thread.setContextClassLoader(previous);
        }
    }

    /** The main consumer's group.instance.id for stream thread 1, if any. */
    private static Optional<String> groupInstanceId(Properties streams) {
        return Optional.ofNullable((String) new StreamsConfig(streams).getMainConsumerConfigs("model-service", "c", 1)
                .get(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG));
    }

    @Test
    void shouldJoinAsAStaticMemberNamedAfterThePodWhenTheInstanceIdIsSet() throws IOException {
        Properties p = streamsProperties(Map.of("FORECAST_SERVING_GROUP_INSTANCE_ID", "model-service-2"));
        StreamsConfig streams = new StreamsConfig(p);
        // One static member per stream thread: Kafka Streams suffixes the thread index.
        assertEquals("model-service-2-1", streams.getMainConsumerConfigs("model-service", "c", 1).get(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG));
        assertEquals("model-service-2-2", streams.getMainConsumerConfigs("model-service", "c", 2).get(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG));
        // The restore consumer has no group; a static id there would be refused.
        assertFalse(streams.getRestoreConsumerConfigs("c").containsKey(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG));
    }

    @Test
    void shouldStayDynamicWithoutAnInstanceIdEvenWhenHostnameIsSet() throws IOException {
        // HOSTNAME exists in every container, also a Deployment's, whose names change on each restart.
        Properties p = streamsProperties(Map.of("HOSTNAME", "model-service-7d9f8-x2x4q"));
        assertFalse(p.containsKey("consumer." + ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), "no empty group.instance.id: " + p);
        assertEquals(Optional.empty(), groupInstanceId(p));
    }

    @Test
    void shouldUseTheTunedSessionTimeoutAndHeartbeat() throws IOException {
        Map<String, Object> consumer = new StreamsConfig(streamsProperties(Map.of())).getMainConsumerConfigs("model-service", "c", 1);
        int session = Integer.parseInt(String.valueOf(consumer.get(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG)));
        int heartbeat = Integer.parseInt(String.valueOf(consumer.get(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG)));
        // Not below the broker's default group.min.session.timeout.ms (6 s), which refuses shorter sessions.
        assertEquals(6000, session);
        assertTrue(heartbeat * 3 <= session, "heartbeat " + heartbeat + " ms must fit three times into the session " + session + " ms");
        assertEquals(60_000L, new StreamsConfig(streamsProperties(Map.of())).getLong(StreamsConfig.PROBING_REBALANCE_INTERVAL_MS_CONFIG));
    }

    @Test
    void shouldKeepKafkaStreamsExactlyOnceTransactionTimeoutByDefault() throws IOException {
        Map<String, Object> producer = new StreamsConfig(streamsProperties(Map.of())).getProducerConfigs("c");
        assertEquals("10000", String.valueOf(producer.get(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG)));
    }

    @Test
    void shouldTakeTheFastFailoverProfileFromTheEnvironment() throws IOException {
        // The opt-in profile of model-service/README.md, as its ConfigMap entries would set it (FailoverTimeIT: s1500).
        StreamsConfig streams = new StreamsConfig(streamsProperties(Map.of(
                "KAFKA_STREAMS_CONSUMER_SESSION_TIMEOUT_MS", "1500",
                "KAFKA_STREAMS_CONSUMER_HEARTBEAT_INTERVAL_MS", "500",
                "KAFKA_STREAMS_PRODUCER_TRANSACTION_TIMEOUT_MS", "1500")));
        Map<String, Object> consumer = streams.getMainConsumerConfigs("model-service", "c", 1);
        assertEquals("1500", String.valueOf(consumer.get(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG)));
        assertEquals("500", String.valueOf(consumer.get(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG)));
        assertEquals("1500", String.valueOf(streams.getProducerConfigs("c").get(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG)));
    }

    @Test
    void shouldTakeStandbyReplicasFromTheEnvironmentAsTheKubernetesConfigMapSetsThem() throws IOException {
        assertEquals(0, new StreamsConfig(streamsProperties(Map.of())).getInt(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG),
                "one local instance has nowhere to put a standby");
        assertEquals(1, new StreamsConfig(streamsProperties(Map.of("KAFKA_STREAMS_NUM_STANDBY_REPLICAS", "1")))
                .getInt(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG));
    }
}
