#!/usr/bin/env python3
"""Leave-one-category-out cross-validation of the anomaly score's settings and NAB threshold.

For each of the five NAB categories in ../shared/data/nab (the fold): choose, on the other four categories, the
setting from a grid over NoveltyScore's and detect's scoring settings AND the NAB threshold that together maximise
the standard score, then score the held-out category with that setting and that threshold unchanged. The setting
is chosen on the standard profile (the code has one default); the low-FP / low-FN figures keep it and choose only
their own threshold on the four categories, as NAB optimises a threshold per profile.

Seeds: the predictions of several `detect --debug-columns` runs (one per training seed) are pooled: the training
score of a setting and threshold is the sum of the raw NAB scores of every seed's run (the threshold and setting
are shared across seeds), and a held-out raw score is the mean over the seeds' runs.

Aggregation: the CV raw score is the sum over the five folds of the held-out categories' raw scores (each at its
own fold's setting and threshold); it is normalised like one NAB score over all 44 files,
100 (raw - null) / (perfect - null) with NAB's null (the constant detector, threshold optimised) and perfect
(tpWeight x windows) over all 44 files. For every profile the null detector flags nothing (no window is worth
its false positives), so null = -fnWeight x windows, the sum of the five categories' nulls: the CV figure is the
figure NAB would give a detector whose rows carry the held-out scores. Per fold the held-out score is normalised
with that category's own null and perfect (artificialNoAnomaly has no window: only its raw score, <= 0, is shown).

Everything NAB is nab_score.py's (prepare_file, sweep, score_at, load_windows, PROFILES), and every score is
twin.py's re-implementation of the Java (the score of one file under one setting). For speed, each category's
threshold curve is swept once per seed (nab_score.sweep over the rows scoring >= --cutoff, exact for every
threshold >= the cutoff) and the curves of several categories are summed as step functions; --check compares
that with nab_score.sweep over the full pooled rows.

    python3 tools/nab-twin/cv.py /tmp/nabcv/dbg42 /tmp/nabcv/dbg7 /tmp/nabcv/dbg1              # grid + nested CV
    python3 tools/nab-twin/cv.py RUNS... --only default,half1e4                                     # named settings only
    python3 tools/nab-twin/cv.py RUNS... --check                                                # exactness checks
"""
import argparse
import itertools
import json
import math
import os
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import twin  # noqa: E402

def find_shared():
    """The shared folder (tools/nab_score.py, data/nab): twin.py's default, else the nearest ancestor's shared/ (a git
    worktree may sit deeper than the main checkout)."""
    d = HERE
    while True:
        if os.path.isfile(os.path.join(d, 'shared', 'tools', 'nab_score.py')):
            return os.path.join(d, 'shared')
        if os.path.dirname(d) == d:
            return twin.SHARED
        d = os.path.dirname(d)


CATEGORIES = ['artificialNoAnomaly', 'artificialWithAnomaly', 'realAWSCloudwatch', 'realAdExchange', 'realTweets']
PROFILE_NAMES = {'standard': 'standard', 'reward_low_FP_rate': 'lowFP', 'reward_low_FN_rate': 'lowFN'}

# The settings. scorer novelty: NoveltyScore (twin.score); value/mean/sdiff switch the three range signals (the value,
# its mean_rows mean, the mean_rows mean difference to one season before), recent_decay 0 switches off the recent
# range, min_flag_surprise 0 the minimum flag surprise, echo_rows 0 the echo, seasonal_width 0 the seasonal reference.
# scorer tail: TailScore with detect's --suppress (the tail score alone).
OLD = dict(scorer='novelty', half_surprise=math.log(1e4), seasonal_width=2.0, value=True, mean=True, sdiff=True,
           mean_rows=24, range_tolerance=0.05, echo_rows=50, recent_decay=1e-4, recent_tolerance=0.3,
           min_flag_surprise=0.05, suppress=0)
NAMED = {
    'default': OLD,  # the defaults before this CV (2026-12-05)
    'rules-off': dict(OLD, recent_decay=0.0, min_flag_surprise=0.0),
    'half1e4': dict(OLD, half_surprise=1e4),
    'tail': dict(OLD, scorer='tail', suppress=0),
    'tail-suppress300': dict(OLD, scorer='tail', suppress=300),
}


