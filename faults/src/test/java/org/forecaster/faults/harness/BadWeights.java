package org.forecaster.faults.harness;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32C;
import org.forecaster.core.model.ModelSpec;
import org.forecaster.core.modelio.ModelFile;
import org.forecaster.core.modelio.ModelHeader;
import org.forecaster.core.modelio.ModelReader;
import org.forecaster.core.modelio.ModelWriter;

/**
 * Weights records as a faulty producer, disk or network could deliver them, built from a real model file. The
 * defects other than the checksum itself carry a valid CRC32C, so they get past the checksum and must be caught
 * by the reader's deeper checks.
 */
public final class BadWeights {
    private BadWeights() {}

    /** {@code model} renumbered to {@code version} with every weight scaled by {@code scale}: a valid new version. */
    public static byte[] version(byte[] model, long version, float scale) {
        ModelFile f = ModelReader.read(model);
        ModelHeader h = f.header();
        float[] p = f.parameters().clone();
        for (int i = 0; i < p.length; i++) {
            p[i] *= scale;
        }
        return ModelWriter.write(new ModelFile(withVersion(h, version, h.spec()), p));
    }

    /** One bit of the last weight flipped: the stored checksum no longer matches. */
    public static byte[] corrupted(byte[] valid) {
        byte[] b = valid.clone();
        b[b.length - 8] ^= 0x01;
        return b;
    }

    /** The first half of the file, as a cut-off transfer leaves it. */
    public static byte[] truncated(byte[] valid) {
        return Arrays.copyOf(valid, valid.length / 2);
    }

    /** The last weight replaced by NaN, checksum recomputed. */
    public static byte[] withNaN(byte[] valid) {
        byte[] b = valid.clone();
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putFloat(b.length - 8, Float.NaN);
        return withChecksum(b);
    }

    /**
     * The two dimensions of the first non-square matrix swapped (same number of floats, so the file stays
     * well-formed), checksum recomputed: the tensors no longer match the shapes the header's spec defines.
     */
    public static byte[] wrongShape(byte[] valid) {
        byte[] b = valid.clone();
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int at = 16 + buf.getInt(12);
        int tensors = buf.getInt(at);
        at += 4;
        for (int t = 0; t < tensors; t++) {
            int nameLength = Short.toUnsignedInt(buf.getShort(at));
            at += 2 + nameLength;
            int rank = Byte.toUnsignedInt(b[at++]);
            long size = 1;
            int[] dims = new int[rank];
            for (int d = 0; d < rank; d++) {
                dims[d] = buf.getInt(at + 4 * d);
                size *= dims[d];
            }
            if (rank == 2 && dims[0] != dims[1]) {
                buf.putInt(at, dims[1]).putInt(at + 4, dims[0]);
                return withChecksum(b);
            }
            at += 4 * rank + 4 * (int) size;
        }
        throw new IllegalArgumentException("the model has no non-square matrix to reshape");
    }

    /** A well-formed, valid model file for a network taking more inputs per step than the service feeds. */
    public static byte[] incompatible(byte[] model, long version) {
        ModelHeader h = ModelReader.read(model).header();
        ModelSpec s = h.spec();
        ModelSpec wider = new ModelSpec(s.cell(), s.layers(), s.inputSize() + 3, s.hidden(), s.horizon());
        return ModelWriter.write(new ModelFile(withVersion(h, version, wider), new float[wider.parameterCount()]));
    }

    /** Not a model file at all. */
    public static byte[] notAModel() {
        return "{\"weights\":[0.1,0.2]}".getBytes(StandardCharsets.UTF_8);
    }

    private static ModelHeader withVersion(ModelHeader h, long version, ModelSpec spec) {
        return new ModelHeader(h.name(), version, null, spec, h.normalizer(), h.stepMillis(), h.trainedFrom(), h.trainedTo(),
                h.seriesCount(), h.seed(), h.metrics(), h.config(), h.createdAt());
    }

    private static byte[] withChecksum(byte[] b) {
        CRC32C crc = new CRC32C();
        crc.update(b, 0, b.length - 4);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(b.length - 4, (int) crc.getValue());
        return b;
    }
}
