#!/usr/bin/env bash
# `cmake --install` puts the command, man page, headers, static libraries, a
# CMake package and a pkg-config file under a prefix; docs/example builds
# against them both ways (find_package and pkg-config) and round-trips a
# bundled sample.
#
# Usage: install_test.sh BUILD_DIR SOURCE_DIR
source "$(dirname "$0")/../test_lib.sh"
# Each step needs the one before: stop at the first failure.
fail() { echo "FAIL: $*"; exit 1; }
BUILD=$(realpath "$1")
SRC=$(realpath "$2")
cmake --install "$BUILD" --prefix "$T/prefix" > "$T/install.log" 2>&1 || fail "install: $(tail -5 "$T/install.log")"
for f in bin/hypertok share/man/man1/hypertok.1 include/hypertok/encoder.h include/hypertok/version.h \
         lib/cmake/hypertok/hypertokConfig.cmake lib/pkgconfig/hypertok.pc; do
  [ -e "$T/prefix/$f" ] || fail "not installed: $f"
done
ls "$T/prefix"/lib*/libhypertok_runtime.a > /dev/null 2>&1 || ls "$T"/prefix/lib/*/libhypertok_runtime.a > /dev/null 2>&1 \
  || fail "libhypertok_runtime.a not installed"
"$T/prefix/bin/hypertok" --version | grep -q "codebook format" || fail "installed hypertok --version"
sample="$SRC/data/ru_gogol_shinel.txt"
# The installed command finds its sentencepiece module in the install tree
# (LIBDIR/hypertok): a model it exports serves as a stats --reference.
[ -n "$(find "$T/prefix" -path '*/hypertok/hypertok-sentencepiece.so')" ] \
  || fail "not installed: hypertok/hypertok-sentencepiece.so"
"$T/prefix/bin/hypertok" train "$sample" -o "$T/m.htk" --vocab-size 1000 -q || fail "installed train"
"$T/prefix/bin/hypertok" export -m "$T/m.htk" -o "$T/m.model" -q || fail "installed export"
out=$("$T/prefix/bin/hypertok" stats -m "$T/m.htk" --reference "$T/m.model" "$sample" --json 2>&1) \
  || fail "installed stats --reference with a sentencepiece model: $out"
grep -q '"name":"sentencepiece:m.model"' <<< "$out" || fail "installed stats --reference: $out"
# find_package
cmake -S "$SRC/docs/example" -B "$T/ex" -DCMAKE_PREFIX_PATH="$T/prefix" > "$T/cfg.log" 2>&1 \
  || fail "configure example: $(tail -5 "$T/cfg.log")"
cmake --build "$T/ex" > "$T/build.log" 2>&1 || fail "build example: $(tail -20 "$T/build.log")"
out=$("$T/ex/hypertok_example" "$sample") || fail "example (find_package) failed: $out"
grep -q "round trip exact" <<< "$out" || fail "example output: $out"
echo "find_package: $out"
# pkg-config
pcdir=$(dirname "$(find "$T/prefix" -name hypertok.pc | head -1)")
flags=$(PKG_CONFIG_PATH="$pcdir" pkg-config --cflags --libs hypertok) || fail "pkg-config hypertok"
g++ "$SRC/docs/example/example.cc" $flags -o "$T/ex_pc" 2> "$T/pc.log" || fail "pkg-config build: $(tail -20 "$T/pc.log")"
out=$("$T/ex_pc" "$sample") || fail "example (pkg-config) failed: $out"
grep -q "round trip exact" <<< "$out" || fail "example output: $out"
echo "pkg-config: $out"
