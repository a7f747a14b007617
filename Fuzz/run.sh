#!/usr/bin/env bash
# Builds the feed parser fuzz target with libFuzzer + AddressSanitizer and runs it.
#   Fuzz/run.sh [seconds]     (default 60)
# Output (binary, corpus, crash files) goes to fuzz-out/ at the repository root.
set -euo pipefail
seconds="${1:-60}"
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/fuzz-out"
mkdir -p "$out/corpus"
swiftc="${SWIFTC:-swiftc}"

# The FeedParsing module: the parser and splitter, the untrusted-input path, free of NIO
# and Foundation. Every file of the target, so nothing needs listing here.
sources=("$root"/Sources/FeedParsing/*.swift)

# Scoring's event types, as their own module (the parser imports Scoring).
"$swiftc" -parse-as-library -module-name Scoring -wmo -sanitize=address \
  -emit-module -emit-module-path "$out/Scoring.swiftmodule" \
  -emit-object -o "$out/Scoring.o" "$root/Sources/Scoring/ScoreEvent.swift"

"$swiftc" -parse-as-library -module-name FeedLineFuzz -O -g -sanitize=fuzzer,address -use-ld=lld \
  -I "$out" "${sources[@]}" "$root/Fuzz/FeedLineFuzz.swift" "$out/Scoring.o" -o "$out/feed-line-fuzz"

# Seed corpus: the contract's examples and a few edge cases.
seed() { printf '%s' "$2" > "$out/corpus/seed-$1"; }
seed json-score '{"user":"alice","score":640}'
seed json-delta '{"user":"alice","delta":-40,"reason":"abuse-report"}'
seed json-ts '{"user":"bob","score":910,"ts":"2026-11-27T05:00:00Z"}'
seed csv 'alice,640'
seed csv-delta-ts 'alice,delta=-4.5e1,1795755600'
seed escapes '{"user":"\u0061","score":1e3,"reason":"caf\u00e9 \ud83d\ude00"}'
seed lines $'a,1\n{"user":"b","score":2}\n# c\n\nd,3'

cd "$out"
exec ./feed-line-fuzz -max_total_time="$seconds" -max_len=2048 -print_final_stats=1 corpus
