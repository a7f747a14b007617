#!/usr/bin/env bash
# Runs tierd's whole test suite. Kernel tests need root: they build their own network
# namespaces (named tierdt-*) and always delete them, also on failure.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
# Build everything first (the end-to-end tests run the built tierd and tierctl binaries).
swift build --build-tests
# Serial on purpose: the kernel, traffic and end-to-end tests are synchronous and would
# occupy the 2-core machine's cooperative threads, starving the async tests' timers and
# disturbing iperf3 measurements. Serial, the suite takes about 2.5 minutes.
swift test --skip-build --no-parallel "$@"
