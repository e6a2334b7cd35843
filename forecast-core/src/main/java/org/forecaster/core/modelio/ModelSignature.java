package org.forecaster.core.modelio;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * An Ed25519 signature over the exact bytes of an encoded model file, and the id of the key that made it.
 *
 * <p>On the weights topic it travels in two Kafka record headers, {@value #SIGNATURE_HEADER} (the 64 raw signature
 * bytes) and {@value #KEY_ID_HEADER} (the key id, ASCII), so the model file format stays as it is: old readers, the
 * golden files and {@code forecast inspect} need no change, and a file on disk is the same bytes that were signed.
 *
 * @param keyId     {@link SigningKeys#keyId} of the public key that verifies it
 * @param signature the signature bytes (64 for Ed25519); the record keeps the array, treat it as read-only
 */
public record ModelSignature(String keyId, byte[] signature) {
    /** Kafka record header holding the raw signature bytes. */
    public static final String SIGNATURE_HEADER = "model-signature";
    /** Kafka record header holding the key id as ASCII. */
    public static final String KEY_ID_HEADER = "model-key-id";

    public ModelSignature {
        if (keyId == null || keyId.isBlank()) {
            throw new IllegalArgumentException("signature key id is required");
        }
        if (signature == null || signature.length == 0) {
            throw new IllegalArgumentException("signature bytes are required");
        }
    }

    /**
     * The signature carried by a record's two header values, or null when either is missing (an unsigned record).
     * Header values are attacker-controlled: only their presence is checked here, the verifier judges them.
     */
    public static ModelSignature fromHeaders(byte[] keyIdHeader, byte[] signatureHeader) {
        if (keyIdHeader == null || keyIdHeader.length == 0 || signatureHeader == null || signatureHeader.length == 0) {
            return null;
        }
        return new ModelSignature(new String(keyIdHeader, StandardCharsets.US_ASCII), signatureHeader);
    }

    /** The key id as header bytes. */
    public byte[] keyIdBytes() {
        return keyId.getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public String toString() {
        return "ModelSignature[key " + keyId + ", " + HexFormat.of().formatHex(signature, 0, Math.min(8, signature.length)) + "...]";
    }
}
