package org.forecaster.cli.scenario;

import java.io.IOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.forecaster.cli.Progress;

/**
 * Labelled synthetic telemetry from a {@link ScenarioSpec}: per series a level with a linear trend, a daily cycle of
 * two harmonics and a weekly cycle, Student-t noise, lost scrapes; anomalies of every {@link AnomalyKind}; and
 * malformed lines among the events.
 *
 * <p>Every random draw of a scrape comes from a generator seeded by (seed, series, scrape), not from one shared
 * stream, so the value of any scrape can be recomputed on its own (a flatline repeats the value before it; the
 * truth file needs the noiseless values of scrapes that were lost) and the files do not depend on the order in which
 * they are written.
 */
final class ScenarioGenerator {
    private static final double TWO_PI = 2 * Math.PI;
    private static final long MINUTE_MILLIS = 60_000;
    /** No two anomalies of a series come closer than this, so each label's alerts are its own. */
    private static final long GAP_MINUTES = 6 * 60;
    /** Salts that keep the random streams of different purposes apart. */
    private static final long SALT_PROFILE = 1, SALT_SCRAPE = 2, SALT_PLACEMENT = 3, SALT_MALFORMED = 4;

    /** The shape of one series; amplitudes in the series' own units. */
    record SeriesProfile(String id, double level, double trendPerDay, double dailyAmplitude, double dailyPhase,
                         double secondHarmonic, double secondPhase, double weeklyAmplitude, double weeklyPhase,
                         double noiseScale) {}

    /**
     * An injected anomaly over scrapes {@code [first, last]}; its label covers {@code [first, labelLast]}.
     * {@code size} is the added offset (spike, level shift, final drift) or the noise factor (variance burst).
     */
    record Anomaly(int series, AnomalyKind kind, long first, long last, long labelLast, double size) {}

    /** A line the ingest service must reject, placed after the events of one scrape. */
    record MalformedLine(long scrape, String text) {}

    /** What {@link #writeEvents} wrote. */
    record EventCounts(long events, long lostScrapes, long silentScrapes, long malformedLines) {}

    private final ScenarioSpec spec;
    private final List<SeriesProfile> profiles;
    private final List<Anomaly> anomalies;
    private final List<List<Anomaly>> anomaliesBySeries;
    private final List<MalformedLine> malformed;
    private final long jitterBoundMillis;

    ScenarioGenerator(ScenarioSpec spec) {
        this.spec = spec;
        this.jitterBoundMillis = Math.min(2000, spec.scrape().toMillis() / 10);
        List<SeriesProfile> p = new ArrayList<>();
        for (int s = 0; s < spec.series(); s++) {
            p.add(profile(s));
        }
        this.profiles = List.copyOf(p);
        this.anomalies = place();
        List<List<Anomaly>> bySeries = new ArrayList<>();
        for (int s = 0; s < spec.series(); s++) {
            int series = s;
            bySeries.add(anomalies.stream().filter(a -> a.series() == series).toList());
        }
        this.anomaliesBySeries = List.copyOf(bySeries);
        this.malformed = malformedLines();
    }

    List<SeriesProfile> profiles() {
        return profiles;
    }

    List<Anomaly> anomalies() {
        return anomalies;
    }

    /** One label per anomaly, ordered by start, then series. Times are scheduled scrape times, ends inclusive. */
    List<Label> labels() {
        return anomalies.stream()
                .map(a -> new Label(spec.seriesId(a.series()), a.kind().label(), spec.scrapeTime(a.first()), spec.scrapeTime(a.labelLast())))
                .sorted(Comparator.comparing(Label::start).thenComparing(Label::series))
                .toList();
    }

    private SeriesProfile profile(int s) {
        SplittableRandom r = random(SALT_PROFILE, s, 0);
        double level = uniform(r, 50, 500);
        double daily = level * uniform(r, 0.1, 0.3);
        return new SeriesProfile(spec.seriesId(s), level, level * uniform(r, -0.01, 0.02), daily, uniform(r, 0, TWO_PI),
                uniform(r, 0, 0.4), uniform(r, 0, TWO_PI), daily * uniform(r, 0, 0.3), uniform(r, 0, TWO_PI), spec.noise() * daily);
    }

