package org.forecaster.ingest.topology;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import org.forecaster.core.wire.RawEvent;

/**
 * Binary encoding of a valid {@link Routed} for the internal re-keying topic (unkeyed raw records only):
 * the event, the original bytes (a late event is dead-lettered with them) and the source coordinates; or a raw
 * partition's {@link RawProgress}. A type byte first ({@value #VERSION} for an event, {@value #PROGRESS} for
 * progress), so a changed layout fails loudly instead of misreading and events written before progress records
 * existed still read.
 */
final class RoutedSerde implements Serde<Routed>, Serializer<Routed>, Deserializer<Routed> {
    private static final byte VERSION = 1, PROGRESS = 2;

    @Override
    public byte[] serialize(String topic, Routed r) {
        if (r == null) {
            return null;
        }
        if (r.progress() != null) {
            RawProgress p = r.progress();
            return ByteBuffer.allocate(1 + 4 + 4 + 8 + 1).put(PROGRESS).putInt(p.partition()).putInt(p.partitions())
                    .putLong(p.highWater()).put((byte) (p.idle() ? 1 : 0)).array();
        }
        if (!r.valid()) {
            throw new IllegalArgumentException("only valid events are re-keyed, got rejection " + r.rejection().reason());
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + r.original().length);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            RawEvent e = r.event();
            out.writeByte(VERSION);
            out.writeUTF(e.series());
            out.writeLong(e.ts().toEpochMilli());
            out.writeDouble(e.value());
            out.writeInt(e.labels().size());
            for (Map.Entry<String, String> l : e.labels().entrySet()) {
                out.writeUTF(l.getKey());
                out.writeUTF(l.getValue());
            }
            out.writeInt(r.original().length);
            out.write(r.original());
            out.writeUTF(r.sourceTopic());
            out.writeInt(r.sourcePartition());
            out.writeLong(r.sourceOffset());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    @Override
    public Routed deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            byte version = in.readByte();
            if (version == PROGRESS) {
                return Routed.progress(new RawProgress(in.readInt(), in.readInt(), in.readLong(), in.readBoolean()));
            }
            if (version != VERSION) {
                throw new IllegalArgumentException("re-keyed record has type " + version + ", expected " + VERSION
                        + " (event) or " + PROGRESS + " (progress)");
            }
            String series = in.readUTF();
            Instant ts = Instant.ofEpochMilli(in.readLong());
            double value = in.readDouble();
            int n = in.readInt();
            Map<String, String> labels = new HashMap<>();
            for (int i = 0; i < n; i++) {
                labels.put(in.readUTF(), in.readUTF());
            }
            byte[] original = in.readNBytes(in.readInt());
            return new Routed(new RawEvent(series, ts, value, labels), null, original, in.readUTF(), in.readInt(), in.readLong());
        } catch (IOException e) {
            throw new IllegalArgumentException("truncated re-keyed event of " + data.length + " bytes", e);
        }
    }

    @Override
    public void configure(java.util.Map<String, ?> configs, boolean isKey) {}

    @Override
    public void close() {}

    @Override
    public Serializer<Routed> serializer() {
        return this;
    }

    @Override
    public Deserializer<Routed> deserializer() {
        return this;
    }
}
