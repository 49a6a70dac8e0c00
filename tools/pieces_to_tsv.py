#!/usr/bin/env python3
"""Turns `hypertok encode --scene line --format pieces` output for a file of
" word\\n" lines into `word<TAB>piece piece ...` lines that
../shared/tools/morph_eval.py scores: the token boundaries inside each word.
The leading space and the newline are dropped from the pieces."""
import json, sys

for line in sys.stdin:
    pieces = json.loads(line)
    text = ''.join(pieces)
    word = text.strip(' \n')
    if not word:
        continue
    # Cut positions inside the word.
    offset = text.find(word)
    cuts, pos = [], 0
    for p in pieces:
        pos += len(p)
        c = pos - offset
        if 0 < c < len(word):
            cuts.append(c)
    morphs, prev = [], 0
    for c in cuts + [len(word)]:
        morphs.append(word[prev:c])
        prev = c
    print(word + '\t' + ' '.join(morphs))
