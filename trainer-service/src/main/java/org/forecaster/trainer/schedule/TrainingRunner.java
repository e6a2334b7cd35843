package org.forecaster.trainer.schedule;

import io.quarkus.logging.Log;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.forecaster.trainer.config.TrainerSettings;

/**
 * Runs {@link RetrainJob}s on one dedicated thread, never on the event loop or a shared pool: training is
 * CPU-bound for minutes. The executor has one thread and no queue, so a trigger while a run is in progress
 * is refused (the scheduled trigger skips, the API answers 409) instead of piling up.
 */
@ApplicationScoped
public class TrainingRunner {
    private final RetrainJob job;
    private final Clock clock;
    private final ExecutorService executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
            new SynchronousQueue<>(), r -> {
                Thread t = new Thread(r, "forecast-trainer");
                t.setDaemon(true);
                return t;
            }, new ThreadPoolExecutor.AbortPolicy());
    private final AtomicReference<String> current = new AtomicReference<>();

    @Inject
    public TrainingRunner(RetrainJob job, Clock clock) {
        this.job = job;
        this.clock = clock;
    }

    /** Starts a run with the configured settings; empty if one is in progress. */
    public Optional<String> trigger(String trigger) {
        return trigger(trigger, job.settings());
    }

    /** Starts a run with {@code settings}; returns its id, or empty if a run is in progress. */
    public Optional<String> trigger(String trigger, TrainerSettings settings) {
        String runId = trigger + "-" + UUID.randomUUID();
        if (!current.compareAndSet(null, runId)) {
            Log.infof("%s trigger skipped: run %s is in progress", trigger, current.get());
            return Optional.empty();
        }
        try {
            executor.execute(() -> {
                try {
                    job.run(runId, trigger, clock.instant(), settings);
                } finally {
                    current.set(null);
                }
            });
            return Optional.of(runId);
        } catch (RejectedExecutionException e) {
            current.set(null);
            Log.infof("%s trigger skipped: the training thread is busy", trigger);
            return Optional.empty();
        }
    }

    /** The id of the run in progress, or empty. */
    public Optional<String> inProgress() {
        return Optional.ofNullable(current.get());
    }

    @PreDestroy
    void stop() {
        executor.shutdownNow();
    }
}
