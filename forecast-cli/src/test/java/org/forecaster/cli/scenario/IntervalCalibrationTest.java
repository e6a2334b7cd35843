package org.forecaster.cli.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15: the 95 % intervals the service publishes cover 93-97 % of generated telemetry, light-tailed or heavy,
 * with the bundled first model. Its Gaussian head alone covered 86 % and 99.7 % of a noisy and a quiet training
 * scenario (docs/evaluation.md, "Interval calibration"); the per-key calibration in the Stepper, at both ends of the
 * horizon, brings both kinds of series into the band at every horizon.
 */
class IntervalCalibrationTest {
    private static final Path BUNDLED_MODEL = Path.of("..", "deploy", "local", "bootstrap-model.fcst");

    @TempDir
    Path dir;

    /**
     * {@code laterWithin}: how far from 95 % the steps after the first may be. On heavy tails the model's interval
     * shape holds them within a point: without it the bundled model's coverage rose with the horizon there, 95.0 % at
     * h = 1 to 96.7 % at h = 12 on this scenario (97.1-97.7 % on the noisier training scenarios). On the quiet one the
     * pooled shape alone left h = 1 at 96.4 % and h = 12 at 94.1 %; with the calibration's far end (the h = 12 misses)
     * every horizon is at 95.4-96.1 % with the keys' carried one-step errors (95.2-95.7 % before them, 94.2-95.0 % with
     * the model before the profile's neighbour reading, 95.2-96.1 % before its read centred on the step), the
     * heavy-tailed scenario's at 94.8-95.2 % (94.9-95.1 %).
     */
    @ParameterizedTest(name = "noise {1}, Student-t with {2} degrees of freedom")
    @CsvSource({"31, 0.02, 30, 0.015", "32, 0.2, 3, 0.01"})
    void intervalsCoverWhatTheyClaimOnGeneratedTelemetry(int seed, double noise, int tailDof, double laterWithin)
            throws IOException {
        assertTrue(Files.isRegularFile(BUNDLED_MODEL), "the bundled model at " + BUNDLED_MODEL.toAbsolutePath());
        Path scn = dir.resolve("scn"), sim = dir.resolve("sim"), score = dir.resolve("score.json");
        assertEquals(0, ScenarioCli.run("scenario", "generate", "--out", scn.toString(), "--seed", Integer.toString(seed),
                "--series", "8", "--days", "10", "--noise", Double.toString(noise), "--tail-dof", Integer.toString(tailDof)).code());
        ScenarioCli r = ScenarioCli.run("scenario", "simulate", "--dir", scn.toString(), "--model", BUNDLED_MODEL.toString(),
                "--out", sim.toString());
        assertEquals(0, r.code(), r.err());
        r = ScenarioCli.run("scenario", "score", "--dir", scn.toString(), "--forecasts", sim.resolve("forecasts.jsonl").toString(),
                "--anomalies", sim.resolve("anomalies.jsonl").toString(), "--json", score.toString());
        assertEquals(0, r.code(), r.err());

        JsonNode rows = new ObjectMapper().readTree(score.toFile()).get("forecast");
        for (JsonNode row : rows) {
            double coverage = row.get("coverage").asDouble();
            assertTrue(coverage >= 0.93 && coverage <= 0.97, "h=" + row.get("h") + ": coverage " + coverage);
            if (row.get("h").asInt() > 1) {
                assertEquals(0.95, coverage, laterWithin, "h=" + row.get("h"));
            }
        }
        assertEquals(12, rows.size());
    }
}
