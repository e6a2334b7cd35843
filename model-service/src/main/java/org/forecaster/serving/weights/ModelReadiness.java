package org.forecaster.serving.weights;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only once a model is loaded (the Kafka Streams extension adds its own check of the stream's state). */
@Readiness
@ApplicationScoped
public class ModelReadiness implements HealthCheck {
    @Inject
    ModelHolder holder;

    @Override
    public HealthCheckResponse call() {
        LoadedModel m = holder.current();
        return m == null
                ? HealthCheckResponse.named("model").down().withData("reason", "no model loaded yet").build()
                : HealthCheckResponse.named("model").up().withData("name", m.header().name()).withData("version", m.version()).build();
    }
}
