package org.forecaster.core.modelio;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.SplittableRandom;
import org.forecaster.core.model.CellType;
import org.forecaster.core.model.ModelSpec;
import org.forecaster.core.model.NormalizerSpec;

/**
 * The models behind the committed golden files under {@code src/test/resources/modelio/}, one per format
 * version, which {@link GoldenFileTest} reads. Not a test: a golden file is written once, when its format
 * version is introduced, and never regenerated for that version, since its point is to catch a reader or
 * writer that no longer agrees with files already published.
 *
 * <p>To write the file of a new format version (after adding its model here and its case to {@link #main}),
 * from the repository root:
 * <pre>
 * ./mvnw -o -q -pl forecast-core test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * . .mvn/find-jdk.sh &amp;&amp; forecaster_find_jdk &amp;&amp; "$JAVA_HOME/bin/java" \
 *     -cp forecast-core/target/test-classes:forecast-core/target/classes:$(cat forecast-core/target/cp.txt) \
 *     org.forecaster.core.modelio.GoldenModelFiles forecast-core/src/test/resources/modelio/model-v1.fcst
 * </pre>
 * (A plain {@code java} launch because exec-maven-plugin is not in the offline repository.)
 */
public final class GoldenModelFiles {

    private GoldenModelFiles() {}

    /**
     * The model in {@code model-v1.fcst}: LSTM, 1 layer, input 7, hidden 4, horizon 2 (212 parameters
     * uniform in [-1, 1) from {@code SplittableRandom(20250108)}, then parameter 1 set to -0.0 and
     * parameter 2 to the smallest subnormal, so the file pins their encoding too).
     */
    static ModelFile v1() {
        ModelSpec spec = new ModelSpec(CellType.LSTM, 1, 7, 4, 2);
        SplittableRandom rnd = new SplittableRandom(20250108L);
        float[] p = new float[spec.parameterCount()];
        for (int i = 0; i < p.length; i++) {
            p[i] = (float) rnd.nextDouble(-1, 1);
        }
        p[1] = -0.0f;
        p[2] = Float.MIN_VALUE;
        ModelHeader header = new ModelHeader("default", 3, 2L, spec, new NormalizerSpec(0.01, 1e-6), 60_000,
                Instant.parse("2025-01-01T00:00:00Z"), Instant.parse("2025-01-08T00:00:00Z"), 12, 20250108L,
                Map.of("val.nll", -0.8125, "val.mae", 0.25),
                Map.of("optimizer", "adam", "k1", "16", "k2", "32"),
                Instant.parse("2025-01-08T01:02:03.456Z"));
        return new ModelFile(header, p);
    }

    /** Writes the golden file of format version {@link FormatVersion#CURRENT} to {@code args[0]}. */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: GoldenModelFiles <output file>");
        }
        if (FormatVersion.CURRENT != 1) {
            throw new IllegalStateException("add the golden model of format version " + FormatVersion.CURRENT);
        }
        Files.write(Path.of(args[0]), ModelWriter.write(v1()));
    }
}
