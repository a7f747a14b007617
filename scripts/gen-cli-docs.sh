#!/usr/bin/env bash
# Regenerates tierctl's man page and shell completions from its argument parser, so they
# cannot drift from the real options. Run from anywhere; needs only the local package
# mirror (the man page generator is swift-argument-parser's own `generate-manual` tool).
#
#   scripts/gen-cli-docs.sh          # rewrite docs/tierctl.1 and completions/
#   scripts/gen-cli-docs.sh --check  # exit 1 if the committed files are out of date
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
export PATH="/opt/swift/usr/bin:$PATH"

check=false
[[ "${1:-}" == "--check" ]] && check=true

swift build --product tierctl >/dev/null
swift build --product generate-manual >/dev/null
bin="$(swift build --show-bin-path)"

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
mkdir -p "$out/docs" "$out/completions"

# A fixed date keeps the page reproducible: the last commit that changed the CLI.
date="$(git log -1 --format=%cs -- Sources/tierctl 2>/dev/null || true)"
date="${date:-$(date -u +%F)}"
"$bin/generate-manual" "$bin/tierctl" --section 1 --date "$date" --output-directory "$out/docs" >/dev/null
"$bin/tierctl" --generate-completion-script bash >"$out/completions/tierctl.bash"
"$bin/tierctl" --generate-completion-script zsh >"$out/completions/_tierctl"

if $check; then
    diff -u docs/tierctl.1 "$out/docs/tierctl.1"
    diff -u completions/tierctl.bash "$out/completions/tierctl.bash"
    diff -u completions/_tierctl "$out/completions/_tierctl"
    echo "tierctl docs are up to date"
else
    mkdir -p docs completions
    cp "$out/docs/tierctl.1" docs/tierctl.1
    cp "$out/completions/tierctl.bash" completions/tierctl.bash
    cp "$out/completions/_tierctl" completions/_tierctl
    echo "wrote docs/tierctl.1 completions/tierctl.bash completions/_tierctl"
fi
