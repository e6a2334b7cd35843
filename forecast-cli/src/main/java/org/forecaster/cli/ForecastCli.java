package org.forecaster.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.forecaster.cli.plot.PlotCommand;
import org.forecaster.cli.scenario.ScenarioCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code forecast}: the offline face of the model code (issue 6). Every subcommand drives the same core classes
 * the services use (training, {@link org.forecaster.core.model.Stepper} stepping, re-warm, anomaly scores).
 *
 * <p>Exit codes: 0 success, 1 a failure while running (unreadable file, corrupt model, broker unreachable),
 * 2 bad arguments. Errors are one line on stderr, never a stack trace ({@code FORECAST_DEBUG=1} adds the trace).
 */
@Command(name = "forecast", mixinStandardHelpOptions = true, versionProvider = ForecastCli.Version.class,
        description = "Offline backtests, anomaly detection runs, replays and load runs against Kafka, model-file inspection and"
                + " labelled scenarios to score the running system on, pictures of a series with its forecasts and alerts,"
                + " through the same code paths as the live services.",
        subcommands = {BacktestCommand.class, DetectCommand.class, ReplayCommand.class, LoadCommand.class, InspectCommand.class,
                PublishCommand.class, KeygenCommand.class, ScenarioCommand.class, RedriveCommand.class, PlotCommand.class,
                CommandLine.HelpCommand.class})
public final class ForecastCli implements Runnable {
    /** Options that read a properties file of further options (see {@link #expandConfig}). */
    static final String CONFIG_OPTION = "--config";

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: backtest, detect, replay, load, inspect, publish, keygen, scenario, redrive or plot");
    }

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs one command line and returns its exit code; for tests, with the output streams given. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = commandLine(out, err);
        String[] expanded;
        try {
            expanded = expandConfig(args);
        } catch (IllegalArgumentException e) {
            err.println("forecast: " + e.getMessage());
            err.flush();
            return CommandLine.ExitCode.USAGE;
        }
        int code = cli.execute(expanded);
        out.flush();
        err.flush();
        return code;
    }

    static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new ForecastCli());
        cli.setOut(out);
        cli.setErr(err);
        // A value from --config may be repeated on the command line, which then wins.
        cli.setOverwrittenOptionsAllowed(true);
        cli.setParameterExceptionHandler((ex, args) -> {
            CommandLine c = ex.getCommandLine();
            c.getErr().println(c.getCommandSpec().qualifiedName() + ": " + oneLine(ex.getMessage())
                    + " (see '" + c.getCommandSpec().qualifiedName() + " --help')");
            return CommandLine.ExitCode.USAGE;
        });
        cli.setExecutionExceptionHandler((ex, c, parseResult) -> {
            c.getErr().println(c.getCommandSpec().qualifiedName() + ": " + describe(ex));
            if (System.getenv("FORECAST_DEBUG") != null) {
                ex.printStackTrace(c.getErr());
            }
            return CommandLine.ExitCode.SOFTWARE;
        });
        return cli;
    }

    /** A failure as one line: the message of an expected failure, the class and message of anything else. */
    static String describe(Throwable e) {
        Throwable t = e instanceof UncheckedIOException u ? u.getCause() : e;
        if (t instanceof NoSuchFileException n) {
            return "no such file: " + n.getFile();
        }
        if (t instanceof IOException || t instanceof IllegalArgumentException || t instanceof IllegalStateException) {
            String m = t.getMessage();
            return oneLine(m == null ? t.getClass().getSimpleName() : m);
        }
        return oneLine(t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage()));
    }

    static String oneLine(String s) {
        String t = s == null ? "" : s.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl).strip();
    }

    /**
     * Replaces {@code --config FILE} (or {@code --config=FILE}) by the file's {@code key=value} lines as
     * {@code --key=value} options, placed right after the subcommand name so that options given on the command
     * line come later and win. Keys are the long option names without dashes.
     */
    static String[] expandConfig(String[] args) {
        int at = -1;
        String file = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals(CONFIG_OPTION) && i + 1 < args.length) {
                at = i;
                file = args[i + 1];
                break;
            }
            if (args[i].startsWith(CONFIG_OPTION + "=")) {
                at = i;
                file = args[i].substring(CONFIG_OPTION.length() + 1);
                break;
            }
        }
        if (at < 0) {
            return args;
        }
        Properties props = new Properties();
        try (var r = Files.newBufferedReader(Path.of(file))) {
            props.load(r);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read config file " + file + ": " + e.getMessage(), e);
        }
        Set<String> subcommands = Set.of("backtest", "detect", "replay", "load", "inspect", "publish", "keygen", "scenario", "redrive", "plot");
        List<String> out = new ArrayList<>();
        boolean inserted = false;
        for (int i = 0; i < args.length; i++) {
            out.add(args[i]);
            boolean group = args[i].equals("scenario") && i + 1 < args.length && ScenarioCommand.SUBCOMMANDS.contains(args[i + 1]);
            if (!inserted && !group && (subcommands.contains(args[i]) || i > 0 && args[i - 1].equals("scenario")
                    && ScenarioCommand.SUBCOMMANDS.contains(args[i]))) {
                for (String key : new java.util.TreeSet<>(props.stringPropertyNames())) {
                    out.add("--" + key + "=" + props.getProperty(key).strip());
                }
                inserted = true;
            }
        }
        return out.toArray(String[]::new);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = ForecastCli.class.getPackage().getImplementationVersion();
            return new String[] {"forecast " + (v == null ? "(development build)" : v)};
        }
    }
}
