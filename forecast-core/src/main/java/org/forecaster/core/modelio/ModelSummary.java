package org.forecaster.core.modelio;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.zip.CRC32C;
import org.forecaster.core.model.TensorSpec;

/**
 * A human-readable description of a model file, for the CLI's {@code inspect} and for logs: the header
 * fields, each tensor with its shape and min, max and mean absolute value, and the checksum. Plain text,
 * one item per line, stable enough to diff two models but not meant to be parsed.
 */
public final class ModelSummary {

    private ModelSummary() {}

    /**
     * Reads and describes an encoded model file. The checksum line says "verified": a file whose checksum
     * does not match is not described but rejected, like any other invalid file.
     *
     * @throws ModelFormatException if the bytes are not a valid model file
     */
    public static String describe(byte[] bytes) {
        ModelFile file = ModelReader.read(bytes);
        return describe(file, String.format(Locale.ROOT, "CRC32C 0x%08x, verified (%d bytes, format version %d)",
                ModelReader.storedChecksum(bytes), bytes.length, ModelReader.formatVersion(bytes)));
    }

    /** Describes an in-memory model; the checksum is that of its encoding by {@link ModelWriter}. */
    public static String describe(ModelFile file) {
        byte[] bytes = ModelWriter.write(file);
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        return describe(file, String.format(Locale.ROOT, "CRC32C 0x%08x when written (%d bytes, format version %d)",
                crc.getValue(), bytes.length, FormatVersion.CURRENT));
    }

    private static String describe(ModelFile file, String checksum) {
        ModelHeader h = file.header();
        StringBuilder s = new StringBuilder();
        line(s, "model", h.name() + " v" + h.version() + (h.parentVersion() == null ? "" : " (parent v" + h.parentVersion() + ")"));
        line(s, "architecture", h.spec().cell() + ", " + h.spec().layers() + " layer(s), input " + h.spec().inputSize()
                + ", hidden " + h.spec().hidden() + ", horizon " + h.spec().horizon()
                + (h.spec().seasonLag() > 0 ? ", season lag " + h.spec().seasonLag() : "")
                + (h.spec().hasProfile() ? ", profile " + h.spec().profileBins() + " bins over " + h.spec().profileSeasonMillis() + " ms" : "")
                + ", "
                + h.spec().parameterCount() + " parameters");
        line(s, "normalizer", "minAlpha " + h.normalizer().minAlpha() + ", epsilon " + h.normalizer().epsilon());
        line(s, "step", h.stepMillis() + " ms");
        line(s, "trained on", (h.trainedFrom() == null ? "?" : h.trainedFrom()) + " .. "
                + (h.trainedTo() == null ? "?" : h.trainedTo()) + ", " + h.seriesCount() + " series, seed " + h.seed());
        line(s, "created", h.createdAt().toString());
        line(s, "metrics", h.metrics().isEmpty() ? "none" : "");
        for (Map.Entry<String, Double> e : h.metrics().entrySet()) {
            s.append("  ").append(e.getKey()).append(" = ").append(e.getValue()).append('\n');
        }
        line(s, "config", h.config().isEmpty() ? "none" : "");
        for (Map.Entry<String, String> e : h.config().entrySet()) {
            s.append("  ").append(e.getKey()).append(" = ").append(e.getValue()).append('\n');
        }
        line(s, "tensors", String.valueOf(file.tensors().size()));
        float[] p = file.parameters();
        for (TensorSpec t : file.tensors()) {
            float min = Float.POSITIVE_INFINITY;
            float max = Float.NEGATIVE_INFINITY;
            double sumAbs = 0;
            for (int i = t.offset(), end = t.offset() + t.size(); i < end; i++) {
                min = Math.min(min, p[i]);
                max = Math.max(max, p[i]);
                sumAbs += Math.abs(p[i]);
            }
            s.append(String.format(Locale.ROOT, "  %-10s %-12s min %-13.6g max %-13.6g mean|x| %.6g\n",
                    t.name(), Arrays.toString(t.shape()), min, max, sumAbs / t.size()));
        }
        line(s, "checksum", checksum);
        return s.toString();
    }

    private static void line(StringBuilder s, String key, String value) {
        s.append(String.format(Locale.ROOT, "%-14s%s", key + ":", value).stripTrailing()).append('\n');
    }
}
