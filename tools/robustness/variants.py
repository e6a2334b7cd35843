#!/usr/bin/env python3
"""NAB robustness variants: the 44 shared NAB files transformed to have properties of real telemetry that they lack
(irregular timestamps, other steps, gaps, duplicates, trends, offsets, scales, a change of sampling rate), with
NAB's labels carried over, so that `forecast detect` can be stress-tested against them.

A variant is a NAB-style data folder (OUT/VARIANT/data/<category>/<file>.csv) and a windows JSON
(OUT/VARIANT/windows.json) for exactly its files. Every transformed row keeps the time it had in the original file
(its "origin"); a window [t0, t1] of the original file becomes [first, last] timestamp of the variant's rows whose
origin lies in [t0, t1]. Row subsampling, timestamp jitter that keeps order, averaging into coarser steps, added
trends and offsets therefore keep each window on the same stretch of the data. Randomness is seeded per variant and
file, so a variant is the same on every run.

    python3 tools/robustness/variants.py make --out /tmp/rob                       # every variant
    python3 tools/robustness/variants.py make --out /tmp/rob --only jitter,res30m  # some
    python3 tools/robustness/variants.py list

`run.sh` runs detect on each variant and scores it (tools/robustness/README.md).
"""
import argparse
import csv
import datetime as dt
import json
import math
import os
import sys
import zlib

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def find_shared():
    d = HERE
    while True:
        if os.path.isfile(os.path.join(d, 'shared', 'tools', 'nab_score.py')):
            return os.path.join(d, 'shared')
        if os.path.dirname(d) == d:
            return os.path.normpath(os.path.join(HERE, '..', '..', '..', 'shared'))
        d = os.path.dirname(d)


def parse(s):
    return dt.datetime.fromisoformat(s.strip()).replace(tzinfo=dt.timezone.utc).timestamp()


def fmt(t):
    return dt.datetime.fromtimestamp(round(t), dt.timezone.utc).strftime('%Y-%m-%d %H:%M:%S')


def read(path):
    ts, vs = [], []
    with open(path) as f:
        r = csv.reader(f)
        next(r)
        for row in r:
            if row:
                ts.append(parse(row[0]))
                vs.append(float(row[1]))
    return np.array(ts), np.array(vs)


def mode_step(ts):
    d = np.diff(ts)
    d = d[d > 0]
    u, c = np.unique(d, return_counts=True)
    return float(u[np.argmax(c)])


# ------------------------------------------------------------------------------------------------------------------
# transforms: (ts, values, rng, windows as [(t0, t1)]) -> (new ts, new values, origin time of each new row)
# ------------------------------------------------------------------------------------------------------------------
def identity(ts, v, rng, w):
    return ts, v, ts


def jitter(fraction):
    """Every timestamp moved by a uniform whole number of seconds within +-fraction of the step (order kept)."""
    def f(ts, v, rng, w):
        step = mode_step(ts)
        j = np.round(rng.uniform(-fraction, fraction, len(ts)) * step)
        new = ts + j
        new = np.maximum.accumulate(new)  # keep order where a jitter would swap neighbours across a gap edge
        return new, v, ts
    return f


def drop(fraction):
    """A random fraction of the rows removed (uneven spacing); the first and last rows stay."""
    def f(ts, v, rng, w):
        keep = rng.random(len(ts)) >= fraction
        keep[0] = keep[-1] = True
        keep |= window_edges(ts, w)
        return ts[keep], v[keep], ts[keep]
    return f


def window_edges(ts, w):
    """Rows that are the first or last of a window (kept by row-removing transforms, so windows keep their extent)."""
    m = np.zeros(len(ts), dtype=bool)
    for t0, t1 in w:
        m[np.searchsorted(ts, t0)] = True
        m[np.searchsorted(ts, t1, side='right') - 1] = True
    return m


def gaps(count, fraction):
    """`count` gaps, each `fraction` of the file, cut where they do not touch a window (long outages)."""
    def f(ts, v, rng, w):
        n = len(ts)
        length = max(2, int(fraction * n))
        inside = np.zeros(n, dtype=bool)
        for t0, t1 in w:
            inside[np.searchsorted(ts, t0):np.searchsorted(ts, t1, side='right')] = True
        keep = np.ones(n, dtype=bool)
        lo = int(0.05 * n)
        for _ in range(count):
            for _try in range(50):
                a = int(rng.integers(lo, n - length - 1))
                if not inside[max(0, a - 1):a + length + 1].any() and keep[a:a + length].all():
                    keep[a:a + length] = False
                    break
        return ts[keep], v[keep], ts[keep]
    return f


