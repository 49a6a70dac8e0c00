#!/usr/bin/env bash
# README command 1: the main job on the bundled samples.
# Builds hypertok (Release), trains a codebook on data/, encodes every sample,
# decodes it, checks the bytes are identical, and prints bytes per token next
# to sentencepiece BPE trained on the same text with the same vocabulary size
# (lossless settings; +1 token per newline, since spm_encode drops them).
#   tools/demo.sh [VOCAB_SIZE]      (default 8000; outputs in out/demo/)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
vocab=${1:-8000}
HYPERTOK_NO_CHROMIUM=1 "$root/tools/install-deps.sh"
build=$root/build
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DHYPERTOK_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j "$(nproc)" >/dev/null
ht=$build/hypertok
out=$root/out/demo
rm -rf "$out"
mkdir -p "$out"
inputs=("$root"/data/*.txt "$root"/data/*.h)

echo "== train: $vocab entries on ${#inputs[@]} samples ($(cat "${inputs[@]}" | wc -c) bytes)"
"$ht" train "${inputs[@]}" -o "$out/demo.htk" --vocab-size "$vocab" -T "$(nproc)"
"$ht" inspect "$out/demo.htk" | sed -n '3,4p'

have_spm=0
if command -v spm_train >/dev/null && command -v spm_encode >/dev/null; then
  have_spm=1
  cat "${inputs[@]}" >"$out/all.txt"
  spm_train --input="$out/all.txt" --model_prefix="$out/spm" --vocab_size="$vocab" \
    --model_type=bpe --normalization_rule_name=identity --add_dummy_prefix=false \
    --remove_extra_whitespaces=false --byte_fallback=true --character_coverage=0.9999 \
    --max_sentence_length=100000 --input_sentence_size=100000000 \
    --num_threads="$(nproc)" >"$out/spm_train.log" 2>&1 || have_spm=0
fi

echo "== encode → decode → compare, per sample"
printf '%-46s %10s %10s %8s' file bytes tokens B/tok
[ $have_spm = 1 ] && printf ' %10s %8s %9s' spm_tokens B/tok ht/spm
printf '\n'
tb=0; tt=0; ts=0
div() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.6f", (b ? a / b : 0) }'; }
for f in "${inputs[@]}"; do
  name=$(basename "$f")
  "$ht" encode -m "$out/demo.htk" "$f" -o "$out/$name.hts"
  "$ht" decode -m "$out/demo.htk" "$out/$name.hts" -o "$out/$name.decoded"
  cmp -s "$f" "$out/$name.decoded" || { echo "demo: $name did not round-trip" >&2; exit 1; }
  bytes=$(stat -c %s "$f")
  tokens=$("$ht" inspect "$out/$name.hts" --json | sed -E 's/.*"tokens":([0-9]+).*/\1/')
  tb=$((tb + bytes)); tt=$((tt + tokens))
  printf '%-46s %10d %10d %8.3f' "$name" "$bytes" "$tokens" "$(div $bytes $tokens)"
  if [ $have_spm = 1 ]; then
    spm=$(( $(spm_encode --model="$out/spm.model" --output_format=id <"$f" | wc -w) + $(wc -l <"$f") ))
    ts=$((ts + spm))
    printf ' %10d %8.3f %9.3f' "$spm" "$(div $bytes $spm)" "$(div $tokens $spm)"
  fi
  printf '\n'
done
printf '%-46s %10d %10d %8.3f' total "$tb" "$tt" "$(div $tb $tt)"
[ $have_spm = 1 ] && printf ' %10d %8.3f %9.3f' "$ts" "$(div $tb $ts)" "$(div $tt $ts)"
printf '\n'
echo "== all ${#inputs[@]} samples decoded byte-exact (outputs in out/demo/)"
[ $have_spm = 1 ] || echo "(spm_train not found: sentencepiece comparison skipped)"
