package org.forecaster.trainer.data;

import java.time.Duration;
import java.time.Instant;

/** Where a run's training history comes from: the points topic in production, a list in tests. */
public interface HistorySource {

    /**
     * The history of the {@code lookBack} before {@code now}, shaped by {@code assembler}. Throws (for example
     * an {@link IllegalStateException} with the cause) when the source cannot be read; the run then fails.
     */
    History read(Instant now, Duration lookBack, SeriesAssembler assembler);
}
