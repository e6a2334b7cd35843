package org.forecaster.core.modelio;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Ed25519 key pairs for model signing (JDK {@code java.security}, no extra provider): generation, key ids, and
 * reading and writing key files. A private key file is PKCS#8, a public key file X.509 SubjectPublicKeyInfo, each
 * either PEM ({@code -----BEGIN PRIVATE KEY-----}, as {@code openssl genpkey -algorithm ed25519} writes) or DER.
 * Stateless and thread-safe.
 */
public final class SigningKeys {
    /** The JDK algorithm name for keys and signatures. */
    public static final String ALGORITHM = "Ed25519";
    /** File name {@code forecast keygen} gives the private key; the public key is its {@link #publicKeyFileOf sibling}. */
    public static final String PRIVATE_KEY_FILE = "model-signing.key";
    /** Hex digits of the SHA-256 fingerprint that make a key id: 64 bits, plenty to tell a handful of keys apart. */
    private static final int KEY_ID_HEX_DIGITS = 16;

    private SigningKeys() {}

    /** A new random key pair. */
    public static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no " + ALGORITHM + " (every JDK since 15 has)", e);
        }
    }

    /** The key's id: the first 16 hex digits of the SHA-256 of its X.509 encoding. */
    public static String keyId(PublicKey key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
            return HexFormat.of().formatHex(digest).substring(0, KEY_ID_HEX_DIGITS);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** Where the public key of private key file {@code privateKey} is: {@code x.key -> x.pub}, else {@code x -> x.pub}. */
    public static Path publicKeyFileOf(Path privateKey) {
        String name = privateKey.getFileName().toString();
        String base = name.endsWith(".key") ? name.substring(0, name.length() - 4) : name;
        return privateKey.resolveSibling(base + ".pub");
    }

    /** Reads an Ed25519 private key (PKCS#8, PEM or DER). */
    public static PrivateKey readPrivateKey(Path file) throws IOException {
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(der(file, "PRIVATE KEY")));
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new IllegalArgumentException(file + " is not an " + ALGORITHM + " private key (PKCS#8 PEM or DER): " + e.getMessage(), e);
        }
    }

    /** Reads an Ed25519 public key (X.509 SubjectPublicKeyInfo, PEM or DER). */
    public static PublicKey readPublicKey(Path file) throws IOException {
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(der(file, "PUBLIC KEY")));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(file + " is not an " + ALGORITHM + " public key (X.509 PEM or DER): " + e.getMessage(), e);
        }
    }

    /**
     * Writes {@code pair} as {@code dir/model-signing.key} (PKCS#8 PEM, readable by the owner only) and
     * {@code dir/model-signing.pub} (X.509 PEM), refusing to overwrite either: replacing a key by accident would
     * leave the fleet trusting a key nobody holds.
     *
     * @return the private key file
     */
    public static Path writePair(KeyPair pair, Path dir) throws IOException {
        Path privateKey = dir.resolve(PRIVATE_KEY_FILE);
        Path publicKey = publicKeyFileOf(privateKey);
        for (Path p : new Path[] {privateKey, publicKey}) {
            if (Files.exists(p)) {
                throw new FileAlreadyExistsException(p + " already exists; move it away or choose another directory");
            }
        }
        Files.createDirectories(dir);
        byte[] privatePem = pem("PRIVATE KEY", pair.getPrivate().getEncoded());
        if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            // Created with mode 600, never briefly readable by others.
            Files.write(Files.createFile(privateKey, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))),
                    privatePem, StandardOpenOption.TRUNCATE_EXISTING);
        } else {
            Files.write(privateKey, privatePem, StandardOpenOption.CREATE_NEW);
        }
        Files.write(publicKey, pem("PUBLIC KEY", pair.getPublic().getEncoded()), StandardOpenOption.CREATE_NEW);
        return privateKey;
    }

    static byte[] pem(String type, byte[] der) {
        return ("-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** The DER bytes of a PEM file of {@code type}, or the file itself when it is not PEM. */
    private static byte[] der(Path file, String type) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        String text = new String(bytes, StandardCharsets.US_ASCII);
        int begin = text.indexOf("-----BEGIN ");
        if (begin < 0) {
            return bytes;
        }
        String beginLine = "-----BEGIN " + type + "-----", endLine = "-----END " + type + "-----";
        int start = text.indexOf(beginLine), end = text.indexOf(endLine);
        if (start < 0 || end < start) {
            throw new IllegalArgumentException(file + " is PEM but holds no " + beginLine + " ... " + endLine + " block");
        }
        try {
            return Base64.getMimeDecoder().decode(text.substring(start + beginLine.length(), end));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + " has invalid base64 in its PEM block: " + e.getMessage(), e);
        }
    }
}
