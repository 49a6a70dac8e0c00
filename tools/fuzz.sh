#!/usr/bin/env bash
# Runs the libFuzzer targets (tests/fuzz/) for a while each and reports executions,
# coverage and any crash. Builds build-fuzz/ with clang-14, ASan + UBSan, and
# checksums switched off (so mutations reach the parsers; see common/hash.h).
#
#   tools/fuzz.sh                 # every target, 180 s each
#   SECONDS_PER_TARGET=600 tools/fuzz.sh counts stream
#
# New inputs go to $WORK/<target>/ (not the checked-in seeds); a crash leaves
# $WORK/crash-* and this script exits 1. After fixing, copy the crash input into
# tests/fuzz/corpus/<target>/ so the replay test keeps it fixed.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
secs=${SECONDS_PER_TARGET:-180}
targets=${*:-codebook stream morph counts roundtrip}
work=${WORK:-$(mktemp -d "${TMPDIR:-/tmp}/hypertok-fuzz.XXXXXX")}
CXX=${CXX:-clang++-14} CC=${CC:-clang-14} cmake -S "$root" -B "$root/build-fuzz" \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHYPERTOK_FUZZ=ON >/dev/null
cmake --build "$root/build-fuzz" -j"$(nproc)" --target $(for t in $targets; do echo "fuzz_$t"; done) >/dev/null
status=0
for t in $targets; do
  mkdir -p "$work/$t"
  log=$work/$t.log
  set +e
  "$root/build-fuzz/tests/fuzz_$t" "$work/$t" "$root/tests/fuzz/corpus/$t" \
    -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    -artifact_prefix="$work/crash-$t-" -print_final_stats=1 >"$log" 2>&1
  rc=$?
  set -e
  execs=$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+)/\1/p' "$log" | tail -1)
  rate=$(sed -nE 's/^stat::average_exec_per_sec: *([0-9]+)/\1/p' "$log" | tail -1)
  cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -1)
  corp=$(grep -oE 'corp: [0-9]+/[0-9]+[a-zA-Z]*' "$log" | tail -1)
  printf '%-10s %s: %s executions (%s/s), %s, %s\n' "$t" \
    "$([ $rc -eq 0 ] && echo ok || echo "FAILED (exit $rc)")" "${execs:-?}" "${rate:-?}" "${cov:-?}" "${corp:-?}"
  if [ $rc -ne 0 ]; then
    status=1
    grep -m3 -E 'ERROR|FUZZ_CHECK|SUMMARY' "$log" | sed 's/^/    /'
    ls "$work"/crash-"$t"-* 2>/dev/null | sed 's/^/    input: /'
  fi
done
echo "(logs and new inputs in $work)"
exit $status
