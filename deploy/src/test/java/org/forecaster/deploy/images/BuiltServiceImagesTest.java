package org.forecaster.deploy.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Checks the images that {@code deploy/images/build-images} wrote to {@code deploy/images/target/}. Skipped when
 * they are absent (building takes minutes, so it is not in the default test run); {@code -Dimages.required=true}
 * turns absence into a failure. As root it also unpacks the image and runs its Java runtime in a chroot (own mount, pid and /proc) as the
 * image's user, which proves the jlinked runtime, the libc and the Vector API module are all in the layers.
 */
class BuiltServiceImagesTest {
    private static final Path OUT = Path.of("images/target");

    @TempDir Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"ingest-service", "model-service", "trainer-service", "alert-forwarder"})
    void builtImageRunsAsNonRootWithVectorModuleAndSmallAppLayer(String service) throws Exception {
        Path image = OUT.resolve(service + ".tar");
        if (!Boolean.getBoolean("images.required")) {
            assumeTrue(Files.isRegularFile(image), image + " not built; run deploy/images/build-images");
        }
        OciImageTarball tarball = new OciImageTarball(image);
        assertEquals(tarball.manifestDigest, Files.readString(OUT.resolve(service + ".tar.digest")).strip());
        assertTrue(Files.readString(OUT.resolve("kustomize-images.yaml")).contains("digest: " + tarball.manifestDigest),
                "the kustomize snippet pins " + service);
        var config = tarball.config.path("config");
        assertEquals("185:185", config.path("User").asText());
        String entrypoint = config.path("Entrypoint").toString();
        assertTrue(entrypoint.contains("--add-modules=jdk.incubator.vector"), entrypoint);
        boolean quarkus = !service.equals("alert-forwarder");
        String jar = quarkus ? "deployments/quarkus-run.jar" : "deployments/alert-forwarder.jar";
        int last = tarball.layerDigests.size() - 1;
        assertTrue(tarball.layerFiles(last).contains(jar), "last layer holds " + jar);
        if (quarkus) {
            // The dependencies ship in their own layer, so a code change re-ships well under a megabyte or two.
            assertTrue(tarball.layerSize(last) < 4 << 20, "application layer is " + tarball.layerSize(last) + " bytes");
        }
        if (!"root".equals(System.getProperty("user.name")) || !Files.isExecutable(Path.of("/usr/sbin/chroot"))
                || !Files.isExecutable(Path.of("/usr/bin/unshare"))) {
            return;
        }
        Path root = dir.resolve("rootfs");
        tarball.unpackTo(root);
        assertTrue(Files.readString(root.resolve("etc/passwd")).contains(":185:185:"), "the image has user 185");
        String modules = runInImage(root, List.of("java", "--list-modules"));
        assertTrue(modules.contains("jdk.incubator.vector"), modules);
        String version = runInImage(root, List.of("java", "--add-modules=jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED", "-version"));
        assertTrue(version.contains("version \"25"), version);
    }

    /** Runs a command as uid 185 inside the unpacked image; returns its output, failing on a non-zero exit. */
    private static String runInImage(Path root, List<String> command) throws IOException, InterruptedException {
        // A private mount and pid namespace with its own /proc, as a container runtime gives: the java launcher
        // finds libjli.so through RPATH $ORIGIN, which the loader resolves via /proc/self/exe.
        List<String> full = new ArrayList<>(List.of("/usr/bin/unshare", "--mount", "--pid", "--fork",
                "--mount-proc=" + root.resolve("proc").toAbsolutePath(),
                "/usr/sbin/chroot", "--userspec=185:185", root.toAbsolutePath().toString(),
                "/usr/bin/env", "PATH=/opt/java/bin:/usr/bin:/bin", "HOME=/tmp"));
        full.addAll(command);
        Process process = new ProcessBuilder(full).redirectErrorStream(true).start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "timed out: " + command);
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), command + " failed: " + output);
        return output;
    }
}
