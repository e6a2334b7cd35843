# windows.py DIR -> DIR/windows.npz: per series arrays of window start (s), count, mean, min, max (5-min windows)
import json, sys, numpy as np
from datetime import datetime
d = sys.argv[1]; W = 300
acc = {}
for line in open(d + '/events.jsonl'):
    try:
        e = json.loads(line); v = float(e['value']); s = e['series']
        t = datetime.fromisoformat(e['ts'].replace('Z', '+00:00')).timestamp()
    except Exception:
        continue
    if not np.isfinite(v) or not isinstance(s, str):
        continue
    w = int(t // W)
    a = acc.setdefault(s, {}).get(w)
    if a is None:
        acc[s][w] = [1, v, v, v]
    else:
        a[0] += 1; a[1] += v; a[2] = min(a[2], v); a[3] = max(a[3], v)
out = {}
for s, ws in acc.items():
    keys = sorted(ws)
    arr = np.array([[k * W, ws[k][0], ws[k][1] / ws[k][0], ws[k][2], ws[k][3]] for k in keys])
    out[s] = arr
np.savez(d + '/windows.npz', **out)
print(d, len(out), 'series')
