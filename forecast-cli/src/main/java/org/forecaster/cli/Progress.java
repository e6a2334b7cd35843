package org.forecaster.cli;

import java.io.Console;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Progress of a long command on stderr (issue 19): count, smoothed rate and ETA of one unit of work (batches,
 * rows, events). Never writes to stdout, which carries the commands' results.
 *
 * <ul>
 *   <li>{@link Mode#BAR} (stderr is a terminal): one line redrawn with {@code \r} at most every
 *       {@link #REDRAW_NANOS}, ended with a newline by {@link #close}.</li>
 *   <li>{@link Mode#LOG} (stderr is a file or pipe, as in CI): no {@code \r}; one plain line every
 *       {@link #LOG_NANOS}, the first after that long, so short runs add nothing to a log and long ones a few lines.</li>
 *   <li>{@link Mode#OFF} ({@code --no-progress}): nothing.</li>
 * </ul>
 *
 * <p>{@link #advance} is meant for hot loops: an atomic add and one clock read, with the drawing behind a lock only
 * when the time for a redraw has come. Thread-safe: {@code detect}'s file threads share one instance.
 */
public final class Progress implements AutoCloseable {
    /** How progress is shown. */
    public enum Mode { BAR, LOG, OFF }

    /** Shortest time between two redraws of the bar: 10 per second look live without costing the loop anything. */
    static final long REDRAW_NANOS = 100_000_000L;
    /** Time between two plain lines when stderr is not a terminal. */
    static final long LOG_NANOS = 30_000_000_000L;
    /** Time constant of the rate's exponential smoothing: follows a change of speed within seconds, ignores jitter. */
    static final long RATE_TAU_NANOS = 5_000_000_000L;
    /** Cells of the bar: with the numbers, a line fits 80 columns. */
    static final int BAR_WIDTH = 16;
    /** Longest line: a wrapped line breaks the {@code \r} redraw, and most terminals are at least 80 wide. */
    static final int MAX_LINE = 79;
    /** System property the launcher sets from {@code [ -t 2 ]}: whether stderr is a terminal (see {@link #stderrIsTerminal}). */
    static final String TTY_PROPERTY = "forecast.stderr.tty";

    private final PrintWriter err;
    private final Mode mode;
    private final LongSupplier nanoClock;
    private final String task;
    private final String unit;
    /** Items done since the start, never reset: the rate is measured on it. */
    private final AtomicLong done = new AtomicLong();
    private volatile long nextTick;
    /** Whether an item has been done: the rate is measured from the first one, not from the setup before it. */
    private volatile boolean started;
    private volatile long base;
    private volatile long total;
    private volatile String stage = "";
    // Guarded by this.
    private long firstNanos, firstDone;
    private long sampleNanos, sampleDone;
    private double rate = Double.NaN;
    private long nextLog;
    private int drawnWidth;
    private boolean closed;

    /**
     * @param total items to do, or a negative number when unknown (then no bar and no ETA)
     */
    Progress(PrintWriter err, Mode mode, LongSupplier nanoClock, String task, String unit, long total) {
        this.err = err;
        this.mode = mode;
        this.nanoClock = nanoClock;
        this.task = task;
        this.unit = unit;
        this.total = total;
        long now = nanoClock.getAsLong();
        this.nextTick = now + REDRAW_NANOS;
        this.nextLog = now + LOG_NANOS;
    }

    /** A reporter on {@code err} for stderr as it is: a bar on a terminal, rare plain lines otherwise, or nothing. */
    public static Progress start(PrintWriter err, boolean enabled, String task, String unit, long total) {
        Mode mode = !enabled ? Mode.OFF : stderrIsTerminal() ? Mode.BAR : Mode.LOG;
        return new Progress(err, mode, System::nanoTime, task, unit, total);
    }

    /** A reporter that shows nothing, for callers that run without a command (tests, library use). */
    public static Progress none() {
        return new Progress(new PrintWriter(java.io.OutputStream.nullOutputStream()), Mode.OFF, System::nanoTime, "", "", -1);
    }

    /**
     * Whether stderr is a terminal. {@code bin/forecast} says so in {@value #TTY_PROPERTY} (from {@code [ -t 2 ]}), as
     * Java cannot ask about stderr itself; without it, {@link Console#isTerminal} (JDK 22+; since JDK 22
     * {@code System.console()} is non-null even when redirected), which looks at stdin and stdout, so a plain
     * {@code java -jar} run piping its results shows no bar.
     */
    static boolean stderrIsTerminal() {
        String told = System.getProperty(TTY_PROPERTY);
        if (told != null) {
            return Boolean.parseBoolean(told);
        }
        Console c = System.console();
        return c != null && c.isTerminal();
    }

    /** One more item done. */
    public void advance() {
        advance(1);
    }

    /** {@code n} more items done. */
    public void advance(long n) {
        if (mode == Mode.OFF) {
            done.addAndGet(n);
            return;
        }
        long now = nanoClock.getAsLong();
        if (!started) {
            begin(now, n);
        }
        done.addAndGet(n);
        if (now - nextTick >= 0) {
            tick(now);
        }
    }

    /**
     * The first {@code n} items: the rate is measured from their end, so neither the setup before them (a first
     * training, a file read) nor their own unmeasured time skews it.
     */
    private synchronized void begin(long now, long n) {
        if (!started) {
            firstNanos = sampleNanos = now;
            firstDone = sampleDone = done.get() + n;
            started = true;
        }
    }

    /** Sets the words between the task and the bar, e.g. "epoch 3/40" or "12/44 files". */
    public void stage(String text) {
        stage = text;
    }

    /** Starts a new round (an epoch): the count shown restarts at 0 of {@code newTotal}; the rate carries on. */
    public synchronized void restart(String text, long newTotal) {
        stage = text;
        base = done.get();
        total = newTotal;
    }

    /** Prints a whole line on stderr, taking the bar off first and putting it back after, so the two do not mix. */
    public synchronized void println(String line) {
        if (mode == Mode.BAR && drawnWidth > 0 && !closed) {
            err.print('\r' + " ".repeat(drawnWidth) + '\r');
            err.println(line);
            drawnWidth = 0;
            draw(nanoClock.getAsLong());
        } else {
            err.println(line);
        }
        err.flush();
    }

    /** Draws the final state on the bar's line and ends it; nothing otherwise (each command prints its own summary). */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (mode == Mode.BAR) {
            long now = nanoClock.getAsLong();
            // The end shows the average since the first item: the recent rate means little once nothing is left.
            if (started && now > firstNanos) {
                rate = (done.get() - firstDone) * 1e9 / (now - firstNanos);
            }
            draw(now);
            err.println();
            err.flush();
        }
    }

    private synchronized void tick(long now) {
        if (now - nextTick < 0 || closed) {
            return; // another thread drew meanwhile
        }
        nextTick = now + REDRAW_NANOS;
        sample(now);
        if (mode == Mode.BAR) {
            draw(now);
        } else if (now - nextLog >= 0) {
            nextLog = now + LOG_NANOS;
            err.println(line());
            err.flush();
        }
    }

    /** Folds the rate since the last sample into the smoothed rate, weighted by how long that sample covers. */
    private void sample(long now) {
        long dt = now - sampleNanos;
        if (!started || dt <= 0) {
            return;
        }
        long d = done.get();
        double instant = (d - sampleDone) * 1e9 / dt;
        rate = Double.isNaN(rate) ? instant : rate + (1 - Math.exp(-(double) dt / RATE_TAU_NANOS)) * (instant - rate);
        sampleNanos = now;
        sampleDone = d;
    }

    private void draw(long now) {
        String s = line();
        err.print('\r' + s + (s.length() < drawnWidth ? " ".repeat(drawnWidth - s.length()) : ""));
        err.flush();
        drawnWidth = s.length();
    }

    /** The smoothed rate in items per second (NaN before the first measurement). */
    synchronized double rate() {
        return rate;
    }

    /** The current line, without {@code \r}. */
    String line() {
        return format(task, stage, done.get() - base, total, unit, rate);
    }

    /**
     * {@code backtest  epoch 3/40  [###.............]  1,234/5,000 batches  412/s  ETA 0:10}; without the bar and
     * the ETA when the total is unknown (negative), without rate and ETA before the first measurement (NaN).
     */
    static String format(String task, String stage, long count, long total, String unit, double rate) {
        StringBuilder tail = new StringBuilder();
        boolean known = total >= 0;
        if (known) {
            tail.append("  ").append(bar(count, total));
        }
        tail.append("  ").append(String.format(Locale.ROOT, "%,d", count));
        if (known) {
            tail.append(String.format(Locale.ROOT, "/%,d", total));
        }
        tail.append(' ').append(unit);
        if (!Double.isNaN(rate)) {
            tail.append("  ").append(formatRate(rate));
            if (known && rate > 0 && count < total) {
                tail.append("  ETA ").append(formatDuration((long) Math.ceil((total - count) / rate)));
            }
        }
        String head = stage.isEmpty() ? task : task + "  " + stage;
        // Too long: the stage gives way, so count, rate and ETA stay readable.
        int room = MAX_LINE - tail.length();
        return (head.length() <= room ? head : head.substring(0, Math.max(0, room))) + tail;
    }

    /** {@code [####......]}, {@link #BAR_WIDTH} cells filled in proportion, never more than full. */
    static String bar(long count, long total) {
        int filled = total <= 0 ? BAR_WIDTH : (int) Math.min(BAR_WIDTH, count * BAR_WIDTH / total);
        return "[" + "#".repeat(filled) + ".".repeat(BAR_WIDTH - filled) + "]";
    }

    /** Items per second: one decimal below 10 (a slow epoch loop), whole numbers with separators above. */
    static String formatRate(double perSecond) {
        return perSecond < 10 ? String.format(Locale.ROOT, "%.1f/s", perSecond) : String.format(Locale.ROOT, "%,.0f/s", perSecond);
    }

    /** {@code m:ss} under an hour, {@code h:mm:ss} from one. */
    static String formatDuration(long seconds) {
        long h = seconds / 3600, m = seconds / 60 % 60, s = seconds % 60;
        return h > 0 ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, s) : String.format(Locale.ROOT, "%d:%02d", m, s);
    }
}
