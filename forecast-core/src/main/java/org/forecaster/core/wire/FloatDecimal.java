package org.forecaster.core.wire;

import java.math.BigInteger;

/**
 * A finite {@code float} as the shortest decimal that reads back as the same float, written as ASCII straight into a
 * byte array with integer arithmetic (no {@code String}, no {@code StringBuilder}). The text is exactly
 * {@link Float#toString(float)}'s (JDK 19 and later): the fewest significant digits (at least two) that
 * {@link Float#parseFloat} turns back into the same float, the closest such decimal to the float, ties to an even last
 * digit; plain notation for 10<sup>-3</sup> &le; |v| &lt; 10<sup>7</sup> ({@code 43.218}, {@code 0.0015},
 * {@code 12.0}, {@code -0.0}), computerized scientific otherwise ({@code 1.0E7}, {@code 2.5E-4}, {@code 1.4E-45}).
 *
 * <p>The digits come from the Schubfach algorithm (R. Giulietti, "The Schubfach way to render doubles", 2020), in its
 * {@code float} form: one 64 &times; 64-bit multiplication per bound of the float's rounding interval with a 63-bit
 * power of ten, whose table is computed exactly here with {@link BigInteger} when the class loads. The tests compare
 * every output with {@code Float.toString} on millions of floats.
 */
final class FloatDecimal {
    /** The longest text: {@code -1.2345678E-38}. */
    static final int MAX_LENGTH = 15;

    private static final int P = 24;
    private static final int Q_MIN = -149;
    private static final int C_MIN = 1 << 23;
    /** Subnormals below this many units are scaled by ten so that their decimal has two digits. */
    private static final int C_TINY = 8;

    /** Range of the decimal exponent k the floats need (floor(log10(2^q)) for q in [Q_MIN, 104], with margin). */
    private static final int K_MIN = -50, K_MAX = 40;
    private static final int Q_LO = Q_MIN - 2, Q_HI = 110;