def canonical(s):
    """The setting with every parameter that has no effect under it reset, so equivalent settings compare equal."""
    s = dict(s)
    if s['scorer'] == 'tail':
        for k in ('value', 'mean', 'sdiff'):
            s[k] = False
        s.update(mean_rows=0, range_tolerance=0, echo_rows=0, recent_decay=0, recent_tolerance=0, min_flag_surprise=0)
        return s
    s['suppress'] = 0
    if not (s['mean'] or s['sdiff']):
        s['mean_rows'] = 0
    if not (s['value'] or s['mean'] or s['sdiff']):
        s['range_tolerance'] = 0
    if s['recent_decay'] == 0:
        s['recent_tolerance'] = 0
    if not (s['value'] or s['mean'] or s['sdiff'] or s['recent_decay']):
        s.update(echo_rows=0, min_flag_surprise=0)
    return s


def key(s):
    return tuple(sorted(canonical(s).items()))


def describe(s):
    """The setting as its differences from the old defaults."""
    c, d = canonical(s), canonical(OLD)
    if c == d:
        return 'old defaults'
    if c['scorer'] == 'tail':
        return f"tail scorer, seasonal width {c['seasonal_width']:g}, suppress {c['suppress']}"
    parts = []
    for k in ('value', 'mean', 'sdiff'):
        if c[k] != d[k]:
            parts.append(f"{k} {'on' if c[k] else 'off'}")
    if c['recent_decay'] == 0:
        parts.append('recent off')
    elif (c['recent_decay'], c['recent_tolerance']) != (d['recent_decay'], d['recent_tolerance']):
        parts.append(f"recent {c['recent_decay']:g}/{c['recent_tolerance']:g}")
    names = dict(seasonal_width='width', mean_rows='mean rows', range_tolerance='tol', echo_rows='echo',
                 min_flag_surprise='mfs', half_surprise='half')
    for k, n in names.items():
        if c[k] != d[k] and not (k == 'mean_rows' and c[k] == 0) and not (k == 'range_tolerance' and c[k] == 0):
            parts.append(f'{n} {c[k]:g}')
    return ', '.join(parts)


def grid():
    """The settings the CV chooses from: every rule switched on or off, crossed with the main numeric settings."""
    out = {}
    for value, mean, sdiff, seasonal, echo, recent, mfs in itertools.product(
            [True, False], [True, False], [True, False], [2.0, 0.0], [50, 0],
            [(1e-4, 0.3), (0.0, 0.0), (3e-5, 0.3), (3e-4, 0.5)], [0.05, 0.0, 0.2]):
        for tol, rows in itertools.product([0.05, 0.02, 0.1, 0.2], [24, 12, 48]):
            s = dict(OLD, value=value, mean=mean, sdiff=sdiff, seasonal_width=seasonal, echo_rows=echo,
                     recent_decay=recent[0], recent_tolerance=recent[1], min_flag_surprise=mfs,
                     range_tolerance=tol, mean_rows=rows)
            out.setdefault(key(s), s)
        # the tail score's scale: at a larger half surprise only an absurd surprise nears a flag's 1.0
        for half in (100.0, 1e4):
            s = dict(OLD, value=value, mean=mean, sdiff=sdiff, seasonal_width=seasonal, echo_rows=echo,
                     recent_decay=recent[0], recent_tolerance=recent[1], min_flag_surprise=mfs, half_surprise=half)
            out.setdefault(key(s), s)
    # one at a time around the old defaults and around the rules-off setting: echo length, seasonal width
    for base in (OLD, NAMED['rules-off']):
        for k, vals in (('echo_rows', [25, 100, 200]), ('seasonal_width', [1.0, 4.0])):
            for v in vals:
                s = dict(base, **{k: v})
                out.setdefault(key(s), s)
    for width, sup in itertools.product([2.0, 0.0], [0, 300]):
        s = dict(OLD, scorer='tail', seasonal_width=width, suppress=sup)
        out.setdefault(key(s), s)
    return list(out.values())


