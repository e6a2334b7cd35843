package org.forecaster.faults.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.forecaster.core.wire.WireJson;

/** Comparing the services' outputs by key and point timestamp, byte for byte. */
public final class Outputs {
    private Outputs() {}

    /**
     * The records by "key @ point time" (the JSON field {@code timeField}); fails on a duplicate, naming it, because
     * every point must produce exactly one record.
     */
    public static Map<String, byte[]> byKeyAndTime(List<ConsumerRecord<String, byte[]>> records, String timeField) {
        Map<String, byte[]> out = new TreeMap<>();
        List<String> duplicates = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : records) {
            String id = r.key() + " @ " + time(r.value(), timeField);
            if (out.put(id, r.value()) != null) {
                duplicates.add(id + " (" + r.topic() + "-" + r.partition() + "@" + r.offset() + ")");
            }
        }
        assertTrue(duplicates.isEmpty(), duplicates.size() + " records duplicated, e.g. " + duplicates.subList(0, Math.min(5, duplicates.size())));
        return out;
    }

    /**
     * Asserts that {@code actual} holds exactly the records of {@code expected} (by key and point time), each with
     * identical bytes: nothing missing, nothing extra, nothing different.
     */
    public static void assertSameRecords(String what, Map<String, byte[]> expected, Map<String, byte[]> actual) {
        List<String> missing = new ArrayList<>(), extra = new ArrayList<>(), different = new ArrayList<>();
        expected.forEach((id, bytes) -> {
            byte[] a = actual.get(id);
            if (a == null) {
                missing.add(id);
            } else if (!java.util.Arrays.equals(bytes, a)) {
                different.add(id + ":\n  expected " + text(bytes) + "\n  actual   " + text(a));
            }
        });
        actual.keySet().stream().filter(id -> !expected.containsKey(id)).forEach(extra::add);
        assertEquals("", summary(missing, "missing") + summary(extra, "extra") + summary(different, "different"),
                what + ": " + expected.size() + " expected, " + actual.size() + " found");
    }

    private static String summary(List<String> ids, String kind) {
        return ids.isEmpty() ? "" : ids.size() + " " + kind + ", e.g. " + ids.subList(0, Math.min(3, ids.size())) + "; ";
    }

    private static String time(byte[] json, String field) {
        try {
            return WireJson.mapper().readTree(json).path(field).asText();
        } catch (java.io.IOException e) {
            throw new AssertionError("unreadable output record " + text(json), e);
        }
    }

    public static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
