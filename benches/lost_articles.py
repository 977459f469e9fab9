#!/usr/bin/env python3
"""Pages that lose their whole article: the gold body's 4-token shingles are
mostly in the page's text (keeping everything recalls >= 0.5) but almost none
are in decruft's output (< 0.05). Reads the held-out outputs that
`decruft eval --cv 5 -o DIR ../shared/data/*dev.*.jsonl` writes
(`benches/quality.sh -o DIR` too):

    python3 benches/lost_articles.py DIR trees
    python3 benches/lost_articles.py DIR "trees, no patterns"

Tokens as ../shared/bench/score.py (\\w+ runs), one per character in Chinese
and Japanese pages (lang zh/ja).
"""
import json, re, sys, glob, os
DATA = os.environ.get('DECRUFT_DATA', os.path.join(os.path.dirname(__file__), '..', '..', 'shared', 'data'))
TOK = re.compile(r"\w+")
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
def toks(s, cjk):
    out = []
    for t in TOK.findall(s):
        if cjk and CJK.search(t): out.extend(list(t))
        else: out.append(t)
    return out
def sh(s, cjk, n=4):
    t = toks(s, cjk)
    from collections import Counter
    return Counter(tuple(t[i:i+n]) for i in range(max(1, len(t)-n+1))) if t else Counter()
def rec(gold, out, cjk):
    g = sh(gold, cjk); o = sh(out, cjk)
    if not g: return None
    tp = sum((g & o).values())
    return tp / sum(g.values())
pred_dir, cls = sys.argv[1], sys.argv[2]
total = 0
for gpath in sorted(glob.glob(os.path.join(DATA, '*dev.*.jsonl'))):
    name = os.path.basename(gpath)[:-6]
    p = os.path.join(pred_dir, f"{name}.{cls}.jsonl")
    if not os.path.exists(p): continue
    preds = {}
    for l in open(p):
        d = json.loads(l); preds[d['id']] = d['text'] or ''
    for l in open(gpath):
        d = json.loads(l)
        if 'body' not in d: continue
        cjk = d.get('lang') in ('zh', 'ja')
        ra = rec(d['body'], d['text'], cjk)
        if ra is None or ra < 0.5: continue
        rp = rec(d['body'], preds.get(d['id'], ''), cjk)
        if rp is not None and rp < 0.05:
            total += 1
            print(f"{name}\t{d['id']}\t{d.get('lang','')}\tkeepall={ra:.2f}\tpred={rp:.2f}\tgoldlen={len(d['body'])}\tpredlen={len(preds.get(d['id'],''))}")
print("total", total)
