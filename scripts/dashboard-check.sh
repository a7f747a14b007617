#!/usr/bin/env bash
# Checks that contrib/grafana/tierd-dashboard.json is valid and that every query of every
# panel returns data from a real run, by the route docs/operations.md documents:
#   tierd (in its own network namespace, 40 users, a feed with scores, bad lines, unknown
#   users and out-of-order events, control requests, a class deleted behind its back, UDP
#   traffic through throttled classes)
#   -> contrib/prometheus/tierd-metrics-textfile every second
#   -> node_exporter's textfile collector -> Prometheus (Debian's packages) -> its HTTP API.
#
#   scripts/dashboard-check.sh [--png docs/images/tierd-dashboard.png] [--seconds N] [--dashboard JSON]
#
# Root only (namespaces). node_exporter and Prometheus listen on the namespace's own
# loopback, not the host's. Everything it creates is removed on exit, also on failure.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

png=
seconds=45
dashboard=contrib/grafana/tierd-dashboard.json
while [ $# -gt 0 ]; do
  case "$1" in
    --png) png="$(realpath -m "$2")"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --dashboard) dashboard="$(realpath "$2")"; shift 2 ;;
    *) echo "usage: scripts/dashboard-check.sh [--png PATH] [--seconds N] [--dashboard JSON]" >&2; exit 64 ;;
  esac
done
[ "$(id -u)" = 0 ] || { echo "dashboard-check: run as root (it creates network namespaces)" >&2; exit 1; }
for tool in prometheus prometheus-node-exporter; do
  command -v "$tool" >/dev/null || { echo "dashboard-check: needs $tool (apt-get install prometheus prometheus-node-exporter)" >&2; exit 1; }
done
# Debian's python3, where python3-matplotlib installs (not a python3 earlier on PATH).
py="${PYTHON:-/usr/bin/python3}"
[ -z "$png" ] || "$py" -c "import matplotlib" 2>/dev/null \
  || { echo "dashboard-check: --png needs matplotlib (apt-get install python3-matplotlib)" >&2; exit 1; }

swift build --product tierd >/dev/null
swift build --product tierctl >/dev/null
bin=$(swift build --show-bin-path)

id=$$
isp=tierd-dash-isp-$id
home=tierd-dash-home-$id
run=$(mktemp -d /tmp/tierd-dash.XXXXXX)
pids=()

cleanup() {
  set +e
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null; done
  ip netns pids "$isp" 2>/dev/null | xargs -r kill 2>/dev/null
  ip netns pids "$home" 2>/dev/null | xargs -r kill 2>/dev/null
  ip netns del "$isp" 2>/dev/null
  ip netns del "$home" 2>/dev/null
  rm -rf "$run"
}
trap cleanup EXIT INT TERM

echo "== namespaces $isp (tierd, node_exporter, Prometheus) and $home (subscribers u1, u2, u11, u12)"
ip netns add "$isp"
ip netns add "$home"
ip link add sub0 netns "$isp" type veth peer name home0 netns "$home"
ip -n "$isp" addr add 10.78.0.1/24 dev sub0
for n in 1 2 11 12; do ip -n "$home" addr add "10.78.0.$((100 + n))/24" dev home0; done
for ns in "$isp" "$home"; do ip -n "$ns" link set lo up; done
ip -n "$isp" link set sub0 up
ip -n "$home" link set home0 up

# 40 users: u1..u40 at 10.78.0.101..140.
{ echo "id,addresses"; for n in $(seq 40); do echo "u$n,10.78.0.$((100 + n))"; done; } > "$run/users.csv"
sed -e "s|/run/tierd-demo|$run|g" -e "s|/var/lib/tierd-demo|$run/state|g" -e "s|demo-users.csv|users.csv|" \
    -e 's|reconcile_interval = "10s"|reconcile_interval = "2s"|' config/demo.toml > "$run/tierd.toml"
