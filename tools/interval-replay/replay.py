"""Replays the per-key interval calibration offline over forecasts written with it switched off (issue 15;
docs/evaluation.md, "a fine bin read with its neighbours": the calibration at both ends, replayed offline).

The forecasts come from `scenario simulate` run by a Stepper whose CALIBRATION_RATE and CALIBRATION_WARM_RATE are 0
(a patched class ahead of the CLI jar), so each interval is the model's own, shape included. Per key, in time order:
when the point at window j arrives, the intervals issued for j are judged (coverage counted after the scorer's
864-window fitting prefix), and the h = 1 interval's hit or miss moves the near log-scale as Stepper.calibrate does
(adaptive conformal inference: + rate * (miss - 0.05), bounded by +-1.79; rate WARM_RATE for the first WARM points,
then 0.01). Mode `near` scales every horizon by the near log-scale (today's Stepper); `both` keeps a second
log-scale moved by the h = H misses and scales horizon k by the log-scale linear in k between the two.

usage: replay.py SCENARIO_DIR FORECASTS_JSONL near|both [SKIP [WARM_POINTS [WARM_RATE [FAR_SKIP [FAR_RATE]]]]]
SKIP: points before the near end moves; FAR_SKIP: points before the far end moves, and FAR_RATE its rate after
them (default: the near end's rates).
"""
import json, math, os, sys
import numpy as np
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'hw-combination'))
import combine as C

d, src, mode = sys.argv[1], sys.argv[2], sys.argv[3]
SKIP = int(sys.argv[4]) if len(sys.argv) > 4 else 0
WARM = int(sys.argv[5]) if len(sys.argv) > 5 else 288
WARM_RATE = float(sys.argv[6]) if len(sys.argv) > 6 else 0.05
FAR_SKIP = int(sys.argv[7]) if len(sys.argv) > 7 else 0
FAR_RATE = float(sys.argv[8]) if len(sys.argv) > 8 else 0
RATE, MAX_LOG, MISS, H = 0.01, 1.79, 0.05, 12

t0, Y = C.means(d)
per_key = {}
for line in open(src):
    f = json.loads(line)
    if not f.get('cold') and f['series'] in Y:
        per_key.setdefault(f['series'], []).append(f)
hits, n = np.zeros(H), np.zeros(H)
for key, forecasts in per_key.items():
    y = Y[key]
    forecasts.sort(key=lambda f: C.ms(f['observedTs']))
    near = far = 0.0
    count = 0
    issued = {}   # target window -> [(k, mean, model half-width, scale used)]; at k = H the scale is exp(far)
    bound = lambda v: max(-MAX_LOG, min(MAX_LOG, v))
    for f in forecasts:
        j = (C.ms(f['observedTs']) - t0) // C.STEP
        if 0 <= j < len(y) and not np.isnan(y[j]):
            count += 1
            rate = 0 if count <= SKIP else (WARM_RATE if count < SKIP + WARM else RATE)
            for k, mean, half, scale in issued.pop(j, []):
                inside = abs(y[j] - mean) <= half * scale
                if j >= C.FIT:
                    hits[k - 1] += inside
                    n[k - 1] += 1
                if k == 1:
                    near = bound(near + rate * ((0 if inside else 1) - MISS))
                if k == H and mode == 'both':
                    far_rate = 0 if count <= FAR_SKIP else (FAR_RATE or rate)
                    far = bound(far + far_rate * ((0 if inside else 1) - MISS))
        else:
            issued.pop(j, None)
        for st in f['steps']:
            k = (C.ms(st['ts']) - C.ms(f['observedTs'])) // C.STEP
            if 1 <= k <= H:
                log_scale = near + (k - 1) / (H - 1) * (far - near) if mode == 'both' else near
                issued.setdefault(j + k, []).append((k, st['mean'], (st['upper'] - st['lower']) / 2, math.exp(log_scale)))
print(mode, os.path.basename(d.rstrip('/')), 'coverage h=1..%d:' % H, ' '.join('%.1f' % (100 * hits[k] / n[k]) for k in range(H)))
