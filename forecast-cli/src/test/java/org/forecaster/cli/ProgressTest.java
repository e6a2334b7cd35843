package org.forecaster.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Formatting, throttling on an injected clock, the three modes, and that progress stays off stdout. */
class ProgressTest {
    private static final long MS = 1_000_000L, S = 1_000_000_000L;

    /** A clock the test moves by hand. */
    private static final class FakeClock {
        long now = 7 * S; // not 0: the reporter must not assume time starts at 0

        long read() {
            return now;
        }
    }

    private final FakeClock clock = new FakeClock();
    private final StringWriter err = new StringWriter();

    private Progress progress(Progress.Mode mode, long total) {
        return new Progress(new PrintWriter(err), mode, clock::read, "task", "items", total);
    }

    private static int count(String s, char c) {
        return (int) s.chars().filter(x -> x == c).count();
    }

    @Test
    void shouldFormatBarCountRateAndEta() {
        // 1,234 of 5,000 is 24.68 %: 3 of 16 cells; 3,766 left at 412/s is 9.14 s, rounded up.
        assertEquals("backtest  epoch 3/40  [###.............]  1,234/5,000 batches  412/s  ETA 0:10",
                Progress.format("backtest", "epoch 3/40", 1234, 5000, "batches", 412.0));
    }

    @Test
    void shouldShowCountAndRateWithoutBarOrEtaWhenTotalIsUnknown() {
        assertEquals("scenario send  1,500 events  2.5/s", Progress.format("scenario send", "", 1500, -1, "events", 2.5));
    }

    @Test
    void shouldLeaveOutRateAndEtaBeforeTheFirstMeasurement() {
        assertEquals("detect  0/44 files  [................]  0/100 rows",
                Progress.format("detect", "0/44 files", 0, 100, "rows", Double.NaN));
    }

    @Test
    void shouldLeaveOutEtaWhenDoneOrStalled() {
        assertFalse(Progress.format("t", "", 100, 100, "rows", 5).contains("ETA"));
        assertFalse(Progress.format("t", "", 10, 100, "rows", 0).contains("ETA"));
    }

    @Test
    void shouldFormatEtaAsMinutesUnderAnHourAndHoursFromOne() {
        assertEquals("0:00", Progress.formatDuration(0));
        assertEquals("0:59", Progress.formatDuration(59));
        assertEquals("59:59", Progress.formatDuration(3599));
        assertEquals("1:00:00", Progress.formatDuration(3600));
        assertEquals("27:46:40", Progress.formatDuration(100_000));
    }

    @Test
    void shouldFormatSlowRatesWithADecimalAndFastOnesWithSeparators() {
        assertEquals("0.5/s", Progress.formatRate(0.5));
        assertEquals("9.9/s", Progress.formatRate(9.94));
        assertEquals("10/s", Progress.formatRate(10.2));
        assertEquals("12,346/s", Progress.formatRate(12345.6));
    }

    @Test
    void shouldKeepTheBarItsWidthFromEmptyToFullAndBeyond() {
        assertEquals("[" + ".".repeat(16) + "]", Progress.bar(0, 10));
        assertEquals("[" + "#".repeat(8) + ".".repeat(8) + "]", Progress.bar(5, 10));
        assertEquals("[" + "#".repeat(16) + "]", Progress.bar(10, 10));
        assertEquals("[" + "#".repeat(16) + "]", Progress.bar(12, 10)); // a total counted a little short
        assertEquals("[" + "#".repeat(16) + "]", Progress.bar(0, 0));
    }

    @Test
    void shouldShortenALongStageSoTheLineDoesNotWrap() {
        String line = Progress.format("task", "x".repeat(200), 1, 2, "items", 1);
        assertEquals(Progress.MAX_LINE, line.length());
        assertTrue(line.startsWith("task  xxx") && line.endsWith("  1/2 items  1.0/s  ETA 0:01"), line);
    }

    @Test
    void shouldRedrawAtMostOncePerIntervalHoweverOftenItAdvances() {
        Progress p = progress(Progress.Mode.BAR, 1_000_000);
        for (int i = 0; i < 10_000; i++) {
            p.advance(); // all at the start instant: no redraw yet
        }
        assertEquals("", err.toString());
        clock.now += 99 * MS;
        p.advance();
        assertEquals("", err.toString());
        clock.now += MS;
        p.advance();
        assertEquals(1, count(err.toString(), '\r'));
        for (int i = 0; i < 1000; i++) {
            clock.now += 50 * 1000; // 1000 advances over 50 ms
            p.advance();
        }
        assertEquals(1, count(err.toString(), '\r'));
        clock.now += 50 * MS;
        p.advance();
        assertEquals(2, count(err.toString(), '\r'));
        assertTrue(err.toString().stripTrailing().endsWith("11,003/1,000,000 items  " + Progress.formatRate(p.rate()) + "  ETA "
                + Progress.formatDuration((long) Math.ceil((1_000_000 - 11_003) / p.rate()))), err.toString());
        p.close();
        assertTrue(err.toString().endsWith("\n"));
        assertEquals(3, count(err.toString(), '\r')); // the final state
        p.advance();
        clock.now += S;
        p.advance();
        assertEquals(3, count(err.toString(), '\r'), "nothing after close");
    }

