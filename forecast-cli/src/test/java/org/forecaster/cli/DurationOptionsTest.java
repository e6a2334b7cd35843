package org.forecaster.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** One duration syntax for every option that takes a duration, with plain numbers kept where they meant a unit before. */
class DurationOptionsTest {
    @Test
    void shouldReadEveryDurationOptionOfEveryCommandInBothSyntaxes() throws Exception {
        List<String> checked = new ArrayList<>();
        for (CommandLine command : allCommands(ForecastCli.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter())))) {
            for (OptionSpec option : command.getCommandSpec().options()) {
                if (option.type() != Duration.class) {
                    continue;
                }
                String name = command.getCommandSpec().qualifiedName() + " " + option.longestName();
                assertEquals(1, option.converters().length, name + " has no duration converter");
                CommandLine.ITypeConverter<?> converter = option.converters()[0];
                assertEquals(Duration.ofMinutes(5), converter.convert("5m"), name);
                assertEquals(Duration.ofMinutes(5), converter.convert("PT5M"), name);
                assertEquals(Duration.ofDays(1), converter.convert("P1D"), name);
                assertEquals(Duration.ofMillis(500), converter.convert("500ms"), name);
                checked.add(name);
            }
        }
        assertTrue(checked.contains("forecast backtest --step"), checked.toString());
        assertTrue(checked.contains("forecast detect --season-minutes"), checked.toString());
        assertTrue(checked.contains("forecast replay --timeout"), checked.toString());
        assertTrue(checked.contains("forecast plot --idle"), checked.toString());
        assertTrue(checked.size() >= 20, "every duration option: " + checked);
    }

    private static List<CommandLine> allCommands(CommandLine root) {
        List<CommandLine> out = new ArrayList<>(List.of(root));
        for (CommandLine sub : root.getSubcommands().values()) {
            if (!out.contains(sub)) {
                out.addAll(allCommands(sub));
            }
        }
        return out;
    }

    @Test
    void shouldTakeAPlainNumberOfMillisecondsForBacktestStep() {
        for (String step : new String[] {"5m", "300000", "PT5M", "300s"}) {
            BacktestCommand c = new BacktestCommand();
            new CommandLine(c).parseArgs("--format", "m4", "--train", "t.csv", "--horizon", "4", "--season", "2", "--out", "o.csv", "--step", step);
            assertEquals(Duration.ofMinutes(5), c.step, step);
        }
        BacktestCommand defaults = new BacktestCommand();
        new CommandLine(defaults).parseArgs("--format", "m4", "--train", "t.csv", "--horizon", "4", "--season", "2", "--out", "o.csv");
        assertEquals(Duration.ofHours(1), defaults.step, "hourly, as 3600000 was");
    }

    @Test
    void shouldTakeASeasonDurationOrPlainMinutesUnderEitherNameInDetect() {
        for (String[] args : new String[][] {{"--season", "12h"}, {"--season", "720"}, {"--season-minutes", "720"}, {"--season", "PT12H"}}) {
            DetectCommand c = new DetectCommand();
            new CommandLine(c).parseArgs("--data", "d", "--out", "o", args[0], args[1]);
            assertEquals(Duration.ofHours(12), c.season, String.join(" ", args));
        }
        DetectCommand defaults = new DetectCommand();
        new CommandLine(defaults).parseArgs("--data", "d", "--out", "o");
        assertEquals(Duration.ofDays(1), defaults.season, "a day, as 1440 minutes was");
    }

    @Test
    void shouldTakeAPlainNumberOfSecondsForTimeouts() {
        for (String timeout : new String[] {"90", "90s", "PT1M30S", "90000ms"}) {
            ReplayCommand c = new ReplayCommand();
            new CommandLine(c).parseArgs("--file", "a.csv", "--bootstrap", "h:1", "--timeout", timeout);
            assertEquals(Duration.ofSeconds(90), c.timeout, timeout);
        }
    }

    @Test
    void shouldNameTheUnitOfAPlainNumberWhenRejecting() {
        var e = assertThrows(CommandLine.TypeConversionException.class, () -> new DurationConverter.MillisIfPlain().convert("5 minutes"));
        assertEquals("'5 minutes' is not a duration like 500ms, 30s, 2m, 1h or PT30S, nor a number of millis", e.getMessage());
        assertThrows(CommandLine.TypeConversionException.class, () -> new DurationConverter().convert("300000"),
                "options that always took durations still want a unit");
    }

    @Test
    void shouldRejectANegativeSeasonAndATimeoutBelowASecondWithOneLine() {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = ForecastCli.run(new String[] {"detect", "--data", ".", "--out", "o", "--season", "PT-1H"}, new PrintWriter(out), new PrintWriter(err));
        assertEquals(2, code, err.toString());
        assertTrue(err.toString().contains("--season must be 0 or more, got PT-1H"), err.toString());
        err = new StringWriter();
        code = ForecastCli.run(new String[] {"replay", "--file", "a.csv", "--bootstrap", "h:1", "--timeout", "500ms"}, new PrintWriter(out), new PrintWriter(err));
        assertEquals(2, code, err.toString());
        assertTrue(err.toString().contains("--timeout must be at least 1s, got 500ms"), err.toString());
        assertFalse(err.toString().contains("Exception"), err.toString());
    }
}
