#!/usr/bin/env bash
# Round trip of every file of the development set (../shared/data) through
# encode → .hts → decode, with a codebook trained on the bundled samples,
# in all three scene modes. Skipped (exit 77) when the set is not there.
set -u
HT=$(realpath "$1")
SAMPLES=$(realpath "$2")
SHARED=${3:-}
if [ -z "$SHARED" ] || [ ! -d "$SHARED" ]; then
  echo "shared_roundtrip: no development set at '${SHARED}': skipped"
  exit 77
fi
WORK=$(mktemp -d "${TMPDIR:-/tmp}/hypertok-shared.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
"$HT" train "$SAMPLES"/*.txt -o "$WORK/m.htk" --vocab-size 16000 -T2 || exit 1
n=0; bad=0
while IFS= read -r -d '' f; do
  for scene in paragraph line document; do
    "$HT" encode -m "$WORK/m.htk" --scene $scene -T2 "$f" -o "$WORK/x.hts" -f &&
      "$HT" decode -m "$WORK/m.htk" "$WORK/x.hts" -o "$WORK/x.out" -f &&
      cmp -s "$f" "$WORK/x.out" || { echo "FAIL: $f ($scene)"; bad=$((bad + 1)); }
  done
  n=$((n + 1))
done < <(find "$SHARED" -type f -print0 | sort -z)
echo "shared_roundtrip: $n files x 3 scene modes, $bad failures"
[ $bad -eq 0 ] && [ $n -gt 0 ]
