package org.forecaster.faults.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Per-test working folders under {@code faults/target/faults}, emptied before each run and kept after it for the logs. */
public final class Dirs {
    private Dirs() {}

    public static Path fresh(Class<?> test) {
        return fresh(Path.of("target", "faults", test.getSimpleName()));
    }

    /** A folder of its own for one of {@code test}'s methods, so another method's run does not empty it. */
    public static Path fresh(Class<?> test, String method) {
        return fresh(Path.of("target", "faults", test.getSimpleName(), method));
    }

    private static Path fresh(Path relative) {
        Path dir = relative.toAbsolutePath();
        if (Files.exists(dir)) {
            try (Stream<Path> all = Files.walk(dir)) {
                all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
