package org.forecaster.benchmarks;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where the CPU samples of a JFR recording ({@code settings=profile}) went, for the threads whose name contains a
 * given string (the model service's stream threads share the JVM with the broker and the producer in
 * {@code ServingThroughputBench}, so a whole-JVM view would mix them): the top frames by self time, and the samples
 * by part of the hop, each attributed to its innermost frame of our code or Kafka's (a JDK frame such as
 * {@code HashMap.get} or {@code Double.toString} counts for the code that called it). Run:
 * {@code java -cp benchmarks/target/benchmarks.jar org.forecaster.benchmarks.JfrHotFrames run.jfr StreamThread [top [skip]]}:
 * {@code skip} leaves out the samples of the first so many seconds after the threads' first sample, the JIT's warm-up
 * (in a fresh bench JVM the Vector API runs its boxed Java fallback for 10-20 s, until C2 has compiled the kernels).
 */
public final class JfrHotFrames {
    /** Parts of the hop, first match wins, by class-name prefix (Forecaster itself is the network step). */
    static final List<Map.Entry<String, Predicate<String>>> PARTS = List.of(
            part("step: kernels and cells", c -> c.startsWith("org.forecaster.core.kernel.")
                    || c.startsWith("org.forecaster.core.cell.") || c.equals("org.forecaster.core.model.Forecaster")),
            part("step: Stepper, features, normaliser", c -> c.startsWith("org.forecaster.core.model.")),
            part("scoring: novelty, alert kinds, profile", c -> c.startsWith("org.forecaster.core.anomaly.")
                    || c.startsWith("org.forecaster.core.baseline.") || c.startsWith("org.forecaster.core.stats.")),
            part("PointStep: rules and records", c -> c.startsWith("org.forecaster.core.online.")),
            part("state codec", c -> c.startsWith("org.forecaster.core.state.")),
            part("our codec: points in, forecasts out", c -> c.startsWith("org.forecaster.core.wire.")),
            part("ForecastProcessor and metrics", c -> c.startsWith("org.forecaster.") || c.startsWith("io.micrometer.")),
            part("Kafka Streams", c -> c.startsWith("org.apache.kafka.streams.")),
            part("Kafka producer", c -> c.startsWith("org.apache.kafka.clients.producer.")),
            part("Kafka consumer and client network", c -> c.startsWith("org.apache.kafka.clients.")),
            part("Kafka compression", c -> c.startsWith("org.apache.kafka.common.compress.") || c.startsWith("net.jpountz.")),
            part("Kafka records, serdes, network", c -> c.startsWith("org.apache.kafka.")));
    static final String OTHER = "JDK only (no frame of ours or Kafka's)";

    private static Map.Entry<String, Predicate<String>> part(String name, Predicate<String> test) {
        return Map.entry(name, test);
    }

    /** The part of the hop a class belongs to, or null for a class of neither ours nor Kafka's. */
    static String partOf(String className) {
        for (Map.Entry<String, Predicate<String>> p : PARTS) {
            if (p.getValue().test(className)) {
                return p.getKey();
            }
        }
        return null;
    }

    /** Samples counted by self frame and by part. */
    record Profile(int samples, Map<String, Integer> selfFrames, Map<String, Integer> parts) {}

    static Profile read(Path recording, String threadNamePart) throws IOException {
        return read(recording, threadNamePart, 0);
    }

    /** As {@link #read(Path, String)}, without the samples of the first {@code skipSeconds} after the first one counted. */
    static Profile read(Path recording, String threadNamePart, double skipSeconds) throws IOException {
        Map<String, Integer> self = new TreeMap<>(), parts = new LinkedHashMap<>();
        int samples = 0;
        Instant first = null;
        if (skipSeconds > 0) { // JFR writes events in chunks, not in time order: find the earliest first
            try (RecordingFile file = new RecordingFile(recording)) {
                while (file.hasMoreEvents()) {
                    RecordedEvent e = file.readEvent();
                    if (e.getEventType().getName().equals("jdk.ExecutionSample") && matches(e, threadNamePart)
                            && (first == null || e.getStartTime().isBefore(first))) {
                        first = e.getStartTime();
                    }
                }
            }
        }
        Instant from = first == null ? null : first.plusNanos((long) (skipSeconds * 1e9));
        try (RecordingFile file = new RecordingFile(recording)) {
            while (file.hasMoreEvents()) {
                RecordedEvent e = file.readEvent();
                if (!e.getEventType().getName().equals("jdk.ExecutionSample") || e.getStackTrace() == null) {
                    continue;
                }
                List<RecordedFrame> frames = e.getStackTrace().getFrames();
                if (!matches(e, threadNamePart) || frames.isEmpty() || from != null && e.getStartTime().isBefore(from)) {
                    continue;
                }
                samples++;
                RecordedFrame top = frames.getFirst();
                self.merge(top.getMethod().getType().getName() + "." + top.getMethod().getName(), 1, Integer::sum);
                String part = OTHER;
                for (RecordedFrame f : frames) {
                    String p = partOf(f.getMethod().getType().getName());
                    if (p != null) {
                        part = p;
                        break;
                    }
                }
                parts.merge(part, 1, Integer::sum);
            }
        }
        return new Profile(samples, self, parts);
    }

    private static boolean matches(RecordedEvent e, String threadNamePart) {
        RecordedThread t = e.getThread("sampledThread");
        String name = t == null ? null : t.getJavaName() != null ? t.getJavaName() : t.getOSName();
        return name != null && name.contains(threadNamePart);
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: JfrHotFrames RECORDING.jfr THREAD_NAME_PART [TOP_FRAMES [SKIP_SECONDS]]");
            System.exit(2);
        }
        int top = args.length > 2 ? Integer.parseInt(args[2]) : 25;
        double skip = args.length > 3 ? Double.parseDouble(args[3]) : 0;
        Profile p = read(Path.of(args[0]), args[1], skip);
        if (p.samples() == 0) {
            System.err.println("no execution samples on threads whose name contains '" + args[1] + "' (settings=profile?)");
            System.exit(1);
        }
        System.out.printf("%d samples on threads matching '%s'%s%n%nby part of the hop (innermost frame of ours or Kafka's):%n",
                p.samples(), args[1], skip > 0 ? " after the first " + args[3] + " s" : "");
        p.parts().entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .forEach(e -> System.out.printf("%5.1f %%  %s%n", 100.0 * e.getValue() / p.samples(), e.getKey()));
        System.out.printf("%ntop %d frames by self time:%n", top);
        p.selfFrames().entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(top)
                .forEach(e -> System.out.printf("%5.1f %%  %s%n", 100.0 * e.getValue() / p.samples(), e.getKey()));
    }
}
