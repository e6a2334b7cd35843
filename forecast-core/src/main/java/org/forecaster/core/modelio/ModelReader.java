package org.forecaster.core.modelio;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import org.forecaster.core.model.TensorSpec;
import org.forecaster.core.modelio.ModelFormatException.Reason;

/**
 * Decodes and fully validates a model file (layout on {@link ModelWriter}). A file either yields a
 * {@link ModelFile} that is safe to serve or throws {@link ModelFormatException} naming the defect.
 *
 * <p>Checks run cheapest first, and nothing is allocated from a length field before it has been checked
 * against its limit and against the bytes actually present:
 * <ol>
 *   <li>magic, then format version (a newer version may have another layout, so nothing else is read);</li>
 *   <li>a walk over the length fields only, finding truncation, oversized or impossible lengths, and bytes
 *       after the checksum, with the offset where each occurs;</li>
 *   <li>the CRC32C, before the JSON is parsed or any float decoded;</li>
 *   <li>the JSON header and its values;</li>
 *   <li>the tensors' number, names and shapes against the header's spec;</li>
 *   <li>the parameters, which must be finite.</li>
 * </ol>
 * A flipped bit in a length field is therefore reported as truncation or trailing bytes rather than as a
 * checksum mismatch: the file is rejected either way, and the message says where the structure breaks.
 *
 * <p>Stateless and thread-safe.
 */
public final class ModelReader {

    /** Largest file {@link #read(InputStream)} and {@link #read(Path)} accept, in bytes (1 GiB). */
    public static final int MAX_FILE_BYTES = 1 << 30;

    private ModelReader() {}

    /** Reads the model file at {@code path}. */
    public static ModelFile read(Path path) throws IOException {
        long size = Files.size(path);
        if (size > MAX_FILE_BYTES) {
            throw new ModelFormatException(Reason.OVERSIZED,
                    "file " + path + " is " + size + " bytes, more than the limit of " + MAX_FILE_BYTES);
        }
        return read(Files.readAllBytes(path));
    }

    /** Reads a model file from {@code in} to its end; the stream is not closed. */
    public static ModelFile read(InputStream in) throws IOException {
        // readNBytes grows its buffer with the data that actually arrives, so a hostile stream costs
        // at most the limit.
        byte[] bytes = in.readNBytes(MAX_FILE_BYTES);
        if (bytes.length == MAX_FILE_BYTES && in.read() != -1) {
            throw new ModelFormatException(Reason.OVERSIZED,
                    "stream holds more than the limit of " + MAX_FILE_BYTES + " bytes");
        }
        return read(bytes);
    }

