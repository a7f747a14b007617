#!/usr/bin/env bash
# Installs the Debian packages tierd needs to build, test and run its demo.
# Safe to run repeatedly; used by the README's commands and by CI.
set -euo pipefail
packages=(libnl-3-dev libnl-route-3-dev libbpf-dev bpftool pkg-config iproute2 iperf3 kmod procps tmux
  dpkg-dev lintian systemd-container debootstrap util-linux)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# Modules tierd needs (also listed in systemd/tierd-modules.conf); built-in on some kernels,
# so a failure here is not fatal: the daemon reports what the kernel refuses.
for m in sch_htb sch_ingress cls_bpf ifb sch_fq_codel; do modprobe -q "$m" 2>/dev/null || true; done
