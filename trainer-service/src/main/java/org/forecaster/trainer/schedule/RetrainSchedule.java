package org.forecaster.trainer.schedule;

import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Starts a run every {@code forecast.trainer.interval}; a run still in progress makes the tick a no-op. */
@ApplicationScoped
public class RetrainSchedule {
    private final TrainingRunner runner;

    @Inject
    public RetrainSchedule(TrainingRunner runner) {
        this.runner = runner;
    }

    @Scheduled(identity = "retrain", every = "{forecast.trainer.interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void retrain() {
        runner.trigger("schedule"); // hands RetrainJob.run(clock.instant()) to the training thread
    }
}
