package org.forecaster.benchmarks;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The smallest protobuf encoder that can write an ONNX model: varint and length-delimited fields only
 * (wire types 0 and 2), which is all {@code ModelProto} needs when tensors travel as {@code raw_data}.
 * The onnx protobuf classes are not a dependency; see {@link OnnxLstmModel} for the field numbers.
 *
 * <p>Repeated scalars are written unpacked (one key per value): onnx.proto is proto2, whose parsers
 * accept both forms. Not thread-safe; one writer builds one message.
 */
final class ProtoWriter {

    private static final int VARINT = 0;
    private static final int LENGTH_DELIMITED = 2;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** An integer field (int32, int64 or enum); negative values take ten bytes as in protobuf. */
    ProtoWriter varint(int field, long value) {
        key(field, VARINT);
        rawVarint(value);
        return this;
    }

    /** A bytes field. */
    ProtoWriter bytes(int field, byte[] value) {
        key(field, LENGTH_DELIMITED);
        rawVarint(value.length);
        out.writeBytes(value);
        return this;
    }

    /** A string field, UTF-8. */
    ProtoWriter string(int field, String value) {
        return bytes(field, value.getBytes(StandardCharsets.UTF_8));
    }

    /** An embedded message field. */
    ProtoWriter message(int field, ProtoWriter message) {
        return bytes(field, message.toByteArray());
    }

    byte[] toByteArray() {
        return out.toByteArray();
    }

    private void key(int field, int wireType) {
        rawVarint(((long) field << 3) | wireType);
    }

    private void rawVarint(long value) {
        while ((value & ~0x7FL) != 0) {
            out.write((int) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.write((int) value);
    }
}
