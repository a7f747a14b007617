#!/usr/bin/env bash
# Builds tierd's Debian package: a release build with the Swift runtime linked statically (the
# package needs no Swift toolchain), laid out with the files under packaging/debian/, its
# dependencies computed by dpkg-shlibdeps, checked by lintian (no errors allowed; the
# warnings it may give are explained in packaging/debian/lintian-overrides).
#
# The version comes from one place: the VERSION file (tierctl --version must agree).
# Output: dist/tierd_<version>_<arch>.deb, or in $OUT_DIR.
# Usage: scripts/build-deb.sh [--no-lintian]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
lintian=1
[ "${1:-}" = "--no-lintian" ] && lintian=0

version=$(tr -d ' \n' < VERSION)
arch=$(dpkg --print-architecture)
out_dir=${OUT_DIR:-$root/dist}
deb="$out_dir/tierd_${version}_${arch}.deb"

for tool in dpkg-deb dpkg-shlibdeps; do
  command -v "$tool" >/dev/null || { echo "build-deb: $tool is missing (apt-get install dpkg-dev)" >&2; exit 1; }
done

bash scripts/install-deps.sh
# The toolchain leaves TemporaryDirectory.* folders in TMPDIR: give it its own.
work=$(mktemp -d /tmp/tierd-deb.XXXXXX)
trap 'rm -rf "$work"' EXIT
export TMPDIR="$work/tmp"
mkdir -p "$TMPDIR"
# -z now: full RELRO, as Debian's hardening flags ask (lintian: hardening-no-bindnow).
flags=(-c release --static-swift-stdlib -Xlinker -z -Xlinker now)
swift build "${flags[@]}" --product tierd
swift build "${flags[@]}" --product tierctl
bin=$(swift build "${flags[@]}" --show-bin-path)

reported=$("$bin/tierctl" --version)
if [ "$reported" != "$version" ]; then
  echo "build-deb: VERSION says $version but tierctl --version says $reported" >&2
  exit 1
fi

pkg="$work/pkg"
install -d -m 0755 "$pkg/DEBIAN"
install -D -m 0755 "$bin/tierd" "$pkg/usr/bin/tierd"
install -D -m 0755 "$bin/tierctl" "$pkg/usr/bin/tierctl"
strip --strip-unneeded --remove-section=.comment --remove-section=.note "$pkg/usr/bin/tierd" "$pkg/usr/bin/tierctl"
# Debian 12 keeps units and modprobe files under /lib (the /usr merge moratorium).
install -D -m 0644 systemd/tierd.service "$pkg/lib/systemd/system/tierd.service"
install -D -m 0644 systemd/modprobe.d/tierd.conf "$pkg/lib/modprobe.d/tierd.conf"
install -D -m 0644 systemd/modules-load.d/tierd.conf "$pkg/usr/lib/modules-load.d/tierd.conf"
install -D -m 0644 systemd/sysusers.d/tierd.conf "$pkg/usr/lib/sysusers.d/tierd.conf"
install -D -m 0644 systemd/tmpfiles.d/tierd.conf "$pkg/usr/lib/tmpfiles.d/tierd.conf"
# /etc/tierd is 0750 root:tierd once tmpfiles has run (postinst): the users file holds
# subscribers' addresses.
install -D -m 0644 config/tierd.toml "$pkg/etc/tierd/tierd.toml"
install -D -m 0644 config/users.csv "$pkg/etc/tierd/users.csv"
install -D -m 0644 docs/tierd.8 "$pkg/usr/share/man/man8/tierd.8"
install -D -m 0644 docs/tierctl.1 "$pkg/usr/share/man/man1/tierctl.1"
# bash sources completions: the generator's #! line has no use there (lintian warns).
install -d -m 0755 "$pkg/usr/share/bash-completion/completions"
sed '1{/^#!/d}' completions/tierctl.bash > "$pkg/usr/share/bash-completion/completions/tierctl"
chmod 0644 "$pkg/usr/share/bash-completion/completions/tierctl"
install -D -m 0644 completions/_tierctl "$pkg/usr/share/zsh/vendor-completions/_tierctl"
doc="$pkg/usr/share/doc/tierd"
install -D -m 0644 packaging/debian/copyright "$doc/copyright"
install -D -m 0644 packaging/debian/changelog "$doc/changelog"
install -D -m 0644 docs/operations.md "$doc/operations.md"
install -D -m 0644 packaging/debian/lintian-overrides "$pkg/usr/share/lintian/overrides/tierd"
gzip -9n "$pkg/usr/share/man/man8/tierd.8" "$pkg/usr/share/man/man1/tierctl.1" "$doc/changelog" "$doc/operations.md"

for script in postinst prerm postrm; do
  install -m 0755 "packaging/debian/$script" "$pkg/DEBIAN/$script"
done
install -m 0644 packaging/debian/conffiles "$pkg/DEBIAN/conffiles"

# dpkg-shlibdeps reads a source package's debian/control: give it a minimal one.
mkdir -p "$work/src/debian"
printf 'Source: tierd\n\nPackage: tierd\nArchitecture: any\n' > "$work/src/debian/control"
depends=$(cd "$work/src" && dpkg-shlibdeps -O "$pkg/usr/bin/tierd" "$pkg/usr/bin/tierctl" | sed -n 's/^shlibs:Depends=//p')
[ -n "$depends" ] || { echo "build-deb: dpkg-shlibdeps found no dependencies" >&2; exit 1; }
size=$(du -k -s --exclude=DEBIAN "$pkg" | cut -f1)
sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s/@DEPENDS@/$depends/" -e "s/@INSTALLED_SIZE@/$size/" \
  packaging/debian/control.in > "$pkg/DEBIAN/control"
(cd "$pkg" && find . -type f ! -path './DEBIAN/*' ! -path './etc/*' -printf '%P\0' | sort -z | xargs -0 md5sum) > "$pkg/DEBIAN/md5sums"
chmod 0644 "$pkg/DEBIAN/md5sums"

mkdir -p "$out_dir"
dpkg-deb --root-owner-group -Zxz --build "$pkg" "$deb" >/dev/null
echo "built $deb ($(du -h "$deb" | cut -f1)); Depends: $depends"

if ((lintian)); then
  if command -v lintian >/dev/null; then
    # --fail-on error: warnings are allowed only with an override that says why.
    lintian --fail-on error "$deb"
  else
    echo "build-deb: lintian is not installed; package not checked" >&2
  fi
fi
