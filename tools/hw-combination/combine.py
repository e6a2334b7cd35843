"""A model's forecasts averaged with per-series Holt-Winters, offline (issue 15; docs/evaluation.md, "Forecast
combination with Holt-Winters"). Holt-Winters is core HoltWinters re-implemented: two-season initial state, the
16-point grid fitted on the scorer's 864-window prefix; with weight 0 'scenario score' rates it exactly 1.000 x its
own Holt-Winters column, which checks the copy.

usage: combine.py SCENARIO_DIR FORECASTS_JSONL OUT_JSONL MODEL_WEIGHT [ALPHA,BETA,GAMMA]
then:  forecast scenario score --dir SCENARIO_DIR --forecasts OUT_JSONL
A fixed ALPHA,BETA,GAMMA replaces the per-series grid fit. Intervals are shifted with the mean, not re-fitted.
"""
import json, sys, math, datetime as dt
import numpy as np
STEP=300_000; SEASON=288; FIT=864
GRID=[(a,b,g) for a in (0.05,0.2,0.5,0.9) for b in (0,0.01) for g in (0.05,0.25)]
def ms(s): return int(dt.datetime.fromisoformat(s.replace('Z','+00:00')).timestamp()*1000)
def iso(m): return dt.datetime.fromtimestamp(m/1000, dt.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')
def means(d):
    sums={}; t0=None; t1=None
    for line in open(d+'/events.jsonl'):
        try:
            e=json.loads(line); v=float(e['value']); t=ms(e['ts']); s=e['series']
        except Exception: continue
        if not math.isfinite(v) or not isinstance(s,str) or not s: continue
        w=t-t%STEP; a=sums.setdefault(s,{}); c=a.setdefault(w,[0.0,0]); c[0]+=v; c[1]+=1
        t0=w if t0 is None else min(t0,w); t1=w if t1 is None else max(t1,w)
    n=(t1-t0)//STEP+1; out={}
    for s,a in sums.items():
        y=np.full(n,np.nan)
        for w,(sm,c) in a.items(): y[(w-t0)//STEP]=sm/c
        out[s]=y
    return t0,out
def init(y):
    m=SEASON; ok=~np.isnan(y[:m])&~np.isnan(y[m:2*m]); slope=np.mean((y[m:2*m][ok]-y[:m][ok])/m)
    seas=np.zeros(m); cnt=np.zeros(m)
    for t in range(2*m):
        if not np.isnan(y[t]): seas[t%m]+=y[t]-slope*t; cnt[t%m]+=1
    obs=cnt>0; seas[obs]/=cnt[obs]; icpt=seas[obs].mean(); seas=np.where(obs,seas-icpt,0.0)
    return [icpt+slope*(2*m-1), slope, seas]
def observe(st,t,y,p):
    a,b,g=p; l,tr,s=st; ph=t%SEASON; ps=s[ph]; v=l+tr+ps if np.isnan(y) else y
    nl=a*(v-ps)+(1-a)*(l+tr); ntr=b*(nl-l)+(1-b)*tr; s[ph]=g*(v-l-tr)+(1-g)*ps; st[0]=nl; st[1]=ntr
def fit(y):
    best=None; be=float('inf')
    for p in GRID:
        st=init(y); st[2]=st[2].copy(); err=0; n=0
        for t in range(2*SEASON, FIT):
            if not np.isnan(y[t]): err+=abs(y[t]-(st[0]+st[1]+st[2][t%SEASON])); n+=1
            observe(st,t,y[t],p)
        e=err/n if n else float('nan')
        if e<be: be=e; best=p
    return best or GRID[0]
def walk(y,p,H=12):
    n=len(y); out=np.full((n,H),np.nan); st=init(y)
    for t in range(2*SEASON-1,n):
        if t>=2*SEASON: observe(st,t,y[t],p)
        for h in range(1,H+1): out[t,h-1]=st[0]+h*st[1]+st[2][(t+h)%SEASON]
    return out
if __name__=='__main__':
    d,src,out,w=sys.argv[1],sys.argv[2],sys.argv[3],float(sys.argv[4])
    fixed=tuple(map(float,sys.argv[5].split(','))) if len(sys.argv)>5 else None
    t0,Y=means(d); HW={}
    for s,y in Y.items():
        p=fixed or fit(y); HW[s]=walk(y,p)
    with open(out,'w') as o:
        for line in open(src):
            f=json.loads(line)
            if not f.get('cold') and f['series'] in HW:
                org=(ms(f['observedTs'])-t0)//STEP; hw=HW[f['series']]
                for i,st in enumerate(f['steps']):
                    h=(ms(st['ts'])-ms(f['observedTs']))//STEP
                    if 0<=org<len(hw) and 1<=h<=12 and not np.isnan(hw[org,h-1]):
                        c=w*st['mean']+(1-w)*hw[org,h-1]; dl=c-st['mean']
                        st['mean']=c; st['lower']+=dl; st['upper']+=dl
            o.write(json.dumps(f)+'\n')
