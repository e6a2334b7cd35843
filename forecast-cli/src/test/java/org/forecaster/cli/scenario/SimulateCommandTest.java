package org.forecaster.cli.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.forecaster.core.kernel.KernelsProvider;
import org.forecaster.core.model.CellType;
import org.forecaster.core.model.Features;
import org.forecaster.core.model.Forecaster;
import org.forecaster.core.model.ModelSpec;
import org.forecaster.core.model.NormalizerSpec;
import org.forecaster.core.modelio.ModelFile;
import org.forecaster.core.modelio.ModelHeader;
import org.forecaster.core.modelio.ModelWriter;
import org.forecaster.core.wire.ForecastRecord;
import org.forecaster.core.wire.WireJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimulateCommandTest {
    @TempDir
    Path dir;

    private Path model() throws IOException {
        ModelSpec spec = new ModelSpec(CellType.LSTM, 1, Features.COUNT, 8, 3);
        ModelHeader h = new ModelHeader("global", 4, null, spec, NormalizerSpec.DEFAULT, 300_000, null, null, 0, 1, Map.of(),
                Map.of(), Instant.parse("2025-01-01T00:00:00Z"));
        Path file = dir.resolve("m.fcst");
        Files.write(file, ModelWriter.write(new ModelFile(h, Forecaster.initialize(spec, 5, KernelsProvider.get()).parameters())));
        return file;
    }

    @Test
    void shouldForecastEveryPointThatPointsWritesInItsOrder() throws IOException {
        Path scn = dir.resolve("scn"), points = dir.resolve("points"), sim = dir.resolve("sim");
        assertEquals(0, ScenarioCli.run("scenario", "generate", "--out", scn.toString(), "--series", "2", "--seed", "9").code());
        assertEquals(0, ScenarioCli.run("scenario", "points", "--dir", scn.toString(), "--out", points.toString()).code());
        ScenarioCli r = ScenarioCli.run("scenario", "simulate", "--dir", scn.toString(), "--model", model().toString(),
                "--out", sim.toString());
        assertEquals(0, r.code(), r.err());

        List<ForecastRecord> forecasts = new ArrayList<>();
        for (String line : Files.readAllLines(sim.resolve("forecasts.jsonl"))) {
            forecasts.add(WireJson.read(line.getBytes(java.nio.charset.StandardCharsets.UTF_8), ForecastRecord.class));
        }
        for (String series : List.of("scn-000", "scn-001")) {
            List<String> rows = Files.readAllLines(points.resolve(series + ".csv"));
            List<ForecastRecord> own = forecasts.stream().filter(f -> f.series().equals(series)).toList();
            assertEquals(rows.size() - 1, own.size(), series + ": one forecast per point");
            for (int i = 0; i < own.size(); i++) {
                String[] cells = rows.get(i + 1).split(",");
                assertEquals(Instant.parse(cells[0]), own.get(i).observedTs(), series + " point " + i);
                assertEquals(Double.parseDouble(cells[1]), own.get(i).observedValue(), series + " point " + i);
                assertEquals(4, own.get(i).modelVersion());
                assertEquals(3, own.get(i).steps().size());
            }
        }
        // Each point carries its window's events, so backtest's profile learns the trimmed means the service feeds it.
        List<String> rows = Files.readAllLines(points.resolve("scn-000.csv"));
        assertEquals("timestamp,value,count,min,max", rows.getFirst());
        var read = org.forecaster.core.data.SeriesFiles.readTimedCsv(points.resolve("scn-000.csv"));
        int moved = 0;
        for (int i = 0; i < read.size(); i++) {
            String[] cells = rows.get(i + 1).split(",");
            double min = Double.parseDouble(cells[3]), max = Double.parseDouble(cells[4]);
            double trimmed = read.trimmed()[i];
            // A flatline's equal events sum to a mean a rounding outside them: then it is its own trimmed mean.
            assertTrue(Long.parseLong(cells[2]) >= 1 && (min <= trimmed && trimmed <= max || trimmed == read.values()[i]),
                    rows.get(i + 1));
            moved += read.trimmed()[i] != read.values()[i] ? 1 : 0;
        }
        assertTrue(moved > read.size() / 2, moved + " of " + read.size() + " windows' trimmed means differ from their means");
        assertTrue(forecasts.getFirst().cold(), "a new key's first forecast is cold");
        assertTrue(r.out().contains("2 series"), r.out());
    }

    @Test
    void shouldRefuseAFileThatIsNoModel() throws IOException {
        Path scn = dir.resolve("scn");
        assertEquals(0, ScenarioCli.run("scenario", "generate", "--out", scn.toString(), "--series", "1").code());
        Path bad = Files.writeString(dir.resolve("bad.fcst"), "not a model");
        ScenarioCli r = ScenarioCli.run("scenario", "simulate", "--dir", scn.toString(), "--model", bad.toString(), "--out",
                dir.resolve("sim").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("is not a valid model file"), r.err());
    }
}
