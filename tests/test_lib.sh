# Sourced by the shell tests: a temporary directory $T removed at exit, a
# failure counter, and the skip rule for optional Python modules.
#   source "$(dirname "$0")/../test_lib.sh"
set -uo pipefail
T=$(mktemp -d "${TMPDIR:-/tmp}/hypertok-test.XXXXXX")
trap 'rm -rf "$T"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
# Exit 1 with NAME's failure count if anything failed.
check_fails() { [ $fails -eq 0 ] || { echo "$1: $fails failure(s)"; exit 1; }; }
# Exit 77 (ctest: skipped) unless Debian's python3 can import MODULE.
need_python_module() {
  /usr/bin/python3 -c "import $1" 2>/dev/null && return 0
  echo "SKIP: /usr/bin/python3 cannot import $1 (apt-get install $2)"
  exit 77
}
