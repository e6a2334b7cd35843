package org.forecaster.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.forecaster.core.modelio.ModelSigner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeygenCommandTest {
    @TempDir
    Path dir;

    @Test
    void shouldWriteAPrivateKeyOnlyItsOwnerReadsAndItsPublicKey() throws Exception {
        Path out = dir.resolve("keys");
        Cli r = Cli.run("keygen", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        Path key = out.resolve("model-signing.key");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
        assertTrue(Files.readString(out.resolve("model-signing.pub")).startsWith("-----BEGIN PUBLIC KEY-----"));
        assertTrue(r.out().contains("key id " + ModelSigner.fromFile(key).keyId()), r.out());
    }

    @Test
    void shouldRefuseToOverwriteAKeyInOneLine() {
        assertEquals(0, Cli.run("keygen", "--out", dir.toString()).code());
        Cli again = Cli.run("keygen", "--out", dir.toString());
        assertEquals(1, again.code());
        assertTrue(again.err().contains("already exists"), again.err());
        assertEquals(1, again.err().strip().lines().count(), again.err());
        assertFalse(again.err().contains("Exception"), again.err());
    }

    @Test
    void shouldRequireAnOutputDirectory() {
        Cli r = Cli.run("keygen");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("Missing required option: '--out=DIR'"), r.err());
    }
}
