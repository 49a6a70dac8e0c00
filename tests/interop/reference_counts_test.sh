#!/usr/bin/env bash
# `stats --reference` with the tiktoken rank files must count exactly what
# tiktoken counts: ../shared/data/TOKEN_COUNTS.tsv lists cl100k_base and
# o200k_base counts for every file of the development set (made with npm
# tiktoken). Also: a sentencepiece .model reference counts as spm_encode
# does (+1 per line break). Skipped (77) without the development set.
#
# Usage: reference_counts_test.sh HYPERTOK SAMPLES_DIR SHARED_DATA_DIR
source "$(dirname "$0")/../test_lib.sh"
H=$(realpath "$1")
SAMPLES=$(realpath "$2")
SHARED=${3:-}
if [ -z "$SHARED" ] || [ ! -f "$SHARED/TOKEN_COUNTS.tsv" ]; then
  echo "reference_counts_test: no development set at '${SHARED}': skipped"
  exit 77
fi
SHARED=$(realpath "$SHARED")

"$H" train "$SAMPLES"/ru_gogol_shinel.txt -o "$T/m.htk" --vocab-size 2000 2>/dev/null || { echo "FAIL: train"; exit 1; }
files=()
while IFS=$'\t' read -r file _; do files+=("$SHARED/$file"); done < <(tail -n +2 "$SHARED/TOKEN_COUNTS.tsv")
"$H" stats -m "$T/m.htk" -T2 --reference "$SHARED/tokenizers/cl100k_base.tiktoken" \
  --reference "$SHARED/tokenizers/o200k_base.tiktoken" "${files[@]}" --json > "$T/stats.json" \
  || fail "stats --reference"
# Pull "input", then the two reference token counts, out of the JSON with sed:
# one line per input.
sed 's/{"input":/\n&/g' "$T/stats.json" | tail -n +2 |
  sed -E 's/^\{"input":"([^"]*)".*"references":\[\{"name":"cl100k_base"[^}]*"tokens":([0-9]+)[^}]*\},\{"name":"o200k_base"[^}]*"tokens":([0-9]+).*/\1\t\2\t\3/' \
  > "$T/got.tsv"
checked=0
while IFS=$'\t' read -r file _ _ cl o2 _; do
  got=$(grep -F "$SHARED/$file"$'\t' "$T/got.tsv" | cut -f2,3)
  [ "$got" = "$cl"$'\t'"$o2" ] || fail "$file: cl100k/o200k $got, tiktoken $cl/$o2"
  checked=$((checked + 1))
done < <(tail -n +2 "$SHARED/TOKEN_COUNTS.tsv")
[ $checked -ge 20 ] || fail "only $checked files checked"

# sentencepiece reference: spm_encode's count + one per line break.
if command -v spm_train > /dev/null; then
  spm_train --input="$SAMPLES/ru_gogol_shinel.txt" --model_prefix="$T/sp" --vocab_size=2000 \
    --model_type=bpe --normalization_rule_name=identity --add_dummy_prefix=false \
    --remove_extra_whitespaces=false --byte_fallback=true > /dev/null 2>&1 || fail "spm_train"
  f="$SHARED/ru/ru_chekhov_duel.txt"
  want=$(( $(spm_encode --model="$T/sp.model" --output_format=id < "$f" | wc -w) + $(wc -l < "$f") ))
  got=$("$H" stats -m "$T/m.htk" --reference "$T/sp.model" "$f" --json |
        sed -E 's/.*"references":\[\{[^}]*"tokens":([0-9]+).*/\1/')
  [ "$got" = "$want" ] || fail "sentencepiece reference: $got, spm_encode + lines $want"
fi
# A file that is neither: one error line, exit 1.
printf 'not a tokenizer\n' > "$T/bad.model"
"$H" stats -m "$T/m.htk" --reference "$T/bad.model" "$SAMPLES/ru_gogol_shinel.txt" 2> "$T/err"
rc=$?
[ $rc -eq 1 ] && [ "$(wc -l < "$T/err")" -eq 1 ] || fail "bad reference: rc $rc $(cat "$T/err")"

check_fails reference_counts_test
echo "reference_counts_test: $checked files, cl100k_base and o200k_base counts equal tiktoken's"
