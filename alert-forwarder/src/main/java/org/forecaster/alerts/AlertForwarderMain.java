package org.forecaster.alerts;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Arrays;
import org.forecaster.alerts.ForwarderConfig.ConfigException;
import org.forecaster.alerts.ForwarderConfig.Key;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the forwarder: configuration from the environment (see {@code --help}), the health and metrics endpoint,
 * and the forwarding loop on the main thread until SIGTERM, which lets it finish (and commit) the batch in hand.
 * Exit codes: 0 stopped, 1 failed while running, 2 bad configuration.
 */
public final class AlertForwarderMain {
    private static final Logger LOG = LoggerFactory.getLogger(AlertForwarderMain.class);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);

    private AlertForwarderMain() {}

    public static void main(String[] args) throws InterruptedException {
        if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
            help(System.out);
            return;
        }
        if (args.length > 0) {
            System.err.println("alert-forwarder: unexpected argument '" + args[0] + "'; it is configured by environment variables or"
                    + " -D system properties (see --help)");
            System.exit(2);
        }
        ForwarderConfig config;
        try {
            config = ForwarderConfig.fromEnvironment();
        } catch (ConfigException e) {
            System.err.println("alert-forwarder: bad configuration: " + e.getMessage() + " (see --help)");
            System.exit(2);
            return;
        }
        ForwarderMetrics metrics = new ForwarderMetrics();
        AlertForwarder forwarder = new AlertForwarder(config, new AlertmanagerClient(config.alertmanagerAlerts(), config.requestTimeout()),
                InstantSource.system(), metrics, t -> LOG.debug("delivered {}", t));
        HealthServer health;
        try {
            health = HealthServer.start(config.httpPort(), forwarder::ready, metrics::prometheusText);
        } catch (IOException e) {
            System.err.println("alert-forwarder: cannot serve health and metrics on port " + config.httpPort() + " (" + Key.HTTP_PORT.env()
                    + "): " + e.getMessage());
            System.exit(2);
            return;
        }
        LOG.info("health and metrics on http://0.0.0.0:{}/q/health/ready and /q/metrics", health.port());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                if (!forwarder.stop(STOP_TIMEOUT)) {
                    LOG.warn("the forwarder did not stop within {}; its last batch is posted again at the next start", STOP_TIMEOUT);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "alert-forwarder-stop"));
        try {
            forwarder.run();
        } catch (RuntimeException e) {
            LOG.error("alert-forwarder failed", e);
            health.close();
            System.exit(1);
        }
        health.close();
    }

    static void help(PrintStream out) {
        out.println("alert-forwarder: posts the OPEN and RESOLVED alert transitions of the anomalies topic to Alertmanager (API v2).");
        out.println();
        out.println("Configured by environment variables (or -D system properties of the property name; those win):");
        for (Key k : Key.values()) {
            out.printf("  %-40s %s%n  %-40s (%s: %s)%n", k.env(), k.description, "",
                    k.property, k.defaultValue == null ? "required" : "default '" + k.defaultValue + "'");
        }
    }
}
