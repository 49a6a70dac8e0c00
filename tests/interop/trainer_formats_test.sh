#!/usr/bin/env bash
# Trainer formats and special tokens, read back by code that is not ours:
# NumPy (numpy.load with mmap_mode='r', numpy.fromfile) and a Python reader
# written from Megatron-LM's and llm.c's format descriptions. Each format's
# ids must equal what `--format ids` gives (plus the documented eod tokens),
# and each must decode back to the input bytes.
#
# Usage: trainer_formats_test.sh HYPERTOK DATA_DIR
source "$(dirname "$0")/../test_lib.sh"
H=$(realpath "$1")
DATA=$(realpath "$2")
PY=/usr/bin/python3
need_python_module numpy python3-numpy
cd "$T"

"$H" train "$DATA"/ru_*.txt "$DATA"/en_*.txt -o m.htk --vocab-size 4000 \
  --special '<|im_start|>' '<|im_end|>' 2>/dev/null || { echo "FAIL: train"; exit 1; }
# Two inputs → two documents; the last one ends without a newline.
head -c 60000 "$DATA"/ru_gogol_shinel.txt > a.txt
printf 'One scene.\n\nAnother <|endoftext|> scene, no newline at the end' > b.txt
"$H" encode -m m.htk a.txt b.txt --format ids -o ref.ids 2>/dev/null || fail "encode ids"

for fmt in bin npy llmc megatron pua; do
  out=out.$fmt
  "$H" encode -m m.htk a.txt b.txt --format $fmt -o $out 2>/dev/null || fail "encode $fmt"
  "$H" decode -m m.htk --format $fmt $out -o back.$fmt 2>/dev/null || fail "decode $fmt"
  cat a.txt b.txt | cmp -s - back.$fmt || fail "$fmt does not decode to the input"
done

$PY - "$T" <<'PYEOF' || fails=$((fails + 1))
import struct, sys
import numpy as np

d = sys.argv[1]
scenes = [[int(x) for x in line.split()] for line in open(f"{d}/ref.ids")]
EOD = 256  # --eod default, first special: docs/FORMAT.md
flat = np.array([i for s in scenes for i in s + [EOD]], dtype=np.uint16)
bad = []

def check(name, got):
    if got.dtype != np.uint16 or not np.array_equal(got, flat):
        bad.append(f"{name}: {got.dtype} {got.shape} vs {flat.shape}")

check("bin", np.fromfile(f"{d}/out.bin", dtype="<u2"))
check("npy", np.load(f"{d}/out.npy", mmap_mode="r"))
with open(f"{d}/out.npy", "rb") as f:
    if (10 + struct.unpack("<H", f.read(10)[8:10])[0]) % 64:
        bad.append("npy header is not padded to a multiple of 64")
with open(f"{d}/out.llmc", "rb") as f:
    header = np.frombuffer(f.read(1024), dtype="<i4")
    if header[0] != 20240520 or header[1] != 1 or header[2] != len(flat):
        bad.append(f"llmc header {header[:3]}")
    check("llmc", np.frombuffer(f.read(), dtype="<u2"))

# Megatron MMIDIDX v1: magic, version, dtype, counts, sizes, pointers, doc_idx.
with open(f"{d}/out.megatron.idx", "rb") as f:
    idx = f.read()
if idx[:9] != b"MMIDIDX\x00\x00":
    bad.append("megatron magic")
version, = struct.unpack_from("<Q", idx, 9)
dtype_code = idx[17]
nseq, ndoc = struct.unpack_from("<QQ", idx, 18)
sizes = np.frombuffer(idx, dtype="<i4", count=nseq, offset=34)
pointers = np.frombuffer(idx, dtype="<i8", count=nseq, offset=34 + 4 * nseq)
doc_idx = np.frombuffer(idx, dtype="<i8", count=ndoc, offset=34 + 12 * nseq)
if version != 1 or dtype_code != 8 or len(idx) != 34 + 12 * nseq + 8 * ndoc:
    bad.append(f"megatron header: version {version} dtype {dtype_code} size {len(idx)}")
data = np.memmap(f"{d}/out.megatron.bin", dtype="<u2", mode="r")
if nseq != len(scenes):
    bad.append(f"megatron: {nseq} sequences for {len(scenes)} scenes")
