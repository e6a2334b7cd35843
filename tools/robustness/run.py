#!/usr/bin/env python3
"""Runs `bin/forecast detect` on NAB robustness variants (made by variants.py) and scores each with nab_score.py
twice: at the thresholds NAB's sweep chose on the untransformed 44 files (variant `orig`, as the maintainers fix
thresholds on the shared files before scoring held-out ones), and at the variant's own best thresholds.

    python3 tools/robustness/variants.py make --out /tmp/rob
    python3 tools/robustness/run.py --variants /tmp/rob --results /tmp/rob-res [--only orig,jitter40] [-- DETECT OPTIONS]

Each detect run is wrapped in `flock /tmp/maven.lock` (the build machine's rule). Existing results are reused unless
--force. Prints a Markdown table: variant, windows, standard fixed / own, low FP fixed / own, low FN fixed / own.
"""
import argparse
import json
import os
import shlex
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, '..', '..'))
sys.path.insert(0, HERE)
import variants  # noqa: E402

PROFILES = ['standard', 'reward_low_FP_rate', 'reward_low_FN_rate']


def score(shared, res, windows, data, thresholds=None):
    cmd = [sys.executable, os.path.join(shared, 'tools', 'nab_score.py'), res, '--windows', windows,
           '--detector', 'lstm', '--data-dir', data]
    if thresholds:
        cmd += ['--thresholds', thresholds]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--variants', required=True, help='folder variants.py made')
    p.add_argument('--results', required=True, help='folder for detect results and scores')
    p.add_argument('--only', help='comma-separated variants (default: every one in --variants, orig first)')
    p.add_argument('--force', action='store_true', help='re-run detect even where results exist')
    p.add_argument('--threads', default='2')
    p.add_argument('--jar', help='run this forecast-cli jar instead of bin/forecast (e.g. a copy of the jar before a '
                   'change, since bin/forecast rebuilds from the current sources)')
    p.add_argument('--shared', default=variants.find_shared())
    p.add_argument('detect', nargs='*', help='extra detect options (after --)')
    a = p.parse_args()
    names = a.only.split(',') if a.only else [n for n in variants.VARIANTS if os.path.isdir(os.path.join(a.variants, n))]
    if 'orig' not in names:
        names = ['orig'] + names
    names = ['orig'] + [n for n in names if n != 'orig']
    os.makedirs(a.results, exist_ok=True)
    fixed = os.path.join(a.results, 'orig-thresholds.json')
    # detect: every missing run under one hold of the build lock (other jobs queue on it between holds)
    env = dict(os.environ, FORECAST_MVN_OPTS=os.environ.get('FORECAST_MVN_OPTS', '-o'))
    if a.jar:
        java = os.path.join(os.environ['JAVA_HOME'], 'bin', 'java') if 'JAVA_HOME' in os.environ else 'java'
        launcher = [java, '--add-modules', 'jdk.incubator.vector', '--enable-native-access=ALL-UNNAMED',
                    '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn', '-jar', a.jar]
    else:
        launcher = [os.path.join(ROOT, 'bin', 'forecast')]
    todo = [n for n in names if a.force or not os.path.isdir(os.path.join(a.results, n))]
    if todo:
        script = ' && '.join(
            ' '.join(shlex.quote(x) for x in launcher + ['detect', '--data', os.path.join(a.variants, n, 'data'), '--out',
                                                          os.path.join(a.results, n), '--threads', a.threads] + a.detect)
            + f' 2>&1 | tail -1 | sed "s/^/{n}: /"' for n in todo)
        r = subprocess.run(['flock', '/tmp/maven.lock', 'bash', '-o', 'pipefail', '-c', script], env=env,
                           stderr=subprocess.STDOUT, stdout=subprocess.PIPE, text=True)
        print(r.stdout.strip(), file=sys.stderr)
        if r.returncode != 0:
            sys.exit('detect failed')
    rows = []
    for name in names:
        vdir = os.path.join(a.variants, name)
        res = os.path.join(a.results, name)
        windows = os.path.join(vdir, 'windows.json')
        own = score(a.shared, res, windows, os.path.join(vdir, 'data'))
        if name == 'orig':
            with open(fixed, 'w') as f:
                json.dump({k: own['profiles'][k]['threshold'] for k in PROFILES}, f)
        fx = score(a.shared, res, windows, os.path.join(vdir, 'data'), fixed)
        with open(os.path.join(a.results, name + '.json'), 'w') as f:
            json.dump(dict(own=own, fixed=fx), f, indent=1)
        rows.append((name, own, fx))
        s = lambda d, k: d['profiles'][k]['score']
        print(f"{name}: standard {s(fx, 'standard'):.2f} / {s(own, 'standard'):.2f} "
              f"(own threshold {own['profiles']['standard']['threshold']:.4f}, "
              f"{fx['profiles']['standard']['windows_detected']} of {fx['n_scored_windows']} windows, "
              f"{fx['profiles']['standard']['fp']} FP rows at the fixed threshold)", file=sys.stderr, flush=True)
    print('| variant | what | windows | standard fixed / own | low FP fixed / own | low FN fixed / own | windows found, FP rows (fixed) |')
    print('|---|---|---|---|---|---|---|')
    for name, own, fx in rows:
        s = lambda d, k: d['profiles'][k]['score']
        cells = ' | '.join(f'{s(fx, k):.1f} / {s(own, k):.1f}' for k in PROFILES)
        print(f"| {name} | {variants.VARIANTS[name][1]} | {fx['n_scored_windows']} | {cells} | "
              f"{fx['profiles']['standard']['windows_detected']}, {fx['profiles']['standard']['fp']} |")


if __name__ == '__main__':
    main()
