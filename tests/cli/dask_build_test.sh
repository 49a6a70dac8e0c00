#!/usr/bin/env bash
# tools/hypertok-dask with a local cluster of 2 workers gives outputs and a lock
# identical (sha256) to `hypertok build`; and again when one worker is killed
# with SIGKILL mid-build. Skipped (77) without Dask (python3-distributed).
#
# Usage: dask_build_test.sh HYPERTOK SAMPLES_DIR SOURCE_DIR
source "$(dirname "$0")/../test_lib.sh"
H=$(realpath "$1")
SAMPLES=$(realpath "$2")
SRC=$(realpath "$3")
need_python_module dask.distributed python3-distributed
for d in local dask killed; do
  mkdir -p "$T/$d/books" && cp "$SAMPLES"/*.txt "$T/$d/books/"
  cat > "$T/$d/recipe.toml" <<'TOML'
[inputs]
files = ["books/*.txt"]
[codebook]
vocab_size = 3000
[output]
dir = "out"
format = "bin"
shard_bytes = "400KiB"
TOML
done
sums() { (cd "$1" && find out -maxdepth 1 -type f | sort | xargs sha256sum && sha256sum recipe.lock); }
"$H" build "$T/local/recipe.toml" -T2 2> "$T/err" || fail "local build: $(cat "$T/err")"
"$SRC/tools/hypertok-dask" "$T/dask/recipe.toml" --hypertok "$H" --workers 2 > "$T/dask.log" 2>&1 \
  || fail "hypertok-dask: $(tail -3 "$T/dask.log")"
[ "$(sums "$T/local")" = "$(sums "$T/dask")" ] || fail "Dask outputs or lock differ: $(diff <(sums "$T/local") <(sums "$T/dask"))"
"$SRC/tools/hypertok-dask" "$T/killed/recipe.toml" --hypertok "$H" --workers 2 --kill-a-worker \
  > "$T/killed.log" 2>&1 || fail "hypertok-dask with a killed worker: $(tail -3 "$T/killed.log")"
grep -q "killed worker" "$T/killed.log" || fail "no worker was killed: $(tail -3 "$T/killed.log")"
[ "$(sums "$T/local")" = "$(sums "$T/killed")" ] || fail "outputs after a killed worker differ"
"$H" build "$T/killed/recipe.toml" --check > /dev/null 2>&1 || fail "--check of the Dask build"
n=$(ls "$T/local/out"/shard-* | wc -l)
check_fails dask_build_test
echo "dask_build_test: $n shards, lock and outputs identical to hypertok build (also with a killed worker)"
