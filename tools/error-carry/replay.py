# replay.py DIR...: the seasonal profile alone (numpy transcription of SeasonalProfile: 144 daily bins (BINS=288: one per step), first season's
# ramp taken out, step-centred triangular read, no half floats) over generated scenarios' 5-minute window means, with
# a share of its last one-step error carried into each forecast step; mean scaled MAE at h = 1 / 12 / all, days 2-14.
#   MODE=none          no carry
#   MODE=ar   LAM=...  AR(1): c^k of the last error, c the running lag-1 correlation (rate LAM, within [0, PMAX])
#   MODE=arma RHO=...  c * RHO^(k-1) of it (what Stepper does, RHO = 0.99 per 5 minutes)
#   MODE=fixed PHI=... PHI^k, the same for every key
# Inputs: DIR/windows.npz from tools/profile-ramp/windows.py.
import os, sys, numpy as np
ALPHA, GAMMA, S, STEP, HALF_WIDTH, H = 0.05, 0.15, 86400, 300, 2400.0, 12
BINS = int(os.environ.get('BINS', 144))  # daily bins; 288 = one per 5-minute step
MODE = os.environ.get('MODE', 'arma'); LAM = float(os.environ.get('LAM', 0.01)); PMAX = float(os.environ.get('PMAX', 0.98))
RHO = float(os.environ.get('RHO', 0.99)); PHI = float(os.environ.get('PHI', 0.9))

class Profile:
    def __init__(s):
        s.idx = np.full(BINS, np.nan); s.level = np.nan; s.count = 0; s.t0 = None; s.phase = 0
    def bin(s, t): return int((t % S) * BINS // S)
    def update(s, t, y):
        b = s.bin(t)
        if s.count > 0:
            if s.phase == 0 and t >= s.t0 + S:
                s.level2 = s.level; s.phase = 1; s.count2 = s.count
            if s.phase == 1 and t >= s.t0 + 2 * S:  # the second season's level move taken out of the first's indices
                step = s.level - s.level2
                s.idx -= step * (((np.arange(BINS) - s.bin(s.t0)) % BINS) / BINS); s.level += step; s.phase = 2
        if s.count == 0:
            s.level = y; s.idx[b] = 0; s.t0 = t
        elif np.isnan(s.idx[b]):
            s.idx[b] = y - s.level
        else:
            si, lv = s.idx[b], s.level
            a = max(ALPHA, 1.0 / (s.count - s.count2 + 1)) if s.phase == 1 else ALPHA
            s.level = lv + a * (y - si - lv); s.idx[b] = si + GAMMA * (y - lv - si)
        s.count += 1
    def forecast(s, t):
        b = s.bin(t)
        if np.isnan(s.idx[b]): return np.nan
        at = (t % S) + STEP / 2; bw = S / BINS; reach = int(np.ceil(HALF_WIDTH / bw)); sw = ww = 0.0
        for k in range(-reach, reach + 1):
            j = (b + k) % BINS; w = 1 - abs(at - (b + k + 0.5) * bw) / HALF_WIDTH
            if w > 0 and not np.isnan(s.idx[j]): sw += w * s.idx[j]; ww += w
        return s.level + sw / ww

def share(c, h):
    return {'none': 0.0, 'ar': c ** h, 'arma': c * RHO ** (h - 1), 'fixed': PHI ** h}[MODE]

def run(arr):
    ts = arr[:, 0].astype(np.int64); y = arr[:, 2]; n = len(ts); pos = {t: i for i, t in enumerate(ts)}
    p = Profile(); errs = np.full((n, H), np.nan); prev = np.nan; C = V = c = 0.0
    for i in range(n):
        f0 = p.forecast(ts[i]) if p.count else np.nan
        r = y[i] - f0 if not np.isnan(f0) else np.nan
        if not np.isnan(r) and not np.isnan(prev):  # moments over pairs of successive errors
            V += LAM * (r * r - V); C += LAM * (r * prev - C)
            c = min(max(C / V, 0.0), PMAX) if V > 0 else 0.0
        prev = r
        p.update(ts[i], y[i])
        for h in range(1, H + 1):
            j = pos.get(ts[i] + STEP * h)
            if j is not None:
                f = p.forecast(ts[j])
                f = y[i] if np.isnan(f) else f + (share(c, h) * r if not np.isnan(r) else 0.0)
                errs[j, h - 1] = abs(y[j] - f)
    seasonal = [abs(y[i] - y[pos[ts[i] - S]]) for i in range(n) if ts[i] - S in pos]
    day = (ts - ts[0]) // S
    return np.nanmean(errs[day >= 1], axis=0) / np.mean(seasonal)

if __name__ == '__main__':  # tools/correction-weight imports the profile
  out = []
  for d in sys.argv[1:]:
      z = np.load(d + '/windows.npz')
      m = np.array([run(z[k]) for k in z.files if len(z[k]) >= 2000]).mean(axis=0)
      out.append(f"{os.path.basename(d)} {m[0]:.3f}/{m[11]:.3f}/{m.mean():.3f}")
  print(MODE, ' '.join(out), flush=True)
