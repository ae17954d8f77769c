#!/usr/bin/python3
"""Golden values for the statistics in src/core/metrics.ts and src/core/compare/.

Computed independently with scipy (Debian python3-scipy 1.10, numpy 1.24) so
the TypeScript code is checked against a reference, not against itself:

- correlation.json: scipy.stats.pearsonr / spearmanr / kendalltau (tau-b, the
  default variant) on seeded cases with ties and constant inputs, with the
  official rule "undefined (NaN) counts as 0" applied; TTA from the official
  formula (P = TP/(TP+FP+1e-8), R = TP/(TP+FN+1e-8), F1 = 2PR/(P+R+1e-8)).
- wilcoxon.json: scipy.stats.wilcoxon(x, y), two-sided, zero_method="wilcox"
  (zero differences dropped), correction=False. The method is chosen as the
  TypeScript code chooses it and passed explicitly: "exact" when there are at
  most 50 differences, none zero and no tied |differences|; "approx" (normal
  approximation with the tie correction) otherwise. scipy 1.10's own "auto"
  differs only for ties without zeros, where it applies the exact distribution
  to a truncated tied rank sum; later scipy versions also avoid that.
- mannwhitney.json: scipy.stats.mannwhitneyu(x, y), two-sided, method="auto"
  (exact when a sample has at most 8 values and there are no ties, else the
  normal approximation with tie and continuity correction).
- eval/: a SongEval-style metadata.jsonl (4 raters a song, a "system"
  field), the `hear score --json` results for those songs, and the metrics
  `hear eval` must print (utterance level, and system level over per-system
  mean scores), computed with scipy.
- compare.json: two runs A and B of 60 songs (five scores each), the numbers
  `hear compare` must report per dimension and overall: means, paired
  Wilcoxon (as above) with Holm across the five dimensions, win rate, top-tier
  rates; and for unpaired halves, Mann-Whitney U.
- holm.json: Holm's step-down adjusted p-values from the definition
  (scipy 1.10 has no Holm function).

Run: /usr/bin/python3 scripts/golden_stats.py  (writes test/fixtures/stats/)
"""
import json
import math
import os
import warnings

import numpy as np
import scipy
from scipy import stats

OUT = os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures', 'stats')


def official(value):
    return 0.0 if value is None or not math.isfinite(value) else float(value)


def tta(pred, truth, threshold):
    p = np.asarray(pred) >= threshold
    t = np.asarray(truth) >= threshold
    tp = int(np.sum(p & t))
    fp = int(np.sum(p & ~t))
    fn = int(np.sum(~p & t))
    precision = tp / (tp + fp + 1e-8)
    recall = tp / (tp + fn + 1e-8)
    return 2 * precision * recall / (precision + recall + 1e-8)


def correlation_cases(rng):
    def songeval_like(n, step):
        truth = np.clip(np.round(rng.normal(3.6, 0.6, n) / step) * step, 1, 5)
        pred = np.clip(truth + rng.normal(0, 0.3, n), 1, 5)
        return pred, truth

    cases = {}
    x = rng.normal(size=200)
    cases['continuous n=200'] = (x, 0.7 * x + rng.normal(size=200))
    cases['labels in quarter steps n=300'] = songeval_like(300, 0.25)
    p, t = songeval_like(1000, 0.25)
    cases['both sides tied n=1000'] = (np.round(p, 1), t)
    cases['integers 1..5 n=50'] = (rng.integers(1, 6, 50).astype(float), rng.integers(1, 6, 50).astype(float))
    cases['constant prediction'] = (np.full(20, 3.5), rng.normal(3.5, 0.5, 20))
    cases['constant truth'] = (rng.normal(3.5, 0.5, 20), np.full(20, 4.0))
    cases['two points'] = (np.array([3.0, 4.0]), np.array([3.5, 3.25]))
    y = rng.normal(size=30)
    cases['reversed order n=30'] = (y, -2 * y + 1)
    cases['no top tier on either side'] = (rng.uniform(1, 3, 40), rng.uniform(1, 3, 40))
    return cases


