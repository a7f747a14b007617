#!/usr/bin/env bash
# Runs tierd's whole test suite. Kernel tests need root: they build their own network
# namespaces (named tierdt-*) and always delete them, also on failure.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
# Build everything first (the end-to-end tests run the built tierd and tierctl binaries).
swift build --build-tests
swift test --skip-build "$@"
