#!/usr/bin/env python3
"""The head bar apart: how often the gold's first line is kept in the
held-out outputs of `decruft eval --cv 5 -o DIR ../shared/data/*dev.*.jsonl`,
split into first lines that are a date (a line of at most eight words with a
year, a month and a day number, or a numeric date: dragnet's annotators often
copied the date shown above the headline, which decruft drops as metadata)
and the rest (the headline on nearly every page).

    python3 benches/first_line.py DIR "trees, no patterns"
"""
import json, os, re, sys
DATA = os.environ.get('DECRUFT_DATA', os.path.join(os.path.dirname(__file__), '..', '..', 'shared', 'data'))
WS = re.compile(r"\s+")
def norm(s): return WS.sub(" ", s).strip()
DATE=re.compile(r"\b(19|20)\d\d\b|\b(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|july|august|september|october|november|december)\b\.?\s*\d|\d{1,2}[/.]\d{1,2}[/.]\d", re.I)
for name in ['dragnet-dev','daniel-dev']:
  for style in ['html_text','inscriptis']:
    g=[json.loads(l) for l in open(os.path.join(DATA, f'{name}.{style}.jsonl'))]
    p={json.loads(l)['id']:json.loads(l)['text'] or '' for l in open(os.path.join(sys.argv[1], f'{name}.{style}.{sys.argv[2]}.jsonl'))}
    k=n=kd=nd=0
    for d in g:
        fl=next((l for l in (d.get('body') or '').split('\n') if l.strip()),None)
        if not fl: continue
        fl=norm(fl)
        if fl not in norm(d['text']): continue
        kept = fl in norm(p.get(d['id'],''))
        if DATE.search(fl) and len(fl.split())<=8: nd+=1; kd+=kept
        else: n+=1; k+=kept
    print(name, style, f"non-date first lines kept {k}/{n} ({k/n:.3f}); date-like first lines kept {kd}/{nd}")
