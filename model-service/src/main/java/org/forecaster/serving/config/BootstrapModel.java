package org.forecaster.serving.config;

import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.forecaster.serving.weights.ModelHolder;

/**
 * Loads {@code forecast.model.bootstrap-file}, if configured, at start-up, through the same validation as published
 * weights; before the Kafka Streams extension's start-up observer (default priority) starts the stream, so its
 * threads find the model at once ({@code StartWithModel}).
 */
@ApplicationScoped
public class BootstrapModel {

    void onStart(@Observes @Priority(Interceptor.Priority.APPLICATION) StartupEvent event, ModelConfig config, ModelHolder holder) {
        if (config.bootstrapFile().isEmpty()) {
            Log.info("no bootstrap model file configured; waiting for weights on the weights channel (readiness is down until then)");
            return;
        }
        Path path = config.bootstrapFile().get();
        try {
            ModelHolder.Verdict v = holder.offer(Files.readAllBytes(path));
            if (v.accepted()) {
                Log.infof("serving %s from bootstrap file %s", v.message(), path);
            } else {
                // A file has no record headers to carry a signature: with signatures required it must be published.
                Log.warnf("bootstrap model file %s rejected: %s: %s%s", path, v.reason(), v.message(), v.reason().equals("unsigned")
                        ? " (publish it signed with `bin/forecast publish --signing-key` instead)" : "");
            }
        } catch (IOException e) {
            Log.warnf(e, "cannot read bootstrap model file %s; waiting for weights on the weights channel", path);
        }
    }
}
