package org.forecaster.cli.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import org.forecaster.core.wire.WireJson;

/** The files of a scenario folder, and the labels format shared with labels written by people. */
public final class ScenarioFiles {
    /** Raw events, one JSON line each, in time order, malformed lines included: what {@code scenario send} sends. */
    static final String EVENTS = "events.jsonl";
    /** {@code series,windowStart,value}: the noiseless window means. */
    static final String TRUTH = "truth.csv";
    /** The labelled anomaly windows: a JSON array of {@link Label}s. */
    static final String LABELS = "labels.json";
    /** Every parameter and the seed, the series' shapes and the counts. */
    static final String SCENARIO = "scenario.json";

    private ScenarioFiles() {}

    /** Labels as a JSON array, one object per line (diffs and people read it). */
    static void writeLabels(Path file, List<Label> labels) throws IOException {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < labels.size(); i++) {
            Label l = labels.get(i);
            b.append(i == 0 ? "\n  " : ",\n  ")
                    .append("{\"series\":").append(quote(l.series()))
                    .append(",\"kind\":").append(quote(l.kind()))
                    .append(",\"start\":\"").append(l.start())
                    .append("\",\"end\":\"").append(l.end()).append("\"}");
        }
        b.append(labels.isEmpty() ? "]\n" : "\n]\n");
        Files.writeString(file, b, StandardCharsets.UTF_8);
    }

    private static String quote(String s) throws IOException {
        return WireJson.mapper().writeValueAsString(s);
    }

    /**
     * Reads a labels file: a JSON array of objects with {@code series}, {@code kind}, {@code start} and {@code end}
     * (ISO-8601 instants or epoch milliseconds; other fields are ignored). Errors name the file and the entry.
     */
    public static List<Label> readLabels(Path file) throws IOException {
        JsonNode root;
        try {
            root = WireJson.mapper().readTree(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw e;
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": not valid JSON: " + firstLine(e.getMessage()));
        }
        if (root == null || !root.isArray()) {
            throw new IllegalArgumentException(file + ": expected a JSON array of {\"series\",\"kind\",\"start\",\"end\"} objects");
        }
        List<Label> labels = new ArrayList<>();
        for (int i = 0; i < root.size(); i++) {
            JsonNode n = root.get(i);
            String where = file + ": label " + (i + 1);
            if (!n.isObject()) {
                throw new IllegalArgumentException(where + " is not an object");
            }
            try {
                labels.add(new Label(text(n, "series", where), text(n, "kind", where), instant(n, "start", where), instant(n, "end", where)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(e.getMessage().startsWith(file.toString()) ? e.getMessage() : where + ": " + e.getMessage(), e);
            }
        }
        return List.copyOf(labels);
    }

    private static String text(JsonNode n, String field, String where) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual() || v.textValue().isBlank()) {
            throw new IllegalArgumentException(where + ": '" + field + "' must be a non-empty string");
        }
        return v.textValue();
    }

    private static Instant instant(JsonNode n, String field, String where) {
        JsonNode v = n.get(field);
        if (v != null && v.isIntegralNumber()) {
            return Instant.ofEpochMilli(v.longValue());
        }
        if (v != null && v.isTextual()) {
            try {
                return Instant.parse(v.textValue());
            } catch (DateTimeParseException e) {
                // reported below
            }
        }
        throw new IllegalArgumentException(where + ": '" + field + "' must be an ISO-8601 instant like 2024-01-05T13:20:00Z"
                + " or epoch milliseconds, got " + (v == null ? "nothing" : v.toString()));
    }

    /** The window size recorded in a scenario.json. */
    static Duration readWindow(Path scenarioJson) throws IOException {
        JsonNode root = WireJson.mapper().readTree(Files.readAllBytes(scenarioJson));
        JsonNode window = root == null ? null : root.path("parameters").get("window");
        if (window == null || !window.isTextual()) {
            throw new IllegalArgumentException(scenarioJson + ": no parameters.window");
        }
        return Duration.parse(window.textValue());
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
