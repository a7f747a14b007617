#!/usr/bin/env bash
# tierd's main job, self-contained: two network namespaces joined by a veth pair stand for
# an ISP's shaping box ("isp") and its subscribers ("home"). tierd runs in "isp" with
# config/demo.toml, shapes the subscriber-facing device, and we measure each user's real
# TCP throughput with iperf3 in both directions, before and after a score change.
# Everything it creates is removed on exit, also on failure or Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

[ "$(id -u)" = 0 ] || { echo "demo: run as root (it creates network namespaces)" >&2; exit 1; }
bash scripts/install-deps.sh
echo "== building tierd (release)"
swift build -c release --product tierd >/dev/null
swift build -c release --product tierctl >/dev/null
bin=$(swift build -c release --show-bin-path)

id=$$
isp=tierd-demo-isp-$id
home=tierd-demo-home-$id
run=$(mktemp -d /tmp/tierd-demo.XXXXXX)
daemon_pid=
iperf_pid=

cleanup() {
  set +e
  [ -n "$daemon_pid" ] && kill -TERM "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null
  [ -n "$iperf_pid" ] && kill "$iperf_pid" 2>/dev/null
  ip netns pids "$isp" 2>/dev/null | xargs -r kill 2>/dev/null
  ip netns pids "$home" 2>/dev/null | xargs -r kill 2>/dev/null
  ip netns del "$isp" 2>/dev/null
  ip netns del "$home" 2>/dev/null
  rm -rf "$run"
}
trap cleanup EXIT INT TERM

echo "== network: namespaces $isp (tierd) and $home (subscribers)"
ip netns add "$isp"
ip netns add "$home"
ip link add sub0 netns "$isp" type veth peer name home0 netns "$home"
ip -n "$isp" addr add 10.77.0.1/24 dev sub0
ip -n "$isp" addr add fd77::1/64 dev sub0 nodad
ip -n "$home" addr add 10.77.0.11/24 dev home0   # alice
ip -n "$home" addr add 10.77.0.12/24 dev home0   # bob
ip -n "$home" addr add 10.77.0.13/24 dev home0   # carol
ip -n "$home" addr add fd77::13/64 dev home0 nodad
for ns in "$isp" "$home"; do ip -n "$ns" link set lo up; done
ip -n "$isp" link set sub0 up
ip -n "$home" link set home0 up

sed -e "s|/run/tierd-demo|$run|g" -e "s|/var/lib/tierd-demo|$run/state|g" config/demo.toml > "$run/tierd.toml"
cp config/demo-users.csv "$run/demo-users.csv"
: > "$run/scores.jsonl"
ctl() { "$bin/tierctl" --socket "$run/control.sock" "$@"; }

echo "== starting tierd in $isp"
"$bin/tierd" --config "$run/tierd.toml" --check
ip netns exec "$isp" "$bin/tierd" --config "$run/tierd.toml" 2>"$run/tierd.log" &
daemon_pid=$!
for _ in $(seq 100); do ctl health >/dev/null 2>&1 && break; sleep 0.1; done
ctl health

ip netns exec "$isp" iperf3 -s >/dev/null 2>&1 &
iperf_pid=$!
sleep 0.5

# measure ADDRESS DIRECTION -> Mbit/s of TCP goodput over 3 s
measure() {
  local flags=()
  [ "$2" = download ] && flags=(-R)
  ip netns exec "$home" iperf3 -c 10.77.0.1 -B "$1" -t 3 -f m "${flags[@]}" 2>/dev/null \
    | awk '/receiver/ {print $(NF-2)}'
}

table() {
  printf '\n%-7s %-12s %-10s %14s %14s\n' user address tier "download Mb/s" "upload Mb/s"
  for entry in alice:10.77.0.11 bob:10.77.0.12 carol:10.77.0.13; do
    local user=${entry%%:*} addr=${entry#*:}
    local tier
    tier=$(ctl status "$user" --json | sed -n 's/.*"tier" *: *"\([^"]*\)".*/\1/p' | head -n1)
    printf '%-7s %-12s %-10s %14s %14s\n' "$user" "$addr" "$tier" "$(measure "$addr" download)" "$(measure "$addr" upload)"
  done
  echo
}

echo "== scores arrive through the feed file"
cat >> "$run/scores.jsonl" <<'FEED'
{"user":"alice","score":950}
{"user":"bob","score":600,"reason":"fair-use"}
{"user":"carol","score":200,"reason":"abuse-report"}
FEED
sleep 1
ctl status
echo "== measured throughput (iperf3, TCP, 3 s per user and direction)"
table

echo "== bob's score recovers, alice gets a delta of -400"
cat >> "$run/scores.jsonl" <<'FEED'
{"user":"bob","score":900,"reason":"quota-reset"}
{"user":"alice","delta":-400,"reason":"fair-use"}
FEED
sleep 1
ctl status
echo "== why is alice where she is?"
ctl explain alice
echo "== measured throughput after the change"
table
echo "== kernel view (read with tc, for the curious): per-user classes, download on sub0, upload on ifb-demo"
for dev in sub0 ifb-demo; do
  ip netns exec "$isp" tc class show dev "$dev" | grep -vE 'rate [0-9.]+Gbit' || true
done
echo "== tierd log"
cat "$run/tierd.log"
