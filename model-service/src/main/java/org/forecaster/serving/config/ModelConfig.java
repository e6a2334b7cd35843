package org.forecaster.serving.config;

import io.smallrye.config.ConfigMapping;
import java.nio.file.Path;
import java.util.Optional;

/** Where the first model comes from when none has been published yet ({@code forecast.model.*}). */
@ConfigMapping(prefix = "forecast.model")
public interface ModelConfig {
    /** A model file loaded at start-up; weights published later on {@code model.weights} still replace it if newer. */
    Optional<Path> bootstrapFile();
}
