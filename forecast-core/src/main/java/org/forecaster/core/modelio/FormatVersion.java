package org.forecaster.core.modelio;

import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * Identity and limits of the model file format. The byte layout of each version is documented on
 * {@link ModelWriter}. A change to the layout, to the meaning of a header field, or to the set of header
 * fields takes a new version number; readers reject versions they do not know rather than guess.
 */
public final class FormatVersion {

    /** The first 8 bytes of every model file, ASCII. */
    public static final String MAGIC = "FCSTMODL";

    /** The version {@link ModelWriter} writes. */
    public static final int CURRENT = 1;

    /** The versions {@link ModelReader} reads. */
    public static final Set<Integer> SUPPORTED = Set.of(1);

    /** Largest JSON header, in bytes: metadata, not a place for data. */
    public static final int MAX_HEADER_BYTES = 1 << 20;

    /**
     * Most tensors in a file. A spec has at most 8 layers of 3 tensors plus 2 for the head (26); the
     * headroom is for future cells without letting a corrupt count drive the reader.
     */
    public static final int MAX_TENSORS = 256;

    /** Longest tensor name, in UTF-8 bytes. */
    public static final int MAX_NAME_BYTES = 256;

    /** Highest tensor rank. */
    public static final int MAX_RANK = 8;

    static final byte[] MAGIC_BYTES = MAGIC.getBytes(StandardCharsets.US_ASCII);

    private FormatVersion() {}

    /** Whether {@link ModelReader} can read files of format version {@code version}. */
    public static boolean isSupported(int version) {
        return SUPPORTED.contains(version);
    }
}
