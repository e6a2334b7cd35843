package org.forecaster.core.modelio;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Checks model signatures against a set of trusted Ed25519 public keys, looked up by key id. Trusting the old and
 * the new key together is how keys rotate. Immutable and thread-safe.
 */
public final class ModelVerifier {
    /** Why a model's signature is not acceptable; {@link #label} is the metric's {@code reason} tag. */
    public enum Failure {
        /** No signature headers on the record. */
        UNSIGNED("unsigned"),
        /** Signed by a key this verifier does not trust (a forged or foreign model, or a key not yet rolled out). */
        UNTRUSTED_KEY("untrusted-key"),
        /** Signed under a trusted key id, but the signature does not match the bytes (tampered or corrupt). */
        BAD_SIGNATURE("bad-signature");

        public final String label;

        Failure(String label) {
            this.label = label;
        }
    }

    /** A verifier that checks nothing: for development and tests only ({@code require-signature=false}). */
    public static final ModelVerifier DISABLED = new ModelVerifier(Map.of(), false);

    private final Map<String, PublicKey> trusted;
    private final boolean required;

    private ModelVerifier(Map<String, PublicKey> trusted, boolean required) {
        this.trusted = Map.copyOf(trusted);
        this.required = required;
    }

    /** A verifier that requires a valid signature by one of {@code keys}. */
    public static ModelVerifier trusting(Collection<PublicKey> keys) {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("signatures are required but no trusted public key is configured");
        }
        Map<String, PublicKey> byId = new LinkedHashMap<>();
        for (PublicKey k : keys) {
            byId.put(SigningKeys.keyId(k), k);
        }
        return new ModelVerifier(byId, true);
    }

    /**
     * A verifier trusting the public keys in {@code locations}: each a key file, or a directory whose {@code *.pub}
     * files are read (a mounted Secret with one file per key, old and new side by side during a rotation).
     */
    public static ModelVerifier trustingFiles(Collection<Path> locations) throws IOException {
        List<PublicKey> keys = new ArrayList<>();
        for (Path location : locations) {
            if (Files.isDirectory(location)) {
                try (Stream<Path> files = Files.list(location)) {
                    for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".pub")).sorted().toList()) {
                        keys.add(SigningKeys.readPublicKey(f));
                    }
                }
            } else if (Files.isRegularFile(location)) {
                keys.add(SigningKeys.readPublicKey(location));
            } else {
                throw new IllegalArgumentException("trusted key location " + location + " is neither a file nor a directory");
            }
        }
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("no public key (*.pub) found in " + locations);
        }
        return trusting(keys);
    }

    /** Whether this verifier checks signatures at all. */
    public boolean required() {
        return required;
    }

    /** Ids of the trusted keys. */
    public Set<String> keyIds() {
        return trusted.keySet();
    }

    /**
     * Checks that {@code signature} is a trusted key's signature over exactly {@code modelBytes}.
     *
     * @param signature the record's signature, or null when it has none
     * @return null when acceptable (or when this verifier is {@link #DISABLED}), else why not
     */
    public Failure check(byte[] modelBytes, ModelSignature signature) {
        if (!required) {
            return null;
        }
        if (signature == null) {
            return Failure.UNSIGNED;
        }
        PublicKey key = trusted.get(signature.keyId());
        if (key == null) {
            return Failure.UNTRUSTED_KEY;
        }
        return ModelSigner.verifies(key, modelBytes, signature.signature()) ? null : Failure.BAD_SIGNATURE;
    }
}
