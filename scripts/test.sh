#!/usr/bin/env bash
# Runs tierd's whole test suite. Kernel tests need root: they build their own network
# namespaces (named tierdt-*) and always delete them, also on failure.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
# The toolchain (swift build/test and the swift-driver runs they start) leaves an empty
# TemporaryDirectory.* folder in $TMPDIR per compiler query and never removes it (a known
# driver bug): give this run its own TMPDIR and remove it afterwards, so /tmp stays clean.
# The tests themselves clean up after themselves (Tests/TestSupport/TemporaryDirectory.swift).
TMPDIR="$(mktemp -d /tmp/tierd-test.XXXXXX)"
export TMPDIR
trap 'rm -rf "$TMPDIR"' EXIT
# Build everything first (the end-to-end tests run the built tierd and tierctl binaries).
swift build --build-tests
# Serial on purpose: the kernel, traffic and end-to-end tests are synchronous and would
# occupy the 2-core machine's cooperative threads, starving the async tests' timers and
# disturbing iperf3 measurements. Serial, the suite takes about 2.5 minutes.
swift test --skip-build --no-parallel "$@"
# The whole suite (no filter) ends with the Debian package under a real systemd: build-deb.sh
# (lintian must pass) and scripts/systemd-test.sh (docs/operations.md, "The systemd test").
# Skipped with TIERD_SYSTEMD_TEST=0, or when the tools are missing (.ci/run installs them).
if [ "$#" -eq 0 ] && [ "${TIERD_SYSTEMD_TEST:-1}" != 0 ]; then
  missing=()
  for tool in systemd-nspawn debootstrap dpkg-deb dpkg-shlibdeps lintian; do
    command -v "$tool" >/dev/null || missing+=("$tool")
  done
  if ((${#missing[@]})); then
    echo "systemd test skipped: ${missing[*]} not installed (apt-get install systemd-container debootstrap dpkg-dev lintian)"
  else
    OUT_DIR="$TMPDIR/deb" bash scripts/build-deb.sh
    bash scripts/systemd-test.sh "$TMPDIR"/deb/tierd_*.deb
  fi
fi
