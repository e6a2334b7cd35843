package org.forecaster.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.forecaster.core.data.SeriesFiles;
import org.forecaster.core.data.SeriesFiles.TimedValues;
import org.forecaster.core.wire.RawEvent;
import org.forecaster.core.wire.Topics;
import org.forecaster.core.wire.WireJson;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Sends {@code timestamp,value} rows to Kafka as raw events ({@link RawEvent} JSON, keyed by series id), in
 * timestamp order across files, either as fast as the producer allows or paced by the data's own timestamps
 * divided by a speed factor.
 */
@Command(name = "replay", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Send a timestamp,value CSV (or every *.csv under a folder) to Kafka as raw events"
                + " {\"series\",\"ts\",\"value\"} keyed by series id.",
                "Example: forecast replay --file ../shared/data/nab/data/realTweets --bootstrap localhost:9092"
                        + " --series-from-file-name --speed 600"})
final class ReplayCommand implements Callable<Integer> {
    private static final Pattern SERIES = Pattern.compile("[A-Za-z0-9._\\-:/@=]+");

    @Spec
    CommandSpec spec;

    @Option(names = "--file", required = true, paramLabel = "CSV|DIR", description = "A timestamp,value CSV or a folder of them.")
    Path file;

    @Option(names = "--bootstrap", required = true, paramLabel = "HOST:PORT", description = "Kafka bootstrap servers.")
    String bootstrap;

    @Option(names = "--topic", defaultValue = Topics.RAW, paramLabel = "TOPIC", description = "Topic (default ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--speed", paramLabel = "X",
            description = "Replay X times faster than the data's timestamps (e.g. 60: an hour of data per minute);"
                    + " without it, as fast as possible.")
    Double speed;

    @Option(names = "--series", defaultValue = "replay", paramLabel = "ID",
            description = "Series id of every event (default ${DEFAULT-VALUE}); see --series-from-file-name.")
    String series;

    @Option(names = "--series-from-file-name",
            description = "Use each file's name without .csv as its series id (required for a folder).")
    boolean seriesFromFileName;

    @Option(names = "--timeout", defaultValue = "60s", paramLabel = "D", converter = DurationConverter.SecondsIfPlain.class,
            description = "Give up when the broker has not acknowledged a send for this long; a plain number is seconds"
                    + " (default ${DEFAULT-VALUE}).")
    Duration timeout;

    @CommandLine.Mixin
    ProgressOption progress = new ProgressOption();

    /** One event to send. */
    record Event(String series, long ts, double value, int fileOrder, int row) {}

    @Override
    public Integer call() throws IOException, InterruptedException {
        validate();
        List<Event> events = load();
        PrintWriter log = spec.commandLine().getErr();
        Properties p = RawEventProducers.properties(bootstrap, timeout);
        Histogram latency = new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
        long start = System.nanoTime();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p);
             Progress bar = progress.start(log, "replay", "events", events.size())) {
            List<Future<?>> pending = new ArrayList<>();
            long firstTs = events.isEmpty() ? 0 : events.get(0).ts();
            for (Event e : events) {
                if (speed != null) {
                    long dueNanos = start + dueOffsetNanos(firstTs, e.ts(), speed);
                    long wait = dueNanos - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                }
                byte[] json = WireJson.write(new RawEvent(e.series(), Instant.ofEpochMilli(e.ts()), e.value(), null));
                long sent = System.nanoTime();
                pending.add(producer.send(new ProducerRecord<>(topic, e.series(), json), (md, ex) -> {
                    if (ex == null) {
                        latency.recordValue(Math.min(latency.getHighestTrackableValue(), (System.nanoTime() - sent) / 1000));
                    }
                }));
                bar.advance();
            }
            producer.flush();
            for (Future<?> f : pending) {
                try {
                    f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                } catch (ExecutionException ex) {
                    throw new IllegalStateException("send to " + topic + " at " + bootstrap + " failed: " + ex.getCause().getMessage(), ex);
                } catch (TimeoutException ex) {
                    throw new IllegalStateException("no acknowledgement from " + bootstrap + " within " + DurationConverter.format(timeout), ex);
                }
            }
        } catch (org.apache.kafka.common.KafkaException e) {
            throw new IllegalStateException("Kafka at " + bootstrap + ": " + e.getMessage(), e);
        }
        double secs = (System.nanoTime() - start) / 1e9;
        log.printf(Locale.ROOT, "sent %d events to %s in %.2f s (%.0f/s); ack latency p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                events.size(), topic, secs, events.size() / Math.max(secs, 1e-9),
                latency.getValueAtPercentile(50) / 1000.0, latency.getValueAtPercentile(99) / 1000.0, latency.getMaxValue() / 1000.0);
        return 0;
    }

    /**
     * When an event with timestamp {@code ts} (epoch ms) is due, in nanoseconds after the first one ({@code firstTs}),
     * replaying {@code speed} times faster than the data's own timestamps.
     */
    static long dueOffsetNanos(long firstTs, long ts, double speed) {
        return (long) ((ts - firstTs) * 1e6 / speed);
    }

    private void validate() {
        String msg = null;
        if (speed != null && !(speed > 0 && Double.isFinite(speed))) {
            msg = "--speed must be a positive number, got " + speed;
        } else if (timeout.compareTo(Duration.ofSeconds(1)) < 0) {
            msg = "--timeout must be at least 1s, got " + DurationConverter.format(timeout);
        } else if (Files.isDirectory(file) && !seriesFromFileName) {
            msg = "--file " + file + " is a folder: add --series-from-file-name so each file is its own series";
        } else if (!seriesFromFileName && !SERIES.matcher(series).matches()) {
            msg = "--series may only contain letters, digits and . _ - : / @ =, got '" + series + "'";
        } else if (bootstrap.isBlank() || !bootstrap.contains(":")) {
            msg = "--bootstrap must be HOST:PORT, got '" + bootstrap + "'";
        }
        if (msg != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), msg);
        }
    }

    /** Every row of every file, ordered by timestamp, then file, then row. */
    List<Event> load() throws IOException {
        List<Path> files;
        if (Files.isDirectory(file)) {
            try (Stream<Path> s = Files.walk(file)) {
                files = s.filter(f -> f.getFileName().toString().endsWith(".csv") && Files.isRegularFile(f)).sorted().toList();
            }
            if (files.isEmpty()) {
                throw new IllegalArgumentException("no *.csv files under " + file);
            }
        } else {
            files = List.of(file);
        }
        List<Event> events = new ArrayList<>();
        for (int f = 0; f < files.size(); f++) {
            Path path = files.get(f);
            String id = seriesFromFileName ? seriesName(path) : series;
            TimedValues rows = SeriesFiles.readTimedCsv(path);
            for (int i = 0; i < rows.size(); i++) {
                events.add(new Event(id, rows.timestamps()[i], rows.values()[i], f, i));
            }
        }
        events.sort(Comparator.comparingLong(Event::ts).thenComparingInt(Event::fileOrder).thenComparingInt(Event::row));
        return events;
    }

    static String seriesName(Path path) {
        String name = path.getFileName().toString();
        String base = name.endsWith(".csv") ? name.substring(0, name.length() - 4) : name;
        String id = base.replaceAll("[^A-Za-z0-9._\\-:/@=]", "_");
        return id.isEmpty() ? "series" : id;
    }
}
