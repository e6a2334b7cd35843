package org.forecaster.core.modelio;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.CRC32C;
import org.forecaster.core.model.TensorSpec;

/**
 * Encodes a {@link ModelFile} in format version {@link FormatVersion#CURRENT}. One format serves the weights
 * topic, files on disk and the CLI.
 *
 * <p>Layout of version 1, every integer and float little-endian:
 * <pre>
 * offset        size      field
 * 0             8         magic, ASCII "FCSTMODL"
 * 8             4         format version, int32 (1)
 * 12            4         header length N, int32, 1..1 MiB
 * 16            N         header, UTF-8 JSON (see below)
 * 16+N          4         tensor count T, int32, equal to the spec's
 * then T times, in the order of {@code header.spec().tensors()}:
 *               2         name length L, uint16, 1..256
 *               L         name, UTF-8 (for example "layer0.w")
 *               1         rank R, uint8, 0..8
 *               4*R       dimensions, int32 each, positive
 *               4*prod    data, float32, row-major, finite
 * end-4         4         CRC32C (Castagnoli) of every byte before it, as int32
 * </pre>
 * The header's fields are described on {@link ModelHeader}; its JSON names equal the record's component
 * names, with the spec and normalizer as nested objects and instants as ISO-8601 strings. The tensors
 * repeat what the spec implies, so that a file can be inspected, and checked against its header, without
 * knowing the architecture code. CRC32C detects the corruption and truncation a topic or disk may cause;
 * it is not a signature against deliberate tampering.
 *
 * <p>Encoding is deterministic: equal model files give identical bytes. Stateless and thread-safe.
 */
public final class ModelWriter {

    // Tensor data is converted through a buffer of this many floats, so writing a large model to a stream
    // needs no second copy of it.
    private static final int CHUNK_FLOATS = 8192;

    private ModelWriter() {}

    /** The encoded file, as a new array. */
    public static byte[] write(ModelFile file) {
        byte[] header = HeaderJson.encode(file.header());
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.toIntExact(encodedLength(file, header.length)));
        try {
            write(file, header, out);
        } catch (IOException e) {
            throw new UncheckedIOException("ByteArrayOutputStream does not throw", e);
        }
        return out.toByteArray();
    }

    /** Writes the encoded file to {@code out}, which is not closed or flushed. */
    public static void write(ModelFile file, OutputStream out) throws IOException {
        write(file, HeaderJson.encode(file.header()), out);
    }

    /** Size in bytes of the encoding of {@code file}. */
    public static long encodedLength(ModelFile file) {
        return encodedLength(file, HeaderJson.encode(file.header()).length);
    }

    private static long encodedLength(ModelFile file, int headerLength) {
        long n = 8 + 4 + 4 + (long) headerLength + 4;
        for (TensorSpec t : file.tensors()) {
            n += 2 + t.name().getBytes(StandardCharsets.UTF_8).length + 1 + 4L * t.shape().length + 4L * t.size();
        }
        return n + 4;
    }

    private static void write(ModelFile file, byte[] header, OutputStream sink) throws IOException {
        if (header.length > FormatVersion.MAX_HEADER_BYTES) {
            // Refuse what every reader would reject; the usual cause is an oversized config map.
            throw new IllegalArgumentException("header of model " + file.header().name() + " is " + header.length
                    + " bytes, the limit is " + FormatVersion.MAX_HEADER_BYTES);
        }
        List<TensorSpec> tensors = file.tensors();
        CrcOut out = new CrcOut(sink);
        out.write(FormatVersion.MAGIC_BYTES);
        out.int32(FormatVersion.CURRENT);
        out.int32(header.length);
        out.write(header);
        out.int32(tensors.size());
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK_FLOATS * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        float[] p = file.parameters();
        for (TensorSpec t : tensors) {
            byte[] name = t.name().getBytes(StandardCharsets.UTF_8);
            int[] shape = t.shape();
            out.uint16(name.length);
            out.write(name);
            out.uint8(shape.length);
            for (int d : shape) {
                out.int32(d);
            }
            for (int i = 0, n = t.size(); i < n; i += CHUNK_FLOATS) {
                int len = Math.min(CHUNK_FLOATS, n - i);
                chunk.clear();
                chunk.asFloatBuffer().put(p, t.offset() + i, len);
                out.write(chunk.array(), 0, len * Float.BYTES);
            }
        }
        out.int32((int) out.crc.getValue());
    }

    /** Writes through to a stream while computing the CRC32C of everything written. */
    private static final class CrcOut {
        final CRC32C crc = new CRC32C();
        private final OutputStream out;
        private final byte[] scratch = new byte[4];

        CrcOut(OutputStream out) {
            this.out = out;
        }

        void write(byte[] b) throws IOException {
            write(b, 0, b.length);
        }

        void write(byte[] b, int off, int len) throws IOException {
            crc.update(b, off, len);
            out.write(b, off, len);
        }

        void int32(int v) throws IOException {
            scratch[0] = (byte) v;
            scratch[1] = (byte) (v >>> 8);
            scratch[2] = (byte) (v >>> 16);
            scratch[3] = (byte) (v >>> 24);
            write(scratch, 0, 4);
        }

        void uint16(int v) throws IOException {
            scratch[0] = (byte) v;
            scratch[1] = (byte) (v >>> 8);
            write(scratch, 0, 2);
        }

        void uint8(int v) throws IOException {
            scratch[0] = (byte) v;
            write(scratch, 0, 1);
        }
    }
}
