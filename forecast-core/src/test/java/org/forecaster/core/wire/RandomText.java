package org.forecaster.core.wire;

import java.util.SplittableRandom;

/** Random strings for the wire codecs' tests: every UTF-8 length (1 to 4 bytes), surrogates left out. */
final class RandomText {
    private RandomText() {}

    static String randomString(SplittableRandom rnd) {
        StringBuilder s = new StringBuilder();
        int n = rnd.nextInt(0, 40);
        for (int i = 0; i < n; i++) {
            int cp = switch (rnd.nextInt(4)) {
                case 0 -> rnd.nextInt(0, 0x80);
                case 1 -> rnd.nextInt(0x80, 0x800);
                case 2 -> rnd.nextInt(0x800, 0xD800);
                default -> rnd.nextInt(0x10000, 0x110000);
            };
            s.appendCodePoint(cp);
        }
        return s.toString();
    }
}
