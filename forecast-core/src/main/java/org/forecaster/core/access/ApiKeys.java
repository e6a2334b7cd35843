package org.forecaster.core.access;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The keys of one scope ({@code ingest}, {@code operate}, {@code read}): those in a key file, one per line (blank
 * lines and {@code #} comments skipped), plus fixed keys from configuration. Several lines are several valid keys,
 * which is how a key is rotated: add the new key, move clients over, remove the old one. The file is read again at
 * most every {@code reloadEvery}, on the next check after that; a Kubernetes Secret mounted as a file changes in
 * place. A file that cannot be read at reload keeps the keys already loaded and is reported to {@code onReloadFailure}
 * (a Secret update swaps a symlink, so a read may race it); at construction it throws.
 *
 * <p>Thread-safe: checks read an immutable snapshot; one caller at a time reloads.
 */
public final class ApiKeys {
    private final Optional<Path> file;
    private final List<byte[]> fixedKeys;
    private final long reloadEveryNanos;
    private final LongSupplier nanoTime;
    private final Consumer<IOException> onReloadFailure;
    private volatile List<byte[]> keys;
    private volatile long loadedAtNanos;

    /**
     * @param file            the key file of the scope, or empty for fixed keys only
     * @param fixedKeys       keys from configuration (blank ones ignored), accepted besides the file's
     * @param reloadEvery     how often the file is read again; zero reads it on every check
     * @param nanoTime        monotonic time in nanoseconds ({@code System::nanoTime})
     * @param onReloadFailure told when a reload fails (the old keys stay in use)
     * @throws UncheckedIOException when the file cannot be read now
     */
    public ApiKeys(Optional<Path> file, List<String> fixedKeys, Duration reloadEvery, LongSupplier nanoTime,
                   Consumer<IOException> onReloadFailure) {
        if (reloadEvery.isNegative()) {
            throw new IllegalArgumentException("key reload interval must not be negative, is " + reloadEvery);
        }
        this.file = file;
        this.fixedKeys = fixedKeys.stream().map(String::strip).filter(k -> !k.isEmpty()).map(ApiKeys::utf8).toList();
        this.reloadEveryNanos = reloadEvery.toNanos();
        this.nanoTime = nanoTime;
        this.onReloadFailure = onReloadFailure;
        try {
            this.keys = load();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the key file " + file.orElseThrow(), e);
        }
        this.loadedAtNanos = nanoTime.getAsLong();
    }

    /** Fixed keys only, never reloaded. */
    public static ApiKeys of(String... keys) {
        return new ApiKeys(Optional.empty(), List.of(keys), Duration.ZERO, System::nanoTime, e -> {});
    }

    /** Whether {@code presented} is one of the scope's keys; null never is. */
    public boolean accepts(String presented) {
        if (presented == null || presented.isEmpty()) {
            return false;
        }
        reloadIfDue();
        byte[] candidate = utf8(presented);
        boolean match = false;
        for (byte[] key : keys) {
            // Constant time per key, and every key compared: timing reveals neither how much of a guess was right
            // nor which key matched.
            match |= MessageDigest.isEqual(key, candidate);
        }
        return match;
    }

    /** How many keys are accepted now (none means every request is refused). */
    public int size() {
        return keys.size();
    }

    private void reloadIfDue() {
        if (file.isEmpty() || nanoTime.getAsLong() - loadedAtNanos < reloadEveryNanos) {
            return;
        }
        synchronized (this) {
            long now = nanoTime.getAsLong();
            if (now - loadedAtNanos < reloadEveryNanos && reloadEveryNanos > 0) {
                return; // another caller reloaded meanwhile
            }
            try {
                keys = load();
            } catch (IOException e) {
                onReloadFailure.accept(e);
            }
            loadedAtNanos = now;
        }
    }

    private List<byte[]> load() throws IOException {
        List<byte[]> loaded = new ArrayList<>(fixedKeys);
        if (file.isPresent()) {
            for (String line : Files.readAllLines(file.get(), StandardCharsets.UTF_8)) {
                String key = line.strip();
                if (!key.isEmpty() && !key.startsWith("#")) {
                    loaded.add(utf8(key));
                }
            }
        }
        return List.copyOf(loaded);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
