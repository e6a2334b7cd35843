#!/usr/bin/env python3
"""Scores `forecast scenario simulate` runs of make_scenario.py's folder as alerts: a NAB window is found when an
alert opens inside it, an alert opened outside every window of its series is false, counted per series-day of the
files' real spans; per category and in all. `silent` alerts are left out (the rows are back to back, so only the end
of a shorter file makes a series silent).

    python3 tools/nab-service-alerts/score.py --scenario /tmp/nabscn /tmp/nabsim-a [/tmp/nabsim-b ...]
"""
import argparse, collections, datetime as dt, json, os

ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
ap.add_argument('--scenario', required=True)
ap.add_argument('runs', nargs='+', help='folders written by scenario simulate --out')
args = ap.parse_args()
parse = lambda s: dt.datetime.fromisoformat(s.replace('Z', '+00:00'))
meta = json.load(open(os.path.join(args.scenario, 'meta.json')))
windows = collections.defaultdict(list)
for l in json.load(open(os.path.join(args.scenario, 'labels.json'))):
    windows[l['series']].append((parse(l['start']), parse(l['end'])))
for run in args.runs:
    opens = collections.defaultdict(list)
    for line in open(os.path.join(run, 'anomalies.jsonl')):
        a = json.loads(line)
        if a['state'] == 'OPEN' and a.get('reason') != 'silent':
            opens[a['series']].append((parse(a['ts']), a.get('reason')))
    per = collections.defaultdict(lambda: [0, 0, 0, 0.0])  # found, windows, false, series-days
    reasons = collections.Counter()
    for series, m in meta.items():
        c = per[m['category']]
        c[3] += m['days']
        for a, b in windows[series]:
            c[1] += 1
            c[0] += any(a <= t <= b for t, _ in opens[series])
        for t, reason in opens[series]:
            if not any(a <= t <= b for a, b in windows[series]):
                c[2] += 1
                reasons[reason] += 1
    total = [sum(c[i] for c in per.values()) for i in range(4)]
    print(f'{run}: {total[0]} of {total[1]} windows, {total[2]} false alerts, {total[2] / total[3]:.3f} per series-day')
    for category, c in sorted(per.items()):
        print(f'    {category:22s} {c[0]:3d} of {c[1]:3d}  {c[2]:4d} false  {c[2] / c[3]:.3f} per series-day')
    print('    false alerts by reason:', dict(reasons.most_common()))
