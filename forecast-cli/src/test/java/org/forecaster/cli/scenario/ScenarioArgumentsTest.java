package org.forecaster.cli.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad arguments end with exit code 2 and one line naming the problem, never a stack trace. */
class ScenarioArgumentsTest {
    @TempDir
    Path dir;

    private static void assertUsageError(String expected, String... args) {
        ScenarioCli r = ScenarioCli.run(args);
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains(expected), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(!r.err().contains("Exception"), r.err());
    }

    @Test
    void shouldRejectBadArgumentsWithOneLine() throws IOException {
        String out = dir.resolve("s").toString();
        assertUsageError("a subcommand is required: generate, send, points, simulate or score", "scenario");
        assertUsageError("Missing required option: '--out=DIR'", "scenario", "generate");
        assertUsageError("unknown anomaly kind 'meteor'", "scenario", "generate", "--out", out, "--kinds", "spike,meteor");
        assertUsageError("quiet days must be >= 0 and fewer than the 2 days", "scenario", "generate", "--out", out, "--days", "2");
        assertUsageError("not on the window grid", "scenario", "generate", "--out", out, "--start", "2024-01-01T00:01:00Z");
        assertUsageError("--start must be an ISO-8601 instant", "scenario", "generate", "--out", out, "--start", "monday");
        assertUsageError("tail degrees of freedom must be 1..100", "scenario", "generate", "--out", out, "--tail-dof", "0");
        assertUsageError("has no events.jsonl", "scenario", "send", "--dir", out, "--bootstrap", "localhost:9092");
        assertUsageError("--bootstrap must be HOST:PORT", "scenario", "send", "--dir", out, "--bootstrap", "localhost");
        assertUsageError("give --dir, or both --events and --labels", "scenario", "score", "--anomalies", "x.jsonl");
        ScenarioCli made = ScenarioCli.run("scenario", "generate", "--out", out, "--series", "1", "--days", "4", "--anomalies-per-kind", "0");
        assertEquals(0, made.code(), made.err());
        assertUsageError("already holds a scenario: add --force", "scenario", "generate", "--out", out);
        assertUsageError("give either --bootstrap", "scenario", "score", "--dir", out);
        assertUsageError("give either --bootstrap", "scenario", "score", "--dir", out, "--bootstrap", "h:1", "--anomalies", "a.jsonl");
        assertUsageError("--anomalies a.jsonl is not a file", "scenario", "score", "--dir", out, "--anomalies", "a.jsonl");
        assertUsageError("--forecasts " + dir + " is not a file", "scenario", "score", "--dir", out, "--forecasts", dir.toString());
        String alerts = Files.writeString(dir.resolve("a.jsonl"), "").toString();
        assertUsageError("Holt-Winters needs two seasons", "scenario", "score", "--dir", out, "--anomalies", alerts, "--fit", "1d");
        assertUsageError("--season 7m must be a whole number of windows of 5m", "scenario", "score", "--dir", out, "--anomalies", alerts,
                "--season", "7m");
        assertTrue(Files.exists(dir.resolve("s").resolve(ScenarioFiles.LABELS)));
    }

    @Test
    void shouldReadScenarioOptionsFromAConfigFileAfterTheNestedSubcommand() throws IOException {
        Path config = Files.writeString(dir.resolve("scn.properties"), "series = 2\ndays = 4\nanomalies-per-kind = 0\n");
        ScenarioCli r = ScenarioCli.run("scenario", "generate", "--config", config.toString(), "--out", dir.resolve("c").toString(), "--days", "5");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("2 series x 5 days"), r.out());
    }
}
