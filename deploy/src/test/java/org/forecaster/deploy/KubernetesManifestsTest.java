package org.forecaster.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Renders every overlay with {@code kubectl kustomize} (offline) and checks the result: each document parses
 * into a typed fabric8 object with no unknown fields (a misspelt key would otherwise be dropped silently by
 * the API server), every workload (Deployment or StatefulSet) has probes, resources and a locked-down security context, the
 * KafkaTopics match {@code deploy/topics.properties} (the file the local launcher creates topics from), and
 * every KEDA ScaledObject targets an existing workload with no more replicas than its topic has partitions (and the
 * workload leaves its replica count to KEDA), PodDisruptionBudgets let one pod go, the model service is a StatefulSet
 * with its state on volumes, spread over nodes, with static membership and standbys, alerts and the dashboard use only
 * metrics that exist, and
 * Kafka and the namespace are locked down: authenticated listeners only, a KafkaUser per service whose ACLs are
 * exactly {@code deploy/kafka-acls.txt} (the table the test kit's secure broker enforces), a default-deny
 * NetworkPolicy, and no service-account token in any pod.
 */
class KubernetesManifestsTest {
    private static final Path DEPLOY = Path.of(System.getProperty("user.dir"));
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    /** A Deployment or StatefulSet: what the checks of pods need from either. */
    record Workload(String kind, String name, Integer replicas, PodTemplateSpec template) {}

    static List<Workload> workloads(List<HasMetadata> docs) {
        List<Workload> out = new ArrayList<>();
        for (HasMetadata d : docs) {
            if (d instanceof Deployment dep) {
                out.add(new Workload("Deployment", dep.getMetadata().getName(), dep.getSpec().getReplicas(), dep.getSpec().getTemplate()));
            } else if (d instanceof StatefulSet sts) {
                out.add(new Workload("StatefulSet", sts.getMetadata().getName(), sts.getSpec().getReplicas(), sts.getSpec().getTemplate()));
            }
        }
        return out;
    }

    static Stream<String> overlays() throws IOException {
        try (Stream<Path> s = Files.list(DEPLOY.resolve("k8s/overlays"))) {
            return s.map(p -> p.getFileName().toString()).sorted().toList().stream();
        }
    }

    static List<HasMetadata> render(String overlay) throws Exception {
        Process p;
        try {
            p = new ProcessBuilder("kubectl", "kustomize", DEPLOY.resolve("k8s/overlays").resolve(overlay).toString())
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            fail("kubectl is needed to render the kustomize overlays (apt-get install kubectl): " + e.getMessage());
            return List.of();
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "kubectl kustomize timed out");
        assertEquals(0, p.exitValue(), "kubectl kustomize " + overlay + " failed:\n" + out);
        List<HasMetadata> docs = new ArrayList<>();
        for (String doc : out.split("(?m)^---$")) {
            if (doc.isBlank()) {
                continue;
            }
            Object parsed = SERIALIZATION.unmarshal(doc);
            assertTrue(parsed instanceof HasMetadata, "not a Kubernetes object:\n" + doc);
            docs.add((HasMetadata) parsed);
        }
        return docs;
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyDocumentIsTypedWithoutUnknownFields(String overlay) throws Exception {
        List<HasMetadata> docs = render(overlay);
        assertTrue(docs.size() > 20, "overlay " + overlay + " rendered only " + docs.size() + " documents");
        for (HasMetadata d : docs) {
            if (d instanceof GenericKubernetesResource g) {
                // Custom resources (Strimzi, KEDA, Prometheus operator) have no typed model here: check their kinds.
                assertTrue(Set.of("Kafka", "KafkaNodePool", "KafkaTopic", "KafkaUser", "ScaledObject", "ServiceMonitor", "TriggerAuthentication",
                                "PodMonitor", "PrometheusRule").contains(g.getKind()),
                        "unexpected untyped kind " + g.getKind() + " (a typo in apiVersion or kind?)");
                continue;
            }
            List<String> unknown = new ArrayList<>();
            collectUnknown(d, d.getKind() + "/" + d.getMetadata().getName(), unknown, new IdentityHashMap<>());
            assertEquals(List.of(), unknown, "unknown fields in " + overlay);
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void deploymentsHaveProbesResourcesAndALockedDownSecurityContext(String overlay) throws Exception {
        List<HasMetadata> docs = render(overlay);
        Map<String, ConfigMap> configMaps = new HashMap<>();
        docs.stream().filter(ConfigMap.class::isInstance).map(ConfigMap.class::cast).forEach(c -> configMaps.put(c.getMetadata().getName(), c));
        List<Workload> deployments = workloads(docs);
        assertEquals(Set.of("ingest-service", "model-service", "trainer-service", "alert-forwarder"),
                Set.copyOf(deployments.stream().map(Workload::name).toList()));
        // The forwarder runs no model code (no Vector API) and serves no API (no key).
        Set<String> runModelCode = Set.of("ingest-service", "model-service", "trainer-service");
        // Each API's key file (README, "API keys and scopes"), a key of its Secret mounted where the setting points.
        Map<String, List<String>> apiKeyFiles = Map.of("ingest-service", List.of("FORECAST_SECURITY_INGEST_KEYS_FILE", "forecaster-ingest-keys", "ingest.keys"),
                "trainer-service", List.of("FORECAST_SECURITY_OPERATE_KEYS_FILE", "forecaster-operate-keys", "operate.keys"),
                "model-service", List.of("FORECAST_SECURITY_READ_KEYS_FILE", "forecaster-read-keys", "read.keys"));
        for (Workload d : deployments) {
            String name = d.name();
            var pod = d.template().getSpec();
            assertEquals(Boolean.TRUE, pod.getSecurityContext().getRunAsNonRoot(), name + " runs as non-root");
            assertEquals("forecaster", d.template().getMetadata().getLabels().get("app.kubernetes.io/part-of"), name);
            for (Container c : pod.getContainers()) {
                assertNotNull(c.getReadinessProbe(), name + " readiness probe");
                assertEquals("/q/health/ready", c.getReadinessProbe().getHttpGet().getPath(), name);
                assertNotNull(c.getLivenessProbe(), name + " liveness probe");
                // Health lives on the management port only: a probe on http would get 404 and restart the pod forever.
                for (var probe : Stream.of(c.getStartupProbe(), c.getReadinessProbe(), c.getLivenessProbe()).filter(java.util.Objects::nonNull).toList()) {
                    assertEquals(MANAGEMENT, probe.getHttpGet().getPort().getStrVal(), name + " probes " + probe.getHttpGet().getPath());
                }
                assertFalse(c.getResources().getRequests().isEmpty(), name + " requests");
                assertTrue(c.getResources().getLimits().containsKey("memory"), name + " memory limit");
                assertEquals(Boolean.TRUE, c.getSecurityContext().getReadOnlyRootFilesystem(), name + " read-only root");
                assertEquals(Boolean.FALSE, c.getSecurityContext().getAllowPrivilegeEscalation(), name);
                String cm = c.getEnvFrom().get(0).getConfigMapRef().getName();
                assertTrue(configMaps.containsKey(cm), name + " refers to missing ConfigMap " + cm);
                if (runModelCode.contains(name)) {
                    assertTrue(configMaps.get(cm).getData().get("JDK_JAVA_OPTIONS").contains("--add-modules=jdk.incubator.vector"),
                            name + " must load the vector module");
                }
                List<String> keys = apiKeyFiles.get(name);
                if (keys != null) {
                    String setting = c.getEnv().stream().filter(e -> e.getName().equals(keys.get(0))).map(e -> e.getValue()).findFirst()
                            .orElseThrow(() -> new AssertionError(name + " sets no " + keys.get(0)));
                    assertEquals(setting, mountedSecretFile(d, c, keys.get(1), keys.get(2)),
                            name + " reads its API keys from the mounted Secret " + keys.get(1));
                }
            }
        }
        for (String single : List.of("trainer-service", "alert-forwarder")) {
            Deployment d = docs.stream().filter(Deployment.class::isInstance).map(Deployment.class::cast)
                    .filter(x -> x.getMetadata().getName().equals(single)).findFirst().orElseThrow();
            assertEquals("Recreate", d.getSpec().getStrategy().getType(), "one " + single + " at a time");
        }
    }

    /**
     * Model-service instances redirect a series' requests to its owner's {@code application.server}: that must be
     * the pod's own address and the port the container serves HTTP on, or redirects lead nowhere.
     */
    @ParameterizedTest
    @MethodSource("overlays")
    void modelServiceAdvertisesItsPodAddressForInteractiveQueries(String overlay) throws Exception {
        List<HasMetadata> docs = render(overlay);
        Workload d = workloads(docs).stream().filter(x -> x.name().equals("model-service")).findFirst().orElseThrow();
        Container c = d.template().getSpec().getContainers().get(0);
        var host = c.getEnv().stream().filter(e -> e.getName().equals("FORECAST_SERVING_ADVERTISED_HOST")).findFirst()
                .orElseThrow(() -> new AssertionError("model-service sets no FORECAST_SERVING_ADVERTISED_HOST"));
        assertEquals("status.podIP", host.getValueFrom().getFieldRef().getFieldPath());
        ConfigMap cm = docs.stream().filter(ConfigMap.class::isInstance).map(ConfigMap.class::cast)
                .filter(x -> x.getMetadata().getName().equals(c.getEnvFrom().get(0).getConfigMapRef().getName())).findFirst().orElseThrow();
        int httpPort = c.getPorts().stream().filter(p -> "http".equals(p.getName())).findFirst().orElseThrow().getContainerPort();
        assertEquals(String.valueOf(httpPort), cm.getData().get("QUARKUS_HTTP_PORT"),
                "application.server takes quarkus.http.port, which must be the container's http port");
    }

    private static final String MANAGEMENT = "management";

    /**
     * Issue 17: {@code /q/*} (health, metrics, the API document) is served on the management port, apart from the API.
     * Every workload names that port; the Quarkus services are told to listen on it; probes (above) and the
     * PodMonitor use it; no Service carries it, and the only NetworkPolicy that admits it is Prometheus', which admits
     * nothing else, while the API policies admit only the http port.
     */
    @ParameterizedTest
    @MethodSource("overlays")
    void managementPortIsForProbesAndPrometheusOnly(String overlay) throws Exception {
        List<HasMetadata> docs = render(overlay);
        Map<String, ConfigMap> configMaps = new HashMap<>();
        docs.stream().filter(ConfigMap.class::isInstance).map(ConfigMap.class::cast).forEach(c -> configMaps.put(c.getMetadata().getName(), c));
        Set<Integer> managementPorts = new java.util.HashSet<>();
        for (Workload w : workloads(docs)) {
            Container c = w.template().getSpec().getContainers().get(0);
            var management = c.getPorts().stream().filter(p -> MANAGEMENT.equals(p.getName())).findFirst()
                    .orElseThrow(() -> new AssertionError(w.name() + " names no " + MANAGEMENT + " container port"));
            managementPorts.add(management.getContainerPort());
            c.getPorts().stream().filter(p -> "http".equals(p.getName())).findFirst().ifPresent(http ->
                    assertFalse(http.getContainerPort().equals(management.getContainerPort()), w.name() + ": API and management share a port"));
            if (!w.name().equals("alert-forwarder")) { // plain Java, its FORECAST_ALERTS_HTTP_PORT serves health and metrics only
                Map<String, String> config = configMaps.get(c.getEnvFrom().get(0).getConfigMapRef().getName()).getData();
                assertEquals(String.valueOf(management.getContainerPort()), config.get("QUARKUS_MANAGEMENT_PORT"),
                        w.name() + ": Quarkus must listen for /q/* on the container's management port");
            }
        }

        GenericKubernetesResource scrape = kinds(docs, "PodMonitor").stream().filter(p -> p.getMetadata().getName().equals("forecaster"))
                .findFirst().orElseThrow(() -> new AssertionError(overlay + " has no PodMonitor forecaster"));
        Map<?, ?> spec = (Map<?, ?>) scrape.get("spec");
        Map<?, ?> expression = (Map<?, ?>) ((List<?>) ((Map<?, ?>) spec.get("selector")).get("matchExpressions")).get(0);
        assertEquals(Set.copyOf(SERVICES), Set.copyOf((List<?>) expression.get("values")), "every service is scraped");
        List<?> endpoints = (List<?>) spec.get("podMetricsEndpoints");
        assertEquals(1, endpoints.size());
        assertEquals(MANAGEMENT, ((Map<?, ?>) endpoints.get(0)).get("port"));
        assertEquals("/q/metrics", ((Map<?, ?>) endpoints.get(0)).get("path"));
        assertTrue(kinds(docs, "ServiceMonitor").isEmpty(), "a ServiceMonitor would need the management port on a Service");

        for (Service svc : docs.stream().filter(Service.class::isInstance).map(Service.class::cast).toList()) {
            for (var p : svc.getSpec().getPorts()) {
                // By name: a number could not tell the forwarder's management 8080 from the others' http 8080.
                assertEquals("http", p.getTargetPort().getStrVal(), svc.getMetadata().getName() + " port " + p.getName() + " targets the API only");
            }
        }
        assertTrue(docs.stream().filter(io.fabric8.kubernetes.api.model.networking.v1.Ingress.class::isInstance)
                .map(io.fabric8.kubernetes.api.model.networking.v1.Ingress.class::cast)
                .flatMap(i -> i.getSpec().getRules().stream()).flatMap(r -> r.getHttp().getPaths().stream())
                .noneMatch(path -> MANAGEMENT.equals(path.getBackend().getService().getPort().getName())), "an Ingress routes to the management port");

        List<NetworkPolicy> policies = docs.stream().filter(NetworkPolicy.class::isInstance).map(NetworkPolicy.class::cast).toList();
        for (NetworkPolicy p : policies) {
            for (var rule : p.getSpec().getIngress()) {
                List<String> ports = rule.getPorts().stream().map(x -> x.getPort().getStrVal() != null ? x.getPort().getStrVal()
                        : String.valueOf(x.getPort().getIntVal())).toList();
                boolean admitsManagement = ports.contains(MANAGEMENT) || ports.isEmpty()
                        || ports.stream().anyMatch(x -> managementPorts.contains(Integer.valueOf(x.matches("\\d+") ? x : "-1")));
                boolean selectsServices = p.getSpec().getPodSelector().getMatchExpressions().stream().anyMatch(e -> e.getValues().stream().anyMatch(SERVICES::contains))
                        || SERVICES.stream().anyMatch(x -> x.equals(p.getSpec().getPodSelector().getMatchLabels().get("app")));
                if (admitsManagement && selectsServices) {
                    assertEquals("prometheus-scrape", p.getMetadata().getName(), p.getMetadata().getName() + " admits " + ports + " to the management port");
                }
            }
        }
        NetworkPolicy prometheus = policies.stream().filter(p -> p.getMetadata().getName().equals("prometheus-scrape")).findFirst().orElseThrow();
        assertEquals(List.of(MANAGEMENT), prometheus.getSpec().getIngress().get(0).getPorts().stream().map(x -> x.getPort().getStrVal()).toList(),
                "Prometheus scrapes the management port and nothing else");
        assertEquals("monitoring", prometheus.getSpec().getIngress().get(0).getFrom().get(0).getNamespaceSelector().getMatchLabels()
                .get("kubernetes.io/metadata.name"));
        for (String api : List.of("ingest-public", "model-service-api", "trainer-service-api")) {
            NetworkPolicy p = policies.stream().filter(x -> x.getMetadata().getName().equals(api)).findFirst().orElseThrow();
            assertEquals(List.of("http"), p.getSpec().getIngress().get(0).getPorts().stream().map(x -> x.getPort().getStrVal()).toList(),
                    api + " admits the API port only");
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void topicsAgreeWithTopicsPropertiesAndKedaTargetsExist(String overlay) throws Exception {
        List<HasMetadata> docs = render(overlay);
        Map<String, Integer> expected = new HashMap<>();
        Map<String, Map<String, String>> expectedConfigs = new HashMap<>();
        for (String line : Files.readAllLines(DEPLOY.resolve("topics.properties"))) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] nameRest = line.split("=", 2);
            String[] parts = nameRest[1].split(";");
            expected.put(nameRest[0].strip(), Integer.parseInt(parts[0].strip()));
            Map<String, String> configs = new HashMap<>();
            for (int i = 1; i < parts.length; i++) {
                String[] kv = parts[i].split("=", 2);
                configs.put(kv[0].strip(), kv[1].strip());
            }
            expectedConfigs.put(nameRest[0].strip(), configs);
        }
        Map<String, Integer> topics = new HashMap<>();
        Map<String, Map<String, String>> topicConfigs = new HashMap<>();
        Map<String, String> deployments = new HashMap<>(); // workload name -> kind
        workloads(docs).forEach(w -> deployments.put(w.name(), w.kind()));
        List<GenericKubernetesResource> scaled = new ArrayList<>();
        for (HasMetadata d : docs) {
            if (d instanceof GenericKubernetesResource g && g.getKind().equals("KafkaTopic")) {
                Map<String, Object> spec = g.get("spec");
                topics.put((String) spec.get("topicName"), ((Number) spec.get("partitions")).intValue());
                Map<String, String> configs = new HashMap<>();
                ((Map<?, ?>) spec.get("config")).forEach((k, v) -> configs.put((String) k, String.valueOf(v)));
                topicConfigs.put((String) spec.get("topicName"), configs);
            } else if (d instanceof GenericKubernetesResource g && g.getKind().equals("ScaledObject")) {
                scaled.add(g);
            }
        }
        assertEquals(expected, topics, "KafkaTopics vs deploy/topics.properties");
        assertEquals(expectedConfigs, topicConfigs, "KafkaTopic configs vs deploy/topics.properties");
        assertEquals(2, scaled.size());
        for (GenericKubernetesResource s : scaled) {
            Map<String, Object> spec = s.get("spec");
            Map<?, ?> ref = (Map<?, ?>) spec.get("scaleTargetRef");
            String target = (String) ref.get("name");
            assertTrue(deployments.containsKey(target), "ScaledObject " + s.getMetadata().getName() + " targets missing " + target);
            // KEDA's default target kind is a Deployment; any other kind must be named, with its API group.
            assertEquals(deployments.get(target), ref.get("kind") == null ? "Deployment" : ref.get("kind"), "kind of " + target);
            // The Kafka listener authenticates everyone, KEDA's lag reader included.
            Set<String> triggerAuths = Set.copyOf(kinds(docs, "TriggerAuthentication").stream().map(a -> a.getMetadata().getName()).toList());
            for (Object t : (List<?>) spec.get("triggers")) {
                Map<?, ?> auth = (Map<?, ?>) ((Map<?, ?>) t).get("authenticationRef");
                assertNotNull(auth, s.getMetadata().getName() + "'s Kafka trigger has no authenticationRef");
                assertTrue(triggerAuths.contains((String) auth.get("name")), "missing TriggerAuthentication " + auth.get("name"));
            }
            int max = ((Number) spec.get("maxReplicaCount")).intValue();
            for (Object t : (List<?>) spec.get("triggers")) {
                String topic = (String) ((Map<?, ?>) ((Map<?, ?>) t).get("metadata")).get("topic");
                assertTrue(topics.containsKey(topic), "KEDA trigger on unknown topic " + topic);
                assertTrue(max <= topics.get(topic), target + " may scale to " + max + " replicas but " + topic + " has "
                        + topics.get(topic) + " partitions");
            }
        }
    }

    /** Every topic a service is configured with exists as a KafkaTopic; each KEDA group is a service's application id. */
    @ParameterizedTest
    @MethodSource("overlays")
    void servicesConfigurationAgreesWithTheManifests(String overlay) throws Exception {
        List<HasMetadata> docs = render(overlay);
        Set<String> topics = new java.util.HashSet<>();
        Map<String, String> kedaGroups = new HashMap<>();
        for (HasMetadata d : docs) {
            if (d instanceof GenericKubernetesResource g && g.getKind().equals("KafkaTopic")) {
                topics.add((String) ((Map<?, ?>) g.get("spec")).get("topicName"));
            } else if (d instanceof GenericKubernetesResource g && g.getKind().equals("ScaledObject")) {
                Map<String, Object> spec = g.get("spec");
                String target = (String) ((Map<?, ?>) spec.get("scaleTargetRef")).get("name");
                Map<?, ?> trigger = (Map<?, ?>) ((List<?>) spec.get("triggers")).get(0);
                kedaGroups.put(target, (String) ((Map<?, ?>) trigger.get("metadata")).get("consumerGroup"));
            }
        }
        int checked = 0;
        for (String service : List.of("ingest-service", "model-service", "trainer-service")) {
            Path file = DEPLOY.getParent().resolve(service).resolve("src/main/resources/application.properties");
            java.util.Properties props = new java.util.Properties();
            try (var in = Files.newInputStream(file)) {
                props.load(in);
            }
            for (String key : props.stringPropertyNames()) {
                String value = props.getProperty(key).strip();
                boolean topicKey = key.startsWith("forecast.") && (key.contains(".topics.") || key.endsWith("-topic"));
                if (topicKey && !key.startsWith("%") && !value.contains("${")) {
                    assertTrue(topics.contains(value), service + " is configured with topic '" + value + "' (" + key
                            + ") that " + overlay + " does not create");
                    checked++;
                }
            }
            if (kedaGroups.containsKey(service)) {
                assertEquals(props.getProperty("quarkus.kafka-streams.application-id"), kedaGroups.get(service),
                        "KEDA must watch the lag of " + service + "'s Kafka Streams application id");
            }
        }
        assertTrue(checked >= 5, "only " + checked + " topic settings found in the services' configuration");
        ConfigMap forwarder = docs.stream().filter(ConfigMap.class::isInstance).map(ConfigMap.class::cast)
                .filter(c -> c.getMetadata().getName().equals("alert-forwarder-config")).findFirst().orElseThrow();
        assertTrue(topics.contains(forwarder.getData().get("FORECAST_ALERTS_TOPIC")), "the alert forwarder reads a topic that "
                + overlay + " does not create: " + forwarder.getData().get("FORECAST_ALERTS_TOPIC"));
    }

    /**
     * Each Quarkus service drains before it stops (issue 19): a preStop sleep while Services and ingress let the pod go,
     * then the service's own graceful shutdown ({@code %prod.quarkus.shutdown.timeout} in its application.properties),
     * then Kafka Streams' close; the grace period must hold all three, or the kubelet kills the pod mid-commit.
     */
    @ParameterizedTest
    @MethodSource("overlays")
    void quarkusServicesDrainBeforeTheyStopWithinTheirGracePeriod(String overlay) throws Exception {
        Map<String, Workload> byName = new HashMap<>();
        workloads(render(overlay)).forEach(w -> byName.put(w.name(), w));
        for (String service : List.of("ingest-service", "model-service", "trainer-service")) {
            java.util.Properties props = new java.util.Properties();
            try (var in = Files.newInputStream(DEPLOY.getParent().resolve(service).resolve("src/main/resources/application.properties"))) {
                props.load(in);
            }
            String timeout = props.getProperty("%prod.quarkus.shutdown.timeout");
            assertNotNull(timeout, service + " has no graceful shutdown (%prod.quarkus.shutdown.timeout)");
            java.time.Duration shutdown = java.time.Duration.parse("PT" + timeout.strip());
            Workload w = byName.get(service);
            assertNotNull(w, overlay + " has no workload " + service);
            var container = w.template().getSpec().getContainers().getFirst();
            var preStop = container.getLifecycle() == null ? null : container.getLifecycle().getPreStop();
            assertNotNull(preStop == null ? null : preStop.getSleep(), service + " has no preStop sleep");
            long sleep = preStop.getSleep().getSeconds();
            assertTrue(sleep >= 5, service + " sleeps only " + sleep + " s before SIGTERM");
            long grace = w.template().getSpec().getTerminationGracePeriodSeconds();
            long streamsClose = 10;
            assertTrue(grace >= sleep + shutdown.toSeconds() + streamsClose, service + ": a grace period of " + grace
                    + " s does not hold preStop " + sleep + " s + shutdown " + shutdown.toSeconds() + " s + " + streamsClose
                    + " s for Kafka Streams to close");
        }
    }

    private static final List<String> SERVICES = List.of("ingest-service", "model-service", "trainer-service", "alert-forwarder");

    /** {@code user|type|pattern|name|Operation} for every line of deploy/kafka-acls.txt. */
    private static Set<String> aclTable() throws IOException {
        Set<String> out = new java.util.TreeSet<>();
        for (String line : Files.readAllLines(DEPLOY.resolve("kafka-acls.txt"))) {
            String content = line.strip();
            if (content.isEmpty() || content.startsWith("#")) {
                continue;
            }
            String[] f = content.split("\\s+");
            assertEquals(5, f.length, "kafka-acls.txt: " + line);
            for (String op : f[4].split(",")) {
                out.add(String.join("|", f[0], f[1], f[2], f[3], op));
            }
        }
        return out;
    }

    /** The same form from the rendered KafkaUsers. */
    private static Set<String> kafkaUserAcls(List<HasMetadata> docs) {
        Set<String> out = new java.util.TreeSet<>();
        for (GenericKubernetesResource u : kinds(docs, "KafkaUser")) {
            Map<?, ?> authorization = (Map<?, ?>) ((Map<?, ?>) u.get("spec")).get("authorization");
            assertEquals("simple", authorization.get("type"), u.getMetadata().getName());
            for (Object a : (List<?>) authorization.get("acls")) {
                Map<?, ?> acl = (Map<?, ?>) a;
                Map<?, ?> resource = (Map<?, ?>) acl.get("resource");
                assertEquals("*", acl.get("host"), "ACLs are not tied to pod addresses, which change");
                for (Object op : (List<?>) acl.get("operations")) {
                    out.add(String.join("|", u.getMetadata().getName(), (String) resource.get("type"),
                            (String) resource.get("patternType"), (String) resource.get("name"), (String) op));
                }
            }
        }
        return out;
    }

    private static List<GenericKubernetesResource> kinds(List<HasMetadata> docs, String kind) {
        return docs.stream().filter(GenericKubernetesResource.class::isInstance).map(GenericKubernetesResource.class::cast)
                .filter(g -> g.getKind().equals(kind)).toList();
    }

    /** Users that may write {@code topic}: Write or All on it, literally or by a prefix of its name. */
    private static Set<String> writersOf(Set<String> acls, String topic) {
        Set<String> writers = new java.util.TreeSet<>();
        for (String acl : acls) {
            String[] f = acl.split("\\|");
            boolean covers = f[1].equals("topic") && (f[2].equals("literal") ? f[3].equals(topic) || f[3].equals("*") : topic.startsWith(f[3]));
            if (covers && (f[4].equals("Write") || f[4].equals("All"))) {
                writers.add(f[0]);
            }
        }
        return writers;
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void kafkaAuthenticatesEveryClientAndEachServiceHasItsLeastPrivilegeUser(String overlay) throws Exception {
        List<HasMetadata> docs = render(overlay);
        GenericKubernetesResource kafka = kinds(docs, "Kafka").get(0);
        Map<?, ?> kafkaSpec = (Map<?, ?>) ((Map<?, ?>) kafka.get("spec")).get("kafka");
        assertEquals("simple", ((Map<?, ?>) kafkaSpec.get("authorization")).get("type"), "ACLs are enforced");
        for (Object l : (List<?>) kafkaSpec.get("listeners")) {
            Map<?, ?> listener = (Map<?, ?>) l;
            assertEquals(Boolean.TRUE, listener.get("tls"), "listener " + listener.get("name") + " encrypts");
            assertNotNull(listener.get("authentication"), "listener " + listener.get("name") + " authenticates");
            assertTrue(Set.of("scram-sha-512", "tls").contains(((Map<?, ?>) listener.get("authentication")).get("type")));
        }
        Set<String> users = Set.copyOf(kinds(docs, "KafkaUser").stream().map(u -> u.getMetadata().getName()).toList());
        assertTrue(users.containsAll(SERVICES), "every service has a KafkaUser: " + users);
        Set<String> acls = kafkaUserAcls(docs);
        Set<String> table = aclTable();
        Set<String> missing = new java.util.TreeSet<>(table);
        missing.removeAll(acls);
        Set<String> extra = new java.util.TreeSet<>(acls);
        extra.removeAll(table);
        assertEquals(table, acls, "the KafkaUsers' ACLs must be deploy/kafka-acls.txt, which the secure test broker enforces; "
                + "missing from users.yaml " + missing + ", not in kafka-acls.txt " + extra);
        assertEquals(Set.of("trainer-service"), writersOf(acls, "model.weights"), "only the trainer publishes models");
        assertEquals(Set.of("ingest-service"), writersOf(acls, "telemetry.points"), "only ingest writes points");

        Map<String, ConfigMap> configMaps = new HashMap<>();
        docs.stream().filter(ConfigMap.class::isInstance).map(ConfigMap.class::cast).forEach(c -> configMaps.put(c.getMetadata().getName(), c));
        for (Workload d : workloads(docs)) {
            String name = d.name();
            Container c = d.template().getSpec().getContainers().get(0);
            Map<String, String> config = configMaps.get(c.getEnvFrom().get(0).getConfigMapRef().getName()).getData();
            // Secrets as files, never as environment variables (env leaks into crash dumps, /proc and child processes).
            assertTrue(c.getEnv().stream().noneMatch(e -> e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null),
                    name + " takes no Secret as an environment variable");
            assertTrue(c.getEnvFrom().stream().noneMatch(e -> e.getSecretRef() != null), name + " takes no Secret as environment");
            // The KafkaUser's JAAS line as the file kafka.sasl.jaas.config in the directory the config source reads.
            String userFile = mountedSecretFile(d, c, name, "sasl.jaas.config");
            assertEquals(config.get("SMALLRYE_CONFIG_SOURCE_FILE_LOCATIONS") + "/kafka.sasl.jaas.config", userFile,
                    name + " authenticates as its own KafkaUser, read from the mounted Secret");
            assertEquals(config.get("KAFKA_SSL_TRUSTSTORE_LOCATION"), mountedSecretFile(d, c, "forecaster-cluster-ca-cert", "ca.crt"),
                    name + " trusts the cluster CA from the mounted Secret");
            assertEquals("PEM", config.get("KAFKA_SSL_TRUSTSTORE_TYPE"), name);
            assertEquals("SASL_SSL", config.get("KAFKA_SECURITY_PROTOCOL"), name);
            assertEquals("SCRAM-SHA-512", config.get("KAFKA_SASL_MECHANISM"), name);
            assertTrue(config.get("KAFKA_BOOTSTRAP_SERVERS").endsWith(":9093"), name + " uses the TLS listener");
        }
    }

    @Test
    void prodRunsEveryImageByDigestAndDevByTag() throws Exception {
        Pattern byDigest = Pattern.compile("[a-z0-9./-]+/(ingest-service|model-service|trainer-service|alert-forwarder)@sha256:[0-9a-f]{64}");
        List<Workload> prod = workloads(render("prod"));
        assertEquals(4, prod.size());
        for (Workload w : prod) {
            for (Container c : w.template().getSpec().getContainers()) {
                assertTrue(byDigest.matcher(c.getImage()).matches(), w.name() + " runs " + c.getImage()
                        + ": prod must pin a digest (PIN_PROD=1 deploy/images/build-images writes overlays/prod/images)");
                assertTrue(c.getImage().contains("/" + w.name() + "@"), w.name() + " runs its own image, not " + c.getImage());
            }
        }
        for (Workload w : workloads(render("dev"))) {
            assertFalse(w.template().getSpec().getContainers().get(0).getImage().contains("@sha256:"),
                    "dev follows the tag that a local build-images names: " + w.name());
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void theNamespaceDeniesByDefaultAndNoPodHoldsAServiceAccountToken(String overlay) throws Exception {
        List<HasMetadata> docs = render(overlay);
        List<NetworkPolicy> policies = docs.stream().filter(NetworkPolicy.class::isInstance).map(NetworkPolicy.class::cast).toList();
        assertTrue(policies.stream().anyMatch(p -> p.getSpec().getPodSelector().getMatchLabels().isEmpty()
                        && p.getSpec().getPodSelector().getMatchExpressions().isEmpty()
                        && Set.copyOf(p.getSpec().getPolicyTypes()).equals(Set.of("Ingress", "Egress"))
                        && p.getSpec().getIngress().isEmpty() && p.getSpec().getEgress().isEmpty()),
                "a default-deny NetworkPolicy (every pod, ingress and egress, no rule)");
        // Every service may reach Kafka's TLS listener, and nothing in the namespace may reach every pod.
        NetworkPolicy toKafka = policies.stream().filter(p -> p.getMetadata().getName().equals("services-to-kafka")).findFirst().orElseThrow();
        assertEquals(Set.copyOf(SERVICES), Set.copyOf(toKafka.getSpec().getPodSelector().getMatchExpressions().get(0).getValues()));
        assertEquals(9093, toKafka.getSpec().getEgress().get(0).getPorts().get(0).getPort().getIntVal());
        for (NetworkPolicy p : policies) {
            for (var rule : p.getSpec().getIngress()) {
                for (var peer : rule.getFrom()) {
                    boolean everyPod = peer.getNamespaceSelector() == null && peer.getIpBlock() == null && peer.getPodSelector() != null
                            && peer.getPodSelector().getMatchLabels().isEmpty() && peer.getPodSelector().getMatchExpressions().isEmpty();
                    assertFalse(everyPod, p.getMetadata().getName() + " admits every pod of the namespace");
                }
            }
        }
        for (Workload d : workloads(docs)) {
            assertEquals(Boolean.FALSE, d.template().getSpec().getAutomountServiceAccountToken(),
                    d.name() + " must not mount a service-account token");
        }
    }

    /** The services' meter names in Prometheus form (dots to underscores, no _total/_seconds suffix), with their builder chain's source. */
    private static Map<String, String> registeredMetrics() throws IOException {
        Map<String, String> registered = new HashMap<>();
        java.util.regex.Pattern builder = java.util.regex.Pattern.compile("(?:builder|gauge)\\(\"(forecast\\.[a-z.]+)\"");
        for (String service : List.of("ingest-service", "model-service", "trainer-service")) {
            try (Stream<Path> files = Files.walk(DEPLOY.getParent().resolve(service).resolve("src/main/java"))) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    String source = Files.readString(f);
                    var m = builder.matcher(source);
                    while (m.find()) {
                        int end = source.indexOf(';', m.end());
                        registered.put(m.group(1).replace('.', '_'), source.substring(m.start(), end < 0 ? source.length() : end));
                    }
                }
            }
        }
        return registered;
    }

    /** Checks every forecast_* metric {@code queries} mention against the services' meters; returns the names. */
    private static List<String> assertOnlyRegisteredMetrics(String queries, String where) throws IOException {
        Map<String, String> registered = registeredMetrics();
        var used = java.util.regex.Pattern.compile("\\b(forecast_[a-z_]+?)(?:_seconds)?(?:_total|_bucket|_count|_sum|_max)?\\b").matcher(queries);
        List<String> names = new ArrayList<>();
        while (used.find()) {
            assertTrue(registered.containsKey(used.group(1)), where + " queries " + used.group(0) + ", which no service registers");
            if (used.group(0).endsWith("_bucket")) {
                assertTrue(registered.get(used.group(1)).contains("publishPercentileHistogram"),
                        where + " reads buckets of " + used.group(1) + ", which is not published as a histogram");
            }
            names.add(used.group(0));
        }
        return names;
    }

    /**
     * Every metric the Grafana dashboard queries is one the services register (Micrometer names, Prometheus form), and
     * its percentiles are {@code histogram_quantile} over summed buckets: per-pod client-side quantiles
     * ({@code quantile="0.99"}) cannot be combined across pods.
     */
    @org.junit.jupiter.api.Test
    void grafanaDashboardQueriesOnlyMetricsTheServicesExport() throws IOException {
        String dashboard = Files.readString(DEPLOY.resolve(DASHBOARD));
        assertTrue(assertOnlyRegisteredMetrics(dashboard, "the dashboard").size() >= 14, "too few metric references found");
        assertFalse(dashboard.contains("quantile=\\\""), "the dashboard reads a per-pod client-side quantile");
        var quantiles = java.util.regex.Pattern.compile("histogram_quantile\\(([0-9.]+), sum by \\(le\\) \\(rate\\(([a-z_]+)\\[").matcher(dashboard);
        int n = 0;
        while (quantiles.find()) {
            assertTrue(quantiles.group(2).endsWith("_bucket"), "histogram_quantile over " + quantiles.group(2));
            n++;
        }
        assertEquals(n, dashboard.split("histogram_quantile\\(", -1).length - 1, "every histogram_quantile sums rates of buckets by le");
        assertTrue(n >= 2, "the step latency percentiles come from buckets");
    }

    private static final String DASHBOARD = "k8s/base/monitoring/forecaster-dashboard.json";

    /** The dashboard ships as a ConfigMap Grafana's sidecar loads, byte for byte the file in the repository. */
    @ParameterizedTest
    @MethodSource("overlays")
    void grafanaDashboardIsAConfigMapTheSidecarLoads(String overlay) throws Exception {
        ConfigMap cm = render(overlay).stream().filter(ConfigMap.class::isInstance).map(ConfigMap.class::cast)
                .filter(c -> c.getMetadata().getName().equals("forecaster-grafana-dashboard")).findFirst()
                .orElseThrow(() -> new AssertionError(overlay + " has no ConfigMap forecaster-grafana-dashboard"));
        assertEquals("1", cm.getMetadata().getLabels().get("grafana_dashboard"));
        assertEquals(Files.readString(DEPLOY.resolve(DASHBOARD)), cm.getData().get("forecaster-dashboard.json"));
    }

    /**
     * KEDA alone sets the replica counts of what it scales (a replicas field on the workload is re-applied by every
     * {@code kubectl apply} and fights the autoscaler), with a fallback inside its bounds and a scaling behaviour; every
     * PodDisruptionBudget lets exactly one pod go (minAvailable: 1 at KEDA's minimum of one pod blocks node drains).
     */
    @ParameterizedTest
    @MethodSource("overlays")
    void kedaAloneSetsReplicaCountsAndDisruptionBudgetsLetOnePodGo(String overlay) throws Exception {
        List<HasMetadata> docs = render(overlay);
        Map<String, Workload> byName = new HashMap<>();
        workloads(docs).forEach(w -> byName.put(w.name(), w));
        List<PodDisruptionBudget> pdbs = docs.stream().filter(PodDisruptionBudget.class::isInstance).map(PodDisruptionBudget.class::cast).toList();
        for (GenericKubernetesResource s : kinds(docs, "ScaledObject")) {
            Map<String, Object> spec = s.get("spec");
            String target = (String) ((Map<?, ?>) spec.get("scaleTargetRef")).get("name");
            assertEquals(null, byName.get(target).replicas(), overlay + ": " + target + " sets replicas, which KEDA owns; "
                    + "change the ScaledObject's minReplicaCount instead");
            int min = ((Number) spec.get("minReplicaCount")).intValue();
            int max = ((Number) spec.get("maxReplicaCount")).intValue();
            Map<?, ?> fallback = (Map<?, ?>) spec.get("fallback");
            assertNotNull(fallback, target + "'s ScaledObject has no fallback for when the lag cannot be read");
            int fallbackReplicas = ((Number) fallback.get("replicas")).intValue();
            assertTrue(1 <= min && min <= fallbackReplicas && fallbackReplicas <= max,
                    overlay + ": " + target + " needs 1 <= min " + min + " <= fallback " + fallbackReplicas + " <= max " + max);
            assertTrue(((Number) fallback.get("failureThreshold")).intValue() >= 1);
            Map<?, ?> behavior = (Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) spec.get("advanced")).get("horizontalPodAutoscalerConfig")).get("behavior");
            for (String direction : List.of("scaleUp", "scaleDown")) {
                assertFalse(((List<?>) ((Map<?, ?>) behavior.get(direction)).get("policies")).isEmpty(), target + " " + direction + " policies");
            }
            assertTrue(pdbs.stream().anyMatch(p -> byName.get(target).template().getMetadata().getLabels().entrySet()
                    .containsAll(p.getSpec().getSelector().getMatchLabels().entrySet())), target + " has no PodDisruptionBudget");
        }
        assertFalse(pdbs.isEmpty());
        for (PodDisruptionBudget p : pdbs) {
            assertEquals(null, p.getSpec().getMinAvailable(), p.getMetadata().getName() + ": minAvailable blocks drains at one pod");
            assertEquals(1, p.getSpec().getMaxUnavailable().getIntVal(), p.getMetadata().getName() + " maxUnavailable");
        }
    }

    /**
     * The model service is a StatefulSet: its Streams state directory is on a per-pod volume, its stable pod name is its
     * static group member id, its pods spread over nodes, and (in prod) every task has a standby on another pod.
     */
    @ParameterizedTest
    @MethodSource("overlays")
    void modelServiceIsAStatefulSetWithStateOnVolumesStaticMembershipAndStandbys(String overlay) throws Exception {
        List<HasMetadata> docs = render(overlay);
        StatefulSet sts = docs.stream().filter(StatefulSet.class::isInstance).map(StatefulSet.class::cast)
                .filter(x -> x.getMetadata().getName().equals("model-service")).findFirst()
                .orElseThrow(() -> new AssertionError(overlay + ": model-service is not a StatefulSet"));
        var pod = sts.getSpec().getTemplate().getSpec();
        Container c = pod.getContainers().get(0);
        Map<String, String> config = docs.stream().filter(ConfigMap.class::isInstance).map(ConfigMap.class::cast)
                .filter(x -> x.getMetadata().getName().equals(c.getEnvFrom().get(0).getConfigMapRef().getName())).findFirst().orElseThrow().getData();

        String stateDir = config.get("KAFKA_STREAMS_STATE_DIR");
        assertNotNull(stateDir, "the state directory is configured");
        Set<String> claims = Set.copyOf(sts.getSpec().getVolumeClaimTemplates().stream().map(v -> v.getMetadata().getName()).toList());
        var stateMount = c.getVolumeMounts().stream().filter(m -> stateDir.startsWith(m.getMountPath() + "/") || stateDir.equals(m.getMountPath()))
                .findFirst().orElseThrow(() -> new AssertionError("nothing mounted at " + stateDir));
        assertTrue(claims.contains(stateMount.getName()), stateDir + " is on volume " + stateMount.getName() + ", not a volumeClaimTemplate " + claims);
        assertTrue(pod.getVolumes().stream().noneMatch(v -> v.getName().equals(stateMount.getName())),
                "a pod volume named " + stateMount.getName() + " would replace the claim");

        Service governing = docs.stream().filter(Service.class::isInstance).map(Service.class::cast)
                .filter(x -> x.getMetadata().getName().equals(sts.getSpec().getServiceName())).findFirst()
                .orElseThrow(() -> new AssertionError("no Service " + sts.getSpec().getServiceName()));
        assertEquals("None", governing.getSpec().getClusterIP(), "a StatefulSet's governing Service is headless");

        assertTrue(pod.getTopologySpreadConstraints().stream().anyMatch(t -> t.getTopologyKey().equals("kubernetes.io/hostname")
                && t.getWhenUnsatisfiable().equals("DoNotSchedule") && t.getMaxSkew() == 1
                && "model-service".equals(t.getLabelSelector().getMatchLabels().get("app"))), "model-service pods spread over nodes");

        var instanceId = c.getEnv().stream().filter(e -> e.getName().equals("FORECAST_SERVING_GROUP_INSTANCE_ID")).findFirst()
                .orElseThrow(() -> new AssertionError("no static membership (FORECAST_SERVING_GROUP_INSTANCE_ID)"));
        assertEquals("metadata.name", instanceId.getValueFrom().getFieldRef().getFieldPath(), "the stable pod name is the member id");

        // The variable reaches Kafka Streams only because application.properties has the key (environment overrides names it knows).
        java.util.Properties props = new java.util.Properties();
        try (var in = Files.newInputStream(DEPLOY.getParent().resolve("model-service/src/main/resources/application.properties"))) {
            props.load(in);
        }
        assertTrue(props.containsKey("kafka-streams.num.standby.replicas"));
        int standbys = Integer.parseInt(config.get("KAFKA_STREAMS_NUM_STANDBY_REPLICAS"));
        assertTrue(standbys >= 1, overlay + " runs without standby replicas");
        if (overlay.equals("prod")) {
            GenericKubernetesResource scaled = kinds(docs, "ScaledObject").stream().filter(s -> s.getMetadata().getName().equals("model-service")).findFirst().orElseThrow();
            int min = ((Number) ((Map<?, ?>) scaled.get("spec")).get("minReplicaCount")).intValue();
            assertTrue(min > standbys, "a standby needs a pod other than its active's: minReplicaCount " + min + ", standbys " + standbys);
        }
    }

    /**
     * Strimzi's Kafka Exporter reports the lag of every group KEDA scales on and is scraped; the alert rules cover lag,
     * rebalances, rejected models and dead letters, with forecast_* metrics the services really register.
     */
    @ParameterizedTest
    @MethodSource("overlays")
    void lagIsExportedAndAlertsCoverLagRebalancesRejectedModelsAndDeadLetters(String overlay) throws Exception {
        List<HasMetadata> docs = render(overlay);
        Map<?, ?> exporter = (Map<?, ?>) ((Map<?, ?>) kinds(docs, "Kafka").get(0).get("spec")).get("kafkaExporter");
        assertNotNull(exporter, "Strimzi's Kafka Exporter is not enabled");
        for (GenericKubernetesResource s : kinds(docs, "ScaledObject")) {
            Map<?, ?> trigger = (Map<?, ?>) ((Map<?, ?>) ((List<?>) ((Map<?, ?>) s.get("spec")).get("triggers")).get(0)).get("metadata");
            assertTrue(((String) trigger.get("consumerGroup")).matches((String) exporter.get("groupRegex")), "exporter skips group " + trigger.get("consumerGroup"));
            assertTrue(((String) trigger.get("topic")).matches((String) exporter.get("topicRegex")), "exporter skips topic " + trigger.get("topic"));
        }
        GenericKubernetesResource podMonitor = kinds(docs, "PodMonitor").stream().filter(p -> p.getMetadata().getName().equals("kafka-exporter")).findFirst().orElseThrow();
        Map<?, ?> selector = (Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) podMonitor.get("spec")).get("selector")).get("matchLabels");
        assertEquals(kinds(docs, "Kafka").get(0).getMetadata().getName() + "-kafka-exporter", selector.get("strimzi.io/name"));
        assertTrue(docs.stream().filter(NetworkPolicy.class::isInstance).map(NetworkPolicy.class::cast)
                .anyMatch(p -> selector.equals(p.getSpec().getPodSelector().getMatchLabels())
                        && p.getSpec().getIngress().get(0).getPorts().get(0).getPort().getIntVal() == 9404), "no policy admits the exporter's scrape");

        List<GenericKubernetesResource> rules = kinds(docs, "PrometheusRule");
        assertEquals(1, rules.size());
        StringBuilder exprs = new StringBuilder();
        for (Object g : (List<?>) ((Map<?, ?>) rules.get(0).get("spec")).get("groups")) {
            for (Object r : (List<?>) ((Map<?, ?>) g).get("rules")) {
                Map<?, ?> rule = (Map<?, ?>) r;
                String alert = (String) rule.get("alert");
                assertNotNull(alert, "only alerting rules here");
                assertNotNull(((Map<?, ?>) rule.get("labels")).get("severity"), alert + " severity");
                assertNotNull(((Map<?, ?>) rule.get("annotations")).get("summary"), alert + " summary");
                exprs.append(alert).append(": ").append(rule.get("expr")).append('\n');
            }
        }
        String all = exprs.toString();
        for (String metric : List.of("kafka_consumergroup_lag", "kafka_consumer_coordinator_rebalance_total",
                "forecast_weights_rejected_total", "forecast_ingest_events_dead_lettered_total", "forecast_points_invalid_total")) {
            assertTrue(all.contains(metric), "no alert on " + metric + ":\n" + all);
        }
        assertTrue(assertOnlyRegisteredMetrics(all, "the alert rules").size() >= 6);
    }

    /** Walks a fabric8 model object and records every non-empty additionalProperties map (unknown YAML keys). */
    private static void collectUnknown(Object o, String path, List<String> out, IdentityHashMap<Object, Boolean> seen) {
        if (o == null || seen.put(o, Boolean.TRUE) != null) {
            return;
        }
        if (o instanceof Collection<?> c) {
            int i = 0;
            for (Object e : c) {
                collectUnknown(e, path + "[" + i++ + "]", out, seen);
            }
            return;
        }
        if (o instanceof Map<?, ?> m) {
            for (var e : m.entrySet()) {
                collectUnknown(e.getValue(), path + "." + e.getKey(), out, seen);
            }
            return;
        }
        if (!o.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Method m : o.getClass().getMethods()) {
            if (m.getParameterCount() != 0 || !m.getName().startsWith("get") || m.getDeclaringClass() == Object.class) {
                continue;
            }
            try {
                Object v = m.invoke(o);
                if (m.getName().equals("getAdditionalProperties")) {
                    if (v instanceof Map<?, ?> extra && !extra.isEmpty()) {
                        out.add(path + ": " + extra.keySet());
                    }
                } else {
                    collectUnknown(v, path + "." + m.getName().substring(3), out, seen);
                }
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** The path at which container {@code c} sees key {@code key} of Secret {@code secret}, or an assertion error. */
    private static String mountedSecretFile(Workload d, Container c, String secret, String key) {
        for (var v : d.template().getSpec().getVolumes()) {
            if (v.getSecret() == null || !secret.equals(v.getSecret().getSecretName())) {
                continue;
            }
            String path = key;
            if (v.getSecret().getItems() != null && !v.getSecret().getItems().isEmpty()) {
                path = v.getSecret().getItems().stream().filter(i -> i.getKey().equals(key)).map(i -> i.getPath()).findFirst().orElse(null);
            }
            for (var m : c.getVolumeMounts()) {
                if (m.getName().equals(v.getName()) && path != null) {
                    assertEquals(Boolean.TRUE, m.getReadOnly(), d.name() + " mounts Secret " + secret + " read-only");
                    return m.getMountPath() + "/" + path;
                }
            }
        }
        throw new AssertionError(d.name() + " does not mount key " + key + " of Secret " + secret);
    }
}
