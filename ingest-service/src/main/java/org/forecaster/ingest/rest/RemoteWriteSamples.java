package org.forecaster.ingest.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.forecaster.core.wire.RawEventParser;
import org.forecaster.core.wire.WireJson;

/**
 * Turns the samples of a remote-write request into raw events, each judged by the same {@link RawEventParser} rules
 * as a JSON event on {@code /api/v1/events}.
 *
 * <p>Series id: the metric name, then {@code .label=value} for each configured id label the series has (sorted by
 * label name; a label that is absent or empty is left out, as Prometheus treats an empty label as absent), e.g.
 * {@code node_load1.instance=host-1:9100.job=node}. An id with characters the series-id rule does not allow (only
 * letters, digits and {@code . _ - : / @ =}) or longer than the limit is rejected as {@code bad-series}, never
 * rewritten: an escaped id would no longer read as the labels it came from, and Prometheus' own relabeling
 * ({@code write_relabel_configs}) is the place to change them. All labels except {@code __name__} become the
 * event's labels. Prometheus' staleness markers are skipped and counted, not events.
 */
final class RemoteWriteSamples {
    /** Prometheus' staleness marker: a NaN with exactly these bits (Prometheus {@code model/value.StaleNaN}). */
    static final long STALE_NAN_BITS = 0x7ff0000000000002L;
    /** The label that carries the metric name. */
    static final String NAME_LABEL = "__name__";

    /** One sample as a raw event: its series id (the Kafka key; null without a name), JSON bytes and verdict. */
    record Item(String series, byte[] json, RawEventParser.Result result) {}

    /** The events of a request, in request order, and how many staleness markers were skipped. */
    record Conversion(List<Item> items, int staleMarkers) {}

    private final SortedSet<String> idLabels;
    private final RawEventParser parser;

    /** @param idLabels labels besides {@code __name__} that make up the series id, in any order */
    RemoteWriteSamples(Collection<String> idLabels, RawEventParser parser) {
        this.idLabels = new TreeSet<>(idLabels);
        this.idLabels.remove(NAME_LABEL);
        this.parser = parser;
    }

    Conversion convert(List<RemoteWriteDecoder.TimeSeries> request) {
        List<Item> items = new ArrayList<>();
        int stale = 0;
        for (RemoteWriteDecoder.TimeSeries ts : request) {
            Map<String, String> labels = new TreeMap<>();
            for (RemoteWriteDecoder.Label l : ts.labels()) {
                if (!l.value().isEmpty()) {
                    labels.put(l.name(), l.value());
                }
            }
            String name = labels.remove(NAME_LABEL);
            String series = name == null ? null : seriesId(name, labels);
            ObjectNode labelsNode = WireJson.mapper().createObjectNode();
            labels.forEach(labelsNode::put);
            for (RemoteWriteDecoder.Sample s : ts.samples()) {
                if (Double.doubleToRawLongBits(s.value()) == STALE_NAN_BITS) {
                    stale++;
                    continue;
                }
                ObjectNode event = WireJson.mapper().createObjectNode();
                if (series != null) {
                    event.put("series", series);
                }
                event.put("ts", s.timestampMillis());
                event.put("value", s.value());
                event.set("labels", labelsNode);
                RawEventParser.Result result = series == null
                        ? new RawEventParser.Result(null, new RawEventParser.Rejection("missing-series", "time series has no " + NAME_LABEL + " label"))
                        : parser.validate(event, null);
                items.add(new Item(series, WireJson.write(event), result));
            }
        }
        return new Conversion(items, stale);
    }

    /** The series id of a metric {@code name} with these labels (name → value, without {@code __name__}). */
    String seriesId(String name, Map<String, String> labels) {
        StringBuilder id = new StringBuilder(name);
        for (String label : idLabels) {
            String value = labels.get(label);
            if (value != null && !value.isEmpty()) {
                id.append('.').append(label).append('=').append(value);
            }
        }
        return id.toString();
    }
}
