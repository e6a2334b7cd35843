package org.forecaster.deploy.images;

import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.ImageReference;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainer;
import com.google.cloud.tools.jib.api.JibContainerBuilder;
import com.google.cloud.tools.jib.api.TarImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.ImageFormat;
import com.google.cloud.tools.jib.api.buildplan.Port;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds one service's OCI image tarball on top of a local base image tarball, without a Docker daemon or a
 * registry (issue 19 part 4). Called by {@code deploy/images/build-images}.
 *
 * <p>Layers, from rarely to often changed, so a code change re-ships only the last one: for a Quarkus fast-jar,
 * {@code lib/boot} + {@code lib/main} (dependencies), {@code quarkus/} (generated), then {@code app/} +
 * {@code quarkus-run.jar}; for a plain runnable jar, the jar alone. Files are owned by root and read-only to the
 * service user (uid 185), timestamps and creation time are fixed, so the same inputs give the same digest.
 */
public final class ServiceImageBuilder {

    /** The JVM flags every service needs: the Vector API is an incubator module; RocksDB/zstd load native code. */
    public static final List<String> JVM_FLAGS =
            List.of("--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED");

    /** The service user; the Kubernetes manifests run as 185:185 with runAsNonRoot. */
    public static final String USER = "185:185";

    static final AbsoluteUnixPath APP_ROOT = AbsoluteUnixPath.get("/deployments");

    private ServiceImageBuilder() {}

    /**
     * Usage: {@code ServiceImageBuilder BASE_TAR APP_PATH IMAGE_REFERENCE OUT_TAR CACHE_DIR [NAME=VALUE...]}. APP_PATH
     * is a Quarkus {@code target/quarkus-app} directory or a runnable jar; NAME=VALUE pairs become image environment
     * defaults (the HTTP port the manifests expect). Prints the manifest digest and writes it beside OUT_TAR
     * as {@code OUT_TAR.digest}.
     */
    public static void main(String[] args) throws Exception {
        if (args.length < 5) {
            throw new IllegalArgumentException(
                    "usage: ServiceImageBuilder BASE_TAR APP_PATH IMAGE_REFERENCE OUT_TAR CACHE_DIR [NAME=VALUE...], got "
                            + args.length + " arguments");
        }
        Path baseTar = Path.of(args[0]);
        Path app = Path.of(args[1]);
        String reference = args[2];
        Path outTar = Path.of(args[3]);
        Path cache = Path.of(args[4]);
        if (!Files.isRegularFile(baseTar)) {
            throw new IllegalArgumentException("base image tarball " + baseTar + " does not exist; build it first");
        }
        Map<String, String> environment = new LinkedHashMap<>();
        for (int i = 5; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("environment entry '" + args[i] + "' is not NAME=VALUE");
            }
            environment.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        JibContainer container = build(baseTar, app, reference, outTar, cache, environment);
        String digest = container.getDigest().toString();
        Files.writeString(outTar.resolveSibling(outTar.getFileName() + ".digest"), digest + "\n");
        System.out.println(reference + " " + digest);
    }

    static JibContainer build(Path baseTar, Path app, String reference, Path outTar, Path cache,
            Map<String, String> environment) throws Exception {
        JibContainerBuilder builder = Jib.from(TarImage.at(baseTar).named("forecaster/base-jre"))
                .setFormat(ImageFormat.OCI)
                .setCreationTime(Instant.EPOCH)
                .setUser(USER)
                .setWorkingDirectory(APP_ROOT)
                .addExposedPort(Port.tcp(8080))
                .addLabel("org.opencontainers.image.source", "forecaster")
                .addLabel("org.opencontainers.image.title", ImageReference.parse(reference).getRepository());
        // Memory tuning stays an overridable default (the manifests set their own JDK_JAVA_OPTIONS); the flags the
        // code cannot run without are in the entrypoint so the image works without any environment.
        builder.addEnvironmentVariable("JDK_JAVA_OPTIONS", "-XX:MaxRAMPercentage=75");
        environment.forEach(builder::addEnvironmentVariable);
        List<String> entrypoint = new ArrayList<>(List.of("java"));
        entrypoint.addAll(JVM_FLAGS);
        if (Files.isDirectory(app)) {
            Path runJar = app.resolve("quarkus-run.jar");
            if (!Files.isRegularFile(runJar)) {
                throw new IllegalArgumentException(app + " is not a Quarkus fast-jar directory: no quarkus-run.jar; run"
                        + " ./mvnw package for the service first");
            }
            Map<String, List<String>> layers = new LinkedHashMap<>();
            layers.put("dependencies", List.of("lib"));
            layers.put("quarkus", List.of("quarkus"));
            layers.put("application", List.of("app", "quarkus-run.jar"));
            for (Map.Entry<String, List<String>> layer : layers.entrySet()) {
                FileEntriesLayer.Builder entries = FileEntriesLayer.builder().setName(layer.getKey());
                for (String part : layer.getValue()) {
                    Path source = app.resolve(part);
                    if (Files.exists(source)) {
                        entries.addEntryRecursive(source, APP_ROOT.resolve(part));
                    }
                }
                builder.addFileEntriesLayer(entries.build());
            }
            // Kafka Streams keeps its state under a writable volume the manifests mount here.
            builder.addEnvironmentVariable("KAFKA_STREAMS_STATE_DIR", "/var/lib/forecaster/state");
            entrypoint.addAll(List.of("-jar", APP_ROOT.resolve("quarkus-run.jar").toString()));
        } else if (Files.isRegularFile(app) && app.toString().endsWith(".jar")) {
            String jarName = app.getFileName().toString();
            builder.addFileEntriesLayer(FileEntriesLayer.builder()
                    .setName("application")
                    .addEntry(app, APP_ROOT.resolve(jarName))
                    .build());
            entrypoint.addAll(List.of("-jar", APP_ROOT.resolve(jarName).toString()));
        } else {
            throw new IllegalArgumentException(app + " is neither a Quarkus quarkus-app directory nor a jar");
        }
        builder.setEntrypoint(entrypoint);
        Containerizer containerizer = Containerizer.to(TarImage.at(outTar).named(reference))
                .setBaseImageLayersCache(cache.resolve("base"))
                .setApplicationLayersCache(cache.resolve("app"))
                .setOfflineMode(true)
                .setToolName("forecaster-build-images");
        return builder.containerize(containerizer);
    }
}
