#!/usr/bin/env bash
# tierd under a real systemd: boots a Debian 12 container (systemd as PID 1, systemd-nspawn),
# installs the Debian package the way an operator does, and checks what only a real systemd
# and the real unit can show: Type=notify readiness, the hardening (capabilities, seccomp,
# address families, read-only /sys) leaving netlink, IFB creation, BPF and the sockets
# working, reload in place, a restart that changes no kernel object (same class and filter
# dumps, same BPF program and map ids: adoption through the bpffs pins, as the unit has no
# CAP_SYS_ADMIN), the watchdog, exit status 78 and the journal's priorities, an upgrade and
# a purge. Usage: scripts/systemd-test.sh [tierd.deb]   (default: builds one)
#
# The container's root is an overlay on a debootstrap tree cached under
# /var/cache/tierd-test/bookworm-<hash of what it installs> (made when missing, ~2 min);
# each run writes only to its own upper layer, which goes with the run. The container has
# its own network (--private-network), inside which a namespace plays the subscriber; its
# /sys/fs/bpf is a bpffs of this run's own (mode 0700 as systemd mounts it on a host), so
# pins never outlive the run. Everything is torn down on every exit path.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
started=$(date +%s)

say() { echo "systemd-test: $*"; }
fail() {
  echo "systemd-test: FAILED: $*" >&2
  if [ -n "${leader:-}" ]; then
    echo "--- journalctl -u tierd (last 40 lines) ---" >&2
    in_ct journalctl -u tierd --no-pager -n 40 >&2 || true
  fi
  exit 1
}

[ "$(id -u)" = 0 ] || { echo "systemd-test: needs root (mounts, nspawn)" >&2; exit 1; }
for tool in systemd-nspawn debootstrap nsenter dpkg-deb; do
  command -v "$tool" >/dev/null || { echo "systemd-test: $tool is missing (apt-get install systemd-container debootstrap dpkg-dev)" >&2; exit 1; }
done

work=$(mktemp -d /tmp/tierd-systemd.XXXXXX)
machine="tierdt-$(basename "$work" | cut -d. -f2 | tr 'A-Z' 'a-z')"
nspawn_pid=""
leader=""
cleanup() {
  local status=$?
  set +e
  if [ -n "$nspawn_pid" ] && kill -0 "$nspawn_pid" 2>/dev/null; then
    # Ask the container's systemd to power off; nspawn exits when it has.
    [ -n "$leader" ] && kill -RTMIN+4 "$leader" 2>/dev/null
    for _ in $(seq 1 80); do kill -0 "$nspawn_pid" 2>/dev/null || break; sleep 0.25; done
    if kill -0 "$nspawn_pid" 2>/dev/null; then
      say "container did not power off in 20 s; killing it"
      [ -n "$leader" ] && kill -KILL "$leader" 2>/dev/null
      kill -KILL "$nspawn_pid" 2>/dev/null
    fi
    wait "$nspawn_pid" 2>/dev/null
  fi
  for mount in "$work/root" "$work/bpffs"; do
    mountpoint -q "$mount" && { umount "$mount" || umount -l "$mount"; }
  done
  rm -rf "$work"
  say "done in $(( $(date +%s) - started )) s (status $status)"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Runs a command inside the container (all its namespaces: its mounts, network, pids).
# A clean environment: the caller's (scripts/test.sh sets TMPDIR to a host directory the
# container does not have; iperf3 then cannot create its stream file) stays outside.
in_ct() { nsenter -t "$leader" -a -- env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root TERM=dumb "$@"; }
# The subscriber's side: a network namespace inside the container.
in_sub() { in_ct ip netns exec tierdt-sub "$@"; }

# --- the packages: the one under test, and the same code with a higher version (upgrade) ---
if [ -n "${1:-}" ]; then
  deb=$(realpath "$1")
else
  OUT_DIR="$work/deb" bash scripts/build-deb.sh --no-lintian >/dev/null
  deb=$(ls "$work"/deb/tierd_*.deb)
fi
# The upgrade: the same package with a higher version (repacked, not rebuilt).
version=$(dpkg-deb -f "$deb" Version)
upgrade_version="$version+systemdtest1"
dpkg-deb -R "$deb" "$work/repack"
sed -i "s/^Version: .*/Version: $upgrade_version/" "$work/repack/DEBIAN/control"
upgrade_deb="$work/tierd_${upgrade_version}_$(dpkg-deb -f "$deb" Architecture).deb"
dpkg-deb --root-owner-group -Zgzip -z1 -b "$work/repack" "$upgrade_deb" >/dev/null
rm -rf "$work/repack"
say "packages: $(basename "$deb"), $(basename "$upgrade_deb")"

# --- the cached tree: what the container needs to boot and to run the checks, and the
# package's own dependencies (so dpkg -i needs no download: the container has no network) ---
package_deps=$(dpkg-deb -f "$deb" Depends | tr ',' '\n' | sed -e 's/(.*)//' -e 's/|.*//' -e 's/ //g' | grep -v '^$' | sort -u)
include=$(printf '%s\n' systemd systemd-sysv dbus iproute2 iperf3 bpftool procps kmod $package_deps | sort -u | paste -sd, -)
cache_key=$(printf 'bookworm minbase %s\n' "$include" | sha256sum | cut -c1-8)
cache="/var/cache/tierd-test/bookworm-$cache_key"
if [ ! -x "$cache/lib/systemd/systemd" ]; then
  say "creating $cache (debootstrap: $include)"
  mkdir -p /var/cache/tierd-test
  partial=$(mktemp -d /var/cache/tierd-test/partial.XXXXXX)
  if ! debootstrap --variant=minbase --include="$include" bookworm "$partial" >"$work/debootstrap.log" 2>&1; then
    tail -20 "$work/debootstrap.log" >&2
    rm -rf "$partial"
    fail "debootstrap failed"
  fi
  rm -rf "$cache"
  mv "$partial" "$cache"
fi

# --- boot ---
# The container cannot load modules: load what the unit's modules-load.d lists on the host.
while read -r module; do
  case "$module" in ''|'#'*) continue ;; esac
  modprobe -q "$module" 2>/dev/null || true
