#!/usr/bin/env bash
# Builds the Kubernetes binary simulators in dl.k8s.io's layout:
#   OUTDIR/release/vX.Y.Z/bin/linux/amd64/{kubeadm,kubelet,kubectl}{,.sha256}
#   OUTDIR/release/stable.txt, OUTDIR/release/stable-X.Y.txt   (dl.k8s.io's version markers)
# Usage: bash test/sim/build.sh OUTDIR [vX.Y.Z ...]
#   (default: v1.30.14 v1.31.13 v1.34.6 v1.35.4 v1.36.2 v1.37.1)
# Each binary is one self-contained python3 program (standard library only) with its version baked
# in: a zip application holding the script and its bytecode (an unchecked-hash .pyc, used when the
# host's python3 has the same bytecode version, else the script is compiled as any script), so that
# a call does not compile 8000 lines first: Kubernetes' own binaries start in milliseconds.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
[ $# -ge 1 ] || { echo "usage: $0 OUTDIR [VERSION...]" >&2; exit 2; }
outdir="$1"; shift
versions=("$@")
[ ${#versions[@]} -gt 0 ] || versions=(v1.30.14 v1.31.13 v1.34.6 v1.35.4 v1.36.2 v1.37.1)
for v in "${versions[@]}"; do
  [[ "$v" =~ ^v[0-9]+\.[0-9]+\.[0-9]+$ ]] || { echo "invalid version: $v (want vX.Y.Z)" >&2; exit 2; }
done
write() { # write FILE TEXT: atomically
  printf '%s\n' "$2" > "$1.tmp" && mv -f "$1.tmp" "$1"
}
for v in "${versions[@]}"; do
  dir="$outdir/release/$v/bin/linux/amd64"
  mkdir -p "$dir"
  for tool in kubeadm kubelet kubectl; do
    tmp="$(mktemp "$dir/.$tool.XXXXXX")"
    {
      echo "# $tool $v — a simulator built by kbs test/sim/build.sh for tests; not Kubernetes."
      echo "SIM_VERSION = \"$v\""
      echo "SIM_TOOL = \"$tool\""
      for f in "$here"/py/*.py; do cat "$f"; echo; done
    } > "$tmp.py"
    python3 - "$tmp.py" "$tmp" <<'PY'
import importlib.util, marshal, sys, zipfile
src, out = sys.argv[1], sys.argv[2]
text = open(src, 'rb').read()
code = compile(text, '__main__.py', 'exec', dont_inherit=True)
# PEP 552 header: magic, flags 0b01 (hash-based, source not checked), the source hash
pyc = importlib.util.MAGIC_NUMBER + (1).to_bytes(4, 'little') + importlib.util.source_hash(text) + marshal.dumps(code)
with open(out, 'wb') as f:
    f.write(b'#!/usr/bin/env python3\n')
    with zipfile.ZipFile(f, 'w', zipfile.ZIP_STORED) as z:
        for name, data in (('__main__.py', text), ('__main__.pyc', pyc)):
            z.writestr(zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0)), data)
PY
    rm -f "$tmp.py"
    chmod 0755 "$tmp"
    mv -f "$tmp" "$dir/$tool"
    sha="$(sha256sum "$dir/$tool" | cut -d' ' -f1)"
    printf '%s' "$sha" > "$dir/$tool.sha256.tmp" && mv -f "$dir/$tool.sha256.tmp" "$dir/$tool.sha256"
  done
done
# version markers over everything in the tree: stable.txt = newest, stable-X.Y.txt = newest patch of X.Y
mapfile -t all < <(ls "$outdir/release" | grep -E '^v[0-9]+\.[0-9]+\.[0-9]+$' | sort -V)
write "$outdir/release/stable.txt" "${all[-1]}"
for v in "${all[@]}"; do
  mm="${v#v}"; mm="${mm%.*}"
  write "$outdir/release/stable-$mm.txt" "$v"   # sorted ascending: the last write per minor wins
done
