package org.forecaster.ingest.rest;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.xerial.snappy.Snappy;

/**
 * Reads a Prometheus remote-write 1.0 request body: a snappy block-compressed protobuf {@code WriteRequest}.
 * Only the fields we use are read, by hand with protobuf-java's {@link CodedInputStream} (no generated code,
 * so no protoc in the build):
 * <pre>
 * WriteRequest { repeated TimeSeries timeseries = 1; }            // 3 (metadata) is skipped
 * TimeSeries   { repeated Label labels = 1; repeated Sample samples = 2; }  // 3 (exemplars), 4 (histograms) skipped
 * Label        { string name = 1; string value = 2; }
 * Sample       { double value = 1; int64 timestamp = 2; }           // timestamp in epoch milliseconds
 * </pre>
 * Unknown fields are skipped as protobuf requires; a known field with the wrong wire type, a truncated message
 * or invalid UTF-8 is an error. Thread-safe (stateless).
 */
final class RemoteWriteDecoder {
    /** One label of a time series, e.g. {@code __name__="up"}. */
    record Label(String name, String value) {}

    /** One sample: the value and its time in epoch milliseconds. */
    record Sample(double value, long timestampMillis) {}

    /** One time series of the request: its labels in the order sent and its samples. */
    record TimeSeries(List<Label> labels, List<Sample> samples) {}

    /** The body is valid snappy but would decompress to more than the limit. */
    static final class TooLargeException extends IllegalArgumentException {
        TooLargeException(String message) {
            super(message);
        }
    }

    /** The snappy framing format's stream identifier: a common mistake for the block format remote-write uses. */
    private static final byte[] SNAPPY_FRAMED_START = {(byte) 0xff, 0x06, 0x00, 0x00, 's', 'N', 'a', 'P', 'p', 'Y'};

    private RemoteWriteDecoder() {}

    /**
     * Decompresses a snappy block. The declared length is checked against {@code maxDecodedBytes} before any
     * memory is allocated, so a small body cannot claim gigabytes.
     *
     * @throws TooLargeException        when the body declares more than {@code maxDecodedBytes}
     * @throws IllegalArgumentException when the body is not snappy block data
     */
    static byte[] uncompress(byte[] body, int maxDecodedBytes) {
        if (body.length >= SNAPPY_FRAMED_START.length
                && Arrays.equals(body, 0, SNAPPY_FRAMED_START.length, SNAPPY_FRAMED_START, 0, SNAPPY_FRAMED_START.length)) {
            throw new IllegalArgumentException("body uses the snappy framing format; remote-write uses the block format");
        }
        try {
            if (body.length == 0 || !Snappy.isValidCompressedBuffer(body)) {
                throw new IllegalArgumentException("body is not snappy block-compressed data");
            }
            int length = Snappy.uncompressedLength(body);
            if (length < 0 || length > maxDecodedBytes) {
                throw new TooLargeException("body decompresses to " + Integer.toUnsignedString(length)
                        + " bytes, the limit is " + maxDecodedBytes);
            }
            return Snappy.uncompress(body);
        } catch (IOException e) {
            throw new IllegalArgumentException("body is not snappy block-compressed data: " + e.getMessage(), e);
        }
    }

    /**
     * Parses an uncompressed {@code WriteRequest}.
     *
     * @throws IllegalArgumentException when the bytes are not a valid WriteRequest (message says where)
     */
    static List<TimeSeries> parse(byte[] writeRequest) {
        CodedInputStream in = CodedInputStream.newInstance(writeRequest);
        List<TimeSeries> series = new ArrayList<>();
        try {
            for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                if (WireFormat.getTagFieldNumber(tag) == 1) {
                    expect(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED, "WriteRequest.timeseries");
                    int limit = in.pushLimit(in.readRawVarint32());
                    series.add(timeSeries(in));
                    in.popLimit(limit);
                } else {
                    skip(in, tag);
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("body is not a remote-write WriteRequest: " + e.getMessage(), e);
        }
        return series;
    }

    /** {@link #uncompress} then {@link #parse}. */
    static List<TimeSeries> decode(byte[] body, int maxDecodedBytes) {
        return parse(uncompress(body, maxDecodedBytes));
    }

    private static TimeSeries timeSeries(CodedInputStream in) throws IOException {
        List<Label> labels = new ArrayList<>();
        List<Sample> samples = new ArrayList<>();
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> {
                    expect(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED, "TimeSeries.labels");
                    int limit = in.pushLimit(in.readRawVarint32());
                    labels.add(label(in));
                    in.popLimit(limit);
                }
                case 2 -> {
                    expect(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED, "TimeSeries.samples");
                    int limit = in.pushLimit(in.readRawVarint32());
                    samples.add(sample(in));
                    in.popLimit(limit);
                }
                default -> skip(in, tag);
            }
        }
        return new TimeSeries(List.copyOf(labels), List.copyOf(samples));
    }

    private static Label label(CodedInputStream in) throws IOException {
        String name = "";
        String value = "";
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> {
                    expect(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED, "Label.name");
                    name = in.readStringRequireUtf8();
                }
                case 2 -> {
                    expect(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED, "Label.value");
                    value = in.readStringRequireUtf8();
                }
                default -> skip(in, tag);
            }
        }
        return new Label(name, value);
    }

    private static Sample sample(CodedInputStream in) throws IOException {
        double value = 0;
        long timestamp = 0;
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> {
                    expect(tag, WireFormat.WIRETYPE_FIXED64, "Sample.value");
                    value = in.readDouble();
                }
                case 2 -> {
                    expect(tag, WireFormat.WIRETYPE_VARINT, "Sample.timestamp");
                    timestamp = in.readInt64();
                }
                default -> skip(in, tag);
            }
        }
        return new Sample(value, timestamp);
    }

    /** Skips an unknown field; an end-group tag outside a group means the bytes are not a protobuf message. */
    private static void skip(CodedInputStream in, int tag) throws IOException {
        if (!in.skipField(tag)) {
            throw new IOException("unexpected end-group tag for field " + WireFormat.getTagFieldNumber(tag));
        }
    }

    /** A known field with another wire type means the body is not what it claims to be: refuse it rather than guess. */
    private static void expect(int tag, int wireType, String field) throws IOException {
        if (WireFormat.getTagWireType(tag) != wireType) {
            throw new IOException(field + " (field " + WireFormat.getTagFieldNumber(tag) + ") has wire type "
                    + WireFormat.getTagWireType(tag) + ", expected " + wireType);
        }
    }
}
