package org.forecaster.trainer.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** API keys by scope, under {@code forecast.security.*}; the trainer checks the {@code operate} scope only. */
@ConfigMapping(prefix = "forecast.security")
public interface AccessConfig {
    /**
     * File of the {@code operate} scope's keys (trigger a training run), one per line (a mounted Secret); every line is
     * accepted, so a rotation lists the old and the new key for a while. Besides {@code forecast.trainer.api-key}.
     */
    Optional<Path> operateKeysFile();

    /** How often key files are read again (a removed key is refused at most this long after the change). */
    @WithDefault("PT10S")
    Duration keysReload();
}
