package org.forecaster.cli.scenario;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Every parameter of a generated scenario; with the same spec the generator writes the same files, byte for byte.
 * Written to {@code scenario.json}, so a folder says how it was made.
 *
 * @param seed             seeds every random choice (series shapes, noise, anomalies, lost scrapes, malformed lines)
 * @param series           number of series, named {@code seriesPrefix} + a 3-digit index ({@code scn-000})
 * @param days             length of every series
 * @param start            time of the first scrape; on the {@code window} grid (ingest's windows align to the epoch)
 * @param scrape           interval between a series' raw events
 * @param window           the ingest window the truth is given for (bin/run-local: 5 minutes)
 * @param seriesPrefix     prefix of the series ids
 * @param noise            scale of each series' noise as a fraction of its daily amplitude
 * @param tailDof          degrees of freedom of the Student-t noise: 1 is Cauchy, 3 heavy-tailed, 100 about Gaussian (at most 100)
 * @param lostScrapes      probability that a scrape is lost (no event)
 * @param malformedLines   lines in the events file that ingest must reject (broken JSON, bad value, bad series, ...)
 * @param anomaliesPerKind anomalies of each kind in {@code kinds}, each in a random series at a random time
 * @param kinds            the anomaly kinds to inject
 * @param quietDays        days at the start without anomalies: what a scorer fits its baselines on
 * @param anomalyScale     multiplies every anomaly's size (1: the documented ranges; smaller: harder to find)
 */
record ScenarioSpec(long seed, int series, int days, Instant start, Duration scrape, Duration window, String seriesPrefix,
                    double noise, int tailDof, double lostScrapes, int malformedLines, int anomaliesPerKind,
                    List<AnomalyKind> kinds, int quietDays, double anomalyScale) {
    static final int MAX_SERIES = 10_000;
    static final int MAX_DAYS = 366;
    private static final long DAY_MILLIS = Duration.ofDays(1).toMillis();

    ScenarioSpec {
        kinds = List.copyOf(kinds);
        String msg = null;
        if (series < 1 || series > MAX_SERIES) {
            msg = "series must be 1.." + MAX_SERIES + ", got " + series;
        } else if (days < 1 || days > MAX_DAYS) {
            msg = "days must be 1.." + MAX_DAYS + ", got " + days;
        } else if (scrape.toMillis() < 1000 || DAY_MILLIS % scrape.toMillis() != 0) {
            msg = "scrape interval must be at least 1s and divide a day, got " + scrape;
        } else if (window.toMillis() % scrape.toMillis() != 0 || DAY_MILLIS % window.toMillis() != 0) {
            msg = "window must be a multiple of the scrape interval (" + scrape + ") and divide a day, got " + window;
        } else if (start.toEpochMilli() % window.toMillis() != 0) {
            msg = "start " + start + " is not on the window grid (ingest's windows are aligned to multiples of " + window + " since the epoch)";
        } else if (start.isBefore(Instant.parse("2000-01-01T00:00:00Z"))) {
            msg = "start " + start + " is before 2000-01-01, which ingest rejects";
        } else if (!(noise >= 0 && noise <= 10)) {
            msg = "noise must be in [0, 10] (a fraction of the daily amplitude), got " + noise;
        } else if (tailDof < 1 || tailDof > 100) {
            msg = "tail degrees of freedom must be 1..100, got " + tailDof;
        } else if (!(lostScrapes >= 0 && lostScrapes < 1)) {
            msg = "lost-scrape probability must be in [0, 1), got " + lostScrapes;
        } else if (malformedLines < 0 || malformedLines > 100_000) {
            msg = "malformed lines must be 0..100000, got " + malformedLines;
        } else if (anomaliesPerKind < 0) {
            msg = "anomalies per kind must be >= 0, got " + anomaliesPerKind;
        } else if (quietDays < 0 || (anomaliesPerKind > 0 && !kinds.isEmpty() && quietDays >= days)) {
            msg = "quiet days must be >= 0 and fewer than the " + days + " days when anomalies are injected, got " + quietDays;
        } else if (!(anomalyScale > 0 && anomalyScale <= 100)) {
            msg = "anomaly scale must be in (0, 100], got " + anomalyScale;
        } else if (seriesPrefix == null || !seriesPrefix.matches("[A-Za-z0-9._\\-:/@=]{0,200}")) {
            msg = "series prefix may only contain letters, digits and . _ - : / @ = (at most 200), got '" + seriesPrefix + "'";
        }
        if (msg != null) {
            throw new IllegalArgumentException(msg);
        }
    }

    /** Scrapes per series. */
    long scrapes() {
        return days * (DAY_MILLIS / scrape.toMillis());
    }

    long scrapesPerWindow() {
        return window.toMillis() / scrape.toMillis();
    }

    long scrapesPerDay() {
        return DAY_MILLIS / scrape.toMillis();
    }

    String seriesId(int index) {
        return seriesPrefix + String.format("%03d", index);
    }

    /** The scheduled time of a scrape (events carry up to 2 s of jitter after it). */
    Instant scrapeTime(long scrape) {
        return start.plusMillis(scrape * this.scrape.toMillis());
    }
}
