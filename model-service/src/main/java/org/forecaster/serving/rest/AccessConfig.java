package org.forecaster.serving.rest;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * API keys by scope, under {@code forecast.security.*}; the model service checks the {@code read} scope only. In
 * {@code rest}, the layer it configures, since nothing may import {@code config}.
 */
@ConfigMapping(prefix = "forecast.security")
public interface AccessConfig {
    /**
     * File of the {@code read} scope's keys (REST API, SSE, the dashboard's data), one per line (a mounted Secret); every
     * line is accepted, so a rotation lists the old and the new key for a while.
     */
    Optional<Path> readKeysFile();

    /** How often key files are read again (a removed key is refused at most this long after the change). */
    @WithDefault("PT10S")
    Duration keysReload();

    /** Serve reads without a key: for local runs and tests, never in production. */
    @WithDefault("false")
    boolean anonymousRead();
}
