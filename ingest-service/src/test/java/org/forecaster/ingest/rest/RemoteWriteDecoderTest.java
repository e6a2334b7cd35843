package org.forecaster.ingest.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.forecaster.ingest.rest.RemoteWriteDecoder.Label;
import org.forecaster.ingest.rest.RemoteWriteDecoder.Sample;
import org.forecaster.ingest.rest.RemoteWriteDecoder.TimeSeries;
import org.junit.jupiter.api.Test;
import org.xerial.snappy.Snappy;

class RemoteWriteDecoderTest {
    private static final int LIMIT = 1 << 20;

    /** Writes protobuf messages field by field, as Prometheus' generated Go code lays them out. */
    private static final class Proto {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final CodedOutputStream out = CodedOutputStream.newInstance(bytes);

        Proto string(int field, String s) throws IOException {
            out.writeString(field, s);
            return this;
        }

        Proto message(int field, byte[] m) throws IOException {
            out.writeByteArray(field, m);
            return this;
        }

        Proto fixed64(int field, double d) throws IOException {
            out.writeDouble(field, d);
            return this;
        }

        Proto varint(int field, long v) throws IOException {
            out.writeInt64(field, v);
            return this;
        }

        Proto tag(int field, int wireType) throws IOException {
            out.writeTag(field, wireType);
            return this;
        }

        Proto raw(byte... b) throws IOException {
            out.writeRawBytes(b);
            return this;
        }

        byte[] bytes() throws IOException {
            out.flush();
            return bytes.toByteArray();
        }
    }

    private static byte[] label(String name, String value) throws IOException {
        return new Proto().string(1, name).string(2, value).bytes();
    }

    private static byte[] sample(double value, long ts) throws IOException {
        return new Proto().fixed64(1, value).varint(2, ts).bytes();
    }

    private static byte[] twoSeries() throws IOException {
        byte[] up = new Proto().message(1, label("__name__", "up")).message(1, label("job", "node"))
                .message(2, sample(1.0, 1_714_564_800_000L)).message(2, sample(0.0, 1_714_564_815_000L)).bytes();
        byte[] load = new Proto().message(1, label("__name__", "node_load1")).message(1, label("instance", "host-1:9100"))
                .message(2, sample(0.25, 1_714_564_800_000L)).bytes();
        return new Proto().message(1, up).message(1, load).bytes();
    }

    private static final List<TimeSeries> TWO_SERIES = List.of(
            new TimeSeries(List.of(new Label("__name__", "up"), new Label("job", "node")),
                    List.of(new Sample(1.0, 1_714_564_800_000L), new Sample(0.0, 1_714_564_815_000L))),
            new TimeSeries(List.of(new Label("__name__", "node_load1"), new Label("instance", "host-1:9100")),
                    List.of(new Sample(0.25, 1_714_564_800_000L))));

    @Test
    void shouldDecodeSnappyCompressedWriteRequest() throws IOException {
        assertEquals(TWO_SERIES, RemoteWriteDecoder.decode(Snappy.compress(twoSeries()), LIMIT));
    }

    @Test
    void shouldReadBytesWrittenByHandWithoutAnEncoder() {
        // WriteRequest{timeseries: [{labels: [{__name__: "up"}], samples: [{value: 1.0, timestamp: 1000}]}]}
        String hex = "0a" + "1e"                                     // timeseries, 30 bytes
                + "0a" + "0e" + "0a08" + "5f5f6e616d655f5f" + "1202" + "7570" // labels: name "__name__", value "up"
                + "12" + "0c" + "09" + "000000000000f03f" + "10" + "e807";   // samples: double 1.0, varint 1000
        List<TimeSeries> got = RemoteWriteDecoder.parse(HexFormat.of().parseHex(hex));
        assertEquals(List.of(new TimeSeries(List.of(new Label("__name__", "up")), List.of(new Sample(1.0, 1000)))), got);
    }

