#!/usr/bin/env python3
"""NAB's shared files as one `forecast scenario` folder, for `forecast scenario simulate` (the model service's own
per-point step, alert kinds included) and this folder's score.py.

Row i of every file is stamped 2020-01-01 + i x 5 minutes (rows back to back, whatever the file's own step, so an
hourly file is not a series with 11 missing points in 12), and NAB's windows are mapped to the rows they cover.
Writes DIR/events.jsonl, DIR/labels.json and DIR/meta.json (per series: category, rows, the file's real span in days,
which score.py uses for false alerts per series-day, as NAB's own time does).

    python3 tools/nab-service-alerts/make_scenario.py --out /tmp/nabscn [--shared ../shared]
"""
import argparse, csv, datetime as dt, json, os

ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
ap.add_argument('--out', required=True)
ap.add_argument('--shared', default=os.path.join(os.path.dirname(__file__), '..', '..', '..', 'shared'))
args = ap.parse_args()
root = os.path.join(args.shared, 'data', 'nab')
windows = json.load(open(os.path.join(root, 'labels', 'combined_windows.json')))
base = dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc)
stamp = lambda i: (base + dt.timedelta(minutes=5 * i)).strftime('%Y-%m-%dT%H:%M:%SZ')
parse = lambda s: dt.datetime.fromisoformat(s.replace(' ', 'T')[:19])
os.makedirs(args.out, exist_ok=True)
labels, meta = [], {}
with open(os.path.join(args.out, 'events.jsonl'), 'w') as events:
    for f, wins in sorted(windows.items()):
        category = f.split('/')[0]
        name = category + '.' + os.path.basename(f)[:-4]
        rows = list(csv.DictReader(open(os.path.join(root, 'data', f))))
        ts = [parse(r['timestamp']) for r in rows]
        for i, r in enumerate(rows):
            # one second into the window: ingest's 5-minute windows hold [start, end)
            events.write(json.dumps({'series': name, 'ts': stamp(i)[:-3] + '01Z', 'value': float(r['value'])}) + '\n')
        for a, b in wins:
            first = next(i for i, t in enumerate(ts) if t >= parse(a))
            last = max(i for i, t in enumerate(ts) if t <= parse(b))
            labels.append({'series': name, 'kind': 'nab', 'start': stamp(first), 'end': stamp(last + 1)})
        meta[name] = {'category': category, 'rows': len(rows), 'days': (ts[-1] - ts[0]).total_seconds() / 86400}
json.dump(labels, open(os.path.join(args.out, 'labels.json'), 'w'), indent=0)
json.dump(meta, open(os.path.join(args.out, 'meta.json'), 'w'), indent=0)
print(f'{len(meta)} series, {len(labels)} windows -> {args.out}')
