package org.forecaster.cli;

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

/** Every way of getting the arguments wrong gives exit code 2 and exactly one line on stderr, no stack trace. */
class ArgumentErrorsTest {
    @TempDir
    static Path dir;

    static Stream<Arguments> badCommandLines() throws IOException {
        Path csv = Files.writeString(dir.resolve("a.csv"), "timestamp,value\n2024-01-01 00:00:00,1\n");
        Path m4 = Files.writeString(dir.resolve("m4.csv"), "\"V1\",\"V2\"\n\"H1\",\"1\"\n");
        String out = dir.resolve("out").toString();
        return Stream.of(
                Arguments.of("no subcommand", new String[] {}, "subcommand is required"),
                Arguments.of("unknown subcommand", new String[] {"train"}, "Unmatched argument"),
                Arguments.of("backtest missing options", new String[] {"backtest", "--format", "m4"}, "Missing required options"),
                Arguments.of("backtest unknown option", new String[] {"backtest", "--format", "m4", "--train", m4.toString(),
                        "--horizon", "4", "--season", "2", "--out", out, "--colour", "red"}, "Unknown option"),
                Arguments.of("backtest horizon not a number", new String[] {"backtest", "--format", "m4", "--train", m4.toString(),
                        "--horizon", "four", "--season", "2", "--out", out}, "Invalid value for option '--horizon'"),
                Arguments.of("backtest horizon zero", new String[] {"backtest", "--format", "m4", "--train", m4.toString(),
                        "--horizon", "0", "--season", "2", "--out", out}, "--horizon and --season must be >= 1"),
                Arguments.of("backtest unknown format", new String[] {"backtest", "--format", "parquet", "--train", m4.toString(),
                        "--horizon", "4", "--season", "2", "--out", out}, "unknown --format 'parquet'"),
                Arguments.of("backtest bad cell", new String[] {"backtest", "--format", "m4", "--train", m4.toString(),
                        "--horizon", "4", "--season", "2", "--out", out, "--cell", "TRANSFORMER"}, "Invalid value for option '--cell'"),
                Arguments.of("backtest k2 below k1", new String[] {"backtest", "--format", "m4", "--train", m4.toString(),
                        "--horizon", "4", "--season", "2", "--out", out, "--k1", "10", "--k2", "5"}, "k1 <= k2"),
                Arguments.of("backtest missing config file", new String[] {"backtest", "--config", dir.resolve("nope.properties").toString()},
                        "cannot read config file"),
                Arguments.of("detect missing --out", new String[] {"detect", "--data", dir.toString()}, "Missing required option: '--out=DIR'"),
                Arguments.of("detect bad probation", new String[] {"detect", "--data", dir.toString(), "--out", out, "--probation", "1.5"},
                        "probation must be in (0, 1)"),
                Arguments.of("detect bad detector name", new String[] {"detect", "--data", dir.toString(), "--out", out, "--detector", "a/b"},
                        "--detector must be"),
                Arguments.of("detect zero threads", new String[] {"detect", "--data", dir.toString(), "--out", out, "--threads", "0"},
                        "--threads and --retrain-epochs must be >= 1"),
                Arguments.of("replay missing --bootstrap", new String[] {"replay", "--file", csv.toString()}, "Missing required option: '--bootstrap"),
                Arguments.of("replay negative speed", new String[] {"replay", "--file", csv.toString(), "--bootstrap", "localhost:9", "--speed", "-2"},
                        "--speed must be a positive number"),
                Arguments.of("replay folder without series names", new String[] {"replay", "--file", dir.toString(), "--bootstrap", "localhost:9"},
                        "add --series-from-file-name"),
                Arguments.of("replay bad bootstrap", new String[] {"replay", "--file", csv.toString(), "--bootstrap", "localhost"},
                        "--bootstrap must be HOST:PORT"),
                Arguments.of("load missing --rate", new String[] {"load", "--series", "10", "--duration", "10s"},
                        "Missing required option: '--rate=N'"),
                Arguments.of("load zero series", new String[] {"load", "--series", "0", "--rate", "100", "--duration", "10s"},
                        "--series must be >= 1"),
                Arguments.of("load negative rate", new String[] {"load", "--series", "1", "--rate", "-5", "--duration", "10s"},
                        "--rate must be a positive number"),
                Arguments.of("load rate not a number", new String[] {"load", "--series", "1", "--rate", "fast", "--duration", "10s"},
                        "Invalid value for option '--rate'"),
                Arguments.of("load duration without unit", new String[] {"load", "--series", "1", "--rate", "5", "--duration", "10"},
                        "'10' is not a duration like 500ms"),
                Arguments.of("load warm-up as long as the run", new String[] {"load", "--series", "1", "--rate", "5", "--duration", "10s",
                        "--warmup", "10s"}, "--warmup must be >= 0 and shorter than --duration (10s)"),
                Arguments.of("load step too short", new String[] {"load", "--series", "1", "--rate", "5", "--duration", "10s",
                        "--step", "1ms"}, "--step must be at least 2ms"),
                Arguments.of("load sends nothing", new String[] {"load", "--series", "1", "--rate", "0.05", "--duration", "10s",
                        "--warmup", "0s"}, "sends no event"),
                Arguments.of("load start off the step grid", new String[] {"load", "--series", "1", "--rate", "5", "--duration", "10s",
                        "--step", "5m", "--start", "2024-01-01T00:01:00Z"}, "is not on the --step grid"),
                Arguments.of("load start not an instant", new String[] {"load", "--series", "1", "--rate", "5", "--duration", "10s",
                        "--start", "yesterday"}, "--start must be an ISO-8601 instant"),
                Arguments.of("load bad prefix", new String[] {"load", "--series", "1", "--rate", "5", "--duration", "10s",
                        "--series-prefix", "a b"}, "--series-prefix may only contain"),
                Arguments.of("load bad bootstrap", new String[] {"load", "--series", "1", "--rate", "5", "--duration", "10s",
                        "--bootstrap", "localhost"}, "--bootstrap must be HOST:PORT"),
                Arguments.of("inspect without file", new String[] {"inspect"}, "Missing required parameter: 'FILE'"),
                Arguments.of("inspect two files", new String[] {"inspect", "a", "b"}, "Unmatched argument"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badCommandLines")
    void shouldExitWithCodeTwoAndOneLine(String name, String[] args, String expected) {
        Cli r = Cli.run(args);
        assertEquals(2, r.code(), name + ": " + r.err());
        String err = r.err().strip();
        assertFalse(err.isEmpty(), name);
        assertEquals(1, err.lines().count(), name + ": stderr has more than one line:\n" + err);
        assertTrue(err.contains(expected), name + ": '" + err + "' lacks '" + expected + "'");
        assertFalse(err.contains("Exception") || err.contains("\tat "), name + ": " + err);
        assertTrue(r.out().isEmpty(), name + ": stdout " + r.out());
    }

    @ParameterizedTest(name = "{0} --help")
    @MethodSource("subcommands")
    void shouldDocumentEveryOptionInHelp(String sub) {
        Cli r = Cli.run(sub, "--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("Usage: forecast " + sub), r.out());
        assertTrue(r.out().contains("Example: forecast " + sub), r.out());
    }

    static Stream<String> subcommands() {
        return Stream.of("backtest", "detect", "replay", "load", "inspect");
    }
}
