package org.forecaster.cli.scenario;

import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code forecast scenario}: labelled synthetic telemetry to run the whole system on, and a scorer of what the system
 * made of it (issue 15: forecasts and alerts that hold on telemetry nobody tuned them on).
 */
@Command(name = "scenario", mixinStandardHelpOptions = true,
        description = {"Generate labelled synthetic telemetry, send it to a running system, and score the system's forecasts"
                + " and alerts against it.",
                "Example: forecast scenario generate --out scn && forecast scenario send --dir scn --bootstrap 127.0.0.1:19092"
                        + " && forecast scenario score --dir scn --bootstrap 127.0.0.1:19092"},
        subcommands = {GenerateCommand.class, SendCommand.class, PointsCommand.class, SimulateCommand.class, ScoreCommand.class,
                CommandLine.HelpCommand.class})
public final class ScenarioCommand implements Runnable {
    /** The subcommands, for the CLI's list of command names. */
    public static final Set<String> SUBCOMMANDS = Set.of("generate", "send", "points", "simulate", "score");

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: generate, send, points, simulate or score");
    }
}
