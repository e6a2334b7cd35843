package org.forecaster.cli.scenario;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.forecaster.cli.DurationConverter;
import org.forecaster.cli.Progress;
import org.forecaster.cli.ProgressOption;
import org.forecaster.cli.RawEventProducers;
import org.forecaster.core.wire.Topics;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Sends a scenario's events.jsonl to the raw topic line by line, as written (malformed lines too: ingest must
 * dead-letter them), keyed by the series id found in the line, in file order, optionally paced by the events' times.
 */
@Command(name = "send", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Send a scenario's events.jsonl to Kafka as it is (malformed lines included), keyed by series id, in time order.",
                "Example: forecast scenario send --dir scn --bootstrap 127.0.0.1:19092 --speed 3600"})
final class SendCommand implements Callable<Integer> {
    private static final Pattern SERIES = Pattern.compile("\"series\"\\s*:\\s*\"([^\"]*)\"");
    private static final Pattern TS = Pattern.compile("\"ts\"\\s*:\\s*\"([^\"]*)\"");

    @Spec
    CommandSpec spec;

    @Option(names = "--dir", required = true, paramLabel = "DIR", description = "A folder written by 'scenario generate'.")
    Path dir;

    @Option(names = "--bootstrap", required = true, paramLabel = "HOST:PORT", description = "Kafka bootstrap servers.")
    String bootstrap;

    @Option(names = "--topic", defaultValue = Topics.RAW, paramLabel = "TOPIC", description = "Topic (default ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--speed", paramLabel = "X",
            description = "Send X times faster than the events' own times (3600: an hour of data per second); without it, as fast as possible.")
    Double speed;

    @Option(names = "--timeout", defaultValue = "60s", paramLabel = "D", converter = DurationConverter.SecondsIfPlain.class,
            description = "Give up when the broker has not acknowledged a send for this long; a plain number is seconds"
                    + " (default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Mixin
    ProgressOption progress = new ProgressOption();

    @Override
    public Integer call() throws IOException, InterruptedException {
        validate();
        Path events = dir.resolve(ScenarioFiles.EVENTS);
        if (!Files.isRegularFile(events)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--dir " + dir + " has no " + ScenarioFiles.EVENTS
                    + " (write one with 'forecast scenario generate --out " + dir + "')");
        }
        PrintWriter log = spec.commandLine().getErr();
        AtomicLong acknowledged = new AtomicLong();
        AtomicReference<Exception> failure = new AtomicReference<>();
        long sent = 0;
        long startNanos = System.nanoTime();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProperties());
             BufferedReader r = Files.newBufferedReader(events, StandardCharsets.UTF_8);
             // Total unknown (the file is streamed, not counted first): count and rate only.
             Progress bar = progress.start(log, "scenario send", "events", -1)) {
            long firstTs = Long.MIN_VALUE;
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (line.isBlank()) {
                    continue;
                }
                long ts = eventMillis(line);
                if (speed != null && ts != Long.MIN_VALUE) {
                    firstTs = firstTs == Long.MIN_VALUE ? ts : firstTs;
                    long wait = startNanos + (long) ((ts - firstTs) * 1e6 / speed) - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                }
                Matcher series = SERIES.matcher(line);
                String key = series.find() ? series.group(1) : null; // a line without a series goes to any partition
                producer.send(new ProducerRecord<>(topic, key, line.getBytes(StandardCharsets.UTF_8)), (md, e) -> {
                    if (e == null) {
                        acknowledged.incrementAndGet();
                    } else {
                        failure.compareAndSet(null, e);
                    }
                });
                sent++;
                bar.advance();
                if (failure.get() != null) {
                    break;
                }
            }
            producer.flush();
        } catch (KafkaException e) {
            throw new IllegalStateException("Kafka at " + bootstrap + ": " + e.getMessage(), e);
        }
        if (failure.get() != null) {
            throw new IllegalStateException("send to " + topic + " at " + bootstrap + " failed: " + failure.get().getMessage(), failure.get());
        }
        double secs = (System.nanoTime() - startNanos) / 1e9;
        log.printf(Locale.ROOT, "sent %d lines of %s to %s in %.2f s (%.0f/s), %d acknowledged%n", sent, events, topic, secs,
                sent / Math.max(secs, 1e-9), acknowledged.get());
        log.flush();
        return 0;
    }

    private void validate() {
        String msg = null;
        if (speed != null && !(speed > 0 && Double.isFinite(speed))) {
            msg = "--speed must be a positive number, got " + speed;
        } else if (timeout.compareTo(Duration.ofSeconds(1)) < 0) {
            msg = "--timeout must be at least 1s, got " + DurationConverter.format(timeout);
        } else if (bootstrap.isBlank() || !bootstrap.contains(":")) {
            msg = "--bootstrap must be HOST:PORT, got '" + bootstrap + "'";
        }
        if (msg != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), msg);
        }
    }

    private Properties producerProperties() {
        return RawEventProducers.properties(bootstrap, timeout);
    }

    /** The line's {@code ts} in epoch ms, or Long.MIN_VALUE when it has none readable (malformed lines are not paced). */
    static long eventMillis(String line) {
        Matcher m = TS.matcher(line);
        if (!m.find()) {
            return Long.MIN_VALUE;
        }
        try {
            return Instant.parse(m.group(1)).toEpochMilli();
        } catch (DateTimeParseException e) {
            return Long.MIN_VALUE;
        }
    }
}
