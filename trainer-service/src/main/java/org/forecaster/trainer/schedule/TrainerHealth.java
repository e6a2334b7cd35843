package org.forecaster.trainer.schedule;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * Liveness with the last run's outcome as data. A failed run does not make the service unhealthy: it is
 * retried at the next schedule, and restarting would not fix missing data or a diverging config. Kafka
 * readiness comes from the messaging extension's channel checks.
 */
@Liveness
@ApplicationScoped
public class TrainerHealth implements HealthCheck {
    private final RunStats stats;
    private final TrainingRunner runner;

    @Inject
    public TrainerHealth(RunStats stats, TrainingRunner runner) {
        this.stats = stats;
        this.runner = runner;
    }

    @Override
    public HealthCheckResponse call() {
        RunReport last = stats.last();
        return HealthCheckResponse.named("trainer").up()
                .withData("inProgress", runner.inProgress().orElse("none"))
                .withData("lastOutcome", last == null ? "none" : last.outcome().name())
                .withData("lastRun", last == null ? "none" : last.runId())
                .withData("failedRuns", stats.count(RunReport.Outcome.FAILED))
                .build();
    }
}
