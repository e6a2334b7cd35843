#!/usr/bin/env python3
"""A numpy twin of forecast-core's NoveltyScore and AlertRule, for trying scoring ideas on NAB in seconds.

It reads the per-row one-step predictions (`expected`, `sigma`) of a `forecast detect --debug-columns` run, scores
every row as NoveltyScore would with the given settings, and scores the result with nab_score.py's own threshold
sweep. With detect's default settings it reproduces detect's NAB scores exactly (docs/evaluation.md), so a
variant that wins here can then be built in Java and confirmed with detect. It also counts the alerts AlertRule
would open (threshold 0.97, open after 1, resolve after 3) for a few alert probations.

    bin/forecast detect --data ../shared/data/nab/data --out /tmp/nab/dbg42 --debug-columns --seed 42
    python3 tools/nab-twin/twin.py /tmp/nab/dbg42 [--min-flag-surprise 0] [--recent-decay 0] ...
"""
import argparse
import csv
import math
import os
import sys

import numpy as np
from scipy.special import log_ndtr

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.path.normpath(os.path.join(HERE, '..', '..', '..', 'shared'))
DAY = 86400


def surprise(z):
    """-ln P(|Z| >= |z|) for a standard normal Z: TailScore.surprise."""
    return -(math.log(2.0) + log_ndtr(-np.abs(z)))


