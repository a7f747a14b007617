#!/usr/bin/env bash
# Measures feed ingest (FeedLineSplitter + FeedLineParser) in release mode.
#   Fuzz/bench.sh [lines]     (default 2,000,000; target >= 500,000 lines/s on one core)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/fuzz-out/bench"
mkdir -p "$out"
swiftc="${SWIFTC:-swiftc}"
parser_sources=(
  ASCII FeedNumber FeedTimestamp FeedUserID FeedReasonText FeedJSONObjectReader
  FeedCSVLineReader FeedLineParser FeedLineResult FeedRejectionReason FeedLineSplitter FeedBenchmark
)
sources=()
for name in "${parser_sources[@]}"; do sources+=("$root/Sources/Feed/$name.swift"); done
"$swiftc" -parse-as-library -module-name Scoring -wmo -O \
  -emit-module -emit-module-path "$out/Scoring.swiftmodule" \
  -emit-object -o "$out/Scoring.o" "$root/Sources/Scoring/ScoreEvent.swift"
"$swiftc" -parse-as-library -module-name FeedBench -O -wmo -I "$out" "${sources[@]}" "$root/Fuzz/FeedBenchMain.swift" \
  "$out/Scoring.o" -o "$out/feed-bench"
"$out/feed-bench" "${1:-2000000}"
