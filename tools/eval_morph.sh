#!/usr/bin/env bash
# Reproduces the morpheme-splitter figures (docs/MORPH.md) in one command:
#   supervised Russian (Tikhonov train → valid), unsupervised Russian (ru-dev raw
#   text → valid) side by side with Morfessor 2.0 Baseline on the same word counts,
#   English (Morpho Challenge 2010 dev) in both modes, and speeds.
# Needs ../shared (or SHARED=...), /usr/bin/python3; Morfessor (Debian
# python3-morfessor) for the baseline rows, skipped with a note when absent.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
shared=${SHARED:-$root/../shared}
data=$shared/data
gold=$data/gold
eval_py="/usr/bin/python3 $shared/tools/morph_eval.py"
work=${WORK:-$(mktemp -d "${TMPDIR:-/tmp}/hypertok-morph.XXXXXX")}
mkdir -p "$work"
cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$root/build" -j "$(nproc)" >/dev/null
ht=$root/build/hypertok
timed() {  # timed LABEL command... : runs it, prints wall seconds
  local s e; s=$(date +%s.%N); "${@:2}"; e=$(date +%s.%N)
  awk -v a="$s" -v b="$e" -v l="$1" 'BEGIN { printf "%-44s %6.1f s\n", l, b - a }' >&2
}
score() { $eval_py "$1" "$2" | sed -n '2p;3p' | tr '\n' ' '; echo; }

cut -f1 "$gold/ru_morph_tikhonov_valid.tsv" >"$work/ru_valid.words"
cut -f1 "$gold/en_morphochallenge2010_dev_surface.txt" >"$work/en_mc.words"
cat "$data"/ru-dev/*/*.txt >"$work/ru.raw"
cat "$data"/en-dev/*.txt >"$work/en.raw"

echo "== Russian, supervised: train ru_morph_tikhonov_train.tsv, score valid"
timed "train (supervised, 57k words)" "$ht" morph train --gold "$gold/ru_morph_tikhonov_train.tsv" -o "$work/ru_sup.morph" -f
"$ht" split -m "$work/ru_sup.morph" --tsv "$work/ru_valid.words" >"$work/ru_sup.tsv"
score "$gold/ru_morph_tikhonov_valid.tsv" "$work/ru_sup.tsv"

echo "== Russian, unsupervised: ru-dev raw text only, score valid"
timed "train (unsupervised, ru-dev 12.9 MB)" "$ht" morph train "$work/ru.raw" -o "$work/ru_unsup.morph" -f \
  --word-counts "$work/ru.counts"
"$ht" split -m "$work/ru_unsup.morph" --tsv "$work/ru_valid.words" >"$work/ru_unsup.tsv"
echo -n "hypertok   "; score "$gold/ru_morph_tikhonov_valid.tsv" "$work/ru_unsup.tsv"
if command -v morfessor-train >/dev/null; then
  timed "Morfessor 2.0 Baseline train (same counts)" morfessor-train --traindata-list -s "$work/morf_ru.bin" "$work/ru.counts" >/dev/null 2>&1
  morfessor-segment -l "$work/morf_ru.bin" "$work/ru_valid.words" -o "$work/morf_ru.out" >/dev/null 2>&1
  paste "$work/ru_valid.words" "$work/morf_ru.out" >"$work/morf_ru.tsv"
  echo -n "Morfessor  "; score "$gold/ru_morph_tikhonov_valid.tsv" "$work/morf_ru.tsv"
else
  echo "(morfessor-train not found: apt-get install python3-morfessor for the baseline)"
fi

echo "== English, Morpho Challenge 2010 dev (surface)"
"$ht" morph train --gold "$gold/en_sigmorphon2022_word_dev_first2000.tsv" -o "$work/en_sup.morph" -f
"$ht" split -m "$work/en_sup.morph" --tsv "$work/en_mc.words" >"$work/en_sup.tsv"
echo -n "supervised (SIGMORPHON 2022 surface words)  "; score "$gold/en_morphochallenge2010_dev_surface.txt" "$work/en_sup.tsv"
"$ht" morph train "$work/en.raw" -o "$work/en_unsup.morph" -f --word-counts "$work/en.counts"
"$ht" split -m "$work/en_unsup.morph" --tsv "$work/en_mc.words" >"$work/en_unsup.tsv"
echo -n "unsupervised (en-dev raw text)              "; score "$gold/en_morphochallenge2010_dev_surface.txt" "$work/en_unsup.tsv"
if command -v morfessor-train >/dev/null; then
  morfessor-train --traindata-list -s "$work/morf_en.bin" "$work/en.counts" >/dev/null 2>&1
  morfessor-segment -l "$work/morf_en.bin" "$work/en_mc.words" -o "$work/morf_en.out" >/dev/null 2>&1
  paste "$work/en_mc.words" "$work/morf_en.out" >"$work/morf_en.tsv"
  echo -n "Morfessor 2.0 Baseline (same counts)        "; score "$gold/en_morphochallenge2010_dev_surface.txt" "$work/morf_en.tsv"
fi

echo "== split speed, one core (distinct Russian words, 3 passes)"
cut -d' ' -f2 "$work/ru.counts" >"$work/types"
cat "$work/types" "$work/types" "$work/types" >"$work/types3"
n=$(wc -l <"$work/types3")
for m in ru_sup ru_unsup; do
  s=$(date +%s.%N); "$ht" split -m "$work/$m.morph" --tsv "$work/types3" >/dev/null; e=$(date +%s.%N)
  s0=$(date +%s.%N); "$ht" split -m "$work/$m.morph" --tsv /dev/null >/dev/null; e0=$(date +%s.%N)
  awk -v n="$n" -v a="$s" -v b="$e" -v c="$s0" -v d="$e0" -v m="$m" \
    'BEGIN { t = (b - a) - (d - c); printf "%-10s %d words in %.2f s (model load excluded): %.0f words/s\n", m, n, t, n / t }'
done
echo "(work files in $work)"