def parse_setting(text):
    """A named setting, or name:k=v,k=v (e.g. default:echo_rows=100)."""
    name, _, rest = text.partition(':')
    if name not in NAMED:
        sys.exit(f'cv: unknown setting {name}; known: {", ".join(NAMED)}')
    s = dict(NAMED[name])
    for kv in filter(None, rest.split(';')):
        k, v = kv.split('=')
        if k not in s:
            sys.exit(f'cv: unknown parameter {k}')
        s[k] = type(OLD[k])(v) if not isinstance(OLD[k], bool) else v in ('1', 'true', 'on')
    return s


# ---------------------------------------------------------------------------------------------------------------
# scores: twin.py's functions, with the setting-independent parts cached per file
# ---------------------------------------------------------------------------------------------------------------
def cached(f, name, make):
    c = f.setdefault('cache', {})
    if name not in c:
        c[name] = make()
    return c[name]


def file_scores(f, s):
    """NoveltyScore.update (or TailScore.update) over one file's rows under setting s, as twin.score computes it."""
    v32 = cached(f, 'v32', lambda: f['v'].astype(np.float32).astype(np.float64))
    predicted = cached(f, 'pred', lambda: ~np.isnan(f['e']) & (f['s'] > 0))

    def surprise_l():
        ss = twin.seasonal_surprise(f['v'], f['seasonal'], s['seasonal_width'], 0.01) if s['seasonal_width'] > 0 \
            else np.full(len(v32), np.inf)
        with np.errstate(all='ignore'):
            return np.where(predicted, np.minimum(twin.surprise((f['v'] - f['e']) / f['s']), ss), np.nan)

    L = cached(f, ('L', s['seasonal_width']), surprise_l)
    with np.errstate(all='ignore'):
        tail = np.where(predicted, L / (L + s['half_surprise']), 0.0)
    if s['scorer'] == 'tail':
        n = s['suppress']
        if n == 0:
            return tail
        pad = np.concatenate([np.zeros(n), tail])
        before = np.lib.stride_tricks.sliding_window_view(pad[:-1], n).max(axis=1)  # max of the previous n (0 before)
        return np.where(tail > before, tail, tail / 2)
    tol = s['range_tolerance']
    flag = np.zeros(len(v32), dtype=bool)
    if s['value']:
        flag |= cached(f, 'xv', lambda: twin.excess(f['v'])) > tol
    if s['mean']:
        flag |= cached(f, ('xm', s['mean_rows']), lambda: twin.excess(twin.rolling_mean(v32, s['mean_rows']))) > tol
    if s['sdiff']:
        def xs():
            diff = (v32 - f['seasonal']).astype(np.float32).astype(np.float64)
            return twin.excess(twin.rolling_mean(diff, s['mean_rows']))
        flag |= cached(f, ('xs', s['mean_rows']), xs) > tol
    if s['recent_decay'] > 0:
        flag |= cached(f, ('xr', s['recent_decay']), lambda: twin.excess(f['v'], s['recent_decay'])) \
            > s['recent_tolerance']
    flag &= ~(predicted & (L < s['min_flag_surprise']))
    novelty = np.zeros(len(flag))
    last = -10 ** 9
    for i in np.nonzero(flag)[0].tolist():
        novelty[i] = 0.5 if i - last <= s['echo_rows'] else 1.0
        last = i
    return np.maximum(novelty, tail)


