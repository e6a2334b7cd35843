package org.forecaster.cli.plot;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import picocli.CommandLine;

/** A time on the command line: an ISO-8601 instant ({@code 2025-03-05T12:00:00Z}) or a UTC date ({@code 2025-03-05}, its start). */
final class InstantConverter implements CommandLine.ITypeConverter<Instant> {
    @Override
    public Instant convert(String value) {
        String v = value.strip();
        try {
            return v.length() == 10 ? LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant() : Instant.parse(v);
        } catch (DateTimeParseException e) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not an ISO-8601 instant like 2025-03-05T12:00:00Z"
                    + " or a date like 2025-03-05");
        }
    }
}
