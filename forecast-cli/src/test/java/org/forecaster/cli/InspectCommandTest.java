package org.forecaster.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InspectCommandTest {
    @TempDir
    Path dir;
    byte[] bytes;
    Path file;

    @BeforeEach
    void writeModel() throws IOException {
        ModelSpec spec = new ModelSpec(CellType.GRU, 2, Features.COUNT, 8, 3);
        float[] params = Forecaster.initialize(spec, 3, KernelsProvider.get()).parameters();
        ModelHeader h = new ModelHeader("cpu", 7, 6L, spec, NormalizerSpec.DEFAULT, 60_000, null, null, 12, 3,
                Map.of("val.nll", -0.25), Map.of("k1", "48"), Instant.parse("2025-01-02T03:04:05Z"));
        bytes = ModelWriter.write(new ModelFile(h, params));
        file = dir.resolve("cpu.fcst");
        Files.write(file, bytes);
    }

    @Test
    void shouldPrintHeaderShapesChecksumAndMetrics() {
        Cli r = Cli.run("inspect", file.toString());
        assertEquals(0, r.code(), r.err());
        String out = r.out();
        assertTrue(out.contains("model:        cpu v7 (parent v6)"), out);
        assertTrue(out.contains("GRU, 2 layer(s), input 6, hidden 8, horizon 3"), out);
        assertTrue(out.contains("layer0.w   [14, 24]"), out);
        assertTrue(out.contains("layer1.w   [16, 24]"), out);
        assertTrue(out.contains("head.w     [8, 6]"), out);
        assertTrue(out.contains("val.nll = -0.25"), out);
        assertTrue(out.lines().anyMatch(l -> l.startsWith("checksum:") && l.contains("verified")), out);
    }

    @Test
    void shouldRejectACorruptFileWithTheReasonOnOneLine() throws IOException {
        byte[] bad = bytes.clone();
        bad[bad.length - 20] ^= 0x40; // a parameter byte: only the checksum can tell
        Files.write(file, bad);
        Cli r = Cli.run("inspect", file.toString());
        assertEquals(1, r.code());
        String err = r.err().strip();
        assertEquals(1, err.lines().count(), err);
        assertTrue(err.startsWith("forecast inspect: " + file + ": not a valid model file (checksum"), err);
        assertTrue(r.out().isEmpty(), r.out());
    }

    @Test
    void shouldRejectSomethingThatIsNotAModelFile() throws IOException {
        Files.writeString(file, "timestamp,value\n2024-01-01 00:00:00,1\n");
        Cli r = Cli.run("inspect", file.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().strip().contains("not a valid model file"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    @Test
    void shouldReportAMissingFile() {
        Cli r = Cli.run("inspect", dir.resolve("none.fcst").toString());
        assertEquals(1, r.code());
        assertEquals("forecast inspect: no such file: " + dir.resolve("none.fcst"), r.err().strip());
    }
}
