package org.forecaster.deploy.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Builds real images with {@link ServiceImageBuilder} (Jib's library, no daemon) on a tiny docker-save base made
 * here, and checks what a runtime would see: the config, the layering, the digest and its reproducibility.
 */
class ServiceImageBuilderTest {

    @TempDir Path dir;

    @Test
    void shouldLayerQuarkusFastJarWithAppLastAndRunAsNonRootWithVectorModule() throws Exception {
        Path base = writeBase(dir.resolve("base.tar"));
        Path app = writeFastJar(dir.resolve("quarkus-app"), "v1");
        Path image = dir.resolve("svc.tar");

        ServiceImageBuilder.main(new String[] {
            base.toString(), app.toString(), "ghcr.io/forecaster/svc:0.1.0", image.toString(), dir.resolve("cache").toString(),
            "QUARKUS_HTTP_PORT=8080"
        });

        OciImageTarball tarball = new OciImageTarball(image);
        JsonNode config = tarball.config.path("config");
        assertEquals("185:185", config.path("User").asText());
        List<String> entrypoint = strings(config.path("Entrypoint"));
        assertEquals(List.of("java", "--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-jar", "/deployments/quarkus-run.jar"), entrypoint);
        assertEquals("/deployments", config.path("WorkingDir").asText());
        assertTrue(strings(config.path("Env")).contains("QUARKUS_HTTP_PORT=8080"), "env: " + config.path("Env"));
        assertTrue(strings(config.path("Env")).contains("PATH=/opt/java/bin:/usr/bin:/bin"),
                "the base's PATH is kept: " + config.path("Env"));
        // base layer + dependencies + quarkus + application
        assertEquals(4, tarball.layerDigests.size(), "layers: " + tarball.layerDigests);
        assertEquals(List.of("etc", "etc/passwd"), tarball.layerFiles(0));
        assertTrue(tarball.layerFiles(1).contains("deployments/lib/main/dep.jar"), "deps: " + tarball.layerFiles(1));
        List<String> appLayer = tarball.layerFiles(3);
        assertTrue(appLayer.contains("deployments/quarkus-run.jar") && appLayer.contains("deployments/app/svc.jar"),
                "application layer: " + appLayer);
        assertTrue(appLayer.stream().noneMatch(f -> f.contains("/lib/")), "no dependency in the app layer");
        assertEquals(tarball.manifestDigest, Files.readString(dir.resolve("svc.tar.digest")).strip());
    }

    @Test
    void shouldGiveSameDigestForSameInputsAndNewOnlyAppLayerForNewCode() throws Exception {
        Path base = writeBase(dir.resolve("base.tar"));
        Path app = writeFastJar(dir.resolve("quarkus-app"), "v1");
        String first = build(base, app, "a.tar");
        String again = build(base, app, "b.tar");
        assertEquals(first, again, "rebuilding the same inputs must give the same digest");

        OciImageTarball before = new OciImageTarball(dir.resolve("a.tar"));
        Files.writeString(app.resolve("app/svc.jar"), "v2");
        String changed = build(base, app, "c.tar");
        assertNotEquals(first, changed);
        OciImageTarball after = new OciImageTarball(dir.resolve("c.tar"));
        assertEquals(before.layerDigests.subList(0, 3), after.layerDigests.subList(0, 3),
                "base, dependency and quarkus layers are reused");
        assertNotEquals(before.layerDigests.get(3), after.layerDigests.get(3));
    }

    @Test
    void shouldPackPlainRunnableJarAsOneApplicationLayer() throws Exception {
        Path base = writeBase(dir.resolve("base.tar"));
        Path jar = dir.resolve("alert-forwarder.jar");
        Files.writeString(jar, "jar");
        build(base, jar, "af.tar");
        OciImageTarball tarball = new OciImageTarball(dir.resolve("af.tar"));
        assertEquals(List.of("java", "--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-jar", "/deployments/alert-forwarder.jar"), strings(tarball.config.path("config").path("Entrypoint")));
        assertEquals(2, tarball.layerDigests.size());
        assertTrue(tarball.layerFiles(1).contains("deployments/alert-forwarder.jar"));
    }

    @Test
    void shouldRefuseMissingBaseAndDirectoryWithoutQuarkusRunJar() throws Exception {
        Path app = Files.createDirectories(dir.resolve("empty-app"));
        IllegalArgumentException noBase = assertThrows(IllegalArgumentException.class, () -> ServiceImageBuilder.main(
                new String[] {dir.resolve("none.tar").toString(), app.toString(), "x/y:1", "o.tar", "cache"}));
        assertTrue(noBase.getMessage().contains("build it first"), noBase.getMessage());
        Path base = writeBase(dir.resolve("base.tar"));
        IllegalArgumentException noRunJar = assertThrows(IllegalArgumentException.class, () -> build(base, app, "o.tar"));
        assertTrue(noRunJar.getMessage().contains("no quarkus-run.jar"), noRunJar.getMessage());
    }

    private String build(Path base, Path app, String out) throws Exception {
        return ServiceImageBuilder.build(base, app, "ghcr.io/forecaster/svc:0.1.0", dir.resolve(out),
                dir.resolve("cache"), java.util.Map.of()).getDigest().toString();
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }

    private static Path writeFastJar(Path app, String appContent) throws IOException {
        Files.createDirectories(app.resolve("lib/main"));
        Files.createDirectories(app.resolve("lib/boot"));
        Files.createDirectories(app.resolve("app"));
        Files.createDirectories(app.resolve("quarkus"));
        Files.writeString(app.resolve("lib/main/dep.jar"), "dependency");
        Files.writeString(app.resolve("lib/boot/boot.jar"), "boot");
        Files.writeString(app.resolve("quarkus/generated-bytecode.jar"), "generated");
        Files.writeString(app.resolve("app/svc.jar"), appContent);
        Files.writeString(app.resolve("quarkus-run.jar"), "runner");
        return app;
    }

    /** A docker-save tarball with one layer holding /etc/passwd, like the one build-images makes but tiny. */
    private static Path writeBase(Path out) throws IOException {
        ByteArrayOutputStream layer = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(layer)) {
            TarArchiveEntry etc = new TarArchiveEntry("etc/");
            tar.putArchiveEntry(etc);
            tar.closeArchiveEntry();
            addFile(tar, "etc/passwd", "root:x:0:0::/root:/bin/sh\napp:x:185:185::/deployments:/usr/sbin/nologin\n");
        }
        String layerId = OciImageTarball.sha256(layer.toByteArray());
        String config = """
                {"architecture":"amd64","os":"linux","config":{"User":"185:185","Env":["PATH=/opt/java/bin:/usr/bin:/bin"]},\
                "rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}""".formatted(layerId);
        String configId = OciImageTarball.sha256(config.getBytes(StandardCharsets.UTF_8));
        String manifest = """
                [{"Config":"%s.json","RepoTags":["forecaster/base-jre:25"],"Layers":["%s.tar"]}]"""
                .formatted(configId, layerId);
        try (OutputStream file = Files.newOutputStream(out); TarArchiveOutputStream tar = new TarArchiveOutputStream(file)) {
            addFile(tar, configId + ".json", config);
            addFile(tar, layerId + ".tar", layer.toByteArray());
            addFile(tar, "manifest.json", manifest);
        }
        return out;
    }

    private static void addFile(TarArchiveOutputStream tar, String name, String content) throws IOException {
        addFile(tar, name, content.getBytes(StandardCharsets.UTF_8));
    }

    private static void addFile(TarArchiveOutputStream tar, String name, byte[] content) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setSize(content.length);
        tar.putArchiveEntry(entry);
        tar.write(content);
        tar.closeArchiveEntry();
    }
}
