package org.forecaster.deploy.images;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Reads an OCI image-layout tarball as written by Jib ({@code oci-layout}, {@code index.json},
 * {@code blobs/sha256/...}): the manifest, the config and each layer's file list, checking every blob against its
 * digest. Test code only; it reads the archive a few times rather than holding layers in memory.
 */
final class OciImageTarball {
    private static final ObjectMapper JSON = new ObjectMapper();

    final Path tarball;
    final String manifestDigest;
    final JsonNode manifest;
    final JsonNode config;
    final List<String> layerDigests = new ArrayList<>();

    OciImageTarball(Path tarball) throws IOException {
        this.tarball = tarball;
        Map<String, byte[]> small = new HashMap<>();
        forEachEntry((entry, in) -> {
            if (entry.isFile() && entry.getSize() < (1 << 20)) {
                small.put(entry.getName(), in.readAllBytes());
            }
        });
        byte[] index = small.get("index.json");
        if (index == null) {
            throw new IllegalStateException(tarball + " has no index.json: not an OCI image layout; entries "
                    + small.keySet());
        }
        JsonNode manifests = JSON.readTree(index).path("manifests");
        if (manifests.size() != 1) {
            throw new IllegalStateException(tarball + " index.json lists " + manifests.size() + " manifests, want 1");
        }
        manifestDigest = manifests.get(0).path("digest").asText();
        manifest = JSON.readTree(verifiedBlob(small, manifestDigest));
        config = JSON.readTree(verifiedBlob(small, manifest.path("config").path("digest").asText()));
        manifest.path("layers").forEach(layer -> layerDigests.add(layer.path("digest").asText()));
    }

    private byte[] verifiedBlob(Map<String, byte[]> small, String digest) {
        byte[] blob = small.get(blobPath(digest));
        if (blob == null) {
            throw new IllegalStateException(tarball + " lacks blob " + digest);
        }
        String actual = "sha256:" + sha256(blob);
        if (!actual.equals(digest)) {
            throw new IllegalStateException(tarball + " blob " + digest + " hashes to " + actual);
        }
        return blob;
    }

    /** The file names (without leading "./" or "/") in the layer at {@code index} (0 = the base's first). */
    List<String> layerFiles(int index) throws IOException {
        List<String> names = new ArrayList<>();
        withLayer(index, layer -> {
            TarArchiveEntry entry;
            while ((entry = layer.getNextEntry()) != null) {
                names.add(normalise(entry.getName()));
            }
        });
        return names;
    }

    /** The compressed size in bytes of the layer at {@code index}, from the manifest. */
    long layerSize(int index) {
        return manifest.path("layers").get(index).path("size").asLong();
    }

    /** Extracts every layer in order into {@code root}: regular files, directories and symbolic links. */
    void unpackTo(Path root) throws IOException {
        for (int i = 0; i < layerDigests.size(); i++) {
            withLayer(i, layer -> {
                TarArchiveEntry entry;
                while ((entry = layer.getNextEntry()) != null) {
                    String name = normalise(entry.getName());
                    if (name.isEmpty() || name.contains("/.wh.") || name.startsWith(".wh.")) {
                        continue; // our images have no deletions; whiteouts would need handling here
                    }
                    Path target = root.resolve(name).normalize();
                    if (!target.startsWith(root)) {
                        throw new IOException("layer entry escapes the root: " + entry.getName());
                    }
                    if (entry.isDirectory()) {
                        Files.createDirectories(target);
                    } else if (entry.isSymbolicLink()) {
                        Files.createDirectories(target.getParent());
                        Files.deleteIfExists(target);
                        Files.createSymbolicLink(target, Path.of(entry.getLinkName()));
                    } else if (entry.isLink()) {
                        Files.createDirectories(target.getParent());
                        Files.deleteIfExists(target);
                        Files.createLink(target, root.resolve(normalise(entry.getLinkName())));
                    } else if (entry.isFile()) {
                        Files.createDirectories(target.getParent());
                        if (Files.isSymbolicLink(target)) {
                            Files.delete(target);
                        }
                        Files.copy(layer, target, StandardCopyOption.REPLACE_EXISTING);
                        if ((entry.getMode() & 0111) != 0) {
                            target.toFile().setExecutable(true, false);
                        }
                    }
                }
            });
        }
    }

    private interface LayerReader {
        void read(TarArchiveInputStream layer) throws IOException;
    }

    private interface EntryReader {
        void read(TarArchiveEntry entry, InputStream in) throws IOException;
    }

    private void withLayer(int index, LayerReader reader) throws IOException {
        String path = blobPath(layerDigests.get(index));
        String mediaType = manifest.path("layers").get(index).path("mediaType").asText();
        boolean[] found = {false};
        forEachEntry((entry, in) -> {
            if (entry.getName().equals(path)) {
                found[0] = true;
                InputStream body = mediaType.endsWith("gzip") ? new GZIPInputStream(in, 1 << 16) : in;
                reader.read(new TarArchiveInputStream(body));
            }
        });
        if (!found[0]) {
            throw new IllegalStateException(tarball + " lacks layer blob " + path);
        }
    }

    private void forEachEntry(EntryReader reader) throws IOException {
        try (TarArchiveInputStream tar =
                new TarArchiveInputStream(new BufferedInputStream(Files.newInputStream(tarball), 1 << 16))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                reader.read(entry, tar);
            }
        }
    }

    private static String blobPath(String digest) {
        return "blobs/" + digest.replace(':', '/');
    }

    private static String normalise(String name) {
        String n = name.startsWith("./") ? name.substring(2) : name.startsWith("/") ? name.substring(1) : name;
        return n.endsWith("/") ? n.substring(0, n.length() - 1) : n;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