done < systemd/modules-load.d/tierd.conf
mkdir -p "$work/upper" "$work/overlay-work" "$work/root" "$work/bpffs"
mount -t overlay overlay -o "lowerdir=$cache,upperdir=$work/upper,workdir=$work/overlay-work" "$work/root"
mount -t bpf -o mode=0700 tierdt-bpffs "$work/bpffs"
cp "$deb" "$upgrade_deb" "$work/root/root/"
# --register=no --keep-unit: the host may have no system bus (no machined). CAP_BPF and the
# bpf() system call are not in nspawn's defaults; the unit needs both.
systemd-nspawn -D "$work/root" --machine="$machine" --private-network --register=no --keep-unit \
  --capability=CAP_BPF --system-call-filter=bpf --bind="$work/bpffs:/sys/fs/bpf" -b >"$work/console.log" 2>&1 &
nspawn_pid=$!
for _ in $(seq 1 120); do
  leader=$(pgrep -P "$nspawn_pid" -x systemd || true)
  [ -n "$leader" ] && break
  kill -0 "$nspawn_pid" 2>/dev/null || { tail -20 "$work/console.log" >&2; fail "systemd-nspawn exited"; }
  sleep 0.25
done
[ -n "$leader" ] || fail "no systemd in the container"
# Until its systemd answers on its bus, and has finished booting.
state=""
for _ in $(seq 1 120); do
  state=$(in_ct systemctl is-system-running 2>/dev/null || true)
  case "$state" in running|degraded|maintenance|stopping) break ;; esac
  sleep 0.5
done
[ "$state" = running ] || fail "container booted to '$state': $(in_ct systemctl --failed --no-legend)"
say "container $machine booted ($state) in $(( $(date +%s) - started )) s since start"

# --- install and configure, as an operator ---
in_ct dpkg -i "/root/$(basename "$deb")" >"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log" >&2; fail "dpkg -i"; }
in_ct getent passwd tierd >/dev/null || fail "no system user tierd after install"
[ "$(in_ct stat -c '%a %U:%G' /etc/tierd)" = "750 root:tierd" ] || fail "/etc/tierd is $(in_ct stat -c '%a %U:%G' /etc/tierd)"
in_ct test -d /sys/fs/bpf/tierd || fail "tmpfiles made no /sys/fs/bpf/tierd"
enabled=$(in_ct systemctl is-enabled tierd || true)
[ "$enabled" = disabled ] || fail "a fresh install left tierd $enabled, not disabled"

# The subscriber side: eth1 (the example config's interface) faces 10.0.0.0/24, where the
# example users file puts alice (10.0.0.11).
in_ct ip netns add tierdt-sub
in_ct ip link add eth1 type veth peer name sub0 netns tierdt-sub
in_ct ip addr add 10.0.0.1/24 dev eth1
in_ct ip link set eth1 up
in_sub ip addr add 10.0.0.11/24 dev sub0
in_sub ip link set sub0 up
in_sub ip link set lo up
in_ct sh -c 'sed -i "s/^min_dwell = .*/min_dwell = \"0s\"/" /etc/tierd/tierd.toml'