if list(doc_idx) != [0, doc_idx[1], nseq] or not 0 < doc_idx[1] < nseq:
    bad.append(f"megatron doc_idx {list(doc_idx)}: want two documents")
docs_end = set(int(x) - 1 for x in doc_idx[1:])
for i, s in enumerate(scenes):
    seq = data[pointers[i] // 2: pointers[i] // 2 + sizes[i]]
    want = s + ([EOD] if i in docs_end else [])
    if list(seq) != want:
        bad.append(f"megatron sequence {i} differs")
        break

# pua: one private-use code point per id, one line per scene.
lines = open(f"{d}/out.pua", encoding="utf-8").read().split("\n")
pua = [[(ord(c) - 0xF0000) if ord(c) < 0x100000 else ord(c) - 0x100000 + 65534
        for c in line] for line in lines[:-1]]
if pua != scenes or lines[-1] != "":
    bad.append("pua ids differ")

for b in bad:
    print("FAIL:", b)
sys.exit(1 if bad else 0)
PYEOF

# Special tokens: reserved at 256.. in order; text spelling them stays text
# unless --allow-special.
"$H" inspect m.htk --json > inspect.json 2>/dev/null || fail "inspect"
grep -q '"special_tokens":3' inspect.json || fail "three special tokens expected: $(cat inspect.json)"
printf 'Hi <|im_start|>user<|im_end|> <|endoftext|>' > s.txt
plain=$("$H" encode -m m.htk s.txt --format ids 2>/dev/null)
allowed=$("$H" encode -m m.htk s.txt --format ids --allow-special 2>/dev/null)
for id in 256 257 258; do
  [[ " $plain " == *" $id "* ]] && fail "special id $id produced from text without --allow-special"
  [[ " $allowed " == *" $id "* ]] || fail "special id $id missing with --allow-special: $allowed"
done
echo "$plain" | "$H" decode -m m.htk --format ids | cmp -s - s.txt || fail "plain special text round trip"
echo "$allowed" | "$H" decode -m m.htk --format ids | cmp -s - s.txt || fail "allowed specials decode to their spelling"
# Bad options: one error line, exit 2 for usage / 1 otherwise.
"$H" train a.txt -o x.htk --vocab-size 300 --special 'a b' 2>err.txt; rc=$?
[ $rc -ne 0 ] && grep -q "whitespace" err.txt && [ ! -e x.htk ] || fail "special with a space: rc $rc $(cat err.txt)"
"$H" train a.txt -o x.htk --vocab-size 2000 --eod none 2>/dev/null || fail "train --eod none"
"$H" encode -m x.htk a.txt --format bin -o x.bin 2>err.txt; rc=$?
[ $rc -eq 1 ] && grep -q "end-of-document" err.txt && [ ! -e x.bin ] || fail "bin without eod: rc $rc $(cat err.txt)"
"$H" encode -m m.htk a.txt --format npy 2>err.txt | cat > /dev/null
grep -q "needs a file output" err.txt || fail "npy to a pipe: $(cat err.txt)"
# Corrupt files decode to one error line, exit 1.
printf 'x' >> out.bin
"$H" decode -m m.htk --format bin out.bin > /dev/null 2>err.txt; rc=$?
[ $rc -eq 1 ] && [ "$(wc -l < err.txt)" -eq 1 ] || fail "odd-length bin: rc $rc $(cat err.txt)"
head -c $(( $(stat -c %s out.megatron.idx) - 5 )) out.megatron.idx > cut.idx; cp out.megatron.bin cut.bin
"$H" decode -m m.htk --format megatron cut > /dev/null 2>err.txt; rc=$?
[ $rc -eq 1 ] && grep -q "truncated" err.txt || fail "truncated idx: rc $rc $(cat err.txt)"
# encode --rm verifies a trainer-format output before removing inputs.
cp a.txt c.txt
"$H" encode -m m.htk c.txt --format megatron -o rm_out --rm 2>/dev/null && [ ! -e c.txt ] \
  && [ -s rm_out.bin ] && [ -s rm_out.idx ] || fail "--rm with megatron"

check_fails trainer_formats_test
echo "trainer_formats_test: all passed"
