package org.forecaster.core.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiKeysTest {
    @TempDir
    Path dir;

    private final AtomicLong nanos = new AtomicLong();
    private final List<IOException> failures = new ArrayList<>();

    private ApiKeys fromFile(Path file, Duration reloadEvery, String... fixed) {
        return new ApiKeys(Optional.of(file), List.of(fixed), reloadEvery, nanos::get, failures::add);
    }

    @Test
    void shouldAcceptEveryKeyOfTheFileAndTheFixedOnes() throws IOException {
        Path file = Files.writeString(dir.resolve("ingest.keys"), "# rotation 2025-06\nold-key\n\n  new-key  \n");
        ApiKeys keys = fromFile(file, Duration.ofSeconds(10), "configured-key");

        assertTrue(keys.accepts("old-key"));
        assertTrue(keys.accepts("new-key"));
        assertTrue(keys.accepts("configured-key"));
        assertFalse(keys.accepts("# rotation 2025-06"), "comments are not keys");
        assertFalse(keys.accepts("new"), "a prefix of a key is not a key");
        assertFalse(keys.accepts(""));
        assertFalse(keys.accepts(null));
        assertEquals(3, keys.size());
    }

    @Test
    void shouldRefuseARemovedKeyOnlyAfterTheReloadInterval() throws IOException {
        Path file = Files.writeString(dir.resolve("ingest.keys"), "old-key\nnew-key\n");
        ApiKeys keys = fromFile(file, Duration.ofSeconds(10));
        Files.writeString(file, "new-key\n");

        nanos.set(Duration.ofSeconds(9).toNanos());
        assertTrue(keys.accepts("old-key"), "not reloaded before the interval");
        nanos.set(Duration.ofSeconds(10).toNanos());
        assertFalse(keys.accepts("old-key"), "removed key refused after the reload");
        assertTrue(keys.accepts("new-key"));
    }

    @Test
    void shouldKeepTheLoadedKeysWhenTheFileVanishesAndReportIt() throws IOException {
        Path file = Files.writeString(dir.resolve("read.keys"), "read-key\n");
        ApiKeys keys = fromFile(file, Duration.ZERO);
        Files.delete(file);

        assertTrue(keys.accepts("read-key"));
        assertEquals(1, failures.size());
    }

    @Test
    void shouldFailAtStartWhenTheFileIsMissing() {
        assertThrows(UncheckedIOException.class, () -> fromFile(dir.resolve("missing.keys"), Duration.ZERO));
    }

    @Test
    void shouldRefuseEverythingWithoutKeys() {
        ApiKeys none = ApiKeys.of("", "  ");
        assertEquals(0, none.size());
        assertFalse(none.accepts("anything"));
    }
}
