#!/usr/bin/env python3
"""How far each labelled spike of generated scenarios stands out of its key's own window extremes.

For every scenario directory (events.jsonl and labels.json of `bin/forecast scenario generate`) the raw events are
windowed as the ingest does (5-minute windows: count, mean, min, max) and each window's extreme is the largest distance
of one event from its mean (windows of at least 3 events). For every labelled spike it prints the spike window's
extreme over the key's typical extreme, over the largest extreme of the week before it and of the whole series
outside labelled windows, and the share of the key's unlabelled windows with an extreme at least as large: a spike
below 1x its key's largest other extreme cannot be found from the extremes without false alerts.

    python3 tools/window-extremes/spikes.py /tmp/bcorp/scn1 /tmp/bcorp/scn2 ...
"""
import json
import sys
from datetime import datetime

import numpy as np

WINDOW = 300


def seconds(text):
    return datetime.fromisoformat(text.replace('Z', '+00:00')).timestamp()


def windows(directory):
    """Per series an array of rows (window start, count, mean, min, max), accepted events only."""
    acc = {}
    for line in open(directory + '/events.jsonl'):
        try:
            e = json.loads(line)
            v = float(e['value'])
            series = e['series']
            t = seconds(e['ts'])
        except (ValueError, KeyError, TypeError):
            continue
        if not np.isfinite(v) or not isinstance(series, str):
            continue
        w = int(t // WINDOW)
        a = acc.setdefault(series, {}).get(w)
        if a is None:
            acc[series][w] = [1, v, v, v]
        else:
            a[0] += 1
            a[1] += v
            a[2] = min(a[2], v)
            a[3] = max(a[3], v)
    return {s: np.array([[k * WINDOW, ws[k][0], ws[k][1] / ws[k][0], ws[k][2], ws[k][3]] for k in sorted(ws)])
            for s, ws in acc.items()}


def main(directories):
    for d in directories:
        by_series = windows(d)
        labels = json.load(open(d + '/labels.json'))
        for spike in (l for l in labels if l['kind'] == 'spike'):
            a = by_series[spike['series']]
            start = seconds(spike['start']) // WINDOW * WINDOW
            spans = [(seconds(x['start']) // WINDOW * WINDOW, seconds(x['end']) // WINDOW * WINDOW + 3 * WINDOW)
                     for x in labels if x['series'] == spike['series']]
            extreme = np.where(a[:, 1] >= 3, np.maximum(a[:, 4] - a[:, 2], a[:, 2] - a[:, 3]), 0)
            labelled = np.array([any(s0 <= t <= s1 for s0, s1 in spans) for t in a[:, 0]])
            k = int(np.searchsorted(a[:, 0], start))
            at = extreme[k:k + 2].max()
            week = extreme[max(0, k - 2016):k][~labelled[max(0, k - 2016):k]]
            other = extreme[~labelled]
            print(f"{d} {spike['series']} {spike['start']}: x typical {at / np.median(other):6.1f}  "
                  f"x largest of the week before {at / week.max():5.2f}  x largest other {at / other.max():5.2f}  "
                  f"share of windows as extreme {np.mean(other >= at):.5f}")


if __name__ == '__main__':
    if len(sys.argv) < 2:
        sys.exit('usage: spikes.py SCENARIO_DIR...')
    main(sys.argv[1:])
