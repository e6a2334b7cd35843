package org.forecaster.serving.rest;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * The dashboard's search among the series ids the service holds (issue 19): the keys of the key-state store that
 * contain the searched text, ignoring case, in id order, at most a limit of them. Each instance searches the
 * partitions it owns; the one asked merges its peers' answers ({@link #merge}). Plain functions of the keys.
 */
public final class SeriesSearch {
    /** Ids returned when the request names no limit. */
    public static final int DEFAULT_LIMIT = 50;
    /** Largest limit accepted: a search answers a person, not a bulk export. */
    public static final int MAX_LIMIT = 1000;
    /** Longest searched text accepted. */
    public static final int MAX_MATCH = 256;

    /**
     * One answer.
     *
     * @param match       the searched text ("" matches every id)
     * @param limit       most ids returned
     * @param series      the matching ids in id order, at most {@code limit}
     * @param more        whether more ids matched than returned
     * @param unreachable instances ({@code host:port}) that own partitions of the store but did not answer: their ids
     *                    are missing from {@code series}
     */
    public record Result(String match, int limit, List<String> series, boolean more, List<String> unreachable) {}

    private SeriesSearch() {}

    /** Throws IllegalArgumentException naming the problem for a limit or text out of range. */
    public static void check(String match, int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be in 1.." + MAX_LIMIT + ", got " + limit);
        }
        if (match != null && match.length() > MAX_MATCH) {
            throw new IllegalArgumentException("match must be at most " + MAX_MATCH + " characters, got " + match.length());
        }
    }

    /**
     * The first {@code limit} ids of {@code keys} (any order) containing {@code match} (null or "": all), ignoring case,
     * sorted; {@code more} when others matched too. Keeps {@code limit + 1} ids at most, whatever the number of keys.
     */
    public static Result scan(Iterator<String> keys, String match, int limit) {
        String needle = match == null ? "" : match.toLowerCase(Locale.ROOT);
        TreeSet<String> smallest = new TreeSet<>();
        while (keys.hasNext()) {
            String id = keys.next();
            if (needle.isEmpty() || id.toLowerCase(Locale.ROOT).contains(needle)) {
                smallest.add(id);
                if (smallest.size() > limit + 1) {
                    smallest.pollLast();
                }
            }
        }
        return page(match, limit, smallest, false, List.of());
    }

    /** The answers of several instances as one: their ids merged in order and cut at {@code limit}. */
    public static Result merge(String match, int limit, List<Result> parts, List<String> unreachable) {
        TreeSet<String> all = new TreeSet<>();
        boolean more = false;
        List<String> missing = new ArrayList<>(unreachable);
        for (Result r : parts) {
            all.addAll(r.series());
            more |= r.more();
            missing.addAll(r.unreachable());
        }
        return page(match, limit, all, more, missing);
    }

    private static Result page(String match, int limit, TreeSet<String> sorted, boolean more, List<String> unreachable) {
        List<String> series = new ArrayList<>(Math.min(limit, sorted.size()));
        Iterator<String> it = sorted.iterator();
        while (it.hasNext() && series.size() < limit) {
            series.add(it.next());
        }
        return new Result(match == null ? "" : match, limit, series, more || it.hasNext(), List.copyOf(unreachable));
    }
}
