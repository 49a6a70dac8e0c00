#!/usr/bin/env bash
# Morph alignment and compression of Russian at 32k, side by side (docs/TRAINING.md,
# "Morph alignment"). Trains on ../shared/data/ru-dev, then for each codebook prints the
# tokens of the test books (../shared/data/ru, one stream, stats --json), their ratio to
# sentencepiece BPE trained on the same text with the same size, and the boundary
# precision / recall of the tokens inside the words of ru_morph_tikhonov_valid.tsv, each
# encoded with a leading space (--scene line --format pieces, scored by morph_eval.py).
# The supervised morph model learns from ru_morph_tikhonov_train.tsv only; the valid
# split is used for scoring only.
#
#   tools/eval_alignment.sh                # about 3 minutes on 2 cores
#   SPM_REF=283791 tools/eval_alignment.sh # skip training sentencepiece, use this count
#   WORK=/tmp/align tools/eval_alignment.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
shared=${SHARED:-$root/../shared}
data=$shared/data
gold=$data/gold
work=${WORK:-$(mktemp -d "${TMPDIR:-/tmp}/hypertok-align.XXXXXX")}
mkdir -p "$work"
ht=$root/build/hypertok
[ -x "$ht" ] || cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=Release -DHYPERTOK_BUILD_TESTS=OFF >/dev/null
cmake --build "$root/build" -j"$(nproc)" >/dev/null
py=/usr/bin/python3
[ -x "$py" ] || py=python3

cat "$data"/ru-dev/*/*.txt >"$work/ru.train"
cat "$data"/ru/*.txt >"$work/ru.test"
cut -f1 "$gold/ru_morph_tikhonov_valid.tsv" | sed 's/^/ /' >"$work/valid.words"
"$ht" morph train --gold "$gold/ru_morph_tikhonov_train.tsv" -o "$work/sup.morph" -f -q

ref=${SPM_REF:-}
if [ -z "$ref" ]; then
  ref=$(bash "$shared/tools/spm_baseline.sh" "$work/ru.train" "$work/ru.test" 32000 bpe 2>/dev/null |
    sed -n 's/.*tokens \([0-9]*\).*/\1/p')
fi
echo "sentencepiece BPE 32k on the test books: $ref tokens"
printf '%-66s %9s %7s %9s %7s\n' codebook tokens ratio precision recall

row() {  # row NAME MODEL
  local tokens p r
  tokens=$("$ht" stats -m "$2" --json "$work/ru.test" |
    sed -E 's/^\{"bytes":[0-9]+,"chars":[0-9]+,"words":[0-9]+,"tokens":([0-9]+).*/\1/')
  "$ht" encode -m "$2" "$work/valid.words" --scene line --format pieces -o "$work/valid.pieces" -f
  "$py" "$root/tools/pieces_to_tsv.py" <"$work/valid.pieces" >"$work/valid.tsv"
  read -r p r < <("$py" "$shared/tools/morph_eval.py" "$gold/ru_morph_tikhonov_valid.tsv" \
    "$work/valid.tsv" | sed -n 's/^boundary precision \([0-9.]*\) *recall \([0-9.]*\).*/\1 \2/p')
  awk -v n="$1" -v t="$tokens" -v ref="$ref" -v p="$p" -v r="$r" \
    'BEGIN { printf "%-66s %9d %7.4f %9s %7s\n", n, t, t / ref, p, r }'
}

train() { "$ht" train "$work/ru.train" --vocab-size 32000 -T"$(nproc)" -q -f "$@"; }
train -o "$work/default.htk"
row "default (morph model learned from the text)" "$work/default.htk"
train -o "$work/sup.htk" --morph "$work/sup.morph"
row "--morph sup.morph" "$work/sup.htk"
train -o "$work/align0.htk" --morph "$work/sup.morph" --morph-align
row "--morph sup.morph --morph-align (no lexicon)" "$work/align0.htk"
for k in 8000 9500 11000; do
  train -o "$work/align$k.htk" --morph "$work/sup.morph" --morph-align \
    --morph-lexicon "$gold/ru_morph_tikhonov_train.tsv" --morph-lexicon-size "$k"
  row "--morph-align --morph-lexicon train.tsv --morph-lexicon-size $k" "$work/align$k.htk"
done