    /** Places {@code anomaliesPerKind} of each kind, kind by kind, each in a random series at a random time. */
    private List<Anomaly> place() {
        SplittableRandom r = random(SALT_PLACEMENT, 0, 0);
        List<Anomaly> placed = new ArrayList<>();
        long earliest = spec.quietDays() * spec.scrapesPerDay();
        long gap = scrapesOf(GAP_MINUTES);
        for (AnomalyKind kind : spec.kinds()) {
            for (int n = 0; n < spec.anomaliesPerKind(); n++) {
                Anomaly a = null;
                for (int attempt = 0; attempt < 1000 && a == null; attempt++) {
                    Anomaly candidate = draw(kind, r, earliest);
                    if (candidate != null && placed.stream().noneMatch(o -> o.series() == candidate.series()
                            && candidate.first() - gap <= Math.max(o.last(), o.labelLast())
                            && o.first() - gap <= Math.max(candidate.last(), candidate.labelLast()))) {
                        a = candidate;
                    }
                }
                if (a == null) {
                    throw new IllegalArgumentException("cannot place " + spec.anomaliesPerKind() + " anomalies of each of "
                            + spec.kinds().size() + " kinds " + GAP_MINUTES / 60 + " h apart in " + spec.series() + " series of "
                            + (spec.days() - spec.quietDays()) + " days after the quiet days: use more series or days, or fewer anomalies");
                }
                placed.add(a);
            }
        }
        placed.sort(Comparator.comparingLong(Anomaly::first).thenComparingInt(Anomaly::series));
        return List.copyOf(placed);
    }

    /** A random anomaly of {@code kind} starting at or after {@code earliest}, or null when it does not fit. */
    private Anomaly draw(AnomalyKind kind, SplittableRandom r, long earliest) {
        int series = r.nextInt(spec.series());
        double amplitude = profiles.get(series).dailyAmplitude();
        double scale = spec.anomalyScale();
        double sign = r.nextBoolean() ? 1 : -1;
        long duration;
        long labelDuration;
        double size;
        switch (kind) {
            case SPIKE -> {
                duration = 1 + r.nextInt(3);
                labelDuration = duration;
                size = sign * scale * uniform(r, 1.0, 2.0) * amplitude;
            }
            case LEVEL_SHIFT -> {
                duration = 1; // the shift itself lasts to the end; the label covers the hour in which it is news
                labelDuration = scrapesOf(60);
                size = sign * scale * uniform(r, 0.3, 0.6) * amplitude;
            }
            case VARIANCE_BURST -> {
                duration = scrapesOf(Math.round(uniform(r, 30, 120)));
                labelDuration = duration;
                size = 1 + scale * (uniform(r, 5, 10) - 1);
            }
            case FLATLINE -> {
                duration = scrapesOf(Math.round(uniform(r, 60, 240)));
                labelDuration = duration;
                size = 0;
            }
            case DRIFT -> {
                duration = scrapesOf(Math.round(uniform(r, 180, 480)));
                labelDuration = duration;
                size = sign * scale * uniform(r, 0.5, 1.0) * amplitude;
            }
            case SILENCE -> {
                duration = scrapesOf(Math.round(uniform(r, 30, 180)));
                labelDuration = duration;
                size = 0;
            }
            default -> throw new IllegalStateException("no generator for " + kind);
        }
        long latest = spec.scrapes() - Math.max(duration, labelDuration) - scrapesOf(60); // an hour to see the alert
        if (latest <= Math.max(earliest, 1)) {
            return null;
        }
        long first = Math.max(earliest, 1) + (long) (r.nextDouble() * (latest - Math.max(earliest, 1)));
        return new Anomaly(series, kind, first, first + duration - 1, first + labelDuration - 1, size);
    }

