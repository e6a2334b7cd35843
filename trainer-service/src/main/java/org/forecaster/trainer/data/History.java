package org.forecaster.trainer.data;

import java.time.Instant;
import java.util.List;
import org.forecaster.core.train.Series;

/**
 * The training history of one run: regular series on the configured grid, and the time range they cover
 * (null bounds when empty).
 *
 * @param series      series in a deterministic order (by id)
 * @param from        earliest step start, inclusive
 * @param to          end of the latest step, exclusive
 * @param pointsRead  records read from the topic, including ones later dropped by the caps
 */
public record History(List<Series> series, Instant from, Instant to, long pointsRead) {
    public History {
        series = List.copyOf(series);
    }

    public boolean isEmpty() {
        return series.isEmpty();
    }
}
