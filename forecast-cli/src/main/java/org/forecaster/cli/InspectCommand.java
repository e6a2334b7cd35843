package org.forecaster.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.forecaster.core.modelio.ModelFormatException;
import org.forecaster.core.modelio.ModelReader;
import org.forecaster.core.modelio.ModelSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Prints a model file's header, tensor shapes, checksum status and metrics; rejects an invalid file. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = {"Print a weights file's header, tensor shapes and statistics, checksum status and metrics.",
                "A file that fails validation (magic, version, shapes, checksum, non-finite values) is rejected"
                        + " with the reason and exit code 1.",
                "Example: forecast inspect model.fcst"})
final class InspectCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "A model file (the format of the model.weights topic).")
    Path file;

    @Override
    public Integer call() throws IOException {
        long size = Files.size(file);
        if (size > ModelReader.MAX_FILE_BYTES) {
            throw new IllegalArgumentException(file + ": " + size + " bytes is more than a model file may hold");
        }
        byte[] bytes = Files.readAllBytes(file);
        String summary;
        try {
            summary = ModelSummary.describe(bytes);
        } catch (ModelFormatException e) {
            throw new IllegalArgumentException(file + ": not a valid model file (" + e.reason().name().toLowerCase().replace('_', ' ')
                    + "): " + e.getMessage(), e);
        }
        spec.commandLine().getOut().print("file:         " + file + "\n" + summary);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