# ---------------------------------------------------------------------------------------------------------------
# NAB: nab_score's prepare_file / sweep / score_at per category and seed, summed as step functions
# ---------------------------------------------------------------------------------------------------------------
class Corpus:
    def __init__(self, ns, runs, windows, cutoff):
        self.ns, self.cutoff = ns, cutoff
        self.seeds = []  # per run: {category: [(file dict, row idx array, local window array, value array)]}
        self.windows = {c: 0 for c in CATEGORIES}  # scored windows per category (the same for every run)
        for run in runs:
            files = twin.load(ns, run, windows)
            per_cat = {c: [] for c in CATEGORIES}
            counts = {c: 0 for c in CATEGORIES}
            for rel, f in files.items():
                cat = rel.split('/')[0]
                # prepare_file with the row index as the "score": which rows are scored, their window and value
                rows = ns.prepare_file(f['ts'], list(range(len(f['ts']))), f['windows'], ns.PROBATION_PERCENT)
                used = sorted({w for _, w, _ in rows if w >= 0})
                remap = {w: counts[cat] + k for k, w in enumerate(used)}
                idx = np.array([i for i, _, _ in rows])
                win = np.array([remap[w] if w >= 0 else -1 for _, w, _ in rows])
                val = np.array([v for _, _, v in rows])
                counts[cat] += len(used)
                per_cat[cat].append((f, idx, win, val))
            if self.seeds and counts != self.windows:
                sys.exit('cv: the runs do not cover the same rows')
            self.windows = counts
            self.seeds.append(per_cat)
        self.total_windows = sum(self.windows.values())
        # the null detector: nab_score's sweep of a constant score; per category and over all 44 files
        self.null = {}
        for p, cm in ns.PROFILES.items():
            pts = lambda cats: [(0.5, w, v) for c in cats for _, _, win, val in self.seeds[0][c]
                                for w, v in zip(win.tolist(), val.tolist())]
            per = {c: ns.sweep(pts([c]), self.windows[c], cm)[1] for c in CATEGORIES}
            per['all'] = ns.sweep(self._renumber(CATEGORIES, 0.5), self.total_windows, cm)[1]
            self.null[p] = per

    def _renumber(self, cats, const=None, scores=None, seed=0):
        """Rows of several categories as one sweep input, windows renumbered, sorted by score descending."""
        out, base = [], 0
        for c in cats:
            for f, idx, win, val in self.seeds[seed][c]:
                sc = np.full(len(idx), const) if const is not None else scores[id(f)][idx]
                out.extend((s, (w + base) if w >= 0 else -1, v) for s, w, v in zip(sc.tolist(), win.tolist(), val.tolist()))
            base += self.windows[c]
        out.sort(key=lambda p: p[0], reverse=True)
        return out

    def scores(self, s):
        """Per run: {id(file): scores} under setting s."""
        return [{id(f): file_scores(f, s) for c in CATEGORIES for f, _, _, _ in per[c]} for per in self.seeds]

    def curves(self, sc, cm):
        """Per run and category, nab_score.sweep's curve over the rows scoring >= cutoff: (thresholds desc, totals)."""
        out = []
        for seed, per in enumerate(self.seeds):
            cc = {}
            for c in CATEGORIES:
                pts = []
                for f, idx, win, val in per[c]:
                    x = sc[seed][id(f)][idx]
                    keep = x >= self.cutoff
                    pts.extend(zip(x[keep].tolist(), win[keep].tolist(), val[keep].tolist()))
                pts.sort(key=lambda p: p[0], reverse=True)
                _, _, curve = self.ns.sweep(pts, self.windows[c], cm)
                cc[c] = (np.array([t for t, _ in curve]), np.array([r for _, r in curve]))
            out.append(cc)
        return out


def at(curve, t):
    """A category's raw score at threshold t (detections: score >= t): the total at the smallest curve threshold >= t."""
    th, tot = curve
    k = np.searchsorted(-th, -t, side='right') - 1  # th is descending; last index with th >= t
    return tot[k]


def pooled(curves, cats):
    """Sum over runs and categories of the raw score as a function of the threshold: (candidate thresholds, totals),
    thresholds descending; the first maximum is nab_score.sweep's choice (the highest threshold among equals)."""
    th = np.unique(np.concatenate([cv[c][0] for cv in curves for c in cats]))[::-1]
    tot = np.zeros(len(th))
    for cv in curves:
        for c in cats:
            t, r = cv[c]
            k = np.searchsorted(-t, -th, side='right') - 1
            tot += r[k]
    return th, tot


def choose(curves, cats, rule):
    """Best threshold on cats (pooled over runs): nab_score's (the highest of the best), or the middle of its plateau."""
    th, tot = pooled(curves, cats)
    b = int(np.argmax(tot))
    t = th[b]
    if rule == 'mid' and b + 1 < len(th) and t <= 1.0:
        t = (th[b] + th[b + 1]) / 2
    return t, tot[b]


