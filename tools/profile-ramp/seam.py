#!/usr/bin/env python3
"""The first season's ramp sized by the level's move over the second season (MODE 0, before issue 15's twenty-first
session) or by the jump between lines through the K indices on each side of the start phase (MODE 1, SeasonalProfile
now): the profile alone (float64, 144 bins, the triangle reading within 40 minutes), scaled MAE at h = 1 / 6 / 12 from
day 2 on, and at h = 1 in the three hours after the start phase against the rest of the day.

    python3 tools/profile-ramp/windows.py /tmp/ev/scn1111          # each scenario folder once
    python3 tools/profile-ramp/seam.py MODE K /tmp/ev/scn1111 /tmp/ev/scn5 ...
"""
import sys
import numpy as np

ALPHA, GAMMA, BINS, S = 0.05, 0.15, 144, 86400


class Profile:
    def __init__(self, mode, k):
        self.idx = np.full(BINS, np.nan); self.level = np.nan; self.count = 0; self.t0 = None
        self.level2 = np.nan; self.n2 = 0; self.season = 0; self.mode = mode; self.k = k

    def bin(self, t):
        return int((t % S) * BINS // S)

    def seam(self, start_bin):
        """Left line read at the seam minus right line read there; NaN with fewer than half of either side visited."""
        k = self.k; x = np.arange(k)
        sides = []
        for first in (start_bin - k, start_bin):
            y = np.array([self.idx[(first + i) % BINS] for i in range(k)]); ok = np.isfinite(y)
            if ok.sum() < max(2, k / 2):
                return np.nan
            sides.append(np.polyfit(x[ok], y[ok], 1))
        return np.polyval(sides[0], k - 0.5) - np.polyval(sides[1], -0.5)

    def update(self, t, y):
        if self.t0 is not None and self.season < 2:
            if self.season == 0 and t >= self.t0 + S:
                self.level2 = self.level; self.n2 = 0; self.season = 1
            if self.season == 1 and t >= self.t0 + 2 * S:
                start_bin = self.bin(self.t0)
                step = self.seam(start_bin) if self.mode == 1 else np.nan
                if np.isnan(step):
                    step = self.level - self.level2
                self.idx -= step * (((np.arange(BINS) - start_bin) % BINS) / BINS)
                self.level += step; self.season = 2
        b = self.bin(t)
        if self.count == 0:
            self.level = y; self.idx[b] = 0; self.t0 = t
        elif np.isnan(self.idx[b]):
            self.idx[b] = y - self.level
        else:
            s, lv = self.idx[b], self.level
            a = max(ALPHA, 1 / (self.n2 + 1)) if self.season == 1 else ALPHA
            self.level = lv + a * (y - s - lv); self.idx[b] = s + GAMMA * (y - lv - s)
        if self.season == 1:
            self.n2 += 1
        self.count += 1

    def forecast(self, t, half_width_minutes=40):
        b = self.bin(t)
        if np.isnan(self.idx[b]):
            return np.nan
        bin_s = S / BINS; at = (t % S) + 150; reach = int(np.ceil(half_width_minutes * 60 / bin_s)); sw = ww = 0.0
        for j in range(-reach, reach + 1):
            w = 1 - abs(at - (b + j + 0.5) * bin_s) / (half_width_minutes * 60); v = self.idx[(b + j) % BINS]
            if w > 0 and not np.isnan(v):
                sw += w * v; ww += w
        return self.level + sw / ww


def series_errors(a, mode, k):
    ts = a[:, 0].astype(np.int64); y = a[:, 2]; p = Profile(mode, k); pos = {t: i for i, t in enumerate(ts)}
    err = np.full((len(ts), 12), np.nan)
    for i in range(len(ts)):
        p.update(ts[i], y[i])
        for h in (1, 6, 12):
            j = pos.get(ts[i] + 300 * h)
            if j is not None:
                f = p.forecast(ts[j]); err[j, h - 1] = abs(y[j] - (f if np.isfinite(f) else y[i]))
    scale = np.mean([abs(y[i] - y[pos[ts[i] - S]]) for i in range(len(ts)) if ts[i] - S in pos])
    day = (ts - ts[0]) // S; hour = ((ts - ts[0]) % S) // 3600; m = day >= 2
    return ([np.nanmean(err[m, h - 1]) / scale for h in (1, 6, 12)],
            np.nanmean(err[m & (hour < 3), 0]) / scale, np.nanmean(err[m & (hour >= 3), 0]) / scale)


if __name__ == '__main__':
    if len(sys.argv) < 4:
        sys.exit('usage: seam.py MODE K SCENARIO_DIR...')
    mode, k = int(sys.argv[1]), int(sys.argv[2])
    for d in sys.argv[3:]:
        z = np.load(d + '/windows.npz')
        rows = [series_errors(z[s], mode, k) for s in z.files if len(z[s]) >= 1000]
        e = np.array([r[0] for r in rows])
        print(f"mode {mode} K {k} {d}: h1 {e[:, 0].mean():.4f} h6 {e[:, 1].mean():.4f} h12 {e[:, 2].mean():.4f}  "
              f"h1 hours 0-2 after the start phase {np.mean([r[1] for r in rows]):.4f}, rest {np.mean([r[2] for r in rows]):.4f}")
