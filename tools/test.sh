#!/usr/bin/env bash
# README command 2: install what is missing, build, run every test with ctest.
#   tools/test.sh            build in build-test/ (RelWithDebInfo) and test
# Environment: HYPERTOK_TEST_SEED replays randomized tests; JOBS sets the
# build parallelism (default: all cores).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/tools/install-deps.sh"
build=${BUILD_DIR:-$root/build-test}
jobs=${JOBS:-$(nproc)}
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHYPERTOK_BUILD_TESTS=ON >/dev/null
cmake --build "$build" -j "$jobs"
ctest --test-dir "$build" -j "$jobs" --output-on-failure