def normalise(raw, null, windows, cm):
    perfect = cm['tpWeight'] * windows
    return 100 * (raw - null) / (perfect - null) if perfect != null else float('nan')


def evaluate(corpus, s, rule):
    """For one setting: in-sample and fold-wise figures per profile.

    Returns {profile: dict(insample=(norm, threshold), folds={c: (train raw, threshold, [held-out raw per run])})}."""
    ns = corpus.ns
    sc = corpus.scores(s)
    out = {}
    for p, cm in ns.PROFILES.items():
        cv = corpus.curves(sc, cm)
        runs = len(cv)
        t, raw = choose(cv, CATEGORIES, rule)
        ins = normalise(raw / runs, corpus.null[p]['all'], corpus.total_windows, cm)
        folds = {}
        for c in CATEGORIES:
            train = [x for x in CATEGORIES if x != c]
            tt, traw = choose(cv, train, rule)
            folds[c] = (traw, tt, [at(r[c], tt) for r in cv])
        out[p] = dict(insample=(ins, t), folds=folds, per_run=[normalise(sum(at(r[c], t) for c in CATEGORIES),
                      corpus.null[p]['all'], corpus.total_windows, cm) for r in cv])
    return out


def cv_figure(corpus, held, p):
    """The aggregated CV score from held-out raw scores per category (mean over runs)."""
    raw = sum(held.values())
    return normalise(raw, corpus.null[p]['all'], corpus.total_windows, corpus.ns.PROFILES[p])


