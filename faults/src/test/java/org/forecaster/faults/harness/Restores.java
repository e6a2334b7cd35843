package org.forecaster.faults.harness;

import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the instances' Kafka Streams logged about restoring active tasks from the changelog since {@code since} (their
 * log times are this machine's local time): the longest span of one instance from its first "Start restoring" to
 * its last "Finished restoring", and the changelog records restored by all.
 * It needs the text log format ({@code quarkus.log.console.json.enabled=false}) and the changelog reader's debug lines
 * ({@link #LOG_SETTINGS}).
 */
public record Restores(long millis, long records) {
    /** The service settings the log lines need: Kafka Streams' restore lines, the text log format. */
    public static final java.util.Map<String, String> LOG_SETTINGS = java.util.Map.of(
            "quarkus.log.category.\"org.apache.kafka.streams.processor.internals.StoreChangelogReader\".level", "DEBUG",
            "quarkus.log.console.json.enabled", "false");

    private static final DateTimeFormatter LOG_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss,SSS");
    private static final Pattern RECORDS = Pattern.compile("Finished restoring changelog .* with a total number of (\\d+) records");

    public static Restores since(LocalDateTime since, List<ServiceProcess> instances) {
        long millis = 0, records = 0;
        for (ServiceProcess s : instances) {
            LocalDateTime first = null, last = null;
            for (String line : Logs.read(s.log()).lines().toList()) {
                LocalDateTime at = time(line);
                if (at == null || at.isBefore(since)) {
                    continue;
                }
                if (line.contains("Start restoring changelog partition") && first == null) {
                    first = at;
                }
                Matcher restored = RECORDS.matcher(line);
                if (restored.find()) {
                    last = at;
                    records += Long.parseLong(restored.group(1));
                }
            }
            if (first != null && last != null) {
                millis = Math.max(millis, Duration.between(first, last).toMillis());
            }
        }
        return new Restores(millis, records);
    }

    private static LocalDateTime time(String line) {
        if (line.length() < 23 || !Character.isDigit(line.charAt(0))) {
            return null;
        }
        try {
            return LocalDateTime.parse(line.substring(0, 23), LOG_TIME);
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    public double recordsPerSecond() {
        return millis == 0 ? Double.NaN : records * 1000.0 / millis;
    }
}