    @Test
    void shouldSkipMetadataExemplarsHistogramsAndUnknownFields() throws IOException {
        byte[] metadata = new Proto().varint(1, 1).string(2, "up").string(4, "1 if the target is up").bytes();
        byte[] exemplar = new Proto().message(1, label("trace_id", "abc")).fixed64(2, 3.0).varint(3, 5).bytes();
        byte[] series = new Proto().message(1, label("__name__", "up"))
                .message(2, new Proto().fixed64(1, 2.0).varint(2, 7).varint(9, 123).bytes())
                .message(3, exemplar).message(4, new Proto().varint(1, 4).bytes())
                .tag(15, WireFormat.WIRETYPE_FIXED32).raw((byte) 1, (byte) 2, (byte) 3, (byte) 4).bytes();
        byte[] request = new Proto().message(3, metadata).message(1, series).message(3, metadata).bytes();
        assertEquals(List.of(new TimeSeries(List.of(new Label("__name__", "up")), List.of(new Sample(2.0, 7)))),
                RemoteWriteDecoder.parse(request));
    }

    @Test
    void shouldReadAMetadataOnlyRequestAsNoSeries() throws IOException {
        byte[] metadata = new Proto().varint(1, 1).string(2, "up").bytes();
        assertEquals(List.of(), RemoteWriteDecoder.parse(new Proto().message(3, metadata).bytes()));
        assertEquals(List.of(), RemoteWriteDecoder.decode(Snappy.compress(new byte[0]), LIMIT));
    }

    @Test
    void shouldKeepMissingFieldsAtProtobufDefaultsAndSpecialValuesBitForBit() throws IOException {
        double staleNan = Double.longBitsToDouble(RemoteWriteSamples.STALE_NAN_BITS);
        byte[] series = new Proto().message(1, new byte[0]).message(2, new byte[0])
                .message(2, sample(staleNan, -5)).message(2, sample(Double.NEGATIVE_INFINITY, Long.MAX_VALUE)).bytes();
        TimeSeries got = RemoteWriteDecoder.parse(new Proto().message(1, series).bytes()).getFirst();
        assertEquals(List.of(new Label("", "")), got.labels());
        assertEquals(new Sample(0.0, 0), got.samples().get(0));
        assertEquals(RemoteWriteSamples.STALE_NAN_BITS, Double.doubleToRawLongBits(got.samples().get(1).value()));
        assertEquals(-5, got.samples().get(1).timestampMillis());
        assertEquals(new Sample(Double.NEGATIVE_INFINITY, Long.MAX_VALUE), got.samples().get(2));
    }

    /** Every cut of a valid request either fails cleanly or, when it falls between two series, reads the ones before it. */
    @Test
    void shouldRejectOrReadAPrefixOfEveryTruncatedRequest() throws IOException {
        byte[] full = twoSeries();
        int boundaries = 0;
        for (int cut = 0; cut < full.length; cut++) {
            byte[] prefix = java.util.Arrays.copyOf(full, cut);
            try {
                List<TimeSeries> got = RemoteWriteDecoder.parse(prefix);
                assertTrue(got.size() < TWO_SERIES.size(), "cut at " + cut + " read everything");
                assertEquals(TWO_SERIES.subList(0, got.size()), got, "cut at " + cut);
                boundaries++;
            } catch (IllegalArgumentException e) {
                assertTrue(e.getMessage().startsWith("body is not a remote-write WriteRequest"), e.getMessage());
            }
        }
        assertEquals(2, boundaries, "only the empty prefix and the cut after the first series parse");
    }