def fold_figure(corpus, c, raw, p):
    return normalise(raw, corpus.null[p][c], corpus.windows[c], corpus.ns.PROFILES[p])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('runs', nargs='+', help='results folders of detect --debug-columns runs (one per seed)')
    ap.add_argument('--shared', default=find_shared(), help='the shared folder (default %(default)s)')
    ap.add_argument('--only', help='comma-separated named settings (%s, or name:k=v;k=v) instead of the grid: each is '
                    'cross-validated with its threshold alone chosen per fold' % ', '.join(NAMED))
    ap.add_argument('--threshold-rule', choices=['sweep', 'mid'], default='sweep',
                    help="sweep: nab_score's threshold (the highest of the best); mid: the middle of its plateau")
    ap.add_argument('--cutoff', type=float, default=0.3, help='rows scoring below this never count (default %(default)s)')
    ap.add_argument('--top', type=int, default=15, help='settings listed by CV score of the setting alone')
    ap.add_argument('--check', action='store_true', help='compare the fast sweep with nab_score.sweep over all rows')
    ap.add_argument('--json', help='write every setting\'s figures here')
    a = ap.parse_args()
    sys.path.insert(0, os.path.join(a.shared, 'tools'))
    import nab_score as ns
    windows = ns.load_windows([os.path.join(a.shared, 'data', 'nab', 'labels', 'combined_windows.json')])
    t0 = time.time()
    corpus = Corpus(ns, a.runs, windows, a.cutoff)
    print(f'{len(a.runs)} runs, {corpus.total_windows} windows per run '
          f'({", ".join(f"{c} {n}" for c, n in corpus.windows.items())}); loaded in {time.time() - t0:.0f} s')
    if a.check:
        check(corpus, a)
        return
    settings = [parse_setting(x) for x in a.only.split(',')] if a.only else grid()
    results = []
    t0 = time.time()
    for i, s in enumerate(settings):
        results.append((s, evaluate(corpus, s, a.threshold_rule)))
        if (i + 1) % 100 == 0:
            print(f'  {i + 1} of {len(settings)} settings, {time.time() - t0:.0f} s', file=sys.stderr)
    runs = len(a.runs)

    # each setting alone, its threshold chosen per fold
    def alone(r, p='standard'):
        held = {c: np.mean(f[2]) for c, f in r[p]['folds'].items()}
        return cv_figure(corpus, held, p)

    print(f'\nEach setting with its threshold alone cross-validated (CV standard; in-sample standard / its threshold):')
    ranked = sorted(results, key=lambda sr: -alone(sr[1]))
    shown = ranked[:a.top] + [sr for sr in results if key(sr[0]) in {key(v) for v in NAMED.values()}
                              and sr not in ranked[:a.top]]
    for s, r in shown:
        print(f"  CV {alone(r):6.2f} / lowFP {alone(r, 'reward_low_FP_rate'):6.2f} / lowFN {alone(r, 'reward_low_FN_rate'):6.2f}"
              f"   in-sample {r['standard']['insample'][0]:6.2f} (t {r['standard']['insample'][1]:.4f})   {describe(s)}")

    # the nested procedure: setting and threshold chosen on the four other categories
    print(f'\nNested CV: setting (by standard) and threshold chosen on the other four categories, '
          f'{len(settings)} settings, threshold rule {a.threshold_rule}')
    summary = {}
    for p in ns.PROFILES:
        held, lines = {}, []
        for c in CATEGORIES:
            best = max(results, key=lambda sr: sr[1]['standard']['folds'][c][0])
            s, r = best
            _, t, hr = r[p]['folds'][c]
            held[c] = float(np.mean(hr))
            lines.append(f"    {c:22s} held-out {fold_figure(corpus, c, held[c], p):7.2f} (raw {held[c]:7.2f}; "
                         f"per run {', '.join(f'{x:.2f}' for x in hr)}) at t {t:.4f}: {describe(s)}")
        best_in = max(results, key=lambda sr: sr[1]['standard']['insample'][0])
        ins = best_in[1][p]['insample']
        cvf = cv_figure(corpus, held, p)
        summary[PROFILE_NAMES[p]] = dict(cv=cvf, insample=ins[0], folds=held)
        print(f'  {PROFILE_NAMES[p]}: CV {cvf:.2f} (raw {sum(held.values()):.2f} over {corpus.total_windows} windows); '
              f'in-sample {ins[0]:.2f} at t {ins[1]:.4f} ({describe(best_in[0])})')
        for line in lines:
            print(line)
    if a.json:
        with open(a.json, 'w') as fh:
            json.dump(dict(summary=summary, settings=[dict(setting=canonical(s), describe=describe(s),
                      cv={PROFILE_NAMES[p]: alone(r, p) for p in ns.PROFILES},
                      insample={PROFILE_NAMES[p]: r[p]['insample'][0] for p in ns.PROFILES},
                      folds={PROFILE_NAMES[p]: {c: [r[p]['folds'][c][1], list(map(float, r[p]['folds'][c][2]))]
                                                for c in CATEGORIES} for p in ns.PROFILES})
                      for s, r in results]), fh, indent=1, default=float)


def check(corpus, a):
    """The step-function sums against nab_score.sweep / score_at over every scored row, for two settings."""
    ns = corpus.ns
    for name in ('default', 'half1e4'):
        s = NAMED[name]
        sc = corpus.scores(s)
        for p, cm in ns.PROFILES.items():
            cv = corpus.curves(sc, cm)
            for seed in range(len(corpus.seeds)):
                pts = corpus._renumber(CATEGORIES, scores=sc[seed], seed=seed)
                t_full, raw_full, _ = ns.sweep(pts, corpus.total_windows, cm)
                t, raw = choose([cv[seed]], CATEGORIES, 'sweep')
                norm = normalise(raw_full, corpus.null[p]['all'], corpus.total_windows, cm)
                print(f'{name} {p} run {seed}: full sweep {raw_full:.4f} at {t_full:.6f} ({norm:.2f}); '
                      f'step sums {raw:.4f} at {t:.6f}')
                for c in CATEGORIES:  # each fold's threshold on its held-out category
                    tt, _ = choose([cv[seed]], [x for x in CATEGORIES if x != c], 'sweep')
                    held = corpus._renumber([c], scores=sc[seed], seed=seed)
                    r_full, _ = ns.score_at(held, corpus.windows[c], cm, tt)
                    print(f'    {c} at {tt:.6f}: score_at {r_full:.4f}, step sums {at(cv[seed][c], tt):.4f}')
    print(f"null: {corpus.null}")


if __name__ == '__main__':
    main()