def duplicate(fraction, noise):
    """A random fraction of the rows written twice with the same timestamp (the copy's value moved by `noise`
    times the file's median absolute one-step change)."""
    def f(ts, v, rng, w):
        scale = np.median(np.abs(np.diff(v))) or np.std(v) * 0.01 or 1.0
        rep = np.where(rng.random(len(ts)) < fraction, 2, 1)
        nt, nv = np.repeat(ts, rep), np.repeat(v, rep)
        second = np.concatenate([[False], (nt[1:] == nt[:-1])])
        nv = nv + second * noise * scale * rng.standard_normal(len(nv))
        return nt, nv, nt
    return f


def burst(fraction, seconds):
    """A random fraction of the rows followed by an extra row 1..`seconds` seconds later (a re-delivery, a burst):
    value the row's own plus a little noise."""
    def f(ts, v, rng, w):
        scale = np.median(np.abs(np.diff(v))) or np.std(v) * 0.01 or 1.0
        out_t, out_v, org = [], [], []
        extra = rng.random(len(ts)) < fraction
        for i in range(len(ts)):
            out_t.append(ts[i]); out_v.append(v[i]); org.append(ts[i])
            if extra[i] and (i + 1 == len(ts) or ts[i + 1] - ts[i] > seconds + 1):
                out_t.append(ts[i] + rng.integers(1, seconds + 1))
                out_v.append(v[i] + 0.3 * scale * rng.standard_normal())
                org.append(ts[i])
        return np.array(out_t), np.array(out_v), np.array(org)
    return f


def resample(seconds, anchored=False):
    """Rows averaged into buckets of `seconds` (aligned to the epoch, or to the first row when anchored), stamped
    with the bucket's start; files whose step is already at least that long are unchanged. A bucket's origin is its
    first row's time."""
    def f(ts, v, rng, w):
        if mode_step(ts) >= seconds:
            return ts, v, ts
        a = ts[0] if anchored else 0.0
        b = a + np.floor((ts - a) / seconds) * seconds
        keys, first, counts = np.unique(b, return_index=True, return_counts=True)
        sums = np.add.reduceat(v, first)
        return keys, sums / counts, ts[first]
    return f


def upsample(factor, max_rows):
    """Linear interpolation to a `factor` times finer step (e.g. 5 min -> 1 min), for files of at most `max_rows`
    rows (longer ones are unchanged: the retraining on all rows seen grows with the square of the length)."""
    def f(ts, v, rng, w):
        if len(ts) > max_rows:
            return ts, v, ts
        step = mode_step(ts)
        fine = np.arange(ts[0], ts[-1] + 1, step / factor)
        # no rows invented inside gaps longer than two steps
        k = np.searchsorted(ts, fine, side='right') - 1
        ok = (k >= len(ts) - 1) | (np.diff(np.append(ts, ts[-1] + step))[np.minimum(k, len(ts) - 1)] <= 2 * step)
        fine = fine[ok]
        return fine, np.interp(fine, ts, v), fine
    return f


def relabel(step_seconds):
    """The same rows, their time axis stretched so the step becomes `step_seconds` (rows and values unchanged):
    separates what detect counts in rows from what it counts in time (the season above all)."""
    def f(ts, v, rng, w):
        r = step_seconds / mode_step(ts)
        return ts[0] + np.round((ts - ts[0]) * r), v, ts
    return f


def rate_change(factor):
    """The second half of the file averaged into `factor` times coarser steps (sampling rate drops mid-file)."""
    def f(ts, v, rng, w):
        n = len(ts)
        h = n // 2
        step = mode_step(ts)
        t2, v2, o2 = resample(step * factor, anchored=True)(ts[h:], v[h:], rng, w)
        return np.concatenate([ts[:h], t2]), np.concatenate([v[:h], v2]), np.concatenate([ts[:h], o2])
    return f


def trend(rise):
    """A linear trend rising by `rise` times the file's value range from the first row to the last."""
    def f(ts, v, rng, w):
        r = (v.max() - v.min()) or 1.0
        return ts, v + rise * r * (ts - ts[0]) / (ts[-1] - ts[0]), ts
    return f