def correlations(rng):
    out = []
    for name, (pred, truth) in correlation_cases(rng).items():
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')  # constant inputs warn and give NaN
            lcc = stats.pearsonr(pred, truth)[0]
            srcc = stats.spearmanr(pred, truth)[0]
            ktau = stats.kendalltau(pred, truth)[0]
        out.append({
            'name': name,
            'pred': pred.tolist(),
            'truth': truth.tolist(),
            'lcc': official(lcc),
            'srcc': official(srcc),
            'ktau': official(ktau),
            'tta': {str(th): tta(pred, truth, th) for th in (3.75, 4.0)},
        })
    return out


def wilcoxon_method(d):
    nonzero = d[d != 0]
    if len(d) <= 50 and len(nonzero) == len(d) and len(np.unique(np.abs(d))) == len(d):
        return 'exact'
    return 'approx'


def wilcoxon_cases(rng):
    cases = {}
    a = rng.normal(3.5, 0.4, 20)
    cases['n=20 no ties'] = (a, a + rng.normal(0.1, 0.2, 20))
    a = rng.normal(3.5, 0.4, 8)
    cases['n=8 no ties'] = (a, a + rng.normal(0.0, 0.3, 8))
    a = rng.normal(3.5, 0.4, 50)
    cases['n=50 no ties'] = (a, a + rng.normal(0.05, 0.2, 50))
    a = rng.normal(3.5, 0.4, 60)
    cases['n=60 no ties'] = (a, a + rng.normal(-0.05, 0.2, 60))
    a = np.round(rng.normal(3.5, 0.4, 30), 2)
    b = a.copy()
    b[:24] = np.round(a[:24] + rng.normal(0.1, 0.2, 24), 2)
    cases['n=30 with 6 zero differences'] = (a, b)
    a = np.round(rng.normal(3.5, 0.4, 12), 1)
    d = np.array([0.1, -0.2, 0.1, 0.3, -0.1, 0.2, 0.4, 0.1, -0.3, 0.2, 0.5, 0.1])
    cases['n=12 tied differences'] = (a, a + d)
    a = np.round(rng.normal(3.5, 0.4, 400), 1)
    cases['n=400 ties and zeros'] = (a, np.round(a + rng.normal(0.03, 0.15, 400), 1))
    a = rng.normal(3.5, 0.4, 200)
    cases['n=200 strong effect'] = (a, a + rng.normal(0.3, 0.1, 200))
    return cases


def wilcoxons(rng):
    out = []
    for name, (a, b) in wilcoxon_cases(rng).items():
        # Differences are b - a (B minus A), the way `hear compare` pairs songs.
        d = b - a
        method = wilcoxon_method(d)
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')  # "sample size too small for normal approximation"
            res = stats.wilcoxon(b, a, zero_method='wilcox', correction=False, alternative='two-sided', method=method)
        out.append({'name': name, 'a': a.tolist(), 'b': b.tolist(), 'method': 'exact' if method == 'exact' else 'normal',
                    'statistic': float(res.statistic), 'pvalue': float(res.pvalue)})
    return out


def mann_whitney_cases(rng):
    return {
        '5 vs 7 no ties (exact)': (rng.normal(3.4, 0.4, 5), rng.normal(3.8, 0.4, 7)),
        '8 vs 300 no ties (exact)': (rng.normal(3.4, 0.4, 8), rng.normal(3.6, 0.4, 300)),
        '6 vs 6 ties (normal)': (np.array([3.0, 3.5, 3.5, 4.0, 2.5, 3.0]), np.array([3.5, 4.0, 4.5, 3.5, 4.0, 3.0])),
        '30 vs 50 no ties (normal)': (rng.normal(3.5, 0.4, 30), rng.normal(3.55, 0.4, 50)),
        '300 vs 250 ties (normal)': (np.round(rng.normal(3.5, 0.4, 300), 1), np.round(rng.normal(3.6, 0.4, 250), 1)),
        '9 vs 9 identical values': (np.full(9, 3.0), np.full(9, 3.0)),
    }


