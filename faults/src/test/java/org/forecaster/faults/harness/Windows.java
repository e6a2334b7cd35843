package org.forecaster.faults.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
        Map<String, double[]> values = Samples.values(steps);
        Map<String, Point> expected = new TreeMap<>();
        values.forEach((s, v) -> {
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
