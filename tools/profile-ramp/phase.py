# phase.py FIX: one-step error in the hour after the start phase minus the rest of the day, in noise scales, days 2-6
import numpy as np, glob, sys
from proto import *
def signed(arr, fix):
    ts = arr[:, 0].astype(np.int64); y = arr[:, 2]
    p = Prof(fix); out = []
    pos = {t: i for i, t in enumerate(ts)}
    for i in range(len(ts)):
        if i > 0:
            f = p.fc(ts[i])
            out.append((ts[i]-ts[0], y[i]-f if not np.isnan(f) else np.nan))
        p.update(ts[i], y[i])
    return np.array(out)
fix = int(sys.argv[1])
rows = []
for d in sorted(glob.glob('/tmp/bcorp/scn[1-8]')):
    z = np.load(d + '/windows.npz')
    for k in z.files:
        a = z[k]
        if len(a) < 2000: continue
        prof = __import__('json').load(open(d+'/scenario.json'))['seriesProfiles']
        pr = [q for q in prof if q['id']==k][0]
        r = signed(a, fix)
        day = r[:,0]//S; hr = (r[:,0]%S)//3600
        noise = pr['noiseScale']; T = pr['trendPerDay']
        for dd in (1,2,3,5):
            m = day==dd
            # step: mean residual hour 0-1 minus mean residual hour 22-23 of previous day? use hour0 vs hours 2-22
            h0 = np.nanmean(r[m & (hr<1),1]); oth = np.nanmean(r[m & (hr>=2)&(hr<22),1])
            rows.append((dd, T/noise, (h0-oth)/noise))
rows=np.array(rows)
for dd in (1,2,3,5):
    m=rows[:,0]==dd
    c=np.corrcoef(rows[m,1],rows[m,2])[0,1]
    print(f"fix={fix} day{dd+1}: hour0 minus rest, in noise scales: mean|.| {np.mean(np.abs(rows[m,2])):.2f}  corr with T/noise {c:.2f}  slope {np.polyfit(rows[m,1],rows[m,2],1)[0]:.2f}")
