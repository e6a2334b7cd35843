#!/usr/bin/env python3
"""Leave-one-category-out choice of the alert gate `AlertRule.openMinSigmas` on NAB's five shared categories.

The novelty score flags values never seen before; a trending or heavy-tailed series sets such records although
the model expected them. The gate lets a score open an alert only on a point at least G one-step sigmas off its
prediction (resolving is unchanged). An alert is judged as an on-call engineer would: a labelled window is found
when an alert opens inside it; an alert opened outside every window is false, counted per series-day.

For each held-out category, G is the gate with the most windows found on the other four categories at no more than
--max-false false alerts per series-day there (pooled over the seeds' runs); the held-out category is then scored
at that G. Alerts are AlertRule's on twin.py's re-scoring of `detect --debug-columns` runs (threshold 0.97, open
after 1, resolve after 3, probation --probation points), from the score alone: the service's alert kinds (jumps,
shifts, bursts, flatlines) are not modelled, so these are the score's own alerts.

    python3 tools/nab-twin/alert_gate_cv.py /tmp/nabh/p42 /tmp/nabh/p7 /tmp/nabh/p1
"""
import argparse
import math
import os
import sys
from types import SimpleNamespace

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import twin  # noqa: E402


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('runs', nargs='+', help='results folders of detect --debug-columns runs (one per seed)')
    p.add_argument('--shared', default=twin.SHARED, help='the shared folder with tools/ and data/ (default %(default)s)')
    p.add_argument('--gates', default='0,1,2,3,4,5,6,8', help='gates G to choose from, in sigmas')
    p.add_argument('--max-false', type=float, default=0.05, help='false alerts per series-day allowed on the training folds')
    p.add_argument('--probation', type=int, default=288, help='points before a key may alert (the service default)')
    a = p.parse_args()
    sys.path.insert(0, os.path.join(a.shared, 'tools'))
    import nab_score as ns
    spec = SimpleNamespace(half_surprise=math.log(1e4), seasonal_width=2.0, mean_rows=24, range_tolerance=0.05,
                           echo_rows=50, recent_decay=1e-4, recent_tolerance=0.3, min_flag_surprise=0.05)
    windows = ns.load_windows([os.path.join(a.shared, 'data', 'nab', 'labels', 'combined_windows.json')])
    gates = [float(g) for g in a.gates.split(',')]
    tally = {}  # (category, gate) -> [false alerts, windows found, windows, series-days]
    for run in a.runs:
        for rel, f in twin.load(ns, run, windows).items():
            scores = twin.score(f, spec)
            with np.errstate(all='ignore'):
                z = (f['v'] - f['e']) / np.where(f['s'] > 0, f['s'], np.nan)
            days = (f['ts'][-1] - f['ts'][0]).total_seconds() / 86400
            category = rel.split('/')[0]
            for g in gates:
                outside, found = twin.alerts(scores, f['windows'], a.probation, z=z, gate=g)
                t = tally.setdefault((category, g), [0, 0, 0, 0.0])
                t[0] += outside
                t[1] += len(found)
                t[2] += len(f['windows'])
                t[3] += days
    categories = sorted({c for c, _ in tally})

    def pooled(cats, g):
        t = [sum(tally[(c, g)][k] for c in cats) for k in range(4)]
        return t[1], t[2], t[0] / t[3]

    for g in gates:
        found, n, false = pooled(categories, g)
        print(f'gate {g:g}: {found}/{n} windows, {false:.3f} false per series-day;  '
              + '  '.join(f'{c} {tally[(c, g)][1]}/{tally[(c, g)][2]} {tally[(c, g)][0] / tally[(c, g)][3]:.3f}'
                          for c in categories))
    total = [0, 0, 0, 0.0]
    for held in categories:
        train = [c for c in categories if c != held]
        allowed = [g for g in gates if pooled(train, g)[2] <= a.max_false] or [max(gates)]
        g = max(allowed, key=lambda x: (pooled(train, x)[0], -x))
        t = tally[(held, g)]
        total = [x + y for x, y in zip(total, t)]
        print(f'held out {held}: gate {g:g} -> {t[1]}/{t[2]} windows, {t[0] / t[3]:.3f} false per series-day')
    print(f'cross-validated: {total[1]}/{total[2]} windows ({100 * total[1] / total[2]:.0f} %), '
          f'{total[0] / total[3]:.3f} false alerts per series-day')


if __name__ == '__main__':
    main()