    private List<MalformedLine> malformedLines() {
        SplittableRandom r = random(SALT_MALFORMED, 0, 0);
        List<MalformedLine> out = new ArrayList<>();
        for (int n = 0; n < spec.malformedLines(); n++) {
            long scrape = (long) (r.nextDouble() * spec.scrapes());
            String id = spec.seriesId(r.nextInt(spec.series()));
            Instant ts = spec.scrapeTime(scrape).plusMillis(jitterBoundMillis); // after the jittered events of its scrape: time order holds
            String text = switch (n % 6) {
                case 0 -> "{\"series\":\"" + id + "\",\"ts\":\"" + ts + "\",\"value\":"; // cut off mid-line
                case 1 -> "{\"series\":\"" + id + "\",\"ts\":\"" + ts + "\",\"value\":\"n/a\"}";
                case 2 -> "{\"series\":\"" + id + "\",\"value\":12.5}";
                case 3 -> "{\"series\":\"" + id + "\",\"ts\":\"" + ts + "\",\"value\":NaN}";
                case 4 -> "{\"series\":\"" + id.replace('-', ' ') + "!\",\"ts\":\"" + ts + "\",\"value\":12.5}";
                default -> id + " 12.5 " + ts.toEpochMilli(); // not JSON at all
            };
            out.add(new MalformedLine(scrape, text));
        }
        out.sort(Comparator.comparingLong(MalformedLine::scrape));
        return List.copyOf(out);
    }

    /** The value series {@code s} would report at scrape {@code i} without noise, or NaN during a silence. */
    double noiseless(int s, long i) {
        double value = pattern(profiles.get(s), i);
        for (Anomaly a : anomaliesBySeries.get(s)) {
            if (i < a.first()) {
                continue;
            }
            switch (a.kind()) {
                case SPIKE -> value += i <= a.last() ? a.size() : 0;
                case LEVEL_SHIFT -> value += a.size();
                case DRIFT -> value += a.size() * Math.min(1.0, (i - a.first() + 1.0) / (a.last() - a.first() + 1));
                case FLATLINE -> {
                    if (i <= a.last()) {
                        return stuckValue(s, a);
                    }
                }
                case SILENCE -> {
                    if (i <= a.last()) {
                        return Double.NaN;
                    }
                }
                case VARIANCE_BURST -> { } // noise only
            }
        }
        return value;
    }

    /** A flatline repeats the value reported at the scrape before it (noise included). */
    private double stuckValue(int s, Anomaly flatline) {
        long before = flatline.first() - 1;
        return noiseless(s, before) + noise(s, before, random(SALT_SCRAPE, s, before));
    }

    private double pattern(SeriesProfile p, long i) {
        double day = (double) i / spec.scrapesPerDay();
        double daily = TWO_PI * day;
        return p.level() + p.trendPerDay() * day
                + p.dailyAmplitude() * (Math.sin(daily + p.dailyPhase()) + p.secondHarmonic() * Math.sin(2 * daily + p.secondPhase()))
                + p.weeklyAmplitude() * Math.sin(daily / 7 + p.weeklyPhase());
    }

    /**
     * The noise of scrape {@code i}: Student-t with {@code tailDof} degrees of freedom, scaled by the series' noise
     * scale and a variance burst's factor. Draws from {@code r} in a fixed order after the loss and jitter draws.
     */
    private double noise(int s, long i, SplittableRandom r) {
        r.nextDouble(); // loss
        r.nextDouble(); // jitter
        double chiSquare = 0;
        for (int k = 0; k < spec.tailDof(); k++) {
            double g = gaussian(r);
            chiSquare += g * g;
        }
        double t = gaussian(r) / Math.sqrt(chiSquare / spec.tailDof());
        double factor = 1;
        for (Anomaly a : anomaliesBySeries.get(s)) {
            if (a.kind() == AnomalyKind.VARIANCE_BURST && i >= a.first() && i <= a.last()) {
                factor = a.size();
            }
        }
        return profiles.get(s).noiseScale() * factor * t;
    }

