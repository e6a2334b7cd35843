package org.forecaster.trainer.schedule;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.forecaster.core.modelio.ModelAcceptance;
import org.forecaster.trainer.schedule.RunReport.Outcome;

/** Prometheus view of {@link RunStats} (names in the README). */
@Startup
@ApplicationScoped
public class TrainerMetrics {

    @Inject
    public TrainerMetrics(MeterRegistry registry, RunStats stats, TrainingRunner runner) {
        for (Outcome o : Outcome.values()) {
            FunctionCounter.builder("forecast.trainer.runs", stats, s -> s.count(o))
                    .tag("outcome", o.name().toLowerCase(java.util.Locale.ROOT))
                    .description("Finished runs by outcome (published, withheld, failed)").register(registry);
        }
        for (String reason : ModelAcceptance.REASONS) {
            FunctionCounter.builder("forecast.trainer.candidates.refused", stats, s -> s.refusedCount(reason))
                    .tag("reason", reason)
                    .description("Better candidates not published because they broke the model service's acceptance rules")
                    .register(registry);
        }
        Gauge.builder("forecast.trainer.last.run.duration", stats, s -> s.last() == null ? Double.NaN : s.last().durationMillis() / 1000.0)
                .baseUnit("seconds").description("Wall time of the last finished run").register(registry);
        Gauge.builder("forecast.trainer.last.validation.loss", stats, s -> s.last() == null ? Double.NaN : s.last().bestValidationLoss())
                .description("Best validation loss per target of the last run's candidate").register(registry);
        Gauge.builder("forecast.trainer.last.candidate.relative.mae", stats,
                        s -> s.last() == null || s.last().candidate() == null ? Double.NaN : s.last().candidate().relativeMae())
                .description("Last candidate's one-step MAE / seasonal-naive MAE on the test slice").register(registry);
        Gauge.builder("forecast.trainer.published.version", stats, RunStats::publishedVersion)
                .description("Last model version this instance published (0 if none)").register(registry);
        Gauge.builder("forecast.trainer.run.in.progress", runner, r -> r.inProgress().isPresent() ? 1 : 0)
                .description("1 while a run is training").register(registry);
    }
}
