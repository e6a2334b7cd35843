package org.forecaster.serving.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.security.KeyPair;
import java.util.List;
import org.forecaster.core.kernel.KernelsProvider;
import org.forecaster.core.model.CellType;
import org.forecaster.core.model.Features;
import org.forecaster.core.model.ModelSpec;
import org.forecaster.core.modelio.ModelAcceptance;
import org.forecaster.core.modelio.ModelSignature;
import org.forecaster.core.modelio.ModelSigner;
import org.forecaster.core.modelio.ModelVerifier;
import org.forecaster.core.modelio.SigningKeys;
import org.forecaster.serving.TestModels;
import org.forecaster.serving.metrics.ServingMetrics;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Issue 17: a holder that requires signatures and applies the acceptance rules; the old model keeps serving. */
class SignedModelHolderTest {
    private static final KeyPair TRUSTED = SigningKeys.generate(), ROTATED = SigningKeys.generate(), ATTACKER = SigningKeys.generate();
    private static final ModelSigner SIGNER = new ModelSigner(TRUSTED);

    private SimpleMeterRegistry registry;
    private ModelHolder holder;
    private LoadedModel v1;

    @BeforeEach
    void setUp() {
        registry = new SimpleMeterRegistry();
        holder = new ModelHolder(KernelsProvider.get(), new ServingMetrics(registry),
                ModelVerifier.trusting(List.of(TRUSTED.getPublic(), ROTATED.getPublic())), ModelAcceptance.DEFAULT);
        byte[] b = TestModels.modelBytes(1, 7);
        ModelHolder.Verdict v = holder.offer("forecaster", b, SIGNER.sign(b));
        assertTrue(v.accepted(), v.message());
        v1 = holder.current();
    }

    private void assertRejected(String key, byte[] bytes, ModelSignature signature, String reason) {
        ModelHolder.Verdict v = holder.offer(key, bytes, signature);
        assertFalse(v.accepted());
        assertEquals(reason, v.reason(), v.message());
        assertSame(v1, holder.current(), "the old model keeps serving");
        assertEquals(1, registry.get("forecast.weights.rejected").tag("reason", reason).counter().count());
        assertEquals(1, registry.get("forecast.model.version").gauge().value());
    }

    @Test
    void shouldRejectAModelForgedWithAnUntrustedKey() {
        byte[] b = TestModels.modelBytes(2, 11);
        assertRejected("forecaster", b, new ModelSigner(ATTACKER).sign(b), "untrusted-key");
    }

    @Test
    void shouldRejectAnUnsignedModel() {
        assertRejected("forecaster", TestModels.modelBytes(2, 11), null, "unsigned");
        assertEquals("unsigned", holder.offer(TestModels.modelBytes(3, 11)).reason(), "a file without a record is unsigned too");
    }

    @Test
    void shouldRejectBytesThatAreNotTheOnesSigned() {
        byte[] signed = TestModels.modelBytes(2, 11);
        assertRejected("forecaster", TestModels.modelBytes(2, 12), SIGNER.sign(signed), "bad-signature");
    }

    @Test
    void shouldRejectATrustedlySignedVersionAtLongMax() {
        byte[] b = TestModels.modelBytes("forecaster", Long.MAX_VALUE, TestModels.SPEC);
        assertRejected("forecaster", b, SIGNER.sign(b), "version-too-high");
        byte[] next = TestModels.modelBytes(2, 11);
        assertTrue(holder.offer("forecaster", next, SIGNER.sign(next)).accepted(), "ordinary versions still follow");
    }

    @Test
    void shouldRejectAVersionJumpBeyondTheBound() {
        byte[] b = TestModels.modelBytes("forecaster", 1 + 1_000_001, TestModels.SPEC);
        assertRejected("forecaster", b, SIGNER.sign(b), "version-jump");
    }

    @Test
    void shouldRejectAnOversizedModel() {
        // The 8 layers and horizon 1024, at 64 units so the test stays small (8 x 500 is over the cap as well).
        byte[] b = TestModels.modelBytes("forecaster", 2, new ModelSpec(CellType.LSTM, 8, Features.COUNT, 64, 1024));
        assertRejected("forecaster", b, SIGNER.sign(b), "too-large");
    }

    @Test
    void shouldRejectARecordKeyThatIsNotTheModelName() {
        byte[] b = TestModels.modelBytes(2, 11);
        assertRejected("other-model", b, SIGNER.sign(b), "key-mismatch");
    }

    @Test
    void shouldAcceptBothTrustedKeysDuringARotation() {
        byte[] v2 = TestModels.modelBytes(2, 11), v3 = TestModels.modelBytes(3, 12);
        assertTrue(holder.offer("forecaster", v2, new ModelSigner(ROTATED).sign(v2)).accepted());
        assertTrue(holder.offer("forecaster", v3, SIGNER.sign(v3)).accepted());
        assertEquals(3, holder.current().version());
    }
}
