# replay.py SCENARIO_DIR SIM_DIR...: how much of the network's correction each key should keep, replayed in numpy.
# A served run's forecasts (SIM_DIR/forecasts.jsonl from `scenario simulate`) are split into the profile with the
# carried error (tools/error-carry's numpy profile, MODE=arma) and the rest, r, the network's correction; each key
# then publishes profile + w r, w in [0, 1] learnt online from its own errors. Prints mean scaled MAE at h = 1 / 12 /
# all (MAE over the series' in-sample seasonal-naive MAE, days 1-14) of the served forecasts, of the profile with
# the carry alone (w = 0) and of the weighed ones.
#   VAR=h1   RATE=...  one weight, a normalised LMS step on the h = 1 error (what Stepper does)
#   VAR=hH   RATE=...  one weight, the same step on the h = 12 error
#   VAR=each RATE=...  a weight per step, the running regression of each step's error on its correction
# Inputs: SCENARIO_DIR/windows.npz from tools/profile-ramp/windows.py. BINS=288 for a 288-bin model's runs.
import json, os, sys
from datetime import datetime
import numpy as np
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'error-carry'))
import replay as carry  # noqa: E402  (the profile and carry of tools/error-carry)

VAR, RATE, H, S, STEP = os.environ.get('VAR', 'h1'), float(os.environ.get('RATE', 0.01)), carry.H, carry.S, carry.STEP


def epoch(s):
    return int(datetime.fromisoformat(s.replace('Z', '+00:00')).timestamp())


def profile_with_carry(arr):
    """{(origin, h): the profile's forecast plus the carried error} over one series' windows."""
    ts = arr[:, 0].astype(np.int64); y = arr[:, 2]
    p = carry.Profile(); out = {}; prev = np.nan; C = V = c = 0.0
    for i in range(len(ts)):
        f0 = p.forecast(ts[i]) if p.count else np.nan
        r = y[i] - f0 if not np.isnan(f0) else np.nan
        if not np.isnan(r) and not np.isnan(prev):
            V += carry.LAM * (r * r - V); C += carry.LAM * (r * prev - C)
            c = min(max(C / V, 0.0), carry.PMAX) if V > 0 else 0.0
        prev = r
        p.update(ts[i], y[i])
        for h in range(1, H + 1):
            f = p.forecast(ts[i] + STEP * h)
            out[(ts[i], h)] = y[i] if np.isnan(f) else f + (carry.share(c, h) * r if not np.isnan(r) else 0.0)
    return out


def replay(arr, served):
    ts = arr[:, 0].astype(np.int64); y = dict(zip(ts, arr[:, 2])); base = profile_with_carry(arr)
    scale = np.mean([abs(y[t] - y[t - S]) for t in ts if t - S in y])
    A = np.zeros(H); B = np.zeros(H); w = 1.0; judged = 0
    E = np.zeros((3, H)); N = np.zeros(H)
    judge = 1 if VAR == 'h1' else H
    for t in ts:
        for h in range(1, H + 1):
            t0 = t - STEP * h; m = served.get(t0)
            if m is None or (t0, h) not in base:
                continue
            p = base[(t0, h)]; r = m[h - 1] - p
            wh = (min(max(A[h - 1] / B[h - 1], 0.0), 1.0) if B[h - 1] > 0 else 1.0) if VAR == 'each' else w
            if t - ts[0] >= S:
                E[0, h - 1] += abs(y[t] - m[h - 1]); E[1, h - 1] += abs(y[t] - p); E[2, h - 1] += abs(y[t] - p - wh * r); N[h - 1] += 1
            A[h - 1] += RATE * ((y[t] - p) * r - A[h - 1]); B[h - 1] += RATE * (r * r - B[h - 1])
            if VAR != 'each' and h == judge:
                if judged == 0:
                    B[h - 1] = r * r  # the mean square starts at the first correction, as in Stepper
                judged += 1
                if B[h - 1] > 0:
                    w = min(max(w + RATE * (y[t] - p - w * r) * r / B[h - 1], 0.0), 1.0)
    return E / N / scale


scn = sys.argv[1]
z = np.load(scn + '/windows.npz')
for sim in sys.argv[2:]:
    served = {}
    for line in open(sim + '/forecasts.jsonl'):
        f = json.loads(line)
        if not f.get('cold'):
            served.setdefault(f['series'], {})[epoch(f['observedTs'])] = [s['mean'] for s in f['steps']]
    R = np.mean([replay(z[k], served.get(k, {})) for k in z.files if len(z[k]) >= 2000], axis=0)
    print(os.path.basename(scn), sim, VAR, RATE, ' '.join('%s %.3f/%.3f/%.3f' % (n, R[i, 0], R[i, 11], R[i].mean())
                                                     for i, n in enumerate(['served', 'w=0', 'weighed'])), flush=True)