def mann_whitneys(rng):
    out = []
    for name, (a, b) in mann_whitney_cases(rng).items():
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            # B against A: U counts how often a B song beats an A song.
            res = stats.mannwhitneyu(b, a, use_continuity=True, alternative='two-sided', method='auto')
        ties = len(np.unique(np.concatenate([a, b]))) < len(a) + len(b)
        method = 'exact' if min(len(a), len(b)) <= 8 and not ties else 'normal'
        out.append({'name': name, 'a': a.tolist(), 'b': b.tolist(), 'method': method,
                    'u': float(res.statistic), 'pvalue': official(res.pvalue)})
    return out


def holm(p):
    p = np.asarray(p, dtype=float)
    m = len(p)
    order = np.argsort(p, kind='stable')
    adjusted = np.empty(m)
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p[i]))
        adjusted[i] = running
    return adjusted.tolist()


def holms():
    cases = [
        [0.01, 0.04, 0.03, 0.005, 0.2],
        [0.5, 0.5, 0.5, 0.5, 0.5],
        [0.001, 0.3, 0.012, 0.0125, 0.04],
        [0.9, 0.01],
        [0.02],
    ]
    return [{'p': c, 'adjusted': holm(c)} for c in cases]


DIMENSIONS = ['Coherence', 'Musicality', 'Memorability', 'Clarity', 'Naturalness']
THRESHOLDS = {'Coherence': 4.0, 'Musicality': 4.0, 'Memorability': 3.75, 'Clarity': 3.75, 'Naturalness': 4.0}


def metric_row(pred, truth, threshold):
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        return {'lcc': official(stats.pearsonr(pred, truth)[0]), 'srcc': official(stats.spearmanr(pred, truth)[0]),
                'ktau': official(stats.kendalltau(pred, truth)[0]), 'tta': tta(pred, truth, threshold)}


def metric_table(pred, truth):
    rows = {d: metric_row(pred[:, j], truth[:, j], THRESHOLDS[d]) for j, d in enumerate(DIMENSIONS)}
    mean = {m: float(np.mean([rows[d][m] for d in DIMENSIONS])) for m in ('lcc', 'srcc', 'ktau', 'tta')}
    return {'n': int(len(truth)), 'dimensions': rows, 'mean': mean}


