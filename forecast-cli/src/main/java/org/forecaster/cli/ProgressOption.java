package org.forecaster.cli;

import java.io.PrintWriter;
import picocli.CommandLine.Option;

/** {@code --no-progress}, shared by the long-running commands (a picocli mixin). */
public final class ProgressOption {
    @Option(names = "--no-progress",
            description = "No progress on stderr (by default a bar with rate and ETA on a terminal, a line every 30 s otherwise).")
    boolean off;

    /** A reporter on {@code err} for {@code total} items of {@code unit} (a negative total: unknown). */
    public Progress start(PrintWriter err, String task, String unit, long total) {
        return Progress.start(err, !off, task, unit, total);
    }
}