    @Test
    void shouldFollowAChangeOfSpeedRatherThanTheOverallAverage() {
        Progress p = progress(Progress.Mode.BAR, -1);
        for (int i = 0; i < 100; i++) { // 10 s at 1,000/s
            clock.now += 100 * MS;
            p.advance(100);
        }
        assertEquals(1000, p.rate(), 1e-6);
        for (int i = 0; i < 200; i++) { // then 20 s at 100/s: overall 400/s
            clock.now += 100 * MS;
            p.advance(10);
        }
        // After 4 time constants of 5 s the old speed weighs exp(-4) = 1.8 %: 100 + 0.018 * 900 = 116.
        assertEquals(100 + 900 * Math.exp(-4), p.rate(), 1.0);
    }

    @Test
    void shouldMeasureTheRateFromTheFirstItemNotFromASlowSetup() {
        Progress p = progress(Progress.Mode.BAR, 1000);
        clock.now += 60 * S; // a minute of training before the first row
        p.advance();
        for (int i = 0; i < 10; i++) {
            clock.now += 100 * MS;
            p.advance(50);
        }
        assertEquals(500, p.rate(), 1e-6);
        assertTrue(p.line().endsWith("501/1,000 items  500/s  ETA 0:01"), p.line());
    }

    @Test
    void shouldEndWithTheAverageRateSinceTheFirstItem() {
        Progress p = progress(Progress.Mode.BAR, 100);
        p.advance();
        clock.now += 2 * S;
        p.advance(99); // a burst at the end: the smoothed rate would jump, the average is 99 in 2 s
        p.close();
        assertTrue(err.toString().endsWith("100/100 items  50/s" + System.lineSeparator()), err.toString());
    }

    @Test
    void shouldRestartTheShownCountEachRoundButKeepTheRate() {
        Progress p = progress(Progress.Mode.BAR, -1);
        p.restart("epoch 1/2", 10);
        for (int i = 0; i < 10; i++) {
            clock.now += 100 * MS;
            p.advance();
        }
        p.restart("epoch 2/2", 10);
        clock.now += 100 * MS;
        p.advance();
        assertTrue(p.line().startsWith("task  epoch 2/2  [#...............]  1/10 items  10/s  ETA 0:01"), p.line());
    }

    @Test
    void shouldWriteNoCarriageReturnAndOnlyARareLineWhenNotATerminal() {
        Progress p = progress(Progress.Mode.LOG, 1000);
        for (int i = 0; i < 1300; i++) { // 65 s, one item every 50 ms
            clock.now += 50 * MS;
            p.advance();
        }
        p.close();
        String out = err.toString();
        assertEquals(0, count(out, '\r'), out);
        assertEquals(2, count(out, '\n'), out); // at 30 s and at 60 s; close adds nothing
        assertTrue(out.startsWith("task  [#########.......]  600/1,000 items  20/s  ETA 0:20\n"), out);
    }

    @Test
    void shouldWriteNothingWhenTurnedOff() {
        Progress p = progress(Progress.Mode.OFF, 10);
        for (int i = 0; i < 100; i++) {
            clock.now += S;
            p.advance();
        }
        p.close();
        assertEquals("", err.toString());
    }

    @Test
    void shouldTakeTheBarOffForALogLineAndPutItBack() {
        Progress p = progress(Progress.Mode.BAR, 10);
        clock.now += 200 * MS;
        p.advance();
        String bar = err.toString();
        p.println("file done");
        String out = err.toString().substring(bar.length());
        assertTrue(out.startsWith("\r" + " ".repeat(bar.length() - 1) + "\rfile done" + System.lineSeparator() + "\rtask"), out);
    }

    @Test
    void shouldKeepStdoutFreeOfProgressAndDrawTheBarOnStderrOfATerminal(@TempDir Path dir) {
        String[] args = {"scenario", "generate", "--series", "2", "--days", "4", "--anomalies-per-kind", "0", "--out", ""};
        args[args.length - 1] = dir.resolve("quiet").toString();
        Cli quiet = Cli.run(append(args, "--no-progress"));
        String before = System.getProperty(Progress.TTY_PROPERTY);
        System.setProperty(Progress.TTY_PROPERTY, "true");
        Cli bar;
        try {
            args[args.length - 1] = dir.resolve("bar").toString();
            bar = Cli.run(args);
        } finally {
            if (before == null) {
                System.clearProperty(Progress.TTY_PROPERTY);
            } else {
                System.setProperty(Progress.TTY_PROPERTY, before);
            }
        }
        assertEquals(0, bar.code(), bar.err());
        assertEquals(quiet.out().replace("quiet", "bar"), bar.out());
        assertFalse(bar.out().contains("\r"), bar.out());
        assertEquals("", quiet.err());
        assertTrue(bar.err().contains("\rscenario generate  [################]  5,760/5,760 scrapes"), bar.err());
    }

    @Test
    void shouldShowNoBarWhenStderrIsNotATerminal(@TempDir Path dir) {
        String before = System.getProperty(Progress.TTY_PROPERTY);
        System.setProperty(Progress.TTY_PROPERTY, "false");
        try {
            Cli r = Cli.run("scenario", "generate", "--series", "2", "--days", "4", "--anomalies-per-kind", "0", "--out", dir.toString());
            assertEquals(0, r.code(), r.err());
            assertFalse(r.err().contains("\r"), r.err());
        } finally {
            if (before == null) {
                System.clearProperty(Progress.TTY_PROPERTY);
            } else {
                System.setProperty(Progress.TTY_PROPERTY, before);
            }
        }
    }

    private static String[] append(String[] args, String more) {
        String[] out = java.util.Arrays.copyOf(args, args.length + 1);
        out[args.length] = more;
        return out;
    }
}
