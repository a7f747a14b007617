#!/usr/bin/env bash
# Builds tierd in release mode and installs binaries, systemd unit, modules list,
# sysusers/tmpfiles entries, example configuration, man page and completions.
# Existing configuration in /etc/tierd is never overwritten. PREFIX defaults to /usr/local.
set -euo pipefail
cd "$(dirname "$0")/.."
PREFIX=${PREFIX:-/usr/local}
DESTDIR=${DESTDIR:-}
bash scripts/install-deps.sh
swift build -c release --product tierd
swift build -c release --product tierctl
bin=$(swift build -c release --show-bin-path)

install -D -m 0755 "$bin/tierd" "$DESTDIR$PREFIX/bin/tierd"
install -D -m 0755 "$bin/tierctl" "$DESTDIR$PREFIX/bin/tierctl"
sed "s|/usr/bin/tierd|$PREFIX/bin/tierd|g" systemd/tierd.service > /tmp/tierd.service.$$
install -D -m 0644 /tmp/tierd.service.$$ "$DESTDIR/etc/systemd/system/tierd.service"
rm -f /tmp/tierd.service.$$
install -D -m 0644 systemd/modules-load.d/tierd.conf "$DESTDIR/etc/modules-load.d/tierd.conf"
install -D -m 0644 systemd/modprobe.d/tierd.conf "$DESTDIR/etc/modprobe.d/tierd.conf"
install -D -m 0644 systemd/sysusers.d/tierd.conf "$DESTDIR/usr/lib/sysusers.d/tierd.conf"
install -D -m 0644 systemd/tmpfiles.d/tierd.conf "$DESTDIR/usr/lib/tmpfiles.d/tierd.conf"
for f in tierd.toml users.csv; do
  [ -e "$DESTDIR/etc/tierd/$f" ] || install -D -m 0640 "config/$f" "$DESTDIR/etc/tierd/$f"
done
install -D -m 0644 docs/tierctl.1 "$DESTDIR$PREFIX/share/man/man1/tierctl.1"
install -D -m 0644 docs/tierd.8 "$DESTDIR$PREFIX/share/man/man8/tierd.8"
install -D -m 0644 docs/operations.md "$DESTDIR$PREFIX/share/doc/tierd/operations.md"
install -D -m 0644 completions/tierctl.bash "$DESTDIR$PREFIX/share/bash-completion/completions/tierctl"
install -D -m 0644 completions/_tierctl "$DESTDIR$PREFIX/share/zsh/site-functions/_tierctl"
if [ -z "$DESTDIR" ] && command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
  systemd-sysusers /usr/lib/sysusers.d/tierd.conf || true
  systemd-tmpfiles --create /usr/lib/tmpfiles.d/tierd.conf || true
  systemctl daemon-reload
fi
echo "installed; edit /etc/tierd/tierd.toml and /etc/tierd/users.csv, check with:"
echo "  tierd --config /etc/tierd/tierd.toml --check && systemctl enable --now tierd"
