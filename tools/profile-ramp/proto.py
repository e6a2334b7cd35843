# numpy prototype of SeasonalProfile: current rule vs first-season ramp correction
import numpy as np, sys, glob
ALPHA, GAMMA, BINS, S = 0.05, 0.15, 144, 86400

class Prof:
    def __init__(s, fix):
        s.fix = fix; s.idx = np.full(BINS, np.nan); s.level = np.nan; s.count = 0
        s.t0 = None; s.y0 = None; s.ramp = np.zeros(BINS, bool); s.dsum = 0.0; s.dn = 0
    def bin(s, t): return int((t % S) * BINS // S)
    def frac(s, b):  # phase of bin b's first visit after the start, in seasons
        return ((b - s.bin(s.t0)) % BINS) / BINS
    def update(s, t, y):
        b = s.bin(t)
        if s.fix in (3, 4, 7, 8) and s.count > 0 and s.t0 is not None:
            if s.dn == 0 and t >= s.t0 + S:
                s.ls2 = s.level; s.dn = 1; s.c2 = s.count
                if s.fix == 7 and not np.isnan(s.idx[b]): s.level = y - s.idx[b]
            if s.dn == 1 and t >= s.t0 + 2 * S:
                T = s.level - s.ls2
                fr = ((np.arange(BINS) - s.bin(s.t0)) % BINS) / BINS
                s.idx -= T * fr  # NaN stays NaN
                s.level += T; s.dn = 2
        if s.count == 0:
            s.level = y; s.idx[b] = 0; s.t0 = t; s.y0 = y; s.ramp[b] = t < s.t0 + S
        elif np.isnan(s.idx[b]):
            s.idx[b] = y - s.level; s.ramp[b] = t < s.t0 + S
        else:
            if s.fix and s.ramp[b] and t >= s.t0 + S:
                el = (t - s.t0) / S - s.frac(b)
                d = (y - s.y0 - s.idx[b]) / max(el, 1e-9)
                if s.fix == 2: s.dsum += d; s.dn += 1
                elif s.fix == 1: s.dsum += d; s.dn += 1
                T = s.dsum / s.dn
                s.idx[b] -= T * s.frac(b); s.ramp[b] = False
            si = s.idx[b]; lv = s.level
            a = ALPHA
            if s.fix == 8 and s.dn == 1: a = max(ALPHA, 1.0 / (s.count - s.c2 + 1))
            if not (s.fix == 2 and t < s.t0 + S):
                s.level = lv + a * (y - si - lv)
            if not (s.fix == 4 and s.dn == 1):
                s.idx[b] = si + GAMMA * (y - lv - si)
        s.count += 1
    def fc(s, t):
        v = s.idx[s.bin(t)]; return s.level + v if not np.isnan(v) else np.nan

H = 12
def run(arr, fix, start_shift=0):
    ts = arr[:, 0].astype(np.int64); y = arr[:, 2]
    keep = ts >= ts[0] + start_shift
    ts, y = ts[keep], y[keep]
    p = Prof(fix); n = len(ts)
    pos = {t: i for i, t in enumerate(ts)}
    errs = np.full((n, H), np.nan)
    for i in range(n):
        p.update(ts[i], y[i])
        for h in range(1, H + 1):
            j = pos.get(ts[i] + 300 * h)
            if j is not None:
                f = p.fc(ts[j])
                errs[j, h - 1] = abs(y[j] - (f if not np.isnan(f) else y[i]))
    # seasonal naive MAE in-sample for scaling
    sn = [abs(y[i] - y[pos[ts[i] - S]]) for i in range(n) if ts[i] - S in pos]
    scale = np.mean(sn)
    t0 = ts[0]
    day = (ts - t0) // S
    ph = ((ts - t0) % S) / 3600.0
    return errs / scale, day, ph

def main(fix, dirs, shift):
    tot = []; near = []; far = []
    for d in dirs:
        z = np.load(d + '/windows.npz')
        for k in z.files:
            a = z[k]
            if len(a) < 2000: continue
            e, day, ph = run(a, fix, shift)
            m = (day >= 1) & (day <= 6)
            tot.append(np.nanmean(e[day >= 1], axis=0))
            near.append(np.nanmean(e[m & (ph < 1.0), 0])); far.append(np.nanmean(e[m & (ph >= 2) & (ph < 23), 0]))
    tot = np.array(tot)
    print(f"fix={fix} shift={shift}h scaled MAE h1 {tot[:,0].mean():.4f} h6 {tot[:,5].mean():.4f} h12 {tot[:,11].mean():.4f} all {tot.mean():.4f} | h1 days2-7 first hour {np.mean(near):.4f} other {np.mean(far):.4f}")

if __name__ == '__main__':
    dirs = sorted(glob.glob('/tmp/bcorp/scn[1-8]'))
    shift = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    main(int(sys.argv[1]), dirs, shift * 3600)
