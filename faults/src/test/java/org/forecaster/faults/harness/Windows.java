package org.forecaster.faults.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.forecaster.core.wire.Point;
import org.forecaster.core.wire.PointReader;

/** What ingest-service must emit for {@link Samples#rawEvents}: each window once, with exactly its events' aggregate. */
public final class Windows {
    private Windows() {}

    /** Each of the first {@code steps} windows of every series exactly once, equal (record equality: doubles bit for bit) to the window of its events. */
    public static void assertEachExactlyOnce(int steps, List<ConsumerRecord<String, byte[]>> records) {
        Map<String, Integer> perSeries = new TreeMap<>();
        Samples.SERIES.forEach(s -> perSeries.put(s, steps));
        assertExactly(perSeries, records);
    }

    /**
     * For output read while input is still arriving: every series' windows found so far are its first ones (none
     * missing before the latest), each once and equal to the window of its events. A series' windows close in time
     * order and each transaction commits whole, so a read_committed reader sees a prefix of every series. Returns how
     * many windows that is.
     */
    public static int assertPrefixEachExactlyOnce(List<ConsumerRecord<String, byte[]>> records) {
        Map<String, Integer> perSeries = new TreeMap<>();
        Samples.SERIES.forEach(s -> perSeries.put(s, 0));
        for (ConsumerRecord<String, byte[]> r : records) {
            int step = (int) Duration.between(Samples.T0, PointReader.read(r.value()).windowStart()).dividedBy(Samples.STEP);
            perSeries.merge(r.key(), step + 1, Math::max);
        }
        assertExactly(perSeries, records);
        return perSeries.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** The windows 0 to {@code perSeries.get(s)} - 1 of every series s exactly once, each with its events' aggregate. */
    private static void assertExactly(Map<String, Integer> perSeries, List<ConsumerRecord<String, byte[]>> records) {
        Map<String, double[]> values = Samples.values(perSeries.values().stream().mapToInt(Integer::intValue).max().orElse(0));
        Map<String, Point> expected = new TreeMap<>();
        perSeries.forEach((s, steps) -> {
            double[] v = values.get(s);
            if (v == null) {
                throw new AssertionError("a window of " + s + ", which is not one of the sample series " + Samples.SERIES);
            }
            for (int i = 0; i < steps; i++) {
                expected.put(s + " @ " + Samples.time(i), Samples.expectedPoint(s, i, v));
            }
        });
        Map<String, Point> found = new TreeMap<>();
        List<String> duplicated = new ArrayList<>(), unexpected = new ArrayList<>(), wrong = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : records) {
            Point p = PointReader.read(r.value());
            String id = r.key() + " @ " + p.windowStart();
            if (found.put(id, p) != null) {
                duplicated.add(id);
            }
            if (!expected.containsKey(id)) {
                unexpected.add(id);
            } else if (!expected.get(id).equals(p)) {
                wrong.add(id + ": " + p + " instead of " + expected.get(id));
            }
        }
        List<String> missing = expected.keySet().stream().filter(id -> !found.containsKey(id)).toList();
        assertEquals("", describe(missing, "missing") + describe(duplicated, "emitted twice") + describe(unexpected, "unexpected")
                + describe(wrong, "with wrong aggregates"), expected.size() + " windows expected, " + records.size() + " records read");
    }

    private static String describe(List<String> ids, String what) {
        return ids.isEmpty() ? "" : ids.size() + " " + what + ", e.g. " + ids.subList(0, Math.min(3, ids.size())) + "; ";
    }
}
