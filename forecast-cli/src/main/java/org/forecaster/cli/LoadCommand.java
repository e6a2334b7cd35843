package org.forecaster.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.forecaster.core.wire.Point;
import org.forecaster.core.wire.PointFormat;
import org.forecaster.core.wire.PointReader;
import org.forecaster.core.wire.RawEventParser;
import org.forecaster.core.wire.Topics;
import org.forecaster.core.wire.WireJson;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Open-loop load on the running system (issue 8): raw events for M series at N events/s on a fixed schedule
 * ({@link LoadSchedule}), while a {@link ForecastWatcher} reads the forecasts and measures point-to-forecast
 * latency. Prints the achieved rates and latency percentiles, optionally as JSON.
 */
@Command(name = "load", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Open-loop load: send raw events for --series keys at --rate events/s in total on a fixed schedule"
                + " (never waiting for acknowledgements), read the forecasts topic (read_committed) at the same time, and report"
                + " the achieved send rate, forecasts/s and point->forecast latency percentiles.",
                "Every event moves its series one --step on in event time (the event lies in the last millisecond of its"
                        + " window), so the next round of events closes each window of the round before, once ingest's grace is"
                        + " shorter than --step. Values: a daily season plus Gaussian noise.",
                "Latency (the headline figure) runs from the moment the raw event that closed the forecast's window was due"
                        + " to be sent (its place in the schedule: a sender that falls behind adds to it) to the moment this tool"
                        + " received the forecast. It covers ingest windowing, both services' exactly-once commits and both"
                        + " Kafka hops. Also reported: from the window's own event (adds the wait for the next round,"
                        + " series/rate seconds), and to the forecast's broker timestamp, which is its append time on"
                        + " LogAppendTime topics (before the model service's transaction commits).",
                "With --points, finished points go straight to " + Topics.POINTS + " (ingest is bypassed) and the latency runs"
                        + " from each point's due time to its committed forecast: the model service's hop alone.",
                "Example: forecast load --series 1000 --rate 20000 --duration 60s --warmup 10s --step 5m"
                        + " --bootstrap 127.0.0.1:19092 --out load.json"})
final class LoadCommand implements Callable<Integer> {
    private static final Pattern SERIES_CHARS = Pattern.compile("[A-Za-z0-9._\\-:/@=]*");
    /** Used when the raw topic holds no event: well inside the ingest parser's accepted range. */
    static final Instant EMPTY_TOPIC_START = Instant.parse("2001-01-01T00:00:00Z");
    /** The ingest parser rejects events more than this far past its clock (RawEventParser.Limits.DEFAULT). */
    private static final Duration FUTURE_LIMIT = RawEventParser.Limits.DEFAULT.maxFutureSkew();

    @Spec
    CommandSpec spec;

    @Option(names = "--series", required = true, paramLabel = "M", description = "Number of series (keys), each sent one event per round.")
    int series;

    @Option(names = "--rate", required = true, paramLabel = "N", description = "Events per second, all series together.")
    double rate;

    @Option(names = "--duration", required = true, paramLabel = "D", converter = DurationConverter.class,
            description = "How long to send, e.g. 60s or 2m.")
    Duration duration;

    @Option(names = "--bootstrap", defaultValue = "127.0.0.1:19092", paramLabel = "HOST:PORT",
            description = "Kafka bootstrap servers (default ${DEFAULT-VALUE}, bin/run-local's broker).")
    String bootstrap;

    @Option(names = "--topic", paramLabel = "TOPIC",
            description = "Topic to send to (default " + Topics.RAW + ", or " + Topics.POINTS + " with --points).")
    String topic;

    @Option(names = "--points",
            description = "Send finished points straight to " + Topics.POINTS + " instead of raw events, bypassing ingest:"
                    + " measures the model service's hop alone. Each point is answered by its own forecast, so the latency"
                    + " runs from the point's due time to its committed forecast.")
    boolean points;

    @Option(names = "--points-format", defaultValue = "binary", paramLabel = "FORMAT",
            converter = PointFormatConverter.class, completionCandidates = PointFormatConverter.Names.class,
            description = "With --points, the form of the points: binary (default, as ingest writes them since issue 18) or json"
                    + " (as earlier releases did, for a model service that does not read binary yet).")
    PointFormat pointsFormat;

