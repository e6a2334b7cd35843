package org.forecaster.faults.harness;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Child JVMs: their command lines (the JDK running the tests, with the flags every JVM of ours needs) and their stop. */
public final class Jvm {
    /** The repository root (failsafe runs the tests in the module's folder). */
    public static final Path ROOT = Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent();

    private Jvm() {}

    static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    /** {@code java <jvmArgs> -cp <the test classpath> <mainClass> <args>}. */
    static List<String> command(List<String> jvmArgs, String mainClass, String... args) {
        List<String> c = new ArrayList<>();
        c.add(java());
        c.addAll(jvmArgs);
        c.add("-cp");
        c.add(System.getProperty("java.class.path"));
        c.add(mainClass);
        c.addAll(List.of(args));
        return c;
    }

    /** SIGTERM (a controlled shutdown when it can), then SIGKILL if it takes more than 20 s; nothing if it has ended. */
    static void stop(Process process) {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
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
