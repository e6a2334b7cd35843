package org.forecaster.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * Durations on the command line as {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h}, {@code 1d} or ISO-8601
 * ({@code PT30S}, {@code P1D}): the one syntax of every option that takes a duration. Options that took a plain number
 * in one unit before they took durations ({@code backtest --step} milliseconds, {@code --timeout} seconds,
 * {@code detect --season-minutes} minutes) use the nested converters, which still read a plain number in that unit.
 */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    private static final Pattern SHORT = Pattern.compile("(\\d{1,12})(ms|s|m|h|d)");
    private static final Pattern PLAIN = Pattern.compile("\\d{1,15}");

    @Override
    public Duration convert(String value) {
        return parse(value);
    }

    /** A duration, or a plain number of milliseconds. */
    public static final class MillisIfPlain implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return parse(value, ChronoUnit.MILLIS);
        }
    }

    /** A duration, or a plain number of seconds. */
    public static final class SecondsIfPlain implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return parse(value, ChronoUnit.SECONDS);
        }
    }

    /** A duration, or a plain number of minutes. */
    public static final class MinutesIfPlain implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return parse(value, ChronoUnit.MINUTES);
        }
    }

    /** {@link #parse(String)}, and a plain number as that many {@code plainUnit}s. */
    static Duration parse(String value, ChronoUnit plainUnit) {
        String v = value.strip();
        if (PLAIN.matcher(v).matches()) {
            return Duration.of(Long.parseLong(v), plainUnit);
        }
        try {
            return parse(v);
        } catch (CommandLine.TypeConversionException e) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a duration like 500ms, 30s, 2m, 1h or PT30S,"
                    + " nor a number of " + plainUnit.toString().toLowerCase(java.util.Locale.ROOT));
        }
    }

    static Duration parse(String value) {
        String v = value.strip();
        Matcher m = SHORT.matcher(v);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
        if (v.startsWith("P") || v.startsWith("p")) {
            try {
                return Duration.parse(v);
            } catch (DateTimeParseException e) {
                throw notADuration(value);
            }
        }
        throw notADuration(value);
    }

    private static CommandLine.TypeConversionException notADuration(String value) {
        return new CommandLine.TypeConversionException("'" + value + "' is not a duration like 500ms, 30s, 2m, 1h or PT30S");
    }

    /** A duration as the shortest of the forms above that is exact. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms % 86_400_000 == 0 && ms != 0) {
            return ms / 86_400_000 + "d";
        }
        if (ms % 3_600_000 == 0 && ms != 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0 && ms != 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }
}