# --- start: Type=notify readiness, hardening ---
in_ct systemctl enable --now tierd || fail "systemctl enable --now tierd"
[ "$(in_ct systemctl show -P ActiveState tierd)" = active ] || fail "tierd not active after start"
[ "$(in_ct systemctl show -P Type tierd)" = notify ] || fail "tierd's unit is not Type=notify"
in_ct tc qdisc show dev eth1 | grep -q "htb 7164: root" || fail "no root HTB on eth1: $(in_ct tc qdisc show dev eth1)"
in_ct ip -d link show ifb-tierd | grep -q ifb || fail "no IFB ifb-tierd created"
in_ct tc qdisc show dev eth1 | grep -q clsact || fail "no clsact on eth1"
in_ct tierctl health >/dev/null || fail "tierctl health (control socket) failed"
in_ct journalctl -u tierd -b --no-pager -o cat | grep -q "classifier ready.*loaded" || fail "no 'classifier ready' (loaded) in the journal"
pins=$(in_ct ls /sys/fs/bpf/tierd/)
[ -n "$pins" ] && [ "$(echo "$pins" | wc -l)" = 1 ] || fail "expected one pin directory in /sys/fs/bpf/tierd, got: '$pins'"
pinned=$(in_ct ls "/sys/fs/bpf/tierd/$pins" | wc -l)
[ "$pinned" = 13 ] || fail "expected 3 programs and 10 maps pinned, got: $(in_ct ls "/sys/fs/bpf/tierd/$pins")"
say "started: active (notify), HTB + clsact + IFB in place, classifier pinned in /sys/fs/bpf/tierd/$pins ($pinned objects)"

# --- shaping: alice to the reduced tier (20mbit down), by override ---
in_ct tierctl override alice reduced --for 1h --reason systemd-test >/dev/null || fail "tierctl override"
class_of_alice() {
  in_ct tc class show dev eth1 | grep -E "rate $1 " | grep -v "7164:[0-9a-f]* root" || true
}
for _ in $(seq 1 20); do [ -n "$(class_of_alice 20Mbit)" ] && break; sleep 0.25; done
before_reload=$(class_of_alice 20Mbit)
[ "$(echo "$before_reload" | grep -c .)" = 1 ] || fail "expected one 20Mbit class for alice: $(in_ct tc class show dev eth1)"
handle=$(echo "$before_reload" | awk '{print $3}')
in_sub iperf3 -s -1 -D -B 10.0.0.11 >/dev/null
for _ in $(seq 1 40); do in_sub ss -Hltn 'sport = :5201' | grep -q . && break; sleep 0.25; done
iperf=$(in_ct iperf3 -c 10.0.0.11 -t 3 -J) || fail "iperf3 to alice failed: $iperf"
# The last bits_per_second of the JSON is the receiver's sum.
mbit=$(echo "$iperf" | sed -n 's/.*"bits_per_second":[[:space:]]*\([0-9.e+]*\).*/\1/p' | tail -1 | awk '{printf "%.1f", $1 / 1e6}')
awk -v m="$mbit" 'BEGIN { exit !(m > 14 && m < 22) }' || fail "download to alice at $mbit Mbit/s, expected about 20 (tier reduced); iperf3 said: $(echo "$iperf" | tail -40)"
say "shaping: alice in class $handle at 20Mbit; iperf3 download measured $mbit Mbit/s"

# --- reload: a rate changes in place ---
in_ct sed -i '/^name = "reduced"/,/^upload/ s/^download = "20mbit"/download = "30mbit"/' /etc/tierd/tierd.toml
in_ct systemctl reload tierd || fail "systemctl reload"
for _ in $(seq 1 20); do [ -n "$(class_of_alice 30Mbit)" ] && break; sleep 0.25; done
after_reload=$(class_of_alice 30Mbit)
[ "$(echo "$after_reload" | awk '{print $3}')" = "$handle" ] || fail "reload: expected class $handle at 30Mbit, got: $after_reload"
say "reload: class $handle changed in place to 30Mbit"

