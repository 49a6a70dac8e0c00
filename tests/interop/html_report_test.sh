#!/usr/bin/env bash
# `stats --html` writes one self-contained page that headless Chromium
# renders: the page's own script marks <body data-rendered="ok"> once every
# chart has a non-empty layout box. Also checks the page loads nothing from
# anywhere (no src=/href= to other files, no url()). Skipped (77) without
# Chromium.
#
# Usage: html_report_test.sh HYPERTOK SAMPLES_DIR
source "$(dirname "$0")/../test_lib.sh"
H=$(realpath "$1")
SAMPLES=$(realpath "$2")
"$H" train "$SAMPLES"/*.txt -o "$T/m.htk" --vocab-size 3000 -T2 2>/dev/null || { echo "FAIL: train"; exit 1; }
# A sentencepiece reference when spm_train is there (it is in CI).
refs=()
if command -v spm_train > /dev/null; then
  spm_train --input="$SAMPLES/en_pg174_dorian_gray.txt" --model_prefix="$T/sp" --vocab_size=3000 \
    --model_type=bpe > /dev/null 2>&1 && refs=(--reference "$T/sp.model")
fi
"$H" stats -m "$T/m.htk" "$SAMPLES"/*.txt "${refs[@]}" --model-shape llama3-8b \
  --html "$T/report.html" > "$T/out.txt" 2>&1 || fail "stats --html: $(cat "$T/out.txt")"
[ -s "$T/report.html" ] || fail "no report written"
for what in "Stage waterfall" "Bytes per token, per input" "What it means for a model" "<svg"; do
  grep -q "$what" "$T/report.html" || fail "report lacks '$what'"
done
if grep -Eqi '(src|href)="[^#]|url\(' "$T/report.html"; then fail "report refers to outside files"; fi
"$H" stats -m "$T/m.htk" "$SAMPLES"/ru_gogol_shinel.txt --html "$T/report.html" 2> "$T/err"
[ $? -ne 0 ] && grep -q "exists" "$T/err" || fail "existing report overwritten without -f"

browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$browser" ]; then
  [ $fails -eq 0 ] || exit 1
  echo "html_report_test: no Chromium (apt-get install chromium): rendering not checked, skipped"
  exit 77
fi
dom=$(timeout 120 "$browser" --headless --no-sandbox --disable-gpu --user-data-dir="$T/profile" \
  --virtual-time-budget=5000 --dump-dom "file://$T/report.html" 2>/dev/null)
grep -q 'data-rendered="ok"' <<< "$dom" || fail "Chromium did not lay the charts out: $(grep -o '<body[^>]*>' <<< "$dom")"
n=$(grep -o '<svg class="chart"' <<< "$dom" | wc -l)
[ "$n" -ge 3 ] || fail "expected at least 3 charts, Chromium saw $n"
check_fails html_report_test
echo "html_report_test: $n charts rendered in $("$browser" --version 2>/dev/null)"