def load(ns, run, windows):
    """Per file: timestamps, values, predictions, the value one day before (NaN where unknown) and window rows."""
    files = {}
    for rel in sorted(windows):
        category, name = os.path.split(rel)
        path = os.path.join(run, category, 'lstm_' + name)
        if not os.path.exists(path):
            sys.exit(f'twin: no {path}: give the results folder of a detect --debug-columns run over all of NAB')
        ts, v, e, s = [], [], [], []
        with open(path) as f:
            rows = csv.reader(f)
            header = next(rows)
            if header[3:5] != ['expected', 'sigma']:
                sys.exit(f'twin: {path} has no expected,sigma columns: run detect with --debug-columns')
            for r in rows:
                ts.append(ns.parse_ts(r[0]))
                v.append(float(r[1]))
                e.append(float(r[3]))
                s.append(float(r[4]))
        secs = np.array([t.timestamp() for t in ts])
        steps, counts = np.unique(np.diff(secs), return_counts=True)
        step = steps[np.argmax(counts)]
        v = np.array(v)
        seasonal = np.full(len(v), np.nan)
        # detect's rule (Stepper.valueOneSeasonBefore): the step divides a day and a day fits the 288-step ring; the
        # step one season before the point's step (after a gap that is filled, shorter than a season), read from the
        # ring of the steps since the first row; a missing step takes the mean of its known neighbours in the ring.
        season = DAY // step
        if DAY % step == 0 and 2 <= season <= 288:
            index = {t: i for i, t in enumerate(secs)}
            for i in range(1, len(v)):
                gaps = (secs[i] - secs[i - 1] + step // 2) // step - 1
                if gaps < 0 or gaps >= season or gaps > 2016:
                    continue
                remembered = min(288, int((secs[i - 1] - secs[0]) // step) + 1)
                k = remembered - season + gaps  # ring entry of the step one season back
                if k < 0:
                    continue
                t = secs[i] - DAY
                j = index.get(t)
                if j is not None:
                    seasonal[i] = np.float32(v[j])
                    continue
                b = index.get(t - step) if k > 0 else None
                a = index.get(t + step)
                known = [float(np.float32(v[x])) for x in (b, a) if x is not None]
                if known:
                    seasonal[i] = sum(known) / len(known)
        files[rel] = dict(ts=ts, v=v, e=np.array(e), s=np.array(s), seasonal=seasonal,
                          windows=ns.window_indices(ts, windows[rel], rel))
    return files


def rolling_mean(x, n):
    """Mean of the last n entries; NaN while fewer than n or any of them NaN."""
    out = np.full(len(x), np.nan)
    if len(x) < n:
        return out
    c = np.concatenate([[0.0], np.cumsum(np.where(np.isnan(x), 0, x))])
    k = np.concatenate([[0], np.cumsum(np.isnan(x))])
    m = (c[n:] - c[:-n]) / n
    m[(k[n:] - k[:-n]) > 0] = np.nan
    out[n - 1:] = m
    return out


def excess(x, decay=0.0):
    """How far each point lies beyond the range of the earlier points, in widths; -inf without a range. With a decay
    the range shrinks by that fraction of its width per point, both ends toward its middle (the recent range)."""
    out = np.full(len(x), -np.inf)
    lo = hi = None
    for i, v in enumerate(x.tolist()):
        if v != v:
            continue
        if hi is None:
            lo = hi = v
            continue
        w = hi - lo
        if w > 0:
            out[i] = max(v - hi, lo - v) / w
        hi, lo = max(hi, v), min(lo, v)
        if decay > 0:
            shrink = decay * (hi - lo)
            hi, lo = hi - shrink, lo + shrink
    return out


def seasonal_surprise(v, seasonal, width, alpha):
    """TailScore.seasonalSurprise per row (inf where there is no seasonal value), with its running mean difference."""
    out = np.full(len(v), np.inf)
    mad = math.nan
    d_all = np.abs(v.astype(np.float32).astype(np.float64) - seasonal)
    for i, d in enumerate(d_all.tolist()):
        if d != d:
            continue
        if d == 0:
            out[i] = 0
        elif mad > 0:
            out[i] = surprise(d / (width * mad))
        mad = d if mad != mad else mad + alpha * (d - mad)
    return out


def score(f, a):
    """NoveltyScore.update over one file's rows, vectorised where the Java is a loop."""
    v32 = f['v'].astype(np.float32).astype(np.float64)
    diff = (v32 - f['seasonal']).astype(np.float32).astype(np.float64)
    ss = seasonal_surprise(f['v'], f['seasonal'], a.seasonal_width, 0.01) if a.seasonal_width > 0 \
        else np.full(len(v32), np.inf)
    predicted = ~np.isnan(f['e']) & (f['s'] > 0)
    with np.errstate(all='ignore'):
        L = np.where(predicted, np.minimum(surprise((f['v'] - f['e']) / f['s']), ss), np.nan)
    tail = np.where(predicted, L / (L + a.half_surprise), 0.0)
    flag = (excess(f['v']) > a.range_tolerance) \
        | (excess(rolling_mean(v32, a.mean_rows)) > a.range_tolerance) \
        | (excess(rolling_mean(diff, a.mean_rows)) > a.range_tolerance)
    if a.recent_decay > 0:
        flag |= excess(f['v'], a.recent_decay) > a.recent_tolerance
    flag &= ~(predicted & (L < a.min_flag_surprise))
    novelty = np.zeros(len(flag))
    last = -10 ** 9
    for i in np.nonzero(flag)[0]:
        novelty[i] = 0.5 if i - last <= a.echo_rows else 1.0
        last = i
    return np.maximum(novelty, tail)


def nab(ns, files, scores):
    """nab_score's normalised scores, threshold optimised per profile."""
    points, n_windows = [], 0
    for rel, f in files.items():
        rows = ns.prepare_file(f['ts'], list(scores[rel]), f['windows'], ns.PROBATION_PERCENT)
        used = sorted({w for _, w, _ in rows if w >= 0})
        remap = {w: n_windows + k for k, w in enumerate(used)}
        points.extend((s, remap[w] if w >= 0 else -1, v) for s, w, v in rows)
        n_windows += len(used)
    ranked = sorted(points, key=lambda p: p[0], reverse=True)
    out = {}
    for name, cm in ns.PROFILES.items():
        threshold, raw, _ = ns.sweep(ranked, n_windows, cm)
        _, null, _ = ns.sweep([(0.5, w, v) for _, w, v in ranked], n_windows, cm)
        out[name] = (100 * (raw - null) / (cm['tpWeight'] * n_windows - null), threshold)
    return out


def alerts(scores, windows, probation, threshold=0.97, open_after=1, resolve_after=3, z=None, gate=0.0):
    """AlertRule over one file: alerts opened outside the windows, and the windows in which one opened. With a gate
    (AlertRule.openMinSigmas), a score counts toward opening only on a point at least `gate` sigmas off its
    prediction (`z`: the points' errors in one-step sigmas, NaN without a prediction)."""
    in_window = np.full(len(scores), -1)
    for k, (a, b) in enumerate(windows):
        in_window[a:b + 1] = k
    outside, found, is_open, above, below = 0, set(), False, 0, 0
    for i, s in enumerate(scores.tolist()):
        high = s >= threshold
        opens = high and not (gate > 0 and abs(z[i]) < gate)
        above = above + 1 if opens else 0
        below = 0 if high else below + 1
        if not is_open and above >= open_after and i + 1 >= probation:
            is_open = True
            if in_window[i] >= 0:
                found.add(in_window[i])
            else:
                outside += 1
        elif is_open and below >= resolve_after:
            is_open = False
    return outside, found


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('runs', nargs='+', help='results folders of detect --debug-columns runs')
    p.add_argument('--shared', default=SHARED, help='the shared folder with tools/ and data/ (default %(default)s)')
    p.add_argument('--half-surprise', type=float, default=math.log(1e4))
    p.add_argument('--seasonal-width', type=float, default=2.0)
    p.add_argument('--mean-rows', type=int, default=24)
    p.add_argument('--range-tolerance', type=float, default=0.05)
    p.add_argument('--echo-rows', type=int, default=50)
    p.add_argument('--recent-decay', type=float, default=1e-4)
    p.add_argument('--recent-tolerance', type=float, default=0.3)
    p.add_argument('--min-flag-surprise', type=float, default=0.05)
    p.add_argument('--probations', default='24,288,750', help='alert probations to count alerts for')
    a = p.parse_args()
    sys.path.insert(0, os.path.join(a.shared, 'tools'))
    import nab_score as ns
    windows = ns.load_windows([os.path.join(a.shared, 'data', 'nab', 'labels', 'combined_windows.json')])
    for run in a.runs:
        files = load(ns, run, windows)
        scores = {rel: score(f, a) for rel, f in files.items()}
        result = nab(ns, files, scores)
        print(run + ': ' + ', '.join(f'{k} {s:.2f} (threshold {t:.4f})' for k, (s, t) in result.items()))
        for probation in (int(x) for x in a.probations.split(',')):
            outside, found = 0, 0
            for rel, f in files.items():
                o, w = alerts(scores[rel], f['windows'], probation)
                outside, found = outside + o, found + len(w)
            n = sum(len(f['windows']) for f in files.values())
            print(f'  alert probation {probation}: {outside} alerts opened outside windows, {found} of {n} windows alerted')


if __name__ == '__main__':
    main()
