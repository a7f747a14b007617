#!/usr/bin/env bash
# Builds the fuzz targets with libFuzzer + AddressSanitizer and runs them.
#   Fuzz/run.sh [seconds] [feed|libreqos|all]     (default 60 seconds, all: each target that long)
#     feed      the feed line parser and splitter (FeedParsing)
#     libreqos  `tierctl import libreqos`'s conversion of ShapedDevices.csv (LibreQoSImport)
# Output (binaries, corpora, crash files) goes to fuzz-out/<target>/ at the repository root.
set -euo pipefail
seconds="${1:-60}"
which="${2:-all}"
root="$(cd "$(dirname "$0")/.." && pwd)"
swiftc="${SWIFTC:-swiftc}"

# Compiles every file of a package target as its own module into $out (module + object),
# so the fuzz binary imports it as the package does.
module() {
  local out="$1" name="$2"; shift 2
  "$swiftc" -parse-as-library -module-name "$name" -wmo -sanitize=address -I "$out" \
    -emit-module -emit-module-path "$out/$name.swiftmodule" -emit-object -o "$out/$name.o" "$@"
}

# Seed corpus file $2 with contents $3 for target directory $1.
seed() { printf '%s' "$3" > "$1/corpus/seed-$2"; }

build_feed() {
  local out="$root/fuzz-out/feed"
  mkdir -p "$out/corpus"
  # Scoring's event types, as their own module (the parser imports Scoring).
  module "$out" Scoring "$root/Sources/Scoring/ScoreEvent.swift"
  # The FeedParsing module: the parser and splitter, the untrusted-input path, free of NIO
  # and Foundation. Every file of the target, so nothing needs listing here.
  "$swiftc" -parse-as-library -module-name FeedLineFuzz -O -g -sanitize=fuzzer,address -use-ld=lld \
    -I "$out" "$root"/Sources/FeedParsing/*.swift "$root/Fuzz/FeedLineFuzz.swift" "$out/Scoring.o" \
    -o "$out/fuzz"
  # Seed corpus: the contract's examples and a few edge cases.
  seed "$out" json-score '{"user":"alice","score":640}'
  seed "$out" json-delta '{"user":"alice","delta":-40,"reason":"abuse-report"}'
  seed "$out" json-ts '{"user":"bob","score":910,"ts":"2026-11-27T05:00:00Z"}'
  seed "$out" csv 'alice,640'
  seed "$out" csv-delta-ts 'alice,delta=-4.5e1,1795755600'
  seed "$out" escapes '{"user":"\u0061","score":1e3,"reason":"caf\u00e9 \ud83d\ude00"}'
  seed "$out" lines $'a,1\n{"user":"b","score":2}\n# c\n\nd,3'
  max_len=2048
}

build_libreqos() {
  local out="$root/fuzz-out/libreqos"
  mkdir -p "$out/corpus"
  module "$out" IPAddressing "$root"/Sources/IPAddressing/*.swift
  module "$out" ConfigSyntax "$root"/Sources/ConfigSyntax/*.swift
  module "$out" LibreQoSImport "$root"/Sources/LibreQoSImport/*.swift
  "$swiftc" -parse-as-library -module-name ShapedDevicesFuzz -O -g -sanitize=fuzzer,address -use-ld=lld \
    -I "$out" "$root/Fuzz/ShapedDevicesFuzz.swift" "$out/IPAddressing.o" "$out/ConfigSyntax.o" "$out/LibreQoSImport.o" \
    -o "$out/fuzz"
  # Seed corpus: LibreQoS's documented layouts (15 columns + sqm, legacy 13), quoted address
  # lists, fractional rates, prefixes, and rows that clash.
  local h15='Circuit ID,Circuit Name,Device ID,Device Name,Parent Node,Parent Node ID,Anchor Node ID,MAC,IPv4,IPv6,Download Min Mbps,Upload Min Mbps,Download Max Mbps,Upload Max Mbps,Comment,sqm'
  local h13='Circuit ID,Circuit Name,Device ID,Device Name,Parent Node,MAC,IPv4,IPv6,Download Min Mbps,Upload Min Mbps,Download Max Mbps,Upload Max Mbps,Comment'
  seed "$out" documented "$h15"$'\n''2794,"6 Littleton Drive, Ringgold, GA 30736",5,Device 5,AP_11,,site_2794,,100.64.0.5,"fdd7:b724:0:500::/56,fdd7:b724:0:600::/56",1,1,105,18,"",cake/fq_codel'$'\n''2794,"6 Littleton Drive",6,Device 6,AP_11,,site_2794,,"100.64.0.6, 100.64.0.7",,1,1,105,18,,'
  seed "$out" legacy "$h13"$'\r\n''1,Name,1,Dev,AP,,100.64.0.1/30,2001:db8::/48,0.5,0.5,2.5,1,'$'\r\n'
  seed "$out" clashes "$h15"$'\n''a,,,,,,,,10.0.0.0/24,,1,1,10,10,,'$'\n''b,,,,,,,,10.0.0.7,,1,1,10,10,,'$'\n''a,,,,,,,,::ffff:10.0.1.1,,1,1,10.5,10,,'$'\n''c,,,,,,,,,::/0,1,1,1,1,,'
  max_len=4096
}

targets=(feed libreqos)
[[ "$which" != all ]] && targets=("$which")
for target in "${targets[@]}"; do
  case "$target" in
    feed) build_feed ;;
    libreqos) build_libreqos ;;
    *) echo "usage: Fuzz/run.sh [seconds] [feed|libreqos|all]" >&2; exit 64 ;;
  esac
  (cd "$root/fuzz-out/$target" && ./fuzz -max_total_time="$seconds" -max_len="$max_len" -print_final_stats=1 corpus)
done
