#!/usr/bin/env bash
# hypertok build: recipe → codebook, shards, lock; --check passes on an
# unchanged tree and names the changed input and affected outputs after one
# byte changes; rebuilds reuse cached shards and give the same bytes; bad
# recipes give one error line.
#
# Usage: build_test.sh HYPERTOK SAMPLES_DIR
source "$(dirname "$0")/../test_lib.sh"
H=$(realpath "$1")
SAMPLES=$(realpath "$2")
mkdir -p "$T/ds/books" && cp "$SAMPLES"/*.txt "$T/ds/books/" && cd "$T/ds"
cat > recipe.toml <<'TOML'
# A dataset over the bundled samples.
[inputs]
files = ["books/ru_*.txt", "books/en_*.txt", "books/de_*.txt"]
[codebook]
vocab_size = 3000
special = ["<|im_start|>"]
[output]
dir = "out"
format = "megatron"
shard_bytes = "512KiB"
TOML
"$H" build recipe.toml -T2 2> err.txt || fail "build: $(cat err.txt)"
[ -s recipe.lock ] || fail "no recipe.lock"
n_shards=$(ls out/shard-*.bin 2>/dev/null | wc -l)
[ "$n_shards" -ge 3 ] || fail "expected several shards, got $n_shards"
grep -q '"sha256"' recipe.lock && grep -q '"codebook_format"' recipe.lock || fail "lock lacks fields"
"$H" build recipe.toml --check > check.txt 2>&1 || fail "--check on an unchanged tree: $(cat check.txt)"
grep -q "every byte matches" check.txt || fail "--check output: $(cat check.txt)"
# A rebuild comes from the cache and gives the same bytes.
cp recipe.lock first.lock
sha_before=$(sha256sum out/* | sha256sum)
"$H" build recipe.toml -v 2> rebuild.txt || fail "rebuild"
[ "$(grep -c ': cached' rebuild.txt)" -eq $((n_shards + 1)) ] || fail "rebuild did not reuse the cache: $(cat rebuild.txt)"
cmp -s recipe.lock first.lock && [ "$(sha256sum out/* | sha256sum)" = "$sha_before" ] || fail "rebuild changed bytes"
# A full rebuild without the cache gives the same bytes too.
rm -rf out/.hypertok-cache out/shard-* && "$H" build recipe.toml 2>/dev/null && cmp -s recipe.lock first.lock \
  || fail "an uncached rebuild differs"
# One changed byte: --check exits 1 naming the input and the shard holding it.
victim=books/en_pg43_jekyll_and_hyde.txt
cp "$victim" "$T/keep"
printf 'Z' | dd of="$victim" bs=1 seek=5000 conv=notrunc 2>/dev/null
"$H" build recipe.toml --check > check.txt 2> err.txt; rc=$?
[ $rc -eq 1 ] || fail "--check after a change: exit $rc"
grep -q "input changed: $victim" check.txt || fail "--check does not name $victim: $(cat check.txt)"
grep -q "output differs: out/shard-[0-9]*.bin.*holds changed input $victim" check.txt \
  || fail "--check does not name the affected output: $(cat check.txt)"
[ "$(wc -l < err.txt)" -eq 1 ] && grep -q "recipe.lock: the rebuild differs" err.txt || fail "error line: $(cat err.txt)"
cp "$T/keep" "$victim"
"$H" build recipe.toml --check > /dev/null 2>&1 || fail "--check after restoring the byte"
# A changed output on disk is caught as well.
printf 'Z' | dd of=out/shard-00000.bin bs=1 seek=10 conv=notrunc 2>/dev/null
"$H" build recipe.toml --check > check.txt 2>/dev/null && fail "--check missed a damaged output"
grep -q "output on disk differs from the lock: out/shard-00000.bin" check.txt || fail "damaged output not named: $(cat check.txt)"
"$H" build recipe.toml 2>/dev/null || fail "a build after damage"  # restores it from the cache
"$H" build recipe.toml --check > /dev/null 2>&1 || fail "the build did not repair a damaged output"
# A damaged cache entry is noticed (the shard must decode to its inputs) and re-encoded.
for f in out/.hypertok-cache/*/shard-00001.bin; do printf 'Z' | dd of="$f" bs=1 seek=10 conv=notrunc 2>/dev/null; done
"$H" build recipe.toml 2> err.txt || fail "build with a damaged cache: $(cat err.txt)"
grep -q "shard-00001: the cached copy is damaged" err.txt || fail "damaged cache not reported: $(cat err.txt)"
cmp -s recipe.lock first.lock || fail "damaged cache changed the result"
# With a given codebook, only the shard holding a changed input is re-encoded.
cp out/codebook.htk given.htk
sed -e 's/^vocab_size = 3000$/path = "given.htk"/' -e '/^special/d' -e 's/"out"/"out2"/' recipe.toml > given.toml
"$H" build given.toml 2>/dev/null || fail "build with a given codebook"
printf 'Z' | dd of="$victim" bs=1 seek=5000 conv=notrunc 2>/dev/null
"$H" build given.toml -v 2> rebuild.txt || fail "rebuild with a given codebook"
[ "$(grep -c ': cached' rebuild.txt)" -eq $((n_shards - 1)) ] || fail "unchanged shards were re-encoded: $(cat rebuild.txt)"
cp "$T/keep" "$victim"
# Bad recipes: one error line.
printf '[inputs]\nfiles = ["books/*.txt"]\n[output]\nfromat = "bin"\n' > bad.toml
"$H" build bad.toml 2> err.txt; rc=$?
[ $rc -eq 2 ] && grep -q "bad.toml: line 4: unknown key 'fromat'" err.txt || fail "unknown key: rc $rc $(cat err.txt)"
printf '[inputs]\nfiles = ["nothing/*.txt"]\n' > bad.toml
"$H" build bad.toml 2> err.txt; rc=$?
[ $rc -eq 1 ] && grep -q "matches no file" err.txt || fail "empty glob: rc $rc $(cat err.txt)"
printf '[inputs\nfiles = 1\n' > bad.toml
"$H" build bad.toml 2> err.txt; rc=$?
[ $rc -eq 2 ] && [ "$(wc -l < err.txt)" -eq 1 ] || fail "TOML syntax error: rc $rc $(cat err.txt)"
check_fails build_test
echo "build_test: all passed ($n_shards shards)"
