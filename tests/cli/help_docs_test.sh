#!/usr/bin/env bash
# The help texts, docs/CLI.md and the man page agree: every verb and every
# long option that `hypertok VERB --help` lists is documented in docs/CLI.md,
# and docs/hypertok.1 is what tools/gen_manpage.sh makes from the help now.
#
# Usage: help_docs_test.sh HYPERTOK SOURCE_DIR
source "$(dirname "$0")/../test_lib.sh"
H=$1
SRC=$2
cli="$SRC/docs/CLI.md"
verbs=$("$H" --help | awk '/^Subcommands:/{on=1; next} on && NF {print $1}')
[ -n "$verbs" ] || fail "no verbs in hypertok --help"
for opt in $("$H" --help | grep -oE -- '--[a-z][a-z-]+' | sort -u); do
  grep -q -- "$opt" "$cli" || fail "global option $opt is not in docs/CLI.md"
done
check_verb() {  # VERB [SUB]
  local name="$*"
  grep -q "^### .*\`$name[\` ]" "$cli" || fail "verb '$name' has no section in docs/CLI.md"
  for opt in $("$H" "$@" --help | grep -oE -- '(^|[ ,])--[a-z][a-z-]+' | grep -oE -- '--[a-z-]+' | sort -u); do
    [ "$opt" = --help ] && continue
    grep -q -- "$opt" "$cli" || fail "'hypertok $name' option $opt is not in docs/CLI.md"
  done
}
for v in $verbs; do
  check_verb "$v"
  for s in $("$H" "$v" --help | awk '/^Subcommands:/{on=1; next} on && NF {print $1}'); do
    check_verb "$v" "$s"
  done
done
bash "$SRC/tools/gen_manpage.sh" "$H" | cmp -s - "$SRC/docs/hypertok.1" \
  || fail "docs/hypertok.1 is stale: run tools/gen_manpage.sh build/hypertok > docs/hypertok.1"
check_fails help_docs_test
echo "help_docs_test: $(wc -w <<< "$verbs") verbs, help, docs/CLI.md and the man page agree"
