#!/usr/bin/env bash
# Golden bad files (tests/data/bad/, made by tests/tools/make_bad_files.cc): each
# must fail with exit 1 and exactly the error line in tests/data/bad/EXPECTED,
# fast and in bounded memory (run under `ulimit -v`, except sanitized builds). After an intended change of
# wording: HYPERTOK_UPDATE_GOLDEN=1 ctest -R bad_files, and review the diff.
# Usage: bad_files_test.sh HYPERTOK BAD_DIR
set -u
HT=$(realpath "$1")
BAD=$(realpath "$2")
WORK=$(mktemp -d "${TMPDIR:-/tmp}/hypertok-bad.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cd "$BAD"
printf 'word\n' >"$WORK/words.txt"
failures=0
got_all=""
# The address-space limit proves a lie costs no memory; a sanitized binary needs
# terabytes of shadow address space, so it runs without the limit.
vlimit=$((2 << 20))
if ldd "$HT" 2>/dev/null | grep -q 'libasan\|libtsan'; then vlimit=unlimited; fi
for f in codebook_* stream_* counts_*; do
  case $f in
    codebook_*) cmd=(inspect "$f") ;;
    stream_*) cmd=(decode -m good.htk "$f" -o "$WORK/out") ;;
    counts_*) cmd=(merge "$f" -o "$WORK/out") ;;
  esac
  # 2 GiB of address space: a reader that trusted a claimed size would fail here.
  ( ulimit -v $vlimit; timeout 10 "$HT" "${cmd[@]}" ) >/dev/null 2>"$WORK/err"
  rc=$?
  line=$(cat "$WORK/err")
  got_all+="$f	$line"$'\n'
  [ $rc -eq 1 ] || { echo "FAIL: $f: exit $rc ($line)"; failures=$((failures + 1)); }
  [ "$(wc -l <"$WORK/err")" -eq 1 ] || { echo "FAIL: $f: not one error line: $line"; failures=$((failures + 1)); }
  [ -e "$WORK/out" ] && { echo "FAIL: $f left output"; failures=$((failures + 1)); rm -f "$WORK/out"; }
done
if [ -n "${HYPERTOK_UPDATE_GOLDEN:-}" ]; then printf '%s' "$got_all" >EXPECTED; fi
if ! diff <(printf '%s' "$got_all") EXPECTED; then
  echo "FAIL: error lines differ from tests/data/bad/EXPECTED (above: < got, > expected)"
  failures=$((failures + 1))
fi
echo "bad_files_test: $(printf '%s' "$got_all" | wc -l) files, $failures failures"
[ $failures -eq 0 ]