    /**
     * Decodes a model file. The array is not modified or retained.
     *
     * @throws ModelFormatException if the bytes are not a valid model file of a supported version
     */
    public static ModelFile read(byte[] bytes) {
        Frame frame = walk(bytes);
        verifyChecksum(bytes, frame.contentEnd);
        ModelHeader header = HeaderJson.decode(bytes, frame.headerOffset, frame.headerLength);
        List<TensorSpec> expected = header.spec().tensors();
        checkTensors(frame.tensors, expected, header);
        float[] parameters = new float[header.spec().parameterCount()];
        ByteBuffer data = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < expected.size(); i++) {
            TensorSpec t = expected.get(i);
            data.position(frame.tensors.get(i).dataOffset);
            data.asFloatBuffer().get(parameters, t.offset(), t.size());
            int bad = ModelFile.firstNonFinite(parameters, t.offset(), t.size());
            if (bad >= 0) {
                throw new ModelFormatException(Reason.NON_FINITE, "tensor " + t.name() + " has non-finite value "
                        + parameters[t.offset() + bad] + " at index " + bad + " " + Arrays.toString(coordinates(bad,
                        t.shape())) + " (parameter " + (t.offset() + bad) + ", file offset "
                        + (frame.tensors.get(i).dataOffset + 4L * bad) + ")");
            }
        }
        return new ModelFile(header, parameters);
    }

    /** The CRC32C that a valid file stores, i.e. its last four bytes, as an unsigned value. */
    static long storedChecksum(byte[] bytes) {
        return Integer.toUnsignedLong(ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getInt(bytes.length - 4));
    }

    /** The format version field of a file whose prefix has been checked. */
    static int formatVersion(byte[] bytes) {
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getInt(8);
    }

    /** Where the header and tensors of a structurally complete file are. */
    private record Frame(int headerOffset, int headerLength, List<TensorFrame> tensors, int contentEnd) {}

    private record TensorFrame(String name, int[] shape, int dataOffset) {}

    private static Frame walk(byte[] bytes) {
        Cursor c = new Cursor(bytes);
        // Compare what is there first: a short file of something else is "not a model file", not "truncated".
        int present = Math.min(bytes.length, FormatVersion.MAGIC_BYTES.length);
        if (!Arrays.equals(bytes, 0, present, FormatVersion.MAGIC_BYTES, 0, present)) {
            throw new ModelFormatException(Reason.MAGIC, "not a model file: expected magic "
                    + describeBytes(FormatVersion.MAGIC_BYTES, 0, 8) + ", found " + describeBytes(bytes, 0, present));
        }
        c.need(FormatVersion.MAGIC_BYTES.length, "magic");
        c.pos = 8;
        int version = c.int32("format version");
        if (!FormatVersion.isSupported(version)) {
            throw new ModelFormatException(Reason.VERSION, "unsupported format version " + version
                    + ", this reader supports " + FormatVersion.SUPPORTED);
        }
        long headerLength = Integer.toUnsignedLong(c.int32("header length"));
        if (headerLength > FormatVersion.MAX_HEADER_BYTES) {
            throw new ModelFormatException(Reason.OVERSIZED, "header length " + headerLength
                    + " exceeds the limit of " + FormatVersion.MAX_HEADER_BYTES + " bytes");
        }
        int headerOffset = c.pos;
        c.skip(headerLength, "header of " + headerLength + " bytes");
        long count = Integer.toUnsignedLong(c.int32("tensor count"));
        if (count > FormatVersion.MAX_TENSORS) {
            throw new ModelFormatException(Reason.OVERSIZED,
                    "tensor count " + count + " exceeds the limit of " + FormatVersion.MAX_TENSORS);
        }
        List<TensorFrame> tensors = new ArrayList<>((int) count);
        for (int i = 0; i < count; i++) {
            int nameLength = c.uint16("name length of tensor " + i);
            if (nameLength == 0 || nameLength > FormatVersion.MAX_NAME_BYTES) {
                throw new ModelFormatException(nameLength == 0 ? Reason.MALFORMED : Reason.OVERSIZED,
                        "tensor " + i + " name length " + nameLength + " is outside 1.." + FormatVersion.MAX_NAME_BYTES);
            }
            c.need(nameLength, "name of tensor " + i);
            String name = new String(bytes, c.pos, nameLength, StandardCharsets.UTF_8);
            c.pos += nameLength;
            String what = "tensor " + i + " (" + name + ")";
            int rank = c.uint8("rank of " + what);
            if (rank > FormatVersion.MAX_RANK) {
                throw new ModelFormatException(Reason.OVERSIZED,
                        what + " rank " + rank + " exceeds the limit of " + FormatVersion.MAX_RANK);
            }
            int[] shape = new int[rank];
            for (int d = 0; d < rank; d++) {
                shape[d] = c.int32("dimension " + d + " of " + what);
                if (shape[d] <= 0) {
                    throw new ModelFormatException(Reason.MALFORMED,
                            what + " dimension " + d + " is " + shape[d] + ", dimensions must be positive");
                }
            }
            long dataBytes = Float.BYTES;
            for (int d : shape) {
                // Saturates instead of overflowing: eight dimensions of 2^31 are representable in the file.
                dataBytes = dataBytes > Long.MAX_VALUE / d ? Long.MAX_VALUE : dataBytes * d;
            }
            c.need(dataBytes, "data of " + what + " with shape " + Arrays.toString(shape));
            tensors.add(new TensorFrame(name, shape, c.pos));
            c.pos += (int) dataBytes;
        }
        int contentEnd = c.pos;
        c.need(4, "checksum");
        if (c.remaining() > 4) {
            throw new ModelFormatException(Reason.TRAILING, (c.remaining() - 4) + " trailing bytes after the checksum"
                    + " at offset " + contentEnd + " (file is " + bytes.length + " bytes, expected " + (contentEnd + 4) + ")");
        }
        return new Frame(headerOffset, (int) headerLength, tensors, contentEnd);
    }

    private static void verifyChecksum(byte[] bytes, int contentEnd) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, contentEnd);
        long stored = storedChecksum(bytes);
        if (crc.getValue() != stored) {
            throw new ModelFormatException(Reason.CHECKSUM, String.format(
                    "checksum mismatch: file stores CRC32C 0x%08x, content (%d bytes) has 0x%08x; the file is corrupt",
                    stored, contentEnd, crc.getValue()));
        }
    }

    private static void checkTensors(List<TensorFrame> found, List<TensorSpec> expected, ModelHeader header) {
        if (found.size() != expected.size()) {
            throw new ModelFormatException(Reason.SHAPE, "file has " + found.size() + " tensors, spec "
                    + header.spec() + " defines " + expected.size() + ": " + expected);
        }
        for (int i = 0; i < expected.size(); i++) {
            TensorSpec e = expected.get(i);
            TensorFrame f = found.get(i);
            if (!e.name().equals(f.name) || !Arrays.equals(e.shape(), f.shape)) {
                throw new ModelFormatException(Reason.SHAPE, "tensor " + i + ": expected " + e.name()
                        + Arrays.toString(e.shape()) + ", found " + f.name + Arrays.toString(f.shape)
                        + " (spec " + header.spec() + ")");
            }
        }
    }

    /** Row-major coordinates of flat index {@code i} in {@code shape}. */
    private static int[] coordinates(int i, int[] shape) {
        int[] out = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            out[d] = i % shape[d];
            i /= shape[d];
        }
        return out;
    }

    private static String describeBytes(byte[] b, int off, int len) {
        StringBuilder hex = new StringBuilder("0x");
        StringBuilder ascii = new StringBuilder();
        for (int i = off; i < off + len; i++) {
            hex.append(String.format("%02x", b[i] & 0xff));
            ascii.append(b[i] >= 0x20 && b[i] < 0x7f ? (char) b[i] : '.');
        }
        return hex + " (\"" + ascii + "\")";
    }

    /** Little-endian reads that report truncation with the field name and offset. */
    private static final class Cursor {
        private final byte[] b;
        int pos;

        Cursor(byte[] b) {
            this.b = b;
        }

        long remaining() {
            return b.length - pos;
        }

        void need(long n, String what) {
            if (n > remaining()) {
                throw truncated(n, what);
            }
        }

        ModelFormatException truncated(long n, String what) {
            String bytes = n == Long.MAX_VALUE ? "over 2^63" : String.valueOf(n); // saturated tensor size
            return new ModelFormatException(Reason.TRUNCATED, "truncated: " + what + " needs " + bytes
                    + " bytes at offset " + pos + " but " + remaining() + " remain (file is " + b.length + " bytes)");
        }

        void skip(long n, String what) {
            need(n, what);
            pos += (int) n;
        }

        int uint8(String what) {
            need(1, what);
            return b[pos++] & 0xff;
        }

        int uint16(String what) {
            need(2, what);
            int v = (b[pos] & 0xff) | (b[pos + 1] & 0xff) << 8;
            pos += 2;
            return v;
        }

        int int32(String what) {
            need(4, what);
            int v = (b[pos] & 0xff) | (b[pos + 1] & 0xff) << 8 | (b[pos + 2] & 0xff) << 16 | (b[pos + 3] & 0xff) << 24;
            pos += 4;
            return v;
        }
    }
}