    @Option(names = "--forecasts-topic", defaultValue = Topics.FORECASTS, paramLabel = "TOPIC",
            description = "Forecasts topic to read (default ${DEFAULT-VALUE}).")
    String forecastsTopic;

    @Option(names = "--warmup", paramLabel = "D", converter = DurationConverter.class,
            description = "Leave forecasts of windows closed in this first part of the run out of the latencies and the"
                    + " forecast rate (JIT warm-up, new keys); default 10s, or half of --duration when that is shorter.")
    Duration warmup;

    @Option(names = "--step", defaultValue = "1m", paramLabel = "D", converter = DurationConverter.class,
            description = "Event-time step between a series' events; must equal the ingest service's window step"
                    + " (default ${DEFAULT-VALUE}, the service's default; bin/run-local uses 5m).")
    Duration step;

    @Option(names = "--start", paramLabel = "INSTANT",
            description = "Start of the first window, ISO-8601 on the --step grid. Default: the window after the latest event"
                    + " already on --topic (or " + "2001-01-01T00:00:00Z" + " on an empty topic), so repeated runs are never late.")
    String start;

    @Option(names = "--drain", defaultValue = "30s", paramLabel = "D", converter = DurationConverter.class,
            description = "After the last send, wait at most this long for the forecasts still due (default ${DEFAULT-VALUE}).")
    Duration drain;

