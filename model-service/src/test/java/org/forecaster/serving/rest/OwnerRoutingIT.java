package org.forecaster.serving.rest;

import static io.restassured.RestAssured.get;
import static io.restassured.RestAssured.given;
import static org.forecaster.serving.TestModels.STEP;
import static org.forecaster.serving.TestModels.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.forecaster.core.kernel.KernelsProvider;
import org.forecaster.core.wire.Topics;
import org.forecaster.serving.Poll;
import org.forecaster.serving.TestModels;
import org.forecaster.serving.topology.ServingEvents;
import org.forecaster.serving.metrics.ServingMetrics;
import org.forecaster.serving.topology.ServingSpec;
import org.forecaster.serving.topology.ServingTopology;
import org.forecaster.serving.weights.ModelHolder;
import org.forecaster.testkit.EmbeddedKafka;
import org.forecaster.testkit.KafkaTestResource;
import org.forecaster.testkit.Management;
import org.junit.jupiter.api.Test;

/**
 * Two instances of the forecasting application in one group on a real in-process broker: the Quarkus service and
 * a second {@link KafkaStreams} over the same topology and application id, advertising its own
 * {@code application.server}. Requests for series the second one owns are redirected to its address; once it
 * leaves, the service takes its partitions over, restores their state from the changelog and serves the same
 * forecasts from its own store.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = true, initArgs = @ResourceArg(name = "topics",
        value = "telemetry.points:4,forecasts:1,anomalies:1,telemetry.dlq:1,model.weights:1"))
class OwnerRoutingIT {
    private static final int KEYS = 8, POINTS = 12;

    @Inject
    KafkaStreams streams;
    @Inject
    ServingSpec spec;
    @ConfigProperty(name = "quarkus.kafka-streams.application-id")
    String applicationId;

    @Test
    void shouldRedirectToTheOwnerAndServeTakenOverSeriesFromTheStore() throws Exception {
        EmbeddedKafka kafka = KafkaTestResource.broker();
        byte[] model = TestModels.modelBytes(1, 7);
        kafka.send(Topics.WEIGHTS, "forecaster", model);
        Poll.until(Duration.ofSeconds(60), "model v1 and a running stream", () -> get(Management.url("/q/health/ready")).statusCode() == 200);

        // The second instance advertises a port nobody listens on: the test checks where requests are sent, not
        // what is there, and never follows a redirect.
        HostInfo other = new HostInfo("localhost", freePort());
        Path stateDir = Files.createTempDirectory("owner-routing");
        KafkaStreams second = secondInstance(kafka.bootstrapServers(), other, stateDir, model);
        List<String> remote = new ArrayList<>(), local = new ArrayList<>();
        List<ConsumerRecord<String, byte[]>> forecasts;
        try {
            second.start();
            Poll.until(Duration.ofSeconds(60), "tasks on both instances", () -> second.state() == KafkaStreams.State.RUNNING
                    && streams.state() == KafkaStreams.State.RUNNING && activeTasks(second) > 0 && activeTasks(streams) > 0);

            List<ProducerRecord<String, byte[]>> points = new ArrayList<>();
            for (int k = 0; k < KEYS; k++) {
                for (int i = 0; i < POINTS; i++) {
                    points.add(new ProducerRecord<>(Topics.POINTS, null, T0.plusMillis(i * STEP).toEpochMilli(), "k" + k,
                            TestModels.pointJson("k" + k, i, (float) TestModels.value(k % 4, i))));
                }
            }
            kafka.send(points);
            forecasts = kafka.consume(Topics.FORECASTS, KEYS * POINTS, Duration.ofSeconds(90));
            assertEquals(KEYS * POINTS, forecasts.size());

            var secondStore = second.store(StoreQueryParameters.fromNameAndType(spec.storeName(), QueryableStoreTypes.<String, byte[]>keyValueStore()));
            for (int k = 0; k < KEYS; k++) {
                String key = "k" + k;
                HostInfo owner = second.queryMetadataForKey(spec.storeName(), key, Serdes.String().serializer()).activeHost();
                (owner.equals(other) ? remote : local).add(key);
            }
            assertFalse(remote.isEmpty(), "the second instance owns some series: " + local);
            assertFalse(local.isEmpty(), "the service owns some series: " + remote);

            for (String key : remote) {
                assertNotNull(secondStore.get(key), "the owner holds " + key);
                for (String path : List.of("forecast", "history", "state")) {
                    String target = "/api/v1/series/" + key + "/" + path;
                    Response r = given().redirects().follow(false).get(target);
                    assertEquals(307, r.statusCode(), target + ": " + r.asString());
                    assertEquals("http://" + other.host() + ":" + other.port() + target, r.header("Location"));
                    assertEquals(other.host() + ":" + other.port(), r.jsonPath().getString("owner"));
                }
            }
            for (String key : local) {
                byte[] served = given().redirects().follow(false).get("/api/v1/series/" + key + "/forecast")
                        .then().statusCode(200).extract().asByteArray();
                assertEquals(text(ModelServicePipelineIT.lastValueOf(forecasts, key)), text(served), key);
            }
            // The search asks the other owner too; this one has no HTTP server, so it is named unreachable and only
            // the service's own series are listed.
            var search = given().get("/api/v1/series/search?match=K").then().statusCode(200).extract().jsonPath();
            assertEquals(local.stream().sorted().toList(), search.getList("series", String.class));
            assertEquals(List.of(other.host() + ":" + other.port()), search.getList("unreachable", String.class));
        } finally {
            second.close(Duration.ofSeconds(30));
            second.cleanUp();
        }

        // The service takes the partitions over (after the second instance's session times out), restores their
        // state from the changelog and serves the forecasts the second instance made, from its own store.
        for (String key : remote) {
            String target = "/api/v1/series/" + key + "/forecast";
            Poll.until(Duration.ofSeconds(60), key + " served here", () -> given().redirects().follow(false).get(target).statusCode() == 200);
            assertEquals(text(ModelServicePipelineIT.lastValueOf(forecasts, key)),
                    text(given().redirects().follow(false).get(target).then().statusCode(200).extract().asByteArray()), key);
        }
        // Alone now, the service finds every series in its own store and asks no one.
        List<String> all = new ArrayList<>(local);
        all.addAll(remote);
        Poll.until(Duration.ofSeconds(30), "every series found here", () -> {
            Response r = given().get("/api/v1/series/search?match=k");
            return r.statusCode() == 200 && r.jsonPath().getList("series", String.class).equals(all.stream().sorted().toList())
                    && r.jsonPath().getList("unreachable").isEmpty();
        });
    }

    private KafkaStreams secondInstance(String bootstrap, HostInfo advertised, Path stateDir, byte[] model) {
        ServingMetrics metrics = new ServingMetrics(new SimpleMeterRegistry());
        ModelHolder holder = new ModelHolder(KernelsProvider.get(), metrics);
        assertEquals(true, holder.offer(model).accepted());
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(StreamsConfig.APPLICATION_SERVER_CONFIG, advertised.host() + ":" + advertised.port());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 6000);
        return new KafkaStreams(ServingTopology.build(spec, holder, metrics, ServingEvents.NONE), p);
    }

    private static int activeTasks(KafkaStreams s) {
        return s.metadataForLocalThreads().stream().mapToInt(t -> t.activeTasks().size()).sum();
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    private static int freePort() throws java.io.IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
