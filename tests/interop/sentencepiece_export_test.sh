#!/usr/bin/env bash
# `hypertok export --format sentencepiece`: the sentencepiece library
# (python3-sentencepiece) loads the model; every id keeps its spelling; it
# decodes hypertok's ids of real text (Russian, English, Chinese, C) to the
# exact original; and it encodes most lines to the same ids, never to more
# tokens than a few. Skipped (77) without /usr/bin/python3's sentencepiece.
#
# Usage: sentencepiece_export_test.sh HYPERTOK SAMPLES_DIR
source "$(dirname "$0")/../test_lib.sh"
H=$(realpath "$1")
SAMPLES=$(realpath "$2")
PY=/usr/bin/python3
need_python_module sentencepiece python3-sentencepiece
"$H" train "$SAMPLES"/*.txt "$SAMPLES"/*.h -o "$T/m.htk" --vocab-size 6000 -T2 \
  --special '<|im_start|>' 2>/dev/null || { echo "FAIL: train"; exit 1; }
"$H" export -m "$T/m.htk" -o "$T/m.model" 2>/dev/null || { echo "FAIL: export"; exit 1; }
"$H" inspect "$T/m.htk" --json --pieces 6000 > "$T/inspect.json" || { echo "FAIL: inspect"; exit 1; }
files=("$SAMPLES/ru_gogol_shinel.txt" "$SAMPLES/en_pg174_dorian_gray.txt"
       "$SAMPLES/zh_pg25558_shen_yin_yu.txt" "$SAMPLES/code_c_sqlite3-3.40.1.h")
for f in "${files[@]}"; do
  "$H" encode -m "$T/m.htk" --scene line --format ids "$f" -o "$T/$(basename "$f").ids" 2>/dev/null \
    || { echo "FAIL: encode $f"; exit 1; }
done
$PY - "$T" "${files[@]}" <<'PYEOF'
import json, os, sys
import sentencepiece as spm

d, files = sys.argv[1], sys.argv[2:]
sp = spm.SentencePieceProcessor(model_file=f"{d}/m.model")
pieces = json.load(open(f"{d}/inspect.json"))["pieces"]
bad = []
if sp.get_piece_size() != len(pieces) + 1:  # + <unk>
    bad.append(f"{sp.get_piece_size()} pieces, codebook has {len(pieces)}")
for i, p in enumerate(pieces):
    if i < 256:
        want = "<0x%02X>" % i
        if sp.id_to_piece(i) != want or not sp.is_byte(i):
            bad.append(f"id {i}: {sp.id_to_piece(i)!r}, want byte piece {want}")
    elif "<0x" not in p and sp.decode([i]) != p:
        bad.append(f"id {i} decodes to {sp.decode([i])!r}, codebook has {p!r}")
    if len(bad) > 5:
        break
if sp.id_to_piece(256) != "<|endoftext|>" or sp.id_to_piece(257) != "<|im_start|>":
    bad.append("special tokens are not at 256, 257")
for f in files:
    text = open(f, encoding="utf-8", newline="").read()
    scenes = [[int(x) for x in line.split()] for line in open(f"{d}/{os.path.basename(f)}.ids")]
    if "".join(sp.decode(s) for s in scenes) != text:
        bad.append(f"{f}: hypertok ids do not decode to the text with sentencepiece")
    same = ours = theirs = 0
    for s in scenes:
        e = sp.encode(sp.decode(s))
        same += e == s
        ours += len(s)
        theirs += len(e)
    print(f"{os.path.basename(f)}: {len(scenes)} lines, same ids {same} ({same / len(scenes):.1%}),"
          f" tokens hypertok {ours}, sentencepiece {theirs} ({theirs / ours - 1:+.2%})")
    # A shifted or broken export agrees on nothing and costs far more tokens.
    if same < 0.2 * len(scenes) or theirs > 1.01 * ours:
        bad.append(f"{f}: sentencepiece encodes too differently")
for b in bad:
    print("FAIL:", b)
sys.exit(1 if bad else 0)
PYEOF
rc=$?
[ $rc -eq 0 ] && echo "sentencepiece_export_test: passed" || echo "sentencepiece_export_test: failed"
exit $rc