: > "$run/scores.jsonl"
mkdir -p "$run/textfile" "$run/prometheus"
ctl() { "$bin/tierctl" --socket "$run/control.sock" "$@"; }
feed() { printf '%s\n' "$@" >> "$run/scores.jsonl"; }

echo "== tierd"
"$bin/tierd" --config "$run/tierd.toml" --check
ip netns exec "$isp" "$bin/tierd" --config "$run/tierd.toml" 2>"$run/tierd.log" &
pids+=($!)
for _ in $(seq 100); do ctl health >/dev/null 2>&1 && break; sleep 0.1; done
ctl health >/dev/null || { cat "$run/tierd.log"; exit 1; }

echo "== node_exporter (textfile collector) and Prometheus, scraping every second"
ip netns exec "$isp" prometheus-node-exporter --web.listen-address=127.0.0.1:9100 \
  --collector.disable-defaults --collector.textfile --collector.textfile.directory="$run/textfile" \
  2>"$run/node-exporter.log" &
pids+=($!)
cat > "$run/prometheus.yml" <<YAML
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: tierd
    static_configs:
      - targets: ["127.0.0.1:9100"]
YAML
ip netns exec "$isp" prometheus --config.file="$run/prometheus.yml" --storage.tsdb.path="$run/prometheus" \
  --web.listen-address=127.0.0.1:9090 2>"$run/prometheus.log" &
pids+=($!)
( while true; do TIERCTL_SOCKET="$run/control.sock" PATH="$bin:$PATH" \
    contrib/prometheus/tierd-metrics-textfile "$run/textfile" 2>/dev/null || true; sleep 1; done ) &
pids+=($!)
# Traffic through throttled classes: UDP datagrams (bash's /dev/udp; no ping needed) to u1
# and u11 (download), and from home, whose first address is u1's (upload).
udp() { ip netns exec "$1" bash -c "while true; do head -c 1200 /dev/zero > /dev/udp/$2/9 2>/dev/null; sleep 0.02; done" & pids+=($!); }
udp "$isp" 10.78.0.101
udp "$isp" 10.78.0.111
udp "$home" 10.78.0.1

start=$(date +%s)
echo "== activity for ${seconds}s: scores, rejected lines, unknown users, old events, control requests, drift"
feed '{"user":"u1","score":600}' '{"user":"u2","score":600}' '{"user":"u11","score":100}' '{"user":"u12","score":100}'
drifted=false
round=0
while [ $(( $(date +%s) - start )) -lt "$seconds" ]; do
  round=$((round + 1))
  n=$(( 20 + round % 20 ))
  feed "{\"user\":\"u$n\",\"score\":$(( round % 2 ? 300 : 900 ))}" "u$((n + 1)),650" \
       '{"user":"u3","score":"high"}' 'not a feed line' '{"user":"nobody","score":5}' \
       '{"user":"u4","score":700,"ts":"2026-01-01T00:00:00Z"}' '{"user":"u4","score":710,"ts":"2025-01-01T00:00:00Z"}'
  ctl status >/dev/null; ctl health >/dev/null || true; ctl status u1 >/dev/null
  if ! $drifted && [ $(( $(date +%s) - start )) -ge $((seconds / 3)) ]; then
    class=$(ip netns exec "$isp" tc class show dev sub0 | awk '/rate 20Mbit/ {print $3; exit}')
    [ -n "$class" ] && ip netns exec "$isp" tc class del dev sub0 classid "$class" 2>/dev/null || true
    drifted=true
  fi
  sleep 1
done
sleep 3
end=$(date +%s)

echo "== every panel's queries against Prometheus"
ip netns exec "$isp" "$py" scripts/dashboard-query.py "$dashboard" \
  http://127.0.0.1:9090 "$start" "$end" ${png:+--png "$png"}
echo "dashboard-check: ok ($(( $(date +%s) - start ))s of run and queries)"