def offset(times_range):
    """A constant added: `times_range` times the file's value range (plus its largest magnitude)."""
    def f(ts, v, rng, w):
        r = (v.max() - v.min()) or 1.0
        return ts, v + times_range * r + np.abs(v).max(), ts
    return f


def scale(k):
    """Values multiplied by k."""
    def f(ts, v, rng, w):
        return ts, v * k, ts
    return f


VARIANTS = {
    'orig': (identity, 'the 44 files unchanged (the reference)'),
    'jitter10': (jitter(0.1), 'timestamps jittered by up to +-10 % of the step (whole seconds)'),
    'jitter40': (jitter(0.4), 'timestamps jittered by up to +-40 % of the step'),
    'drop20': (drop(0.2), '20 % of the rows removed at random'),
    'gaps': (gaps(3, 0.04), '3 outages per file, each 4 % of its rows, outside the windows'),
    'dup10': (duplicate(0.1, 0.0), '10 % of the rows written twice (same timestamp, same value)'),
    'dup10v': (duplicate(0.1, 1.0), '10 % of the rows written twice (same timestamp, value moved by ~1 typical step change)'),
    'burst10': (burst(0.1, 5), '10 % of the rows followed by an extra row 1-5 s later'),
    'pairs': (burst(1.0, 3), 'every row followed by a second one 1-3 s later (value + noise): half the spacings are seconds'),
    'res10m': (resample(600), 'averaged into 10-minute steps'),
    'res30m': (resample(1800), 'averaged into 30-minute steps'),
    'res1h': (resample(3600), 'averaged into 1-hour steps'),
    'up1m': (upsample(5, 5000), 'interpolated to a 5x finer step (1 minute; files <= 5000 rows, so not Tweets)'),
    'relabel1m': (relabel(60), 'the same rows relabelled at a 1-minute step'),
    'relabel1h': (relabel(3600), 'the same rows relabelled at a 1-hour step'),
    'ratechange': (rate_change(3), 'second half averaged into 3x coarser steps'),
    'trend': (trend(1.0), 'a linear trend rising by the value range over the file'),
    'offset': (offset(1e3), 'a constant offset of 1000x the value range'),
    'tiny': (scale(1e-6), 'values times 1e-6'),
    'huge': (scale(1e6), 'values times 1e6'),
}


def make(shared, out, names):
    data = os.path.join(shared, 'data', 'nab', 'data')
    with open(os.path.join(shared, 'data', 'nab', 'labels', 'combined_windows.json')) as f:
        windows = json.load(f)
    for name in names:
        transform, _ = VARIANTS[name]
        vdir = os.path.join(out, name)
        new_windows, lost = {}, 0
        for rel in sorted(windows):
            ts, v = read(os.path.join(data, rel))
            w = [(parse(a), parse(b)) for a, b in windows[rel]]
            rng = np.random.default_rng(zlib.crc32((name + '/' + rel).encode()))
            nt, nv, org = transform(ts, v, rng, w)
            assert len(nt) == len(nv) == len(org) and np.all(np.diff(nt) >= 0), (name, rel)
            path = os.path.join(vdir, 'data', rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, 'w') as f:
                f.write('timestamp,value\n')
                for t, x in zip(nt.tolist(), nv.tolist()):
                    f.write(f'{fmt(t)},{x!r}\n')
            nw = []
            for t0, t1 in w:
                inside = np.nonzero((org >= t0) & (org <= t1))[0]
                if len(inside) == 0:
                    lost += 1
                    continue
                nw.append([fmt(nt[inside[0]]) + '.000000', fmt(nt[inside[-1]]) + '.000000'])
            new_windows[rel] = nw
        with open(os.path.join(vdir, 'windows.json'), 'w') as f:
            json.dump(new_windows, f, indent=1)
        n = sum(len(x) for x in new_windows.values())
        print(f'{name}: {n} windows' + (f' ({lost} lost)' if lost else ''))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest='cmd', required=True)
    m = sub.add_parser('make')
    m.add_argument('--out', required=True)
    m.add_argument('--only', help='comma-separated variants (default all)')
    m.add_argument('--shared', default=find_shared())
    sub.add_parser('list')
    a = p.parse_args()
    if a.cmd == 'list':
        for k, (_, d) in VARIANTS.items():
            print(f'{k:12s} {d}')
        return
    names = a.only.split(',') if a.only else list(VARIANTS)
    for n in names:
        if n not in VARIANTS:
            sys.exit(f'unknown variant {n}')
    make(a.shared, a.out, names)


if __name__ == '__main__':
    main()
