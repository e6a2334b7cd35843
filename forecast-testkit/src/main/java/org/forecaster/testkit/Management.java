package org.forecaster.testkit;

import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The management interface of the Quarkus application under test ({@code quarkus.management.enabled=true}), which
 * serves {@code /q/health}, {@code /q/metrics} and {@code /q/openapi} on a port of its own. The services' tests set
 * {@code quarkus.management.test-port=0}; Quarkus puts the port it bound back into that property once it listens,
 * so read it only from a running test (not from a static initializer).
 */
public final class Management {
    private Management() {}

    /** The management port of the running test application. */
    public static int port() {
        int port = ConfigProvider.getConfig().getValue("quarkus.management.test-port", Integer.class);
        if (port <= 0) {
            throw new IllegalStateException("quarkus.management.test-port is " + port
                    + ": the management interface is not listening yet (or quarkus.management.enabled is false)");
        }
        return port;
    }

    /** {@code path} (starting with {@code /q/}, as in {@code /q/health/ready}) on the management interface. */
    public static String url(String path) {
        if (!path.startsWith("/q/")) {
            throw new IllegalArgumentException("management paths start with /q/, got " + path);
        }
        return "http://localhost:" + port() + path;
    }
}