    @Option(names = "--series-prefix", defaultValue = "load-", paramLabel = "TEXT",
            description = "Series ids are this prefix and a number (default ${DEFAULT-VALUE}).")
    String seriesPrefix;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "N", description = "Seed of the values' noise (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--progress", defaultValue = "5s", paramLabel = "D", converter = DurationConverter.class,
            description = "Print a progress line to stderr this often, 0s for none (default ${DEFAULT-VALUE}).")
    Duration progressEvery;

    @Option(names = "--timeout", defaultValue = "30s", paramLabel = "D", converter = DurationConverter.SecondsIfPlain.class,
            description = "Give up when the broker does not answer or acknowledge for this long; a plain number is seconds"
                    + " (default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--out", paramLabel = "FILE", description = "Also write the figures as JSON to this file.")
    Path out;

    @Override
    public Integer call() throws IOException, InterruptedException {
        validate();
        PrintWriter log = spec.commandLine().getErr();
        Map<String, Object> report;
        try {
            report = run(log);
        } catch (KafkaException e) {
            throw new IllegalStateException("Kafka at " + bootstrap + ": " + e.getMessage(), e);
        }
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.print(text(report));
        stdout.flush();
        if (out != null) {
            Files.write(out, WireJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(report));
        }
        return 0;
    }

    private void validate() {
        if (topic == null) {
            topic = points ? Topics.POINTS : Topics.RAW;
        }
        if (warmup == null && duration != null) {
            warmup = Duration.ofSeconds(10).compareTo(duration.dividedBy(2)) < 0 ? Duration.ofSeconds(10) : duration.dividedBy(2);
        }
        String msg = null;
        if (series < 1) {
            msg = "--series must be >= 1, got " + series;
        } else if (!(rate > 0) || !Double.isFinite(rate)) {
            msg = "--rate must be a positive number of events per second, got " + rate;
        } else if (duration.isNegative() || duration.isZero()) {
            msg = "--duration must be positive, got " + duration;
        } else if (warmup.isNegative() || warmup.compareTo(duration) >= 0) {
            msg = "--warmup must be >= 0 and shorter than --duration (" + DurationConverter.format(duration) + "), got "
                    + DurationConverter.format(warmup);
        } else if (step.toMillis() < 2) {
            msg = "--step must be at least 2ms, got " + step;
        } else if (drain.isNegative() || progressEvery.isNegative()) {
            msg = "--drain and --progress must be >= 0";
        } else if (timeout.compareTo(Duration.ofSeconds(1)) < 0) {
            msg = "--timeout must be at least 1s, got " + DurationConverter.format(timeout);
        } else if (bootstrap.isBlank() || !bootstrap.contains(":")) {
            msg = "--bootstrap must be HOST:PORT, got '" + bootstrap + "'";
        } else if (!SERIES_CHARS.matcher(seriesPrefix).matches() || seriesPrefix.length() > 200) {
            msg = "--series-prefix may only contain letters, digits and . _ - : / @ = (at most 200), got '" + seriesPrefix + "'";
        } else if (Math.floor(rate * seconds(duration)) < 1) {
            msg = "--rate " + rate + " for " + DurationConverter.format(duration) + " sends no event";
        } else if (rate * seconds(duration) > LoadSchedule.MAX_EVENTS) {
            msg = "--rate x --duration is more than " + LoadSchedule.MAX_EVENTS + " events";
        } else if (start != null) {
            try {
                long ms = Instant.parse(start).toEpochMilli();
                if (Math.floorMod(ms, step.toMillis()) != 0) {
                    msg = "--start " + start + " is not on the --step grid (windows are aligned to multiples of the step since the epoch)";
                }
            } catch (DateTimeParseException e) {
                msg = "--start must be an ISO-8601 instant like 2024-01-01T00:00:00Z, got '" + start + "'";
            }
        }
        if (msg != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), msg);
        }
    }

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }

    private Map<String, Object> run(PrintWriter log) throws InterruptedException {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProperties())) {
            int partitions = partitions(producer.partitionsFor(topic), topic);
            long firstWindow = start != null ? Instant.parse(start).toEpochMilli() : windowAfterLatestEvent();
            LoadSchedule schedule = new LoadSchedule(series, rate, step.toMillis(), firstWindow, seriesPrefix, partitions, points, pointsFormat);
            long total = schedule.eventsIn(seconds(duration));
            Instant lastEventTime = Instant.ofEpochMilli(schedule.eventTimeMillis(total - 1));
            if (lastEventTime.isAfter(Instant.now().plus(FUTURE_LIMIT))) {
                throw new IllegalArgumentException("the run's event times would reach " + lastEventTime + ", more than "
                        + FUTURE_LIMIT.toHours() + " h ahead of now, and ingest rejects those: use more --series, a shorter --step"
                        + " or an earlier --start");
            }
            KafkaConsumer<String, byte[]> consumer = forecastsConsumerAtEnd();
            long startNanos = System.nanoTime();
            long startEpochMillis = System.currentTimeMillis();
            ForecastWatcher watcher = new ForecastWatcher(consumer, schedule, total, startNanos, startEpochMillis, warmup);
            log.printf(Locale.ROOT, "load: %d %s for %d series at %.0f/s over %s, windows from %s every %s, %d partitions%n",
                    total, points ? "points" : "events", series, rate, DurationConverter.format(duration), Instant.ofEpochMilli(firstWindow),
                    DurationConverter.format(step), partitions);
            log.flush();
            Thread watcherThread = Thread.ofPlatform().name("load-forecasts").daemon().start(watcher);
            AtomicLong sent = new AtomicLong();
            Sender sender = new Sender(producer, schedule, topic, startNanos, seed);
            long receivedAtWarmupEnd = -1, receivedAtSendEnd, sendEndNanos, expected = schedule.closedWindows(total);
            ScheduledExecutorService progress = startProgress(log, schedule, total, sent, watcher, startNanos);
            try {
                long warmupEndNanos = startNanos + warmup.toNanos();
                for (long e = 0; e < total; e++) {
                    sender.send(e);
                    sent.lazySet(e + 1);
                    if (receivedAtWarmupEnd < 0 && System.nanoTime() >= warmupEndNanos) {
                        receivedAtWarmupEnd = watcher.received();
                    }
                    if (watcher.failure() != null) {
                        break;
                    }
                }
                sendEndNanos = System.nanoTime();
                receivedAtSendEnd = watcher.received();
                if (receivedAtWarmupEnd < 0) {
                    receivedAtWarmupEnd = receivedAtSendEnd;
                }
                producer.flush();
                sender.throwIfFailed(bootstrap);
                watcher.awaitReceived(expected, System.nanoTime() + drain.toNanos());
            } finally {
                if (progress != null) {
                    progress.shutdownNow();
                }
                watcher.stop();
                watcherThread.join(timeout.toMillis());
            }
            if (watcher.failure() != null) {
                throw new IllegalStateException("reading " + forecastsTopic + ": " + watcher.failure().getMessage(), watcher.failure());
            }

            Map<String, Object> r = new LinkedHashMap<>();
            r.put("series", series);
            r.put("sends", points ? "points to " + topic + " (model service alone)" : "raw events to " + topic);
            r.put("targetRate", rate);
            r.put("durationSeconds", seconds(duration));
            r.put("warmupSeconds", seconds(warmup));
            r.put("stepMillis", step.toMillis());
            r.put("firstWindow", Instant.ofEpochMilli(firstWindow).toString());
            r.put("partitions", partitions);
            r.put("sent", total);
            double sendSeconds = (sendEndNanos - startNanos) / 1e9;
            r.put("sendSeconds", round(sendSeconds, 3));
            r.put("achievedSendRate", round(total / sendSeconds, 1));
            r.put("maxSendLagMillis", round(sender.maxLagNanos / 1e6, 3));
            r.put("forecastsExpected", expected);
            r.put("forecastsReceived", watcher.received());
            r.put("forecastsMissing", Math.max(0, expected - watcher.received()));
            r.put("duplicates", watcher.duplicates());
            r.put("otherRecords", watcher.foreign());
            double measuredSeconds = (sendEndNanos - startNanos - warmup.toNanos()) / 1e9;
            r.put("forecastRateAfterWarmup", round((receivedAtSendEnd - receivedAtWarmupEnd) / Math.max(measuredSeconds, 1e-9), 1));
            r.put("backlogAtSendEnd", Math.max(0, expected - receivedAtSendEnd));
            r.put("drainSeconds", watcher.lastReceivedNanos() == 0 ? null
                    : round(Math.max(0, watcher.lastReceivedNanos() - sendEndNanos) / 1e9, 3));
            String from = points ? "point due" : "closing raw event due";
            r.put("latencyMillis", summary(watcher.closeLatency, from + " -> forecast received (read_committed)"));
            if (!points) { // a point closes its own window: the same figure
                r.put("eventLatencyMillis", summary(watcher.eventLatency, "window's own raw event due -> forecast received"));
            }
            if (watcher.sawAppendTimes()) {
                r.put("appendLatencyMillis", summary(watcher.appendLatency,
                        from + " -> forecast's LogAppendTime on the broker (before its transaction commits)"));
            }
            return r;
        }
    }

    /** The sending half: one record per call at its due time, never waiting for acknowledgements. */
    private static final class Sender {
        private static final long PARK_NANOS = 1_000_000;
        private final KafkaProducer<String, byte[]> producer;
        private final LoadSchedule schedule;
        private final String topic;
        private final long startNanos;
        private final SplittableRandom random;
        private final AtomicLong failures = new AtomicLong();
        private final AtomicReference<Exception> firstFailure = new AtomicReference<>();
        private final Callback callback = (metadata, e) -> {
            if (e != null) {
                failures.incrementAndGet();
                firstFailure.compareAndSet(null, e);
            }
        };
        /** The furthest the sender fell behind its schedule (it then catches up by sending at once). */
        long maxLagNanos;

        Sender(KafkaProducer<String, byte[]> producer, LoadSchedule schedule, String topic, long startNanos, long seed) {
            this.producer = producer;
            this.schedule = schedule;
            this.topic = topic;
            this.startNanos = startNanos;
            this.random = new SplittableRandom(seed);
        }

        /** Sends event {@code e} once it is due, to the partition its key hashes to, without a record timestamp. */
        void send(long e) throws InterruptedException {
            long due = startNanos + schedule.dueNanos(e);
            long now = System.nanoTime();
            while (now < due) {
                // At least PARK_NANOS: a wake-up per event costs more CPU than the send at tens of thousands of events/s,
                // and this tool shares the machine with the system it measures. Events due meanwhile go out together;
                // latency counts from the due time, so the extra wait is measured, not hidden.
                LockSupport.parkNanos(Math.max(due - now, PARK_NANOS));
                if (Thread.interrupted()) {
                    throw new InterruptedException("interrupted while pacing");
                }
                now = System.nanoTime();
            }
            maxLagNanos = Math.max(maxLagNanos, now - due);
            int s = schedule.seriesOf(e);
            byte[] value = schedule.event(e, random);
            producer.send(new ProducerRecord<>(topic, schedule.partitionOf(s), null, schedule.seriesId(s), value), callback);
        }

        void throwIfFailed(String bootstrap) {
            if (failures.get() > 0) {
                throw new IllegalStateException(failures.get() + " sends to " + topic + " at " + bootstrap + " failed, the first: "
                        + firstFailure.get().getMessage(), firstFailure.get());
            }
        }
    }

    private Properties producerProperties() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        KafkaSecurity.applyTo(p);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true"); // per-key order survives retries
        // Batches fill at high rates; the linger only bounds the wait at low ones.
        p.put(ProducerConfig.LINGER_MS_CONFIG, "2");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(64 * 1024));
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(128L * 1024 * 1024));
        long timeoutMs = timeout.toMillis();
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(timeoutMs));
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(timeoutMs));
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(Math.min(30_000, timeoutMs / 2))); // delivery must exceed request + linger
        return p;
    }

    private Properties consumerProperties(boolean readCommitted) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        KafkaSecurity.applyTo(p);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, readCommitted ? "read_committed" : "read_uncommitted");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(timeout.toMillis()));
        p.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(Math.min(30_000, timeout.toMillis())));
        return p;
    }

    private static int partitions(List<PartitionInfo> infos, String topic) {
        if (infos == null || infos.isEmpty()) {
            throw new IllegalStateException("topic " + topic + " has no partitions (does it exist?)");
        }
        return infos.size();
    }

    private static List<TopicPartition> topicPartitions(KafkaConsumer<?, ?> consumer, String topic) {
        List<TopicPartition> tps = new ArrayList<>();
        for (PartitionInfo p : consumer.partitionsFor(topic)) {
            tps.add(new TopicPartition(topic, p.partition()));
        }
        if (tps.isEmpty()) {
            throw new IllegalStateException("topic " + topic + " does not exist");
        }
        return tps;
    }

    /** A read_committed consumer (no group) assigned every forecasts partition and positioned at its end. */
    private KafkaConsumer<String, byte[]> forecastsConsumerAtEnd() {
        KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(consumerProperties(true));
        try {
            List<TopicPartition> tps = topicPartitions(c, forecastsTopic);
            c.assign(tps);
            c.seekToEnd(tps);
            tps.forEach(c::position); // resolve the lazy seek now, before the first send
            return c;
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /**
     * The start of the window after the latest valid event (or point) among the last records of each partition, or
     * {@link #EMPTY_TOPIC_START} (rounded up to the step grid) when there is none. Ingest and the model service
     * would treat anything at or before that as late.
     */
    private long windowAfterLatestEvent() {
        long stepMs = step.toMillis();
        long latest = Long.MIN_VALUE;
        RawEventParser parser = new RawEventParser(RawEventParser.Limits.DEFAULT, InstantSource.system());
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(consumerProperties(false))) {
            List<TopicPartition> tps = topicPartitions(c, topic);
            Map<TopicPartition, Long> begin = c.beginningOffsets(tps);
            Map<TopicPartition, Long> end = c.endOffsets(tps);
            List<TopicPartition> pending = tps.stream().filter(tp -> end.get(tp) > begin.get(tp)).toList();
            c.assign(pending);
            for (TopicPartition tp : pending) {
                c.seek(tp, Math.max(begin.get(tp), end.get(tp) - 64)); // our own events are in order per partition; 64 covers other producers
            }
            long deadline = System.nanoTime() + timeout.toNanos();
            while (pending.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read the tail of " + topic + " within " + DurationConverter.format(timeout));
                }
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    latest = Math.max(latest, eventMillis(parser, r));
                }
            }
        }
        if (latest == Long.MIN_VALUE) {
            long empty = EMPTY_TOPIC_START.toEpochMilli();
            return Math.ceilDiv(empty, stepMs) * stepMs;
        }
        return Math.floorDiv(latest, stepMs) * stepMs + stepMs;
    }

    /** The event time of a record on --topic (a point's window start), or Long.MIN_VALUE when it is not valid. */
    private long eventMillis(RawEventParser parser, ConsumerRecord<String, byte[]> r) {
        if (points) {
            try {
                Point p = PointReader.read(r.value());
                return p.windowStart() == null ? Long.MIN_VALUE : p.windowStart().toEpochMilli();
            } catch (IllegalArgumentException | NullPointerException e) {
                return Long.MIN_VALUE;
            }
        }
        RawEventParser.Result p = parser.parse(r.value(), r.key());
        return p.valid() ? p.event().ts().toEpochMilli() : Long.MIN_VALUE;
    }

    /** A line per interval on stderr: sends and forecasts per second and the interval's close latency. */
    private ScheduledExecutorService startProgress(PrintWriter log, LoadSchedule schedule, long total, AtomicLong sent,
                                                   ForecastWatcher watcher, long startNanos) {
        if (progressEvery.isZero()) {
            return null;
        }
        ScheduledExecutorService ex = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().name("load-progress").daemon().unstarted(r));
        long[] last = {startNanos, 0, 0};
        ex.scheduleAtFixedRate(() -> {
            long now = System.nanoTime();
            long s = sent.get(), f = watcher.received();
            double secs = (now - last[0]) / 1e9;
            Histogram interval = watcher.closeInterval.getIntervalHistogram();
            long lag = (now - startNanos) - schedule.dueNanos(s);
            log.printf(Locale.ROOT, "  %5.0f s: sent %.0f/s (%s), forecasts %.0f/s, latency p50 %.0f ms, p99 %.0f ms, max %.0f ms (%d)%n",
                    (now - startNanos) / 1e9, (s - last[1]) / secs,
                    s >= total ? "all sent" : lag > 100_000_000 ? "behind schedule by " + lag / 1_000_000 + " ms" : "on schedule",
                    (f - last[2]) / secs, interval.getValueAtPercentile(50) / 1000.0, interval.getValueAtPercentile(99) / 1000.0,
                    interval.getMaxValue() / 1000.0, interval.getTotalCount());
            log.flush();
            last[0] = now;
            last[1] = s;
            last[2] = f;
        }, progressEvery.toNanos(), progressEvery.toNanos(), TimeUnit.NANOSECONDS);
        return ex;
    }

    /** The report as text for people. */
    @SuppressWarnings("unchecked")
    static String text(Map<String, Object> r) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "sent %d events for %s series in %.2f s: %.0f/s (target %.0f/s), at most %.1f ms behind schedule%n",
                r.get("sent"), r.get("series"), r.get("sendSeconds"), r.get("achievedSendRate"), r.get("targetRate"), r.get("maxSendLagMillis")));
        b.append(String.format(Locale.ROOT, "forecasts: %d of %d expected (%d missing), %d duplicates, %d other records; %.0f/s after warm-up;"
                        + " backlog at the last send %d; last one %s s after it%n",
                r.get("forecastsReceived"), r.get("forecastsExpected"), r.get("forecastsMissing"), r.get("duplicates"), r.get("otherRecords"),
                r.get("forecastRateAfterWarmup"), r.get("backlogAtSendEnd"), r.get("drainSeconds")));
        for (String key : List.of("latencyMillis", "eventLatencyMillis", "appendLatencyMillis")) {
            Map<String, Object> h = (Map<String, Object>) r.get(key);
            if (h != null) {
                b.append(String.format(Locale.ROOT, "%s: p50 %.1f, p90 %.1f, p99 %.1f, p99.9 %.1f, max %.1f ms (n=%d)%n", h.get("measures"),
                        h.get("p50"), h.get("p90"), h.get("p99"), h.get("p99.9"), h.get("max"), h.get("count")));
            }
        }
        return b.toString();
    }

    private static Map<String, Object> summary(Histogram h, String measures) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("measures", measures);
        m.put("count", h.getTotalCount());
        m.put("p50", millis(h, 50));
        m.put("p90", millis(h, 90));
        m.put("p99", millis(h, 99));
        m.put("p99.9", millis(h, 99.9));
        m.put("max", round(h.getMaxValue() / 1000.0, 3));
        m.put("mean", round(h.getMean() / 1000.0, 3));
        return m;
    }

    private static double millis(Histogram h, double percentile) {
        return round(h.getValueAtPercentile(percentile) / 1000.0, 3);
    }

    private static double round(double x, int decimals) {
        double f = Math.pow(10, decimals);
        return Math.round(x * f) / f;
    }

    /** {@code binary} or {@code json}, as the ingest service's {@code forecast.ingest.points-format} spells them. */
    static final class PointFormatConverter implements CommandLine.ITypeConverter<PointFormat> {
        @Override
        public PointFormat convert(String value) {
            for (PointFormat f : PointFormat.values()) {
                if (f.name().equalsIgnoreCase(value)) {
                    return f;
                }
            }
            throw new CommandLine.TypeConversionException("point format must be binary or json, is '" + value + "'");
        }

        static final class Names extends java.util.ArrayList<String> {
            Names() {
                super(java.util.List.of("binary", "json"));
            }
        }
    }
}
