#!/usr/bin/env bash
# Command-line contract tests: exit codes, one-line errors, no partial output,
# corruption handling, determinism. Usage: cli_test.sh HYPERTOK DATA_DIR [PART]
# PART 1 runs the sections up to inspect, PART 2 the rest (morph, counts, --rm,
# limits, progress, golden) with its own setup, so ctest can run the two at once;
# no PART runs everything.
set -u
HT=$(realpath "$1")
DATA=$(realpath "$2")
PART=${3:-all}
TESTDATA=$(realpath "$(dirname "$0")/../data")
WORK=$(mktemp -d "${TMPDIR:-/tmp}/hypertok-cli.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
failures=0
checks=0
SEED=${HYPERTOK_TEST_SEED:-20261122}
RANDOM=$SEED
echo "cli_test: seed $SEED (set HYPERTOK_TEST_SEED to replay)"

fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
ok() { checks=$((checks + 1)); }
# expect_rc WANT DESCRIPTION -- command...
expect_rc() {
  local want=$1 what=$2; shift 3
  "$@" >out.txt 2>err.txt
  local rc=$?
  if [ "$rc" -ne "$want" ]; then fail "$what: exit $rc, want $want; stderr: $(head -c 300 err.txt)"; else ok; fi
}
# The last command's stderr is exactly one line starting "hypertok: error: ".
expect_one_error_line() {
  local what=$1
  if [ "$(wc -l <err.txt)" -ne 1 ] || ! grep -q '^hypertok: error: ' err.txt; then
    fail "$what: want one error line, got: $(head -c 300 err.txt)"
  else ok; fi
}
sha() { sha256sum "$1" | cut -d' ' -f1; }

if [ "$PART" != 2 ]; then
# --- usage -----------------------------------------------------------------
expect_rc 0 "help" -- "$HT" --help
expect_rc 0 "version" -- "$HT" --version
grep -q 'codebook format 1\.1' out.txt || fail "version names the codebook format"
expect_rc 2 "unknown flag" -- "$HT" encode --no-such-flag
expect_one_error_line "unknown flag"
expect_rc 2 "no subcommand" -- "$HT"
expect_rc 2 "train without -o" -- "$HT" train "$DATA/ru_gogol_shinel.txt"
expect_rc 2 "bad scene" -- "$HT" train --scene chapter -o m.htk "$DATA/ru_gogol_shinel.txt"
expect_rc 2 "vocab below 256" -- "$HT" train --vocab-size 100 -o m.htk "$DATA/ru_gogol_shinel.txt"
expect_one_error_line "vocab below 256"
[ -e m.htk ] && fail "failed train left m.htk"

# --- train: determinism across thread counts ---------------------------------
TRAIN=("$DATA"/*.txt)
expect_rc 0 "train T1" -- "$HT" train "${TRAIN[@]}" -o m1.htk --vocab-size 6000 -T1
expect_rc 0 "train T2" -- "$HT" train "${TRAIN[@]}" -o m2.htk --vocab-size 6000 -T2
[ "$(sha m1.htk)" = "$(sha m2.htk)" ] && ok || fail "codebook differs between -T1 and -T2"
[ -s err.txt ] && fail "train printed on stderr on success: $(head -c 200 err.txt)"
cat "${TRAIN[@]}" | "$HT" train -o m3.htk --vocab-size 6000 2>err.txt || fail "train from stdin"
cmp -s m3.htk m1.htk || ok   # stdin is one document: same counts but may differ in samples
M=m1.htk

# --- refuse to overwrite; -f overwrites ---------------------------------------
before=$(sha $M)
expect_rc 1 "overwrite without -f" -- "$HT" train "$DATA/ru_gogol_shinel.txt" -o $M
expect_one_error_line "overwrite without -f"
grep -q 'already exists' err.txt || fail "overwrite message"
[ "$(sha $M)" = "$before" ] && ok || fail "refused overwrite changed the file"

# --- encode / decode round trips in every format ------------------------------
head -c 200000 /dev/urandom >random.bin
printf '\xff\xfe\xc0\x80 not utf-8 \xed\xa0\x80\x00\x00 end\r\n\r\n\rmixed\n' >invalid.txt
: >empty.txt
printf '\xef\xbb\xbfBOM\r\nthen CRLF\r\n\r\nand LF\n\n\n' >crlf.txt
for f in "$DATA"/* random.bin invalid.txt empty.txt crlf.txt; do
  base=$(basename "$f")
  "$HT" encode -m $M "$f" -o "$base.hts" 2>err.txt || { fail "encode $base: $(cat err.txt)"; continue; }
  "$HT" decode -m $M "$base.hts" -o "$base.back" 2>err.txt || { fail "decode $base: $(cat err.txt)"; continue; }
  cmp -s "$f" "$base.back" && ok || fail "round trip differs for $base"
  "$HT" encode -m $M "$f" --zstd -T2 -o "$base.z.hts" && "$HT" decode -m $M "$base.z.hts" -c >"$base.zback" \
    && cmp -s "$f" "$base.zback" && ok || fail "zstd round trip $base"
  "$HT" encode -m $M --format ids --scene line <"$f" >"$base.ids" && "$HT" decode -m $M --format ids "$base.ids" >"$base.iback" \
    && cmp -s "$f" "$base.iback" && ok || fail "ids round trip $base"
done
"$HT" encode -m $M "$DATA/ru_gogol_shinel.txt" -o again.hts
cmp -s again.hts ru_gogol_shinel.txt.hts && ok || fail "encoding twice differs"
"$HT" encode -m $M -T2 -c "$DATA/ru_gogol_shinel.txt" >again2.hts
cmp -s again2.hts ru_gogol_shinel.txt.hts && ok || fail "encoding with -T2 differs"
# Several inputs → one stream, decoding to their concatenation.
"$HT" encode -m $M "$DATA/ru_gogol_shinel.txt" crlf.txt -o multi.hts && "$HT" decode -m $M multi.hts >multi.back
cat "$DATA/ru_gogol_shinel.txt" crlf.txt | cmp -s - multi.back && ok || fail "multi-input stream"
"$HT" inspect multi.hts --json >inspect.json
grep -q '"documents":2' inspect.json && ok || fail "inspect counts 2 documents: $(cat inspect.json)"
# Concatenated streams decode to the concatenated inputs.
cat ru_gogol_shinel.txt.hts crlf.txt.hts | "$HT" decode -m $M >cat.back
cat "$DATA/ru_gogol_shinel.txt" crlf.txt | cmp -s - cat.back && ok || fail "concatenated streams"
# pieces format: one JSON array per line.
"$HT" encode -m $M --format pieces --scene line invalid.txt >pieces.jsonl
[ "$(wc -l <pieces.jsonl)" -eq 3 ] && grep -q '<0xFF>' pieces.jsonl && ok || fail "pieces format: $(head -c 300 pieces.jsonl)"

# --- verify --------------------------------------------------------------------
expect_rc 0 "verify" -- "$HT" verify -m $M "$DATA"/* random.bin invalid.txt empty.txt crlf.txt
expect_rc 1 "verify missing file" -- "$HT" verify -m $M nonexistent.txt
expect_one_error_line "verify missing file"
grep -q 'nonexistent.txt' err.txt && ok || fail "error names the file"

# --- stats -----------------------------------------------------------------------
expect_rc 0 "stats json" -- "$HT" stats -m $M --json "$DATA/ru_gogol_shinel.txt"
for key in bytes tokens scenes bytes_per_token; do
  grep -q "\"$key\":" out.txt && ok || fail "stats --json lacks $key"
done
grep -q "\"bytes\":$(stat -c %s "$DATA/ru_gogol_shinel.txt")," out.txt && ok || fail "stats bytes"
# Several inputs go through one encode, side by side (cli_util.h, InputSequence),
# empty ones among them: each input's row is what stats gives for that input
# alone, and verify names each input with its own size, at any -T.
: >empty2.txt
several=(empty.txt "$DATA/ru_gogol_shinel.txt" empty2.txt crlf.txt "$DATA/en_pg1080_modest_proposal.txt" empty.txt)
for f in "${several[@]}"; do "$HT" stats -m $M --json "$f" >"alone.$(basename "$f").json"; done
for t in 1 2 3; do
  "$HT" stats -m $M --json -T$t "${several[@]}" >several.json || fail "stats, several inputs, -T$t"
  python3 - several.json "${several[@]}" <<'EOF' && ok || fail "stats, several inputs, -T$t: rows differ"
import json, os, sys
rows = json.load(open(sys.argv[1]))["inputs"]
names = sys.argv[2:]
assert len(rows) == len(names), (len(rows), len(names))
for row, name in zip(rows, names):
    alone = json.load(open("alone." + os.path.basename(name) + ".json"))["inputs"][0]
    assert row == alone, (name, row, alone)
EOF
  "$HT" -v verify -m $M -T$t "${several[@]}" 2>verify.log >/dev/null || fail "verify, several inputs, -T$t"
  for f in "${several[@]}"; do
    grep -qF "ok $f: $(stat -c %s "$f") bytes" verify.log && ok || fail "verify -T$t names $f with its size: $(cat verify.log)"
  done
done
# A sentencepiece reference goes through the module built beside the command
# (src/report/sentencepiece_module.h); the codebook's own export is a model.
# A copy of the command alone in a directory finds no module: one error line
# that says so, exit 1; HYPERTOK_SENTENCEPIECE_MODULE points it to the module.
expect_rc 0 "export a sentencepiece model" -- "$HT" export -m $M -o sp.model
expect_rc 0 "stats --reference sentencepiece" -- "$HT" stats -m $M --reference sp.model --json "$DATA/ru_gogol_shinel.txt"
grep -q '"name":"sentencepiece:sp.model","vocab_size":[0-9]*,"tokens":[1-9]' out.txt && ok \
  || fail "stats --reference sentencepiece: $(head -c 300 out.txt)"
mkdir -p lone && cp "$HT" lone/hypertok
expect_rc 1 "sentencepiece reference without the module" -- \
  lone/hypertok stats -m $M --reference sp.model "$DATA/ru_gogol_shinel.txt"
expect_one_error_line "sentencepiece reference without the module"
grep -q "sentencepiece module, which did not load" err.txt && ok || fail "module error: $(cat err.txt)"
expect_rc 0 "HYPERTOK_SENTENCEPIECE_MODULE" -- env HYPERTOK_SENTENCEPIECE_MODULE="$(dirname "$HT")/hypertok-sentencepiece.so" \
  lone/hypertok stats -m $M --reference sp.model "$DATA/ru_gogol_shinel.txt"

# --- wrong codebook ----------------------------------------------------------------
"$HT" train "$DATA/en_pg43_jekyll_and_hyde.txt" -o other.htk --vocab-size 3000
expect_rc 1 "wrong codebook" -- "$HT" decode -m other.htk ru_gogol_shinel.txt.hts -o wrong.out
expect_one_error_line "wrong codebook"
id1=$("$HT" inspect $M --json | grep -o '"codebook_id":"[0-9a-f]*"' | cut -d'"' -f4)
id2=$("$HT" inspect other.htk --json | grep -o '"codebook_id":"[0-9a-f]*"' | cut -d'"' -f4)
grep -q "$id1" err.txt && grep -q "$id2" err.txt && ok || fail "wrong-codebook error names both IDs: $(cat err.txt)"
[ -e wrong.out ] && fail "failed decode left wrong.out"
ls wrong.out.tmp.* >/dev/null 2>&1 && fail "failed decode left a temporary file"

# Corrupted codebooks, streams and counts files: tests/cli/corruption_test.sh.
# --- no partial output ----------------------------------------------------------------
echo keep >target.hts
expect_rc 1 "missing input" -- "$HT" encode -m $M missing.txt -o target.hts -f
[ "$(cat target.hts)" = keep ] && ok || fail "a failing run replaced a good output"
ls target.hts.tmp.* >/dev/null 2>&1 && fail "temporary file left behind"
# Interrupted training leaves nothing behind.
mkfifo slow.fifo
( cat "${TRAIN[@]}" "${TRAIN[@]}"; sleep 30 ) >slow.fifo &
feeder=$!
"$HT" train slow.fifo -o int.htk 2>/dev/null &
pid=$!
sleep 1
kill -INT $pid
wait $pid
rc=$?
kill $feeder 2>/dev/null; wait $feeder 2>/dev/null
[ $rc -ge 128 ] && ok || fail "interrupted train exit $rc"
ls int.htk int.htk.tmp.* >/dev/null 2>&1 && fail "interrupted train left output: $(ls int.htk*)"
# Interrupted encode to a file.
( cat "${TRAIN[@]}"; sleep 30 ) >slow.fifo &
feeder=$!
"$HT" encode -m $M slow.fifo -o int.hts 2>/dev/null &
pid=$!
sleep 1
kill -TERM $pid
wait $pid
kill $feeder 2>/dev/null; wait $feeder 2>/dev/null
ls int.hts int.hts.tmp.* >/dev/null 2>&1 && fail "interrupted encode left output: $(ls int.hts*)"
# Killed outright (SIGKILL, no handler runs): the output is an unnamed file until
# it is complete, so nothing appears either — for encode and for train.
for verb in encode train; do
  ( cat "${TRAIN[@]}"; sleep 30 ) >slow.fifo &
  feeder=$!
  if [ $verb = encode ]; then "$HT" encode -m $M slow.fifo -o killed.out 2>/dev/null &
  else "$HT" train slow.fifo -o killed.out 2>/dev/null & fi
  pid=$!
  sleep 1
  kill -KILL $pid
  wait $pid 2>/dev/null
  kill $feeder 2>/dev/null; wait $feeder 2>/dev/null
  ls killed.out* >/dev/null 2>&1 && fail "killed $verb left output: $(ls killed.out*)" || ok
done
ok

# --- broken pipe, full disk, terminal ---------------------------------------------------
cat "${TRAIN[@]}" "${TRAIN[@]}" >big.txt
"$HT" encode -m $M --format ids big.txt 2>err.txt | head -c 100 >/dev/null
rc=${PIPESTATUS[0]}
[ $rc -eq 1 ] && [ ! -s err.txt ] && ok || fail "EPIPE: exit $rc, stderr: $(head -c 200 err.txt)"
expect_rc 1 "full disk" -- "$HT" encode -m $M "$DATA/ru_gogol_shinel.txt" -o /dev/full -f
expect_one_error_line "full disk"
if command -v script >/dev/null; then
  script -qec "$HT encode -m $M crlf.txt" /dev/null >tty.txt 2>&1
  rc=$?
  [ $rc -eq 2 ] && grep -q 'terminal' tty.txt && ok || fail "binary to a terminal: exit $rc: $(head -c 200 tty.txt)"
fi

# --- inspect ----------------------------------------------------------------------------
expect_rc 0 "inspect codebook" -- "$HT" inspect $M
grep -q 'vocab size *6000' out.txt && ok || fail "inspect shows vocab size: $(head -5 out.txt)"
expect_rc 1 "inspect garbage" -- "$HT" inspect random.bin
expect_one_error_line "inspect garbage"

fi  # part 1

if [ "$PART" = 2 ]; then
  # What part 1 leaves for the sections below: a default codebook and two odd inputs.
  "$HT" train "$DATA/ru_gogol_shinel.txt" "$DATA/en_pg1080_modest_proposal.txt" -o m1.htk \
    --vocab-size 3000 2>err.txt || fail "part 2 setup: train"
  M=m1.htk
  printf '\xff\xfe\xc0\x80 not utf-8 \xed\xa0\x80\x00\x00 end\r\n\r\n\rmixed\n' >invalid.txt
  printf '\xef\xbb\xbfBOM\r\nthen CRLF\r\n\r\nand LF\n\n\n' >crlf.txt
fi
if [ "$PART" != 1 ]; then
# --- morph train / split ------------------------------------------------------------------
expect_rc 0 "morph train --gold" -- "$HT" morph train --gold "$TESTDATA/toy_gold.tsv" -o toy.morph --epochs 20 --lang ru
"$HT" inspect toy.morph --json | grep -q '"model":"supervised","lang":"ru"' && ok || fail "inspect a morph model"
printf 'столом\nнастольный\n' >words.txt
expect_rc 0 "split --tsv" -- "$HT" split -m toy.morph --tsv words.txt
[ "$(sed -n 1p out.txt)" = "$(printf 'столом\tстол +ом')" ] && ok || fail "split --tsv format: $(head -2 out.txt)"
expect_rc 2 "morph train with gold and corpus" -- "$HT" morph train --gold "$TESTDATA/toy_gold.tsv" crlf.txt -o x.morph
expect_rc 0 "morph train unsupervised" -- "$HT" morph train "$DATA/ru_gogol_shinel.txt" "$DATA/en_pg1080_modest_proposal.txt" -o raw.morph
# Text mode: removing the marks (and the escapes) gives the input back exactly.
printf 'a|b \\ c|+d\n' >pipes.txt
for m in toy.morph raw.morph; do
  for f in "$DATA/ru_gogol_shinel.txt" invalid.txt crlf.txt pipes.txt; do
    "$HT" split -m $m "$f" >marked.txt || fail "split $m $f"
    sed -E 's/\\(.)|\|\+?/\1/g' marked.txt | cmp -s - "$f" && ok || fail "unmarking split output of $f ($m)"
  done
done
grep -q '|' marked.txt && ok || fail "split marked nothing"
expect_rc 1 "split with a corrupt model" -- "$HT" split -m crlf.txt words.txt
expect_one_error_line "split with a corrupt model"
# train with a given morph model, without one, and learning one (default).
expect_rc 0 "train --morph FILE" -- "$HT" train "$DATA/ru_gogol_shinel.txt" -o tm.htk --vocab-size 2000 --morph raw.morph
expect_rc 0 "train --morph none" -- "$HT" train "$DATA/ru_gogol_shinel.txt" -o tn.htk --vocab-size 2000 --morph none
"$HT" inspect tm.htk | grep -q 'MRPH' && ok || fail "codebook embeds the morph model"
"$HT" split -m tm.htk --tsv words.txt >a.tsv && "$HT" split -m raw.morph --tsv words.txt >b.tsv && cmp -s a.tsv b.tsv \
  && ok || fail "split with the codebook's embedded model differs from the model file"
expect_rc 2 "split with a codebook without a morph model" -- "$HT" split -m tn.htk words.txt
"$HT" inspect tn.htk | grep -q 'MRPH' && fail "--morph none still embeds a morph model"
"$HT" inspect $M | grep -q 'meta *morph = learned' && ok || fail "default training learns a morph model"
# train --morph-align: word-internal boundaries follow the codebook's morph model.
expect_rc 0 "train --morph-align" -- "$HT" train "$DATA/ru_gogol_shinel.txt" -o ta.htk --vocab-size 2000 \
  --morph toy.morph --morph-align --morph-lexicon "$TESTDATA/toy_gold.tsv" -T2
"$HT" inspect ta.htk --json | grep -q '"morph_align":2,' && ok || fail "inspect shows morph_align"
"$HT" inspect ta.htk --json | grep -q '"morph_lexicon":"[1-9]' && ok || fail "metadata records the lexicon"
for f in "$DATA/ru_gogol_shinel.txt" invalid.txt crlf.txt; do
  "$HT" encode -m ta.htk "$f" -o ta.hts -f && "$HT" decode -m ta.htk ta.hts -o ta.out -f && cmp -s ta.out "$f" \
    && ok || fail "morph-aligned round trip of $f"
done
"$HT" encode -m ta.htk "$DATA/ru_gogol_shinel.txt" -T1 --format ids -o a1.ids -f
"$HT" encode -m ta.htk "$DATA/ru_gogol_shinel.txt" -T2 --format ids -o a2.ids -f
cmp -s a1.ids a2.ids && ok || fail "morph-aligned ids differ between -T1 and -T2"
expect_rc 2 "--morph-align with --morph none" -- "$HT" train "$DATA/ru_gogol_shinel.txt" -o tx.htk --morph none --morph-align
expect_one_error_line "--morph-align with --morph none"
expect_rc 2 "--morph-lexicon without --morph-align" -- "$HT" train "$DATA/ru_gogol_shinel.txt" -o tx.htk \
  --morph-lexicon "$TESTDATA/toy_gold.tsv"
[ -e tx.htk ] && fail "a refused train left tx.htk"

# --- count / merge / train --from-counts ---------------------------------------------------
# Shards counted apart and merged in any order give the bytes of counting them together, and
# training from the merged counts gives the codebook of training on the inputs directly. A
# small sample budget makes the content-chosen sample drop chunks, so that path is covered too.
for budget in 33554432 40000; do
  S="--sample-tokens $budget"
  "$HT" count $S "$DATA/ru_gogol_shinel.txt" "$DATA/en_pg1080_modest_proposal.txt" -o c1.counts -f -T2 \
    && "$HT" count $S "$DATA/de_goethe_die_leiden_des_jungen_werther_1.txt" -o c2.counts -f \
    && "$HT" count $S "$DATA/zh_pg25558_shen_yin_yu.txt" "$DATA/code_c_sqlite3-3.40.1.h" -o c3.counts -f \
    || fail "count ($budget)"
  "$HT" merge $S c1.counts c2.counts c3.counts -o m123.counts -f
  "$HT" merge $S c3.counts c1.counts c2.counts -o m312.counts -f
  "$HT" merge $S c2.counts c3.counts -o m23.counts -f && "$HT" merge $S m23.counts c1.counts -o m1_23.counts -f
  "$HT" count $S "$DATA/code_c_sqlite3-3.40.1.h" "$DATA/de_goethe_die_leiden_des_jungen_werther_1.txt" \
    "$DATA/en_pg1080_modest_proposal.txt" "$DATA/zh_pg25558_shen_yin_yu.txt" "$DATA/ru_gogol_shinel.txt" -o all.counts -f
  [ "$(sha m123.counts)" = "$(sha m312.counts)" ] && [ "$(sha m123.counts)" = "$(sha m1_23.counts)" ] \
    && [ "$(sha m123.counts)" = "$(sha all.counts)" ] && ok || fail "merge is not order-independent or differs from one count ($budget)"
  "$HT" train $S "$DATA/ru_gogol_shinel.txt" "$DATA/en_pg1080_modest_proposal.txt" \
    "$DATA/de_goethe_die_leiden_des_jungen_werther_1.txt" "$DATA/zh_pg25558_shen_yin_yu.txt" \
    "$DATA/code_c_sqlite3-3.40.1.h" -o direct.htk -f --vocab-size 2000 -T2
  "$HT" train $S --from-counts m312.counts -o fromc.htk -f --vocab-size 2000
  "$HT" train $S --from-counts c1.counts "$DATA/de_goethe_die_leiden_des_jungen_werther_1.txt" \
    --from-counts c3.counts -o mixed.htk -f --vocab-size 2000
  [ "$(sha direct.htk)" = "$(sha fromc.htk)" ] && [ "$(sha direct.htk)" = "$(sha mixed.htk)" ] \
    && ok || fail "train --from-counts differs from training on the inputs ($budget)"
done
"$HT" inspect direct.htk | grep -q 'sample_level = [1-9]' && ok || fail "a small --sample-tokens raised the sample level"
expect_rc 2 "merge with another sample budget" -- "$HT" merge c1.counts -o x.counts -f
expect_one_error_line "merge with another sample budget"
expect_rc 1 "merge of a text file" -- "$HT" merge crlf.txt -o x.counts -f
expect_one_error_line "merge of a text file"

# --- encode --rm: inputs go only after the output is complete and decodes back to them ---
cp "$DATA/ru_gogol_shinel.txt" rm1.txt; cp crlf.txt rm2.txt
expect_rc 0 "encode --rm" -- "$HT" encode -m $M rm1.txt rm2.txt -o rm.hts --rm
[ ! -e rm1.txt ] && [ ! -e rm2.txt ] && ok || fail "encode --rm kept its inputs"
"$HT" decode -m $M rm.hts | cmp -s - <(cat "$DATA/ru_gogol_shinel.txt" crlf.txt) && ok || fail "encode --rm output"
cp crlf.txt rm3.txt
expect_rc 1 "encode --rm to a full disk" -- "$HT" encode -m $M rm3.txt -o /dev/full --rm
[ -e rm3.txt ] && ok || fail "a failed encode --rm removed its input"
expect_rc 1 "encode --rm to /dev/null (cannot be verified)" -- "$HT" encode -m $M rm3.txt -o /dev/null --rm -f
[ -e rm3.txt ] && ok || fail "an unverifiable encode --rm removed its input"
expect_rc 2 "encode --rm to stdout" -- "$HT" encode -m $M rm3.txt -c --rm
expect_rc 2 "encode --rm --format pieces" -- "$HT" encode -m $M rm3.txt -o rm.jsonl --format pieces --rm
[ -e rm3.txt ] && ok || fail "a refused encode --rm removed its input"

# --- train --max-memory: a clear error, no output; a generous limit changes nothing ------
expect_rc 1 "train over --max-memory" -- "$HT" train "$DATA/ru_gogol_shinel.txt" -o mem.htk --max-memory 8M
expect_one_error_line "train over --max-memory"
grep -q 'max-memory' err.txt && ok || fail "the --max-memory error names the option: $(cat err.txt)"
[ -e mem.htk ] && fail "train over --max-memory left output"
expect_rc 2 "train --max-memory garbage" -- "$HT" train "$DATA/ru_gogol_shinel.txt" -o mem.htk --max-memory lots
"$HT" train "$DATA/ru_gogol_shinel.txt" -o mem1.htk --vocab-size 2000 --max-memory 8G \
  && "$HT" train "$DATA/ru_gogol_shinel.txt" -o mem2.htk --vocab-size 2000 \
  && cmp -s mem1.htk mem2.htk && ok || fail "--max-memory changed the codebook"

# --- progress line: only on a terminal, and --no-progress turns it off ----------------------
"$HT" encode -m $M "$DATA/ru_gogol_shinel.txt" -o p.hts -f 2>err.txt
[ -s err.txt ] && fail "progress or other output on a non-terminal stderr: $(head -c 200 err.txt)" || ok
if command -v script >/dev/null; then
  big=big_input.txt
  for k in 1 2 3 4 5 6 7 8; do cat "$DATA"/*.txt; done >$big
  script -qec "'$HT' encode -m '$M' $big -o p.hts -f" /dev/null >tty.txt 2>&1
  grep -q 'encode: .* MB/s' tty.txt && ok || fail "no progress line on a terminal: $(head -c 200 tty.txt)"
  script -qec "'$HT' --no-progress encode -m '$M' $big -o p.hts -f" /dev/null >tty.txt 2>&1
  grep -q 'MB/s' tty.txt && fail "--no-progress still drew a progress line" || ok
  script -qec "'$HT' encode --no-progress -m '$M' $big -o p.hts -f" /dev/null >tty.txt 2>&1
  grep -q 'MB/s' tty.txt && fail "encode --no-progress still drew a progress line" || ok
fi

# --- golden: stats --json of a codebook trained on bundled samples ---------------------------
# Pins the whole training pipeline and the encoder, bit for bit, on every machine.
# After an intended change: HYPERTOK_UPDATE_GOLDEN=1 ctest -R cli_tests, and review the diff.
"$HT" train "$DATA/ru_gogol_shinel.txt" "$DATA/en_pg1080_modest_proposal.txt" -o golden.htk --vocab-size 3000 -T2
"$HT" stats -m golden.htk --json "$DATA/ru_gogol_shinel.txt" "$DATA/en_pg1080_modest_proposal.txt" \
  | sed "s|$DATA/||g" >golden.json
[ -n "${HYPERTOK_UPDATE_GOLDEN:-}" ] && cp golden.json "$TESTDATA/golden_stats.json"
cmp -s golden.json "$TESTDATA/golden_stats.json" && ok || fail "stats --json differs from tests/data/golden_stats.json: $(diff <(tr ',' '\n' <golden.json) <(tr ',' '\n' <"$TESTDATA/golden_stats.json") | head -10)"

fi  # part 2

echo "cli_test: $checks checks passed, $failures failed"
[ $failures -eq 0 ]