# --- restart: no kernel object changes ---
# Everything tierd owns, with ids: qdiscs, classes, filters (with their program ids), and the
# BPF programs and maps (ids, names) the filters use. No counters; no id masked.
kernel_dump() {
  for dev in eth1 ifb-tierd; do
    # direct_packets_stat counts packets (sent unclassified): traffic, not an object.
    in_ct tc qdisc show dev "$dev" | sed 's/direct_packets_stat [0-9]*/direct_packets_stat -/' 
    in_ct tc class show dev "$dev"
    in_ct tc filter show dev "$dev" parent 7164:
  done
  in_ct tc filter show dev eth1 egress
  in_ct tc filter show dev eth1 ingress
  local ids
  ids=$(in_ct tc filter show dev eth1 egress; in_ct tc filter show dev eth1 ingress; in_ct tc filter show dev eth1 parent 7164:)
  local prog
  for id in $(echo "$ids" | grep -o ' id [0-9]*' | awk '{print $2}' | sort -un); do
    prog=$(in_ct bpftool prog show id "$id")
    echo "$prog" | sed -n '1s/^\([0-9]*: [a-z_]* *name [a-z_]*\).*/\1/p'
    echo "$prog" | sed -n 's/.*\(map_ids [0-9,]*\).*/\1/p'
  done
}
main_pid() { in_ct systemctl show -P MainPID tierd; }
kernel_dump >"$work/before-restart"
grep -q "map_ids" "$work/before-restart" || fail "kernel dump has no BPF program: $(cat "$work/before-restart")"
pid_before=$(main_pid)
restart_mark=$(in_ct date '+%Y-%m-%d %H:%M:%S')
in_ct systemctl restart tierd || fail "systemctl restart"
[ "$(main_pid)" != "$pid_before" ] || fail "restart kept the same process"
kernel_dump >"$work/after-restart"
diff -u "$work/before-restart" "$work/after-restart" >&2 || fail "restart changed kernel objects (diff above)"
in_ct journalctl -u tierd --since "$restart_mark" --no-pager -o cat | grep -q "classifier ready.*adopted from bpffs pins" \
  || fail "restart did not adopt the classifier from its pins: $(in_ct journalctl -u tierd --since "$restart_mark" --no-pager -o cat | grep classifier)"
in_ct journalctl -u tierd --since "$restart_mark" --no-pager -o cat | grep -q "enforcing.*kernel in sync" || fail "no 'enforcing ... kernel in sync' after restart"
# The restarted daemon's own count of kernel objects it created, changed or deleted.
netlink=$(in_ct tierctl metrics | grep '^tierd_netlink_objects_total' || true)
[ -n "$netlink" ] || fail "no tierd_netlink_objects_total in tierctl metrics"
if echo "$netlink" | awk '$NF != 0 { bad = 1 } END { exit !bad }'; then fail "the restarted tierd changed kernel objects: $netlink"; fi
say "restart: $(grep -c . "$work/before-restart") lines of qdiscs/classes/filters/programs/maps identical, classifier adopted from pins, netlink objects created/changed/deleted: $(echo "$netlink" | awk '{printf "%s ", $NF}')"

# --- watchdog: a hung daemon is killed and restarted ---
restarts=$(in_ct systemctl show -P NRestarts tierd)
pid_hung=$(main_pid)
in_ct kill -STOP "$pid_hung"
watchdog_start=$(date +%s)
for _ in $(seq 1 120); do
  pid_now=$(main_pid)
  [ "$pid_now" != "$pid_hung" ] && [ "$pid_now" != 0 ] && [ "$(in_ct systemctl show -P ActiveState tierd)" = active ] && break
  sleep 0.5
done
[ "$(in_ct systemctl show -P NRestarts tierd)" -gt "$restarts" ] || fail "watchdog: tierd was not restarted within 60 s"
in_ct journalctl -u tierd -b --no-pager -o cat | grep -q "Watchdog timeout" || fail "watchdog: no 'Watchdog timeout' in the journal"
kernel_dump >"$work/after-watchdog"
diff -u "$work/before-restart" "$work/after-watchdog" >&2 || fail "the watchdog restart changed kernel objects (diff above)"
say "watchdog: SIGSTOPped tierd restarted after $(( $(date +%s) - watchdog_start )) s, kernel objects unchanged"