    private boolean inFlatline(int s, long i) {
        for (Anomaly a : anomaliesBySeries.get(s)) {
            if (a.kind() == AnomalyKind.FLATLINE && i >= a.first() && i <= a.last()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Writes every event as a JSON line {@code {"series","ts","value"}} in time order (ties by series), the malformed
     * lines after the events of their scrape.
     */
    EventCounts writeEvents(Writer out) throws IOException {
        return writeEvents(out, Progress.none());
    }

    /** The same, advancing {@code progress} by one per scrape time (every series' scrape at that time). */
    EventCounts writeEvents(Writer out, Progress progress) throws IOException {
        long events = 0, lost = 0, silent = 0;
        int nextMalformed = 0;
        long[] ts = new long[spec.series()];
        Integer[] order = new Integer[spec.series()];
        String[] lines = new String[spec.series()];
        for (long i = 0; i < spec.scrapes(); i++, progress.advance()) {
            int present = 0;
            for (int s = 0; s < spec.series(); s++) {
                double clean = noiseless(s, i);
                if (Double.isNaN(clean)) {
                    silent++;
                    continue;
                }
                SplittableRandom r = random(SALT_SCRAPE, s, i);
                boolean isLost = r.nextDouble() < spec.lostScrapes();
                long jitter = (long) (r.nextDouble() * jitterBoundMillis);
                if (isLost) {
                    lost++;
                    continue;
                }
                double value = inFlatline(s, i) ? clean : clean + noise(s, i, random(SALT_SCRAPE, s, i));
                ts[s] = spec.scrapeTime(i).toEpochMilli() + jitter;
                lines[s] = "{\"series\":\"" + spec.seriesId(s) + "\",\"ts\":\"" + Instant.ofEpochMilli(ts[s]) + "\",\"value\":"
                        + decimal(value) + "}\n";
                order[present++] = s;
            }
            Arrays.sort(order, 0, present, Comparator.<Integer>comparingLong(s -> ts[s]).thenComparingInt(s -> s));
            for (int k = 0; k < present; k++) {
                out.write(lines[order[k]]);
            }
            events += present;
            while (nextMalformed < malformed.size() && malformed.get(nextMalformed).scrape() == i) {
                out.write(malformed.get(nextMalformed++).text());
                out.write('\n');
            }
        }
        return new EventCounts(events, lost, silent, malformed.size());
    }

    /**
     * Writes {@code series,windowStart,value}: per window of {@code spec.window()} (time order, then series) the mean
     * of the noiseless values of its scrapes, lost ones included, silent ones left out; empty when all are silent.
     */
    void writeTruth(Writer out) throws IOException {
        out.write("series,windowStart,value\n");
        long perWindow = spec.scrapesPerWindow();
        for (long w = 0; w < spec.scrapes() / perWindow; w++) {
            Instant windowStart = spec.scrapeTime(w * perWindow);
            for (int s = 0; s < spec.series(); s++) {
                double sum = 0;
                int n = 0;
                for (long i = w * perWindow; i < (w + 1) * perWindow; i++) {
                    double v = noiseless(s, i);
                    if (!Double.isNaN(v)) {
                        sum += v;
                        n++;
                    }
                }
                out.write(spec.seriesId(s) + "," + windowStart + "," + (n == 0 ? "" : decimal(sum / n)) + "\n");
            }
        }
    }

    private long scrapesOf(long minutes) {
        return Math.max(1, Math.ceilDiv(minutes * MINUTE_MILLIS, spec.scrape().toMillis()));
    }

    /** A generator for one purpose, series and scrape: SplitMix64's finaliser over the seed and the three coordinates. */
    private SplittableRandom random(long salt, long series, long scrape) {
        long h = mix(spec.seed() ^ mix(salt));
        h = mix(h ^ mix(series + 0x632BE59BD9B4E019L));
        h = mix(h ^ mix(scrape + 0x85157AF5L));
        return new SplittableRandom(h);
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static double uniform(SplittableRandom r, double from, double to) {
        return from + (to - from) * r.nextDouble();
    }

    /** A standard normal draw (Box-Muller; one of the pair, for a fixed number of draws per call). */
    private static double gaussian(SplittableRandom r) {
        return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(TWO_PI * r.nextDouble());
    }

    /** At most 4 decimals, no exponent, no trailing zeros: short lines, and the same text on every JVM. */
    static String decimal(double x) {
        return BigDecimal.valueOf(x).setScale(4, RoundingMode.HALF_EVEN).stripTrailingZeros().toPlainString();
    }
}
