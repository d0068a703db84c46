#!/usr/bin/env bash
# Builds spillway/base, the image the four services' Jib builds start from, without a Docker daemon
# or a registry: a root filesystem of Debian's C library (libc6, libgcc-s1, zlib1g, fetched with
# `apt-get download` from the machine's Debian sources) and a Java runtime made with jlink from the
# JDK that builds Spillway, written as a docker-archive tarball (manifest.json, config, one layer)
# that Jib reads as `tar://…` (docs/operations.md, "Images").
#
#   infra/images/build-base-image.sh [OUT_DIR]      (default: target/images at the repository root)
#
# Why not a Debian JRE package: Debian 12 (bookworm, what CI runs) has no Java 21 runtime; why not
# `podman import`: the layer is written here with fixed times, owners and order, so that the same
# inputs give the same digest, which podman's re-packing would not keep.
# Limits: x86-64 only (the .debs are the machine's architecture); the runtime is the building
# JDK's vendor and version (>= 21), recorded in the image's labels.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
out=${1:-$root/target/images}
major() { # the feature version of the JDK at $1, or nothing
  [ -x "$1/bin/jlink" ] || return 0
  "$1/bin/java" -XshowSettings:properties -version 2>&1 |
    awk -F'= ' '/java.specification.version/ { split($2, v, "."); print (v[1] == "1" ? v[2] : v[1]); exit }'
}
# As ./spillway chooses: JAVA_HOME if it is >= 21, else the newest JDK >= 21 in the usual places.
java_home= best=0
if [ -n "${JAVA_HOME:-}" ] && [ "$(major "$JAVA_HOME")" -ge 21 ] 2>/dev/null; then
  java_home=$JAVA_HOME
else
  for home in /usr/lib/jvm/* /usr/local/lib/jvm/* /opt/java/* /opt/jdk* "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/*; do
    m=$(major "$home")
    if [ -n "$m" ] && [ "$m" -ge 21 ] && [ "$m" -gt "$best" ]; then java_home=$home; best=$m; fi
  done
fi
[ -n "$java_home" ] || { echo "base-image: no JDK >= 21 with jlink (set JAVA_HOME)" >&2; exit 1; }
jlink=$java_home/bin/jlink
for tool in apt-get dpkg-deb tar sha256sum; do
  command -v "$tool" >/dev/null || { echo "base-image: $tool is needed" >&2; exit 1; }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rootfs=$work/rootfs
mkdir -p "$rootfs" "$work/debs" "$out"

# The C library and what the JVM loads at run time, as Debian packages.
(cd "$work/debs" && apt-get download -q libc6 libgcc-s1 zlib1g >/dev/null 2>&1) \
  || { echo "base-image: apt-get download failed (run apt-get update?)" >&2; exit 1; }
for deb in "$work"/debs/*.deb; do
  dpkg-deb -x "$deb" "$rootfs"
done
debs=$(cd "$work/debs" && ls *.deb | tr '\n' ' ')

# The Java runtime: the modules Spring Boot, Kafka's clients, Netty and the PostgreSQL driver use.
wanted="java.base java.compiler java.desktop java.instrument java.logging java.management java.naming
java.net.http java.prefs java.rmi java.scripting java.security.jgss java.security.sasl java.sql
java.transaction.xa java.xml jdk.charsets jdk.crypto.cryptoki jdk.crypto.ec jdk.jfr jdk.localedata
jdk.management jdk.naming.dns jdk.net jdk.unsupported jdk.zipfs"
available=$("$java_home/bin/java" --list-modules | sed 's/@.*//')
modules=$(for m in $wanted; do grep -qx "$m" <<<"$available" && printf '%s,' "$m"; done)
"$jlink" --add-modules "${modules%,}" --strip-debug --no-header-files --no-man-pages \
  --compress zip-6 --output "$rootfs/opt/java"
runtime=$("$rootfs/opt/java/bin/java" -XshowSettings:properties -version 2>&1 \
  | sed -n 's/^ *java.runtime.version = //p')

# The user the services run as (the Deployments' runAsUser) and a writable /tmp.
mkdir -p "$rootfs/etc" "$rootfs/tmp" "$rootfs/app"
printf 'root:x:0:0:root:/root:/usr/sbin/nologin\nspillway:x:10001:10001:spillway:/app:/usr/sbin/nologin\n' > "$rootfs/etc/passwd"
printf 'root:x:0:\nspillway:x:10001:\n' > "$rootfs/etc/group"
chmod 1777 "$rootfs/tmp"
rm -rf "$rootfs/usr/share/doc" "$rootfs/usr/share/lintian" "$rootfs/usr/share/man"

# One layer, byte for byte the same for the same inputs.
layer=$work/layer.tar
tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime \
  -C "$rootfs" -cf "$layer" .
diff_id=$(sha256sum "$layer" | cut -d' ' -f1)

config=$work/config.json
cat > "$config" <<JSON
{"architecture":"amd64","os":"linux","created":"1970-01-01T00:00:00Z",
"config":{"Env":["PATH=/opt/java/bin:/usr/bin:/bin","JAVA_HOME=/opt/java","LANG=C.UTF-8"],"User":"10001:10001","WorkingDir":"/app",
"Labels":{"org.opencontainers.image.title":"spillway/base","io.spillway.java.runtime":"$runtime","io.spillway.debian.packages":"${debs% }"}},
"rootfs":{"type":"layers","diff_ids":["sha256:$diff_id"]},
"history":[{"created":"1970-01-01T00:00:00Z","created_by":"infra/images/build-base-image.sh"}]}
JSON
config_id=$(sha256sum "$config" | cut -d' ' -f1)

archive=$work/archive
mkdir -p "$archive"
cp "$config" "$archive/$config_id.json"
cp "$layer" "$archive/$diff_id.tar"
printf '[{"Config":"%s.json","RepoTags":["spillway/base:latest"],"Layers":["%s.tar"]}]\n' "$config_id" "$diff_id" > "$archive/manifest.json"
# Named entries, no "./": Jib refuses an archive entry that would unpack onto its own directory.
tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$archive" -cf "$out/spillway-base.tar" \
  manifest.json "$config_id.json" "$diff_id.tar"
echo "base-image: $out/spillway-base.tar (java $runtime; $debs)" >&2
