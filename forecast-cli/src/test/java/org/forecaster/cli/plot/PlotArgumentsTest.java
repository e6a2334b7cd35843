package org.forecaster.cli.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Wrong arguments to plot give exit code 2 and one line on stderr, and write no picture. */
class PlotArgumentsTest {
    @TempDir
    static Path dir;

    static Stream<Arguments> badCommandLines() throws IOException {
        Path sim = PlotFixture.writeSimulateOutput(dir.resolve("sim"));
        String simDir = sim.toString(), png = dir.resolve("out.png").toString();
        Path csv = Files.writeString(dir.resolve("a.csv"), "timestamp,value\n2024-01-01 00:00:00,1\n");
        return Stream.of(
                Arguments.of("no --out", new String[] {"plot", "--dir", simDir}, "Missing required option: '--out=FILE'"),
                Arguments.of("no input", new String[] {"plot", "--out", png}, "nothing to draw from: give --csv, --dir"),
                Arguments.of("jpeg", new String[] {"plot", "--dir", simDir, "--out", dir.resolve("out.jpg").toString()},
                        "--out must end in .png or .svg"),
                Arguments.of("tiny picture", new String[] {"plot", "--dir", simDir, "--series", "s1", "--width", "10", "--out", png},
                        "--width and --height must be in 200..8000 pixels, got 10x500"),
                Arguments.of("width not a number", new String[] {"plot", "--dir", simDir, "--width", "wide", "--out", png},
                        "Invalid value for option '--width'"),
                Arguments.of("several series", new String[] {"plot", "--dir", simDir, "--out", png},
                        "the records hold 2 series; pick one with --series: s1, s2"),
                Arguments.of("unknown series", new String[] {"plot", "--dir", simDir, "--series", "s9", "--out", png},
                        "no forecasts or alerts of series 's9'; there are: s1, s2"),
                Arguments.of("from after to", new String[] {"plot", "--dir", simDir, "--from", "2025-03-02", "--to", "2025-03-01", "--out", png},
                        "--from (2025-03-02T00:00:00Z) must be before --to (2025-03-01T00:00:00Z)"),
                Arguments.of("from not a time", new String[] {"plot", "--dir", simDir, "--from", "yesterday", "--out", png},
                        "'yesterday' is not an ISO-8601 instant like 2025-03-05T12:00:00Z or a date like 2025-03-05"),
                Arguments.of("topics and files", new String[] {"plot", "--dir", simDir, "--bootstrap", "localhost:9092", "--out", png},
                        "--bootstrap reads the topics; leave out --dir"),
                Arguments.of("bad bootstrap", new String[] {"plot", "--bootstrap", "localhost", "--out", png},
                        "--bootstrap must be HOST:PORT"),
                Arguments.of("missing labels file", new String[] {"plot", "--csv", csv.toString(), "--labels", dir.resolve("nope.json").toString(),
                        "--out", png}, "no such file: "),
                Arguments.of("dir without outputs", new String[] {"plot", "--dir", dir.resolve("empty").toString(), "--out", png},
                        "is not a folder"),
                Arguments.of("threshold without a detect result", new String[] {"plot", "--dir", simDir, "--threshold", "0.9", "--out", png},
                        "--threshold applies to a 'detect' result"),
                Arguments.of("bad level", new String[] {"plot", "--csv", csv.toString(), "--level", "100", "--out", png},
                        "--level must be in (0, 100)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badCommandLines")
    void shouldRejectWithOneLine(String name, String[] args, String expected) {
        PlotFixture.Run r = PlotFixture.cli(args);
        assertEquals(2, r.code(), name + ": " + r.err());
        assertTrue(r.err().contains(expected), name + ": expected '" + expected + "' in: " + r.err());
        assertEquals(1, r.err().strip().lines().count(), name + ": one line, got: " + r.err());
        assertFalse(r.err().contains("Exception"), r.err());
        assertFalse(Files.exists(dir.resolve("out.png")), "no picture written");
    }
}
