package org.forecaster.core.modelio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelSigningTest {
    private static final KeyPair TRUSTED = SigningKeys.generate();
    private static final KeyPair OTHER = SigningKeys.generate();
    private final byte[] model = ModelWriter.write(ModelFixtures.lstm());

    @Test
    void shouldVerifyASignatureOverTheExactBytes() {
        ModelSignature sig = new ModelSigner(TRUSTED).sign(model);
        ModelVerifier verifier = ModelVerifier.trusting(List.of(TRUSTED.getPublic()));
        assertNull(verifier.check(model, sig));
        byte[] tampered = model.clone();
        tampered[tampered.length / 2] ^= 1;
        assertEquals(ModelVerifier.Failure.BAD_SIGNATURE, verifier.check(tampered, sig));
    }

    @Test
    void shouldRejectUnsignedForeignAndForgedSignatures() {
        ModelVerifier verifier = ModelVerifier.trusting(List.of(TRUSTED.getPublic()));
        assertEquals(ModelVerifier.Failure.UNSIGNED, verifier.check(model, null));
        assertEquals(ModelVerifier.Failure.UNTRUSTED_KEY, verifier.check(model, new ModelSigner(OTHER).sign(model)));
        // A forger who claims the trusted key's id still cannot make its signature.
        ModelSignature forged = new ModelSignature(SigningKeys.keyId(TRUSTED.getPublic()), new ModelSigner(OTHER).sign(model).signature());
        assertEquals(ModelVerifier.Failure.BAD_SIGNATURE, verifier.check(model, forged));
        assertEquals(ModelVerifier.Failure.BAD_SIGNATURE, verifier.check(model,
                new ModelSignature(SigningKeys.keyId(TRUSTED.getPublic()), new byte[] {1, 2, 3})));
    }

    @Test
    void shouldAcceptEveryTrustedKeyDuringARotation() {
        ModelVerifier verifier = ModelVerifier.trusting(List.of(TRUSTED.getPublic(), OTHER.getPublic()));
        assertNull(verifier.check(model, new ModelSigner(TRUSTED).sign(model)));
        assertNull(verifier.check(model, new ModelSigner(OTHER).sign(model)));
    }

    @Test
    void shouldCheckNothingWhenDisabled() {
        assertNull(ModelVerifier.DISABLED.check(model, null));
    }

    @Test
    void shouldWriteAKeyPairThatReadsBackAndSigns(@TempDir Path dir) throws Exception {
        Path privateKey = SigningKeys.writePair(SigningKeys.generate(), dir);
        assertEquals(dir.resolve("model-signing.key"), privateKey);
        assertTrue(Files.readString(privateKey).startsWith("-----BEGIN PRIVATE KEY-----"));
        assertTrue(Files.readString(dir.resolve("model-signing.pub")).startsWith("-----BEGIN PUBLIC KEY-----"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(privateKey)));
        ModelSigner signer = ModelSigner.fromFile(privateKey);
        ModelVerifier verifier = ModelVerifier.trustingFiles(List.of(dir));
        assertEquals(signer.keyId(), verifier.keyIds().iterator().next());
        assertNull(verifier.check(model, signer.sign(model)));
        assertThrows(FileAlreadyExistsException.class, () -> SigningKeys.writePair(SigningKeys.generate(), dir));
    }

    @Test
    void shouldReadDerKeysToo(@TempDir Path dir) throws Exception {
        Path privateKey = Files.write(dir.resolve("k.key"), TRUSTED.getPrivate().getEncoded());
        Files.write(dir.resolve("k.pub"), TRUSTED.getPublic().getEncoded());
        assertEquals(SigningKeys.keyId(TRUSTED.getPublic()), ModelSigner.fromFile(privateKey).keyId());
    }

    @Test
    void shouldRefuseAMismatchedPairAndNonKeys(@TempDir Path dir) throws Exception {
        SigningKeys.writePair(TRUSTED, dir);
        Files.write(dir.resolve("model-signing.pub"), SigningKeys.pem("PUBLIC KEY", OTHER.getPublic().getEncoded()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelSigner.fromFile(dir.resolve("model-signing.key")));
        assertTrue(e.getMessage().contains("does not belong"), e.getMessage());
        Path junk = Files.writeString(dir.resolve("junk.pub"), "not a key");
        assertThrows(IllegalArgumentException.class, () -> SigningKeys.readPublicKey(junk));
        assertThrows(IllegalArgumentException.class, () -> ModelVerifier.trustingFiles(List.of(dir.resolve("missing"))));
    }
}
