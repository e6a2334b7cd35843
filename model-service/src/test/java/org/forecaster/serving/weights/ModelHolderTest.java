package org.forecaster.serving.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.zip.CRC32C;
import org.forecaster.core.kernel.KernelsProvider;
import org.forecaster.core.model.CellType;
import org.forecaster.core.model.Features;
import org.forecaster.core.model.Forecaster;
import org.forecaster.core.model.ModelSpec;
import org.forecaster.core.model.NormalizerSpec;
import org.forecaster.core.modelio.ModelFile;
import org.forecaster.core.modelio.ModelHeader;
import org.forecaster.core.modelio.ModelWriter;
import org.forecaster.serving.TestModels;
import org.forecaster.serving.metrics.ServingMetrics;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ModelHolderTest {
    private SimpleMeterRegistry registry;
    private ModelHolder holder;
    private LoadedModel v1;

    @BeforeEach
    void setUp() {
        registry = new SimpleMeterRegistry();
        holder = new ModelHolder(KernelsProvider.get(), new ServingMetrics(registry));
        ModelHolder.Verdict v = holder.offer(TestModels.modelBytes(1, 7));
        assertTrue(v.accepted(), v.message());
        v1 = holder.current();
    }

    private double rejected(String reason) {
        var c = registry.find("forecast.weights.rejected").tag("reason", reason).counter();
        return c == null ? 0 : c.count();
    }

    private void assertRejected(byte[] bytes, String reason) {
        ModelHolder.Verdict v = holder.offer(bytes);
        assertFalse(v.accepted());
        assertEquals(reason, v.reason(), v.message());
        assertSame(v1, holder.current(), "the old model keeps serving");
        assertEquals(1, rejected(reason));
        assertEquals(1, registry.get("forecast.weights.accepted").counter().count());
        assertEquals(1, registry.get("forecast.model.version").gauge().value());
    }

    /** Recomputes the trailing CRC32C so that only the deliberate defect remains. */
    private static byte[] reseal(byte[] b) {
        CRC32C crc = new CRC32C();
        crc.update(b, 0, b.length - 4);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(b.length - 4, (int) crc.getValue());
        return b;
    }

    private static int indexOf(byte[] hay, String needle) {
        byte[] n = needle.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i + n.length <= hay.length; i++) {
            if (Arrays.equals(hay, i, i + n.length, n, 0, n.length)) {
                return i;
            }
        }
        throw new AssertionError(needle + " not found");
    }

    @Test
    void shouldAcceptANewerVersionAtomically() {
        ModelHolder.Verdict v = holder.offer(TestModels.modelBytes(2, 11));
        assertTrue(v.accepted());
        assertEquals(2, holder.current().version());
        assertEquals(2, registry.get("forecast.model.version").gauge().value());
    }

    @Test
    void shouldRejectCorruptBytes() {
        byte[] b = TestModels.modelBytes(2, 11);
        b[b.length / 2] ^= 0x01;
        assertRejected(b, "checksum");
    }

    @Test
    void shouldRejectTruncatedAndForeignBytes() {
        byte[] b = TestModels.modelBytes(2, 11);
        assertRejected(Arrays.copyOf(b, b.length - 10), "truncated");
        assertRejected("definitely not a model file".getBytes(StandardCharsets.UTF_8), "magic");
        assertRejected(new byte[0], "empty");
    }

    @Test
    void shouldRejectTensorsThatDoNotMatchTheHeader() {
        byte[] b = TestModels.modelBytes(2, 11);
        int at = indexOf(b, "\"hidden\":8");
        b[at + "\"hidden\":".length()] = '9';
        assertRejected(reseal(b), "shape");
    }

    @Test
    void shouldRejectNonFiniteParameters() {
        byte[] b = TestModels.modelBytes(2, 11);
        // The last tensor (head.b) ends right before the checksum.
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putFloat(b.length - 8, Float.NaN);
        assertRejected(reseal(b), "non-finite");
    }

    @Test
    void shouldRejectAModelWithOtherInputs() {
        ModelSpec spec = new ModelSpec(CellType.LSTM, 1, 5, 8, 3);
        ModelHeader h = new ModelHeader("forecaster", 2, 1L, spec, NormalizerSpec.DEFAULT, TestModels.STEP, null, null, 0, 1,
                Map.of(), Map.of(), Instant.parse("2024-06-01T00:00:00Z"));
        byte[] b = ModelWriter.write(new ModelFile(h, Forecaster.initialize(spec, 1, KernelsProvider.get()).parameters()));
        assertRejected(b, "incompatible");
    }

    @Test
    void shouldAcceptAModelWithASeasonLagInput() {
        // The seasonal model backtest and detect train (one more input: the value one season back) is servable.
        ModelSpec spec = new ModelSpec(CellType.LSTM, 1, Features.count(24), 8, 3, 24);
        ModelHeader h = new ModelHeader("forecaster", 2, 1L, spec, NormalizerSpec.DEFAULT, TestModels.STEP, null, null, 0, 1,
                Map.of(), Map.of(), Instant.parse("2024-06-01T00:00:00Z"));
        byte[] b = ModelWriter.write(new ModelFile(h, Forecaster.initialize(spec, 1, KernelsProvider.get()).parameters()));
        assertTrue(holder.offer(b).accepted());
        assertEquals(24, holder.current().header().spec().seasonLag());
    }

    @Test
    void shouldAcceptAProfileModel() {
        // Issue 15: the profile model reads its seventh input from the key's seasonal profile, not from the ring.
        ModelSpec spec = ModelSpec.withProfile(CellType.LSTM, 1, Features.count(0, 48), 8, 3, 48, 86_400_000L);
        ModelHeader h = new ModelHeader("forecaster", 2, 1L, spec, NormalizerSpec.DEFAULT, TestModels.STEP, null, null, 0, 1,
                Map.of(), Map.of(), Instant.parse("2024-06-01T00:00:00Z"));
        byte[] b = ModelWriter.write(new ModelFile(h, Forecaster.initialize(spec, 1, KernelsProvider.get()).parameters()));
        assertTrue(holder.offer(b).accepted());
        assertEquals(48, holder.current().header().spec().profileBins());
    }

    @Test
    void shouldRejectAVersionNotNewerThanTheCurrentOne() {
        assertRejected(TestModels.modelBytes(1, 11), "stale");
    }

    @Test
    void shouldWaitForAFirstModelWithoutSpinning() throws Exception {
        ModelHolder empty = new ModelHolder(KernelsProvider.get(), new ServingMetrics(new SimpleMeterRegistry()));
        assertNull(empty.await(Duration.ofMillis(20)));
        Thread t = Thread.ofVirtual().start(() -> empty.offer(TestModels.modelBytes(3, 7)));
        LoadedModel m = empty.await(Duration.ofSeconds(30));
        t.join();
        assertEquals(3, m.version());
    }
}
