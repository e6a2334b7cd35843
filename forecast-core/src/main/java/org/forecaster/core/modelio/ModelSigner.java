package org.forecaster.core.modelio;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;

/**
 * Signs encoded model files with one Ed25519 private key. Thread-safe (a {@link Signature} per call: they are
 * cheap, and stateful).
 */
public final class ModelSigner {
    private final PrivateKey privateKey;
    private final String keyId;

    /**
     * A signer for {@code pair}; checks that the two keys belong together, because a mismatched pair would sign
     * models every verifier rejects.
     */
    public ModelSigner(KeyPair pair) {
        this.privateKey = pair.getPrivate();
        this.keyId = SigningKeys.keyId(pair.getPublic());
        byte[] probe = ("key pair check " + keyId).getBytes(StandardCharsets.US_ASCII);
        if (!verifies(pair.getPublic(), probe, sign(probe).signature())) {
            throw new IllegalArgumentException("the private key does not belong to public key " + keyId);
        }
    }

    /**
     * The signer of a private key file (PKCS#8 PEM or DER) and its public key, which the key id is made from: the
     * JDK cannot derive an Ed25519 public key from the private one, so it is read from {@code publicKeyFile}
     * ({@code forecast keygen} writes both side by side: {@link SigningKeys#publicKeyFileOf}).
     */
    public static ModelSigner fromFiles(Path privateKeyFile, Path publicKeyFile) throws IOException {
        if (!Files.isRegularFile(privateKeyFile)) {
            throw new IllegalArgumentException("no signing key file " + privateKeyFile);
        }
        if (!Files.isRegularFile(publicKeyFile)) {
            throw new IllegalArgumentException("no public key file " + publicKeyFile + " next to signing key " + privateKeyFile
                    + " (the key id is its fingerprint)");
        }
        return new ModelSigner(new KeyPair(SigningKeys.readPublicKey(publicKeyFile), SigningKeys.readPrivateKey(privateKeyFile)));
    }

    /** {@link #fromFiles(Path, Path)} with the public key next to the private one ({@code x.key -> x.pub}). */
    public static ModelSigner fromFile(Path privateKeyFile) throws IOException {
        return fromFiles(privateKeyFile, SigningKeys.publicKeyFileOf(privateKeyFile));
    }

    /** Id of the public key that verifies this signer's signatures. */
    public String keyId() {
        return keyId;
    }

    /** The signature over exactly {@code modelBytes}. */
    public ModelSignature sign(byte[] modelBytes) {
        try {
            Signature s = Signature.getInstance(SigningKeys.ALGORITHM);
            s.initSign(privateKey);
            s.update(modelBytes);
            return new ModelSignature(keyId, s.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with " + SigningKeys.ALGORITHM + " key " + keyId + ": " + e.getMessage(), e);
        }
    }

    static boolean verifies(PublicKey key, byte[] bytes, byte[] signature) {
        try {
            Signature s = Signature.getInstance(SigningKeys.ALGORITHM);
            s.initVerify(key);
            s.update(bytes);
            return s.verify(signature);
        } catch (GeneralSecurityException e) {
            return false; // a malformed signature (wrong length, say) is simply not a valid one
        }
    }
}
