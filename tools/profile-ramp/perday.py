# perday.py FIX: the profile's h = 1 scaled MAE per day after the start
import numpy as np, glob, sys, json
from proto import *
fix = int(sys.argv[1])
acc = {}
for d in sorted(glob.glob('/tmp/bcorp/scn[1-8]')):
    z = np.load(d + '/windows.npz')
    for k in z.files:
        a = z[k]
        if len(a) < 2000: continue
        e, day, ph = run(a, fix)
        for dd in range(1, 14):
            acc.setdefault(dd, []).append(np.nanmean(e[day == dd, 0]))
print(fix, ' '.join(f"{np.nanmean(acc[dd]):.3f}" for dd in range(1, 14)))