# --- a bad config on reload keeps the old one ---
in_ct cp /etc/tierd/tierd.toml /root/tierd.toml.good
in_ct sh -c 'echo "no_such_key = 1" >> /etc/tierd/tierd.toml'
bad_mark=$(in_ct date '+%Y-%m-%d %H:%M:%S')
in_ct systemctl reload tierd || true
sleep 1
[ "$(in_ct systemctl show -P ActiveState tierd)" = active ] || fail "a bad config on reload stopped tierd"
in_ct journalctl -u tierd --since "$bad_mark" --no-pager -o cat | grep -q "reload refused" || fail "no 'reload refused' for a bad config"
[ -n "$(class_of_alice 30Mbit)" ] || fail "a refused reload changed the shaping"
# The journal's priorities: the refusal at err (3), the start's lines at info (6).
in_ct journalctl -u tierd --since "$bad_mark" -p err --no-pager -o cat | grep -q "reload refused" || fail "'reload refused' is not at priority err"
priority_of() { in_ct journalctl -u tierd -b -o json --no-pager | grep "\"MESSAGE\":\"[a-z]*: $1" | grep -o '"PRIORITY":"[0-9]"' | sort -u; }
[ "$(priority_of "reload refused")" = '"PRIORITY":"3"' ] || fail "'reload refused' logged at $(priority_of "reload refused"), not 3"
[ "$(priority_of "classifier ready")" = '"PRIORITY":"6"' ] || fail "'classifier ready' logged at $(priority_of "classifier ready"), not 6"
if in_ct journalctl -u tierd -b -p err --no-pager -o cat | grep -q "classifier ready"; then fail "an info line shows at -p err"; fi
say "bad config on reload: refused (err), old config kept; priorities: err=3, info=6"

# --- start with a bad config: exit status 78, errors in the journal, no restart loop ---
in_ct systemctl stop tierd
start_mark=$(in_ct date '+%Y-%m-%d %H:%M:%S')
if in_ct systemctl start tierd 2>/dev/null; then fail "systemctl start with a bad config succeeded"; fi
sleep 3
status=$(in_ct journalctl -u tierd --since "$start_mark" --no-pager -o cat | grep -o 'status=78/CONFIG' | head -1 || true)
[ -n "$status" ] || fail "a bad config did not exit with 78: $(in_ct journalctl -u tierd --since "$start_mark" --no-pager -o cat)"
in_ct journalctl -u tierd --since "$start_mark" -p err --no-pager -o cat | grep -q "no_such_key" || fail "the config error is not in the journal at priority err or above"
[ "$(in_ct systemctl show -P ActiveState tierd)" = failed ] || fail "tierd not 'failed' after a bad-config start ($(in_ct systemctl show -P ActiveState tierd))"
say "start with a bad config: $status, error in the journal, unit failed without restarting"
in_ct cp /root/tierd.toml.good /etc/tierd/tierd.toml
in_ct systemctl reset-failed tierd
in_ct systemctl start tierd || fail "start after fixing the config"

# --- upgrade: same code, higher version; config kept, restarted cleanly, nothing changed ---
kernel_dump >"$work/before-upgrade"
pid_before=$(main_pid)
in_ct dpkg -i "/root/$(basename "$upgrade_deb")" >"$work/dpkg-upgrade.log" 2>&1 || { cat "$work/dpkg-upgrade.log" >&2; fail "upgrade"; }
[ "$(in_ct dpkg-query -W -f '${Version}' tierd)" = "$upgrade_version" ] || fail "upgrade: version is not $upgrade_version"
in_ct grep -q '^download = "30mbit"' /etc/tierd/tierd.toml || fail "upgrade: the edited config was not kept"
[ "$(in_ct systemctl show -P ActiveState tierd)" = active ] || fail "upgrade: tierd not active"
[ "$(main_pid)" != "$pid_before" ] || fail "upgrade: tierd was not restarted"
kernel_dump >"$work/after-upgrade"
diff -u "$work/before-upgrade" "$work/after-upgrade" >&2 || fail "the upgrade's restart changed kernel objects (diff above)"
say "upgrade to $upgrade_version: config kept, tierd restarted, kernel objects unchanged"

# --- purge: files and the system user go ---
in_ct dpkg --purge tierd >"$work/dpkg-purge.log" 2>&1 || { cat "$work/dpkg-purge.log" >&2; fail "purge"; }
for path in /etc/tierd /var/lib/tierd /usr/bin/tierd /usr/bin/tierctl /lib/systemd/system/tierd.service /sys/fs/bpf/tierd; do
  if in_ct test -e "$path"; then fail "purge left $path"; fi
done
if in_ct getent passwd tierd >/dev/null; then fail "purge left the user tierd"; fi
if in_ct getent group tierd >/dev/null; then fail "purge left the group tierd"; fi
say "purge: files, pins and the tierd user removed"
say "PASSED in $(( $(date +%s) - started )) s"