def evaluation(rng):
    """A small SongEval-like evaluation: 48 songs from 6 systems, 4 raters each."""
    out = os.path.join(OUT, 'eval')
    os.makedirs(out, exist_ok=True)
    n = 48
    systems = np.repeat([f'sys{k}' for k in range(6)], n // 6)
    quality = rng.normal(3.6, 0.5, n) + np.repeat(rng.normal(0, 0.3, 6), n // 6)
    ratings = np.clip(np.round((quality[:, None, None] + rng.normal(0, 0.4, (n, 4, 5))) * 2) / 2, 1, 5)
    truth = ratings.mean(axis=1)
    pred = np.clip(truth + rng.normal(0, 0.35, (n, 5)), 1, 5)
    with open(os.path.join(out, 'metadata.jsonl'), 'w') as f:
        for i in range(n):
            annotation = [dict(annotator=f'a{r:02d}', **{d: float(ratings[i, r, j]) for j, d in enumerate(DIMENSIONS)})
                          for r in range(4)]
            f.write(json.dumps({'file_name': f'mp3/{i}.mp3', 'gender': 'female' if i % 2 else 'male',
                                'system': str(systems[i]), 'annotation': annotation}) + '\n')
        # A labelled song with no prediction: reported, not fatal.
        f.write(json.dumps({'file_name': 'mp3/999.mp3', 'system': 'sys0',
                            'annotation': [{d: 3.0 for d in DIMENSIONS}]}) + '\n')
    model = {'id': 'golden-eval', 'name': 'Golden eval predictions', 'version': '1', 'proxy': False}
    results = [{'file': f'/songs/{systems[i]}/{i}.wav', 'labels': DIMENSIONS, 'thresholds': [THRESHOLDS[d] for d in DIMENSIONS],
                'scores': pred[i].tolist(), 'model': model} for i in range(n)]
    # A prediction for a song the labels do not name.
    results.append({'file': '/songs/extra/1000.wav', 'labels': DIMENSIONS, 'scores': [3.0] * 5, 'model': model})
    with open(os.path.join(out, 'predictions.json'), 'w') as f:
        json.dump({'results': results, 'failures': []}, f, indent=1)
    names = sorted(set(systems))
    system_pred = np.array([pred[systems == s].mean(axis=0) for s in names])
    system_truth = np.array([truth[systems == s].mean(axis=0) for s in names])
    expected = {'matched': n, 'utterance': metric_table(pred, truth), 'system': metric_table(system_pred, system_truth),
                'track1': metric_row(pred[:, 1], truth[:, 1], THRESHOLDS['Musicality'])}
    with open(os.path.join(out, 'expected.json'), 'w') as f:
        json.dump({'generator': 'scripts/golden_stats.py', 'scipy': scipy.__version__, **expected}, f, indent=1)
        f.write('\n')
    print('eval/: metadata.jsonl, predictions.json, expected.json')


def comparison(rng):
    n = 60
    a = np.clip(rng.normal(3.6, 0.4, (n, 5)), 1, 5)
    shift = np.array([0.25, 0.02, 0.0, -0.2, 0.05])  # B better on Coherence, worse on Clarity
    b = np.clip(a + shift + rng.normal(0, 0.25, (n, 5)), 1, 5)
    thresholds = np.array([THRESHOLDS[d] for d in DIMENSIONS])

    def rows(xa, xb, paired):
        out = []
        for j in range(6):
            ca = xa.mean(axis=1) if j == 5 else xa[:, j]
            cb = xb.mean(axis=1) if j == 5 else xb[:, j]
            top = (lambda x: np.all(x >= thresholds, axis=1)) if j == 5 else (lambda x: x[:, j] >= thresholds[j])
            row = {'label': 'overall' if j == 5 else DIMENSIONS[j], 'meanA': float(ca.mean()), 'meanB': float(cb.mean()),
                   'topTierRateA': float(np.mean(top(xa))), 'topTierRateB': float(np.mean(top(xb)))}
            with warnings.catch_warnings():
                warnings.simplefilter('ignore')
                if paired:
                    res = stats.wilcoxon(cb, ca, zero_method='wilcox', correction=False, method=wilcoxon_method(cb - ca))
                    row['winRate'] = float(np.mean(cb > ca))
                else:
                    res = stats.mannwhitneyu(cb, ca, alternative='two-sided', method='auto')
            row['pValue'] = float(res.pvalue)
            out.append(row)
        adjusted = holm([r['pValue'] for r in out[:5]])
        for r, p in zip(out, adjusted + [out[5]['pValue']]):
            r['pAdjusted'] = p
        return out

    return [{'a': a.tolist(), 'b': b.tolist(), 'paired': rows(a, b, True),
             # Unpaired: A's first 30 songs against B's last 30 (no shared names).
             'unpaired': rows(a[:30], b[30:], False)}]


def main():
    os.makedirs(OUT, exist_ok=True)
    files = {
        'correlation.json': correlations(np.random.default_rng(20260101)),
        'wilcoxon.json': wilcoxons(np.random.default_rng(20260102)),
        'mannwhitney.json': mann_whitneys(np.random.default_rng(20260103)),
        'holm.json': holms(),
        'compare.json': comparison(np.random.default_rng(20260105)),
    }
    for name, cases in files.items():
        with open(os.path.join(OUT, name), 'w') as f:
            json.dump({'generator': 'scripts/golden_stats.py', 'scipy': scipy.__version__,
                       'numpy': np.__version__, 'cases': cases}, f, indent=1)
            f.write('\n')
        print(f'{name}: {len(cases)} cases')
    evaluation(np.random.default_rng(20260104))


if __name__ == '__main__':
    main()
