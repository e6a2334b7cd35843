package org.forecaster.core.modelio;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.CRC32C;
import org.forecaster.core.model.CellType;
import org.forecaster.core.model.ModelSpec;
import org.forecaster.core.model.NormalizerSpec;
import org.forecaster.core.model.TensorSpec;

/** Models and hand-assembled files for the model-io tests. */
final class ModelFixtures {

    static final Instant CREATED = Instant.parse("2025-01-08T01:02:03.456Z");

    private ModelFixtures() {}

    static ModelHeader header(ModelSpec spec) {
        return new ModelHeader("default", 3, 2L, spec, new NormalizerSpec(0.01, 1e-6), 60_000,
                Instant.parse("2025-01-01T00:00:00Z"), Instant.parse("2025-01-08T00:00:00Z"), 12, 42,
                Map.of("val.nll", -0.8125, "val.mae", 0.1 + 0.2), Map.of("optimizer", "adam", "k1", "16"), CREATED);
    }

    /** Uniform values in [-1, 1) from {@code seed}. */
    static float[] parameters(ModelSpec spec, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] p = new float[spec.parameterCount()];
        for (int i = 0; i < p.length; i++) {
            p[i] = (float) rnd.nextDouble(-1, 1);
        }
        return p;
    }

    static ModelFile model(ModelSpec spec, long seed) {
        return new ModelFile(header(spec), parameters(spec, seed));
    }

    static ModelFile lstm() {
        return model(new ModelSpec(CellType.LSTM, 1, 7, 4, 2), 7);
    }

    /** A tensor as it appears in a file, whatever the spec says. */
    record RawTensor(String name, int[] dims, float[] data) {}

    /** The tensors of {@code file} as the writer lays them out. */
    static List<RawTensor> tensorsOf(ModelFile file) {
        List<RawTensor> out = new ArrayList<>();
        for (TensorSpec t : file.tensors()) {
            float[] data = new float[t.size()];
            System.arraycopy(file.parameters(), t.offset(), data, 0, t.size());
            out.add(new RawTensor(t.name(), t.shape(), data));
        }
        return out;
    }

    /**
     * Assembles a file from parts following the documented layout, independently of {@link ModelWriter},
     * with a correct checksum: what a buggy or hostile writer could produce.
     */
    static byte[] assemble(byte[] magic, int version, byte[] header, List<RawTensor> tensors) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(magic);
        out.writeBytes(le(version));
        out.writeBytes(le(header.length));
        out.writeBytes(header);
        out.writeBytes(le(tensors.size()));
        for (RawTensor t : tensors) {
            byte[] name = t.name().getBytes(StandardCharsets.UTF_8);
            out.write(name.length & 0xff);
            out.write(name.length >>> 8);
            out.writeBytes(name);
            out.write(t.dims().length);
            for (int d : t.dims()) {
                out.writeBytes(le(d));
            }
            ByteBuffer data = ByteBuffer.allocate(4 * t.data().length).order(ByteOrder.LITTLE_ENDIAN);
            data.asFloatBuffer().put(t.data());
            out.writeBytes(data.array());
        }
        out.writeBytes(new byte[4]);
        return reseal(out.toByteArray());
    }

    static byte[] assemble(ModelHeader header, List<RawTensor> tensors) {
        return assemble(FormatVersion.MAGIC_BYTES, 1, HeaderJson.encode(header), tensors);
    }

    static byte[] assemble(String headerJson, List<RawTensor> tensors) {
        return assemble(FormatVersion.MAGIC_BYTES, 1, headerJson.getBytes(StandardCharsets.UTF_8), tensors);
    }

    /** Rewrites the trailing CRC32C of {@code bytes} in place so that only the intended defect remains. */
    static byte[] reseal(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(bytes.length - 4, (int) crc.getValue());
        return bytes;
    }

    static byte[] le(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    static void putInt(byte[] bytes, int offset, int v) {
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(offset, v);
    }

    static int headerLength(byte[] file) {
        return ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).getInt(12);
    }

    /** Offset of the tensor count, just after the header. */
    static int tensorCountOffset(byte[] file) {
        return 16 + headerLength(file);
    }
}
