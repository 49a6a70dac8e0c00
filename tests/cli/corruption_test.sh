#!/usr/bin/env bash
# Hostile files: N randomly corrupted codebooks, streams (plain and zstd) and counts
# files (default 1,000 of each; HYPERTOK_CORRUPT_N). Every one must give exit 1 and
# exactly one error line, leave no output, and finish well within the time limit
# (a crash, a sanitizer report or a hang fails). Prints the slowest case.
# Usage: corruption_test.sh HYPERTOK HYPERTOK_CORRUPT DATA_DIR
set -u
HT=$(realpath "$1")
CORRUPT=$(realpath "$2")
DATA=$(realpath "$3")
N=${HYPERTOK_CORRUPT_N:-1000}
SEED=${HYPERTOK_TEST_SEED:-20261122}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/hypertok-corrupt.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
echo "corruption_test: $N of each kind, seed $SEED (HYPERTOK_CORRUPT_N, HYPERTOK_TEST_SEED)"
failures=0

# Small originals (a codebook without a morph model), so most corruptions land in
# the structure rather than in one large section.
"$HT" train "$DATA/ru_gogol_shinel.txt" "$DATA/en_pg1080_modest_proposal.txt" -o cb.htk \
  --vocab-size 1200 --morph none -q
head -c 20000 "$DATA/ru_gogol_shinel.txt" >text.txt
"$HT" encode -m cb.htk text.txt -o plain.hts
"$HT" encode -m cb.htk text.txt --zstd -o zstd.hts
"$HT" count --sample-tokens 3000 "$DATA/en_pg1080_modest_proposal.txt" text.txt -o c.counts

# check_part W KIND FILE... : worker W runs the command for KIND on each file and
# writes "BAD SLOWEST_MS SLOWEST_FILE" to part-W.
check_part() {
  local w=$1 kind=$2; shift 2
  local bad=0 slowest=0 slowest_file="" f rc t0 ms lines
  local out=out-$w.bin err=err-$w.txt
  for f in "$@"; do
    t0=$EPOCHREALTIME
    case $kind in
      codebook) timeout 10 "$HT" encode -m "$f" text.txt -o "$out" -f >/dev/null 2>"$err" ;;
      stream) timeout 10 "$HT" decode -m cb.htk "$f" -o "$out" -f >/dev/null 2>"$err" ;;
      counts) timeout 10 "$HT" merge --sample-tokens 3000 "$f" -o "$out" -f >/dev/null 2>"$err" ;;
    esac
    rc=$?
    ms=$(( (${EPOCHREALTIME/./} - ${t0/./}) / 1000 ))
    [ $ms -gt $slowest ] && { slowest=$ms; slowest_file=$f; }
    mapfile -t lines <"$err"
    if [ $rc -ne 1 ] || [ ${#lines[@]} -ne 1 ] || [[ ${lines[0]-} != "hypertok: error: "* ]]; then
      bad=$((bad + 1)); echo "FAIL: corrupt $kind $f: exit $rc: $(head -c 300 "$err")"
      cp "$f" "$OLDPWD/failed-$kind-$(basename "$f")" 2>/dev/null
    fi
    [ -e "$out" ] && { bad=$((bad + 1)); echo "FAIL: corrupt $kind $f left output"; rm -f "$out"; }
  done
  echo "$bad $slowest $slowest_file" >"part-$w"
}
# check KIND FILE... : the files, split between two workers (the files are
# independent; this halves the test's wall time on a 2-core runner).
check() {
  local kind=$1; shift
  local files=("$@") half=$(( ($# + 1) / 2 ))
  check_part 0 "$kind" "${files[@]:0:half}" &
  check_part 1 "$kind" "${files[@]:half}" &
  wait
  local bad0 slow0 file0 bad1 slow1 file1
  read -r bad0 slow0 file0 <part-0
  read -r bad1 slow1 file1 <part-1
  [ "$slow1" -gt "$slow0" ] && { slow0=$slow1; file0=$file1; }
  echo "corruption_test: $kind: $# files, $((bad0 + bad1)) failed, slowest ${slow0} ms ($(basename "$file0"))"
  failures=$((failures + bad0 + bad1))
}
"$CORRUPT" cb.htk bad-cb "$N" "$SEED"
check codebook bad-cb.*
"$CORRUPT" plain.hts bad-plain $((N / 2)) "$SEED"
"$CORRUPT" zstd.hts bad-zstd $((N - N / 2)) "$SEED"
check stream bad-plain.* bad-zstd.*
"$CORRUPT" c.counts bad-counts "$N" "$SEED"
check counts bad-counts.*
[ $failures -eq 0 ]