    /** For k in [K_MIN, K_MAX]: the top 63 bits of floor(10^-k 2^(125 - floor(log2 10^-k))) + 1, plus one. */
    private static final long[] G = new long[K_MAX - K_MIN + 1];
    /** For k in [K_MIN, K_MAX]: floor(log2(10^-k)). */
    private static final int[] FLOG2_POW10_MINUS_K = new int[K_MAX - K_MIN + 1];
    /** For q in [Q_LO, Q_HI]: floor(log10(2^q)) and floor(log10(3/4 2^q)). */
    private static final int[] FLOG10_POW2 = new int[Q_HI - Q_LO + 1];
    private static final int[] FLOG10_3_4_POW2 = new int[Q_HI - Q_LO + 1];
    private static final int[] POW10 = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000,
            1_000_000_000};

    static {
        BigInteger ten = BigInteger.TEN;
        for (int k = K_MIN; k <= K_MAX; k++) {
            int e = -k;
            // floor(log2(10^e)): for e > 0 one less than the bit length; for e < 0 minus the bit length of 10^-e
            // (never a power of two); 0 for e = 0.
            int f = e > 0 ? ten.pow(e).bitLength() - 1 : e < 0 ? -ten.pow(-e).bitLength() : 0;
            FLOG2_POW10_MINUS_K[k - K_MIN] = f;
            int r = 125 - f; // beta = 10^e 2^r lies in [2^125, 2^126)
            BigInteger num = ten.pow(Math.max(e, 0)).shiftLeft(Math.max(r, 0));
            BigInteger den = ten.pow(Math.max(-e, 0)).shiftLeft(Math.max(-r, 0));
            BigInteger g = num.divide(den).add(BigInteger.ONE);
            G[k - K_MIN] = g.shiftRight(63).longValueExact() + 1;
        }
        for (int q = Q_LO; q <= Q_HI; q++) {
            FLOG10_POW2[q - Q_LO] = floorLog10(BigInteger.ONE, q);
            FLOG10_3_4_POW2[q - Q_LO] = floorLog10(BigInteger.valueOf(3), q - 2);
        }
    }

    /** floor(log10(m 2^q)) for a positive m. */
    private static int floorLog10(BigInteger m, int q) {
        if (q >= 0) {
            return m.shiftLeft(q).toString().length() - 1;
        }
        // m 2^q = m 5^-q / 10^-q
        return m.multiply(BigInteger.valueOf(5).pow(-q)).toString().length() - 1 + q;
    }

    private FloatDecimal() {}

    /** Writes finite {@code v} at {@code pos} of {@code out} (at least {@link #MAX_LENGTH} bytes free); returns the new position. */
    static int write(float v, byte[] out, int pos) {
        int bits = Float.floatToRawIntBits(v);
        if (bits < 0) {
            out[pos++] = '-';
        }
        int t = bits & 0x7F_FFFF;
        int bq = bits >>> 23 & 0xFF;
        if (bq != 0) {
            int mq = -Q_MIN + 1 - bq; // |v| = c 2^-mq
            int c = C_MIN | t;
            if (0 < mq && mq < P) { // an integer below 2^24 prints as itself
                int f = c >> mq;
                if (f << mq == c) {
                    return chars(f, 0, out, pos);
                }
            }
            return decimal(-mq, c, 0, out, pos);
        }
        if (t != 0) {
            return t < C_TINY ? decimal(Q_MIN, 10 * t, -1, out, pos) : decimal(Q_MIN, t, 0, out, pos);
        }
        out[pos] = '0';
        out[pos + 1] = '.';
        out[pos + 2] = '0';
        return pos + 3;
    }

    /** The shortest decimal in the rounding interval of c 2^q (dk corrects a scaled subnormal's exponent). */
    private static int decimal(int q, int c, int dk, byte[] out, int pos) {
        int odd = c & 1;
        long cb = (long) c << 2;
        long cbr = cb + 2;
        long cbl;
        int k;
        if (c != C_MIN || q == Q_MIN) { // both neighbours one unit away
            cbl = cb - 2;
            k = FLOG10_POW2[q - Q_LO];
        } else { // a power of two: the lower neighbour is half a unit away
            cbl = cb - 1;
            k = FLOG10_3_4_POW2[q - Q_LO];
        }
        int h = q + FLOG2_POW10_MINUS_K[k - K_MIN] + 33;
        long g = G[k - K_MIN];
        // vb, vbl, vbr: 4 v 10^-k and the interval's bounds at the same scale, rounded to odd.
        int vb = roundToOdd(g, cb << h);
        int vbl = roundToOdd(g, cbl << h);
        int vbr = roundToOdd(g, cbr << h);
        int s = vb >> 2;
        if (s >= 100) { // one digit fewer, if exactly one of its two candidates lies in the interval
            int sp10 = 10 * (int) (s * 1_717_986_919L >>> 34);
            int tp10 = sp10 + 10;
            boolean upIn = vbl + odd <= sp10 << 2;
            boolean wpIn = (tp10 << 2) + odd <= vbr;
            if (upIn != wpIn) {
                return chars(upIn ? sp10 : tp10, k, out, pos);
            }
        }
        int sUp = s + 1;
        boolean uIn = vbl + odd <= s << 2;
        boolean wIn = (sUp << 2) + odd <= vbr;
        if (uIn != wIn) {
            return chars(uIn ? s : sUp, k + dk, out, pos);
        }
        int cmp = vb - (s + sUp << 1); // both in: the closer, ties to even
        return chars(cmp < 0 || cmp == 0 && (s & 1) == 0 ? s : sUp, k + dk, out, pos);
    }

    /** cp g 2^-95, rounded to odd (the sticky bit ORed into the last place). */
    private static int roundToOdd(long g, long cp) {
        long x = Math.multiplyHigh(g, cp);
        return (int) (x >>> 31 | (x & 0xFFFF_FFFFL) + 0xFFFF_FFFFL >>> 32);
    }

    /** Writes f 10^e (f positive, at most nine digits) in Float.toString's notation. */
    private static int chars(int f, int e, byte[] out, int pos) {
        while (f % 10 == 0) { // f > 0, so this ends
            f /= 10;
            e++;
        }
        int len = (32 - Integer.numberOfLeadingZeros(f)) * 1233 >>> 12; // floor(log10(2^bits)), bits <= 30
        if (f >= POW10[len]) {
            len++;
        }
        int exp = e + len; // |v| = 0.d1..dlen 10^exp
        if (0 < exp && exp <= 7) { // plain, exp digits before the point
            if (len <= exp) {
                digits(f, len, out, pos);
                pos += len;
                for (int i = len; i < exp; i++) {
                    out[pos++] = '0';
                }
                out[pos] = '.';
                out[pos + 1] = '0';
                return pos + 2;
            }
            int fracLen = len - exp;
            int div = POW10[fracLen];
            int ip = f / div;
            digits(ip, exp, out, pos);
            pos += exp;
            out[pos++] = '.';
            digits(f - ip * div, fracLen, out, pos);
            return pos + fracLen;
        }
        if (-3 < exp && exp <= 0) { // plain, 0.00ddd
            out[pos++] = '0';
            out[pos++] = '.';
            for (int i = exp; i < 0; i++) {
                out[pos++] = '0';
            }
            digits(f, len, out, pos);
            return pos + len;
        }
        // d.ddd E exp-1
        int div = POW10[len - 1];
        int first = f / div;
        out[pos++] = (byte) ('0' + first);
        out[pos++] = '.';
        if (len == 1) {
            out[pos++] = '0';
        } else {
            digits(f - first * div, len - 1, out, pos);
            pos += len - 1;
        }
        out[pos++] = 'E';
        int x = exp - 1;
        if (x < 0) {
            out[pos++] = '-';
            x = -x;
        }
        if (x >= 10) {
            out[pos++] = (byte) ('0' + x / 10);
        }
        out[pos++] = (byte) ('0' + x % 10);
        return pos;
    }

    /** The n lowest decimal digits of v (leading zeros included) at out[pos, pos + n). */
    private static void digits(int v, int n, byte[] out, int pos) {
        for (int i = pos + n - 2; i >= pos; i -= 2) { // a counted loop: two digits per division
            int q = v / 100;
            int r = v - q * 100;
            out[i] = DIGIT_TENS[r];
            out[i + 1] = DIGIT_ONES[r];
            v = q;
        }
        if ((n & 1) != 0) {
            out[pos] = (byte) ('0' + v);
        }
    }

    /** Tens and ones digit of 0..99, for writing two digits per division. */
    static final byte[] DIGIT_TENS = new byte[100], DIGIT_ONES = new byte[100];

    static {
        for (int i = 0; i < 100; i++) {
            DIGIT_TENS[i] = (byte) ('0' + i / 10);
            DIGIT_ONES[i] = (byte) ('0' + i % 10);
        }
    }
}
