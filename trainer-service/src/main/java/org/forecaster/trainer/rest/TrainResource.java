package org.forecaster.trainer.rest;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.forecaster.core.optim.LrSchedule;
import org.forecaster.core.train.TrainConfig;
import org.forecaster.trainer.config.TrainerSettings;
import org.forecaster.trainer.schedule.RunReport;
import org.forecaster.trainer.schedule.RunStats;
import org.forecaster.trainer.schedule.TrainingRunner;
import org.jboss.resteasy.reactive.RestResponse;

/** Triggers a run on demand and reports the last one. */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
public class TrainResource {
    public static final String API_KEY_HEADER = "X-API-Key";

    private final TrainingRunner runner;
    private final RunStats stats;
    private final TrainerSettings settings;

    @Inject
    public TrainResource(TrainingRunner runner, RunStats stats, TrainerSettings settings) {
        this.runner = runner;
        this.stats = stats;
        this.settings = settings;
    }

    /**
     * Optional overrides of one triggered run (every field may be null, meaning the configured value).
     *
     * @param epochs       maximum epochs
     * @param learningRate initial learning rate (the configured schedule shape is kept)
     * @param fineTune     start from the production weights or from scratch
     * @param seed         training seed
     * @param force        publish the candidate even if it does not beat production (recorded as forced)
     */
    public record Overrides(Integer epochs, Double learningRate, Boolean fineTune, Long seed, Boolean force) {}

    /** A run was started: its id, as in the last-run report and the evaluations topic. */
    @Schema(description = "The run started")
    public record RunStarted(@Schema(required = true) String runId) {}

    /** A run is in progress already: the error and that run's id ({@link ApiError} with the run). */
    @Schema(description = "A run is in progress; runId is that run's")
    public record RunConflict(@Schema(required = true) String error, @Schema(required = true) String runId) {}

    @POST
    @Path("/train")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Start a retraining run now", description = "Needs a key of the operate scope in the X-API-Key header "
            + "(checked by OperateAccessFilter before the body is read). The body is optional.")
    @SecurityRequirement(name = ApiDocument.API_KEY)
    @APIResponse(responseCode = "202", description = "Run started; body has its runId",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = RunStarted.class)))
    @APIResponse(responseCode = "400", description = "Invalid overrides, or a body that is not JSON",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "401", description = "Missing or wrong operate key (or none configured)",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "409", description = "A run is in progress; body has its runId",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = RunConflict.class)))
    @APIResponse(responseCode = "415", description = "A Content-Type other than application/json",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    public RestResponse<Object> train(Overrides overrides) {
        TrainerSettings s;
        try {
            s = apply(overrides);
        } catch (IllegalArgumentException e) {
            return RestResponse.status(RestResponse.Status.BAD_REQUEST, new ApiError(e.getMessage()));
        }
        Optional<String> runId = runner.trigger("api", s);
        if (runId.isEmpty()) {
            return RestResponse.status(RestResponse.Status.CONFLICT,
                    new RunConflict("a run is in progress", runner.inProgress().orElse("")));
        }
        return RestResponse.status(RestResponse.Status.ACCEPTED, new RunStarted(runId.get()));
    }

    @GET
    @Path("/runs/last")
    @Operation(summary = "The last finished run: outcome, reason, versions, scores")
    @APIResponse(responseCode = "200", description = "The last run's report",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = RunReport.class)))
    @APIResponse(responseCode = "404", description = "No run has finished yet",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    public RestResponse<Object> last() {
        RunReport last = stats.last();
        return last == null ? RestResponse.status(RestResponse.Status.NOT_FOUND, new ApiError("no run has finished yet"))
                : RestResponse.ok(last);
    }

    private TrainerSettings apply(Overrides o) {
        if (o == null) {
            return settings;
        }
        TrainConfig t = settings.train();
        if (o.epochs() != null) {
            t = t.withEpochs(o.epochs(), Math.min(t.patience(), o.epochs()));
        }
        if (o.learningRate() != null) {
            t = t.withOptimizer(t.optimizer(), rescale(t, o.learningRate()));
        }
        if (o.seed() != null) {
            t = t.withSeed(o.seed());
        }
        return settings.withTrain(t, o.fineTune() == null ? settings.fineTune() : o.fineTune())
                .withForce(Boolean.TRUE.equals(o.force()));
    }

    private static LrSchedule rescale(TrainConfig t, double rate) {
        return switch (t.schedule()) {
            case LrSchedule.Constant c -> new LrSchedule.Constant(rate);
            case LrSchedule.Step s -> new LrSchedule.Step(rate, s.every(), s.gamma());
            case LrSchedule.Exponential e -> new LrSchedule.Exponential(rate, e.k());
            case LrSchedule.InverseTime i -> new LrSchedule.InverseTime(rate, i.k());
        };
    }
}
