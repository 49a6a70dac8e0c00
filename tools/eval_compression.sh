#!/usr/bin/env bash
# Reproduces the compression figures of the codebook builder (docs/TRAINING.md):
# trains hypertok and sentencepiece side by side on the development split and
# counts tokens on the test split, at several vocabulary sizes.
#   tools/eval_compression.sh [SIZES...]       default: 8000 32000 64000
# LANGS="ru en" and SPM_VARIANTS="bpe unigram sw" choose what runs (sentencepiece
# BPE with --split_by_whitespace=false at 64k trains for half an hour here).
# Needs ../shared/data (or SHARED=...), spm_train/spm_encode for the references.
# Russian: train ru-dev/ (12.9 MB), test ru/ (2.0 MB); English: en-dev/ → en/.
# sentencepiece runs with the lossless settings of ../shared/tools/spm_baseline.sh
# (+1 token per newline); GPT-4 counts come from TOKEN_COUNTS.tsv.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
shared=${SHARED:-$root/../shared}
data=$shared/data
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(8000 32000 64000)
work=${WORK:-$(mktemp -d "${TMPDIR:-/tmp}/hypertok-eval.XXXXXX")}
mkdir -p "$work"
cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$root/build" -j "$(nproc)" >/dev/null
ht=$root/build/hypertok

cat "$data"/ru-dev/*/*.txt >"$work/ru.train"
cat "$data"/ru/*.txt >"$work/ru.test"
cat "$data"/en-dev/*.txt >"$work/en.train"
cat "$data"/en/*.txt >"$work/en.test"

gpt() {  # gpt LANG COLUMN: sum of TOKEN_COUNTS.tsv over the test files
  awk -F'\t' -v d="$1/" -v col="$2" 'NR > 1 && index($1, d) == 1 { s += $col } END { print s }' \
    "$data/TOKEN_COUNTS.tsv"
}
variants=${SPM_VARIANTS:-bpe unigram sw}
spm_count() {  # spm_count LANG VOCAB TYPE VARIANT [FLAGS...] → tokens, or n/a / skipped
  local lang=$1 vocab=$2 type=$3 variant=$4; shift 4
  case " $variants " in *" $variant "*) ;; *) echo skipped; return ;; esac
  local out
  if out=$(bash "$shared/tools/spm_baseline.sh" "$work/$lang.train" "$work/$lang.test" "$vocab" "$type" "$@" 2>/dev/null); then
    echo "$out" | sed -nE 's/.* tokens ([0-9]+) .*/\1/p'
  else
    echo n/a
  fi
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b !~ /^[0-9]+$/ || b == 0) print "-"; else printf "%.3f", a / b }'; }

printf '%-4s %6s %10s %8s %10s %7s %10s %7s %10s %7s %7s %7s %8s\n' \
  lang vocab hypertok B/tok spm_bpe ratio spm_uni ratio spm_bpe_sw ratio train_s peak_MB verify
for lang in ${LANGS:-ru en}; do
  for vocab in "${sizes[@]}"; do
    model=$work/$lang.$vocab.htk
    /usr/bin/time -f '%e %M' -o "$work/time" "$ht" train "$work/$lang.train" -o "$model" -f \
      --vocab-size "$vocab" -T 2
    read -r secs kb <"$work/time"
    tokens=$("$ht" stats -m "$model" --json "$work/$lang.test" | sed -E 's/^\{"bytes":[0-9]+,"chars":[0-9]+,"words":[0-9]+,"tokens":([0-9]+).*/\1/')
    bytes=$(stat -c %s "$work/$lang.test")
    ok=$("$ht" verify -m "$model" "$work/$lang.test" >/dev/null 2>&1 && echo exact || echo FAIL)
    bpe=$(spm_count $lang "$vocab" bpe bpe)
    uni=$(spm_count $lang "$vocab" unigram unigram)
    sw=$(spm_count $lang "$vocab" bpe sw --split_by_whitespace=false)
    printf '%-4s %6s %10s %8.3f %10s %7s %10s %7s %10s %7s %7.1f %7d %8s\n' \
      $lang "$vocab" "$tokens" "$(awk -v a=$bytes -v b=$tokens 'BEGIN{print a/b}')" \
      "$bpe" "$(ratio $tokens $bpe)" "$uni" "$(ratio $tokens $uni)" "$sw" "$(ratio $tokens $sw)" \
      "$secs" $((kb / 1024)) "$ok"
  done
  printf '%-4s %6s GPT-4 cl100k_base %s tokens (ratio %s), o200k_base %s (ratio %s)\n' $lang "" \
    "$(gpt $lang 4)" "$(ratio "$tokens" "$(gpt $lang 4)")" "$(gpt $lang 5)" "$(ratio "$tokens" "$(gpt $lang 5)")"
done
echo "(GPT ratios use the last vocabulary size; work files in $work)"