    @Test
    void shouldRejectAKnownFieldWithTheWrongWireType() throws IOException {
        byte[] series = new Proto().message(1, label("__name__", "up")).message(2, new Proto().varint(1, 1).bytes()).bytes();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RemoteWriteDecoder.parse(new Proto().message(1, series).bytes()));
        assertTrue(e.getMessage().contains("Sample.value (field 1) has wire type 0, expected 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RemoteWriteDecoder.parse(new Proto().varint(1, 3).bytes()));
    }

    @Test
    void shouldRejectInvalidUtf8InALabel() throws IOException {
        byte[] badLabel = new Proto().tag(1, WireFormat.WIRETYPE_LENGTH_DELIMITED).raw((byte) 2, (byte) 0xc3, (byte) 0x28).bytes();
        byte[] series = new Proto().message(1, badLabel).bytes();
        assertThrows(IllegalArgumentException.class, () -> RemoteWriteDecoder.parse(new Proto().message(1, series).bytes()));
    }

    @Test
    void shouldRejectAStrayEndGroupTagAndFieldZero() throws IOException {
        assertThrows(IllegalArgumentException.class, () -> RemoteWriteDecoder.parse(new Proto().tag(5, WireFormat.WIRETYPE_END_GROUP).bytes()));
        assertThrows(IllegalArgumentException.class, () -> RemoteWriteDecoder.parse(new byte[] {0x02, 0x00}));
    }

    @Test
    void shouldRejectABodyThatIsNotSnappy() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RemoteWriteDecoder.uncompress("{\"series\":\"x\"}".getBytes(StandardCharsets.UTF_8), LIMIT));
        assertTrue(e.getMessage().startsWith("body is not snappy block-compressed data"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RemoteWriteDecoder.uncompress(new byte[0], LIMIT));
    }

    @Test
    void shouldNameTheSnappyFramingFormat() {
        byte[] framed = {(byte) 0xff, 0x06, 0x00, 0x00, 's', 'N', 'a', 'P', 'p', 'Y', 0x01, 0x05, 0x00, 0x00};
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RemoteWriteDecoder.uncompress(framed, LIMIT));
        assertTrue(e.getMessage().contains("framing format"), e.getMessage());
    }

    @Test
    void shouldRefuseABodyThatDecompressesBeyondTheLimitBeforeDecompressingIt() throws IOException {
        byte[] zeros = Snappy.compress(new byte[100_000]);
        assertTrue(zeros.length < 6_000, "snappy shrinks zeros");
        RemoteWriteDecoder.TooLargeException e = assertThrows(RemoteWriteDecoder.TooLargeException.class,
                () -> RemoteWriteDecoder.uncompress(zeros, 99_999));
        assertEquals("body decompresses to 100000 bytes, the limit is 99999", e.getMessage());
        assertEquals(100_000, RemoteWriteDecoder.uncompress(zeros, 100_000).length);
        // A header claiming 2^32 - 1 bytes, with nothing behind it.
        assertThrows(IllegalArgumentException.class, () -> RemoteWriteDecoder.uncompress(
                new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f}, LIMIT));
    }

    /** Random bytes, raw and snappy-compressed, and random flips of a valid request: only IllegalArgumentException. */
    @Test
    void shouldFailCleanlyOnGarbage() throws IOException {
        long seed = 20260519L;
        SplittableRandom random = new SplittableRandom(seed);
        byte[] valid = twoSeries();
        for (int i = 0; i < 5_000; i++) {
            byte[] garbage;
            if (i % 2 == 0) {
                garbage = new byte[random.nextInt(200)];
                random.nextBytes(garbage);
            } else {
                garbage = valid.clone();
                for (int f = 1 + random.nextInt(3); f > 0; f--) {
                    garbage[random.nextInt(garbage.length)] = (byte) random.nextInt(256);
                }
            }
            for (byte[] body : List.of(garbage, Snappy.compress(garbage))) {
                try {
                    RemoteWriteDecoder.decode(body, LIMIT);
                } catch (IllegalArgumentException expected) {
                    // the only allowed failure
                } catch (RuntimeException e) {
                    fail("seed " + seed + ", case " + i + ": " + e, e);
                }
            }
        }
    }
}
