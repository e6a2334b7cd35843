package org.forecaster.ingest.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** API keys by scope, under {@code forecast.security.*}; the ingest service checks the {@code ingest} scope only. */
@ConfigMapping(prefix = "forecast.security")
public interface AccessConfig {
    /**
     * File of the {@code ingest} scope's keys, one per line (a mounted Secret); every line is accepted, so a rotation
     * lists the old and the new key for a while. Besides {@code forecast.ingest.http.api-key}.
     */
    Optional<Path> ingestKeysFile();

    /** How often key files are read again (a removed key is refused at most this long after the change). */
    @WithDefault("PT10S")
    Duration keysReload();
}
