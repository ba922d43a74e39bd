#!/usr/bin/env python3
"""Generates test/sim/py/36_component_tables.py: the field tables the simulated kubeadm decodes
KubeletConfiguration (kubelet.config.k8s.io/v1beta1) and KubeProxyConfiguration
(kubeproxy.config.k8s.io/v1alpha1) against, one per simulated minor.

The tables are derived (field names and JSON types only) from the Go types at release tags of the
Kubernetes staging repositories, read from local git mirrors:
  k8s.io/kubelet         config/v1beta1/types.go
  k8s.io/kube-proxy      config/v1alpha1/types.go
  k8s.io/component-base  logs/api/v1, tracing/api/v1, config/v1alpha1 types.go (embedded shared types)
The few k8s.io/api and apimachinery types they use (metav1.Duration/Time/TypeMeta, core/v1 Taint,
NodeConfigSource, ResourceList, resource.Quantity) are mapped by hand below, by their JSON form.
No Kubernetes source text is written out.

Usage: python3 test/sim/gen_component_tables.py KUBELET_GIT KUBE_PROXY_GIT COMPONENT_BASE_GIT
(each a git directory, e.g. a bare mirror of github.com/kubernetes/kubelet).
"""
import json
import os
import re
import subprocess
import sys

# simulated minor -> staging tag read (v0.X.Y mirrors Kubernetes vX.Y... ; 1.37.1 was not tagged in
# the mirror, so 1.37 uses the newest 1.37 tag there)
TAGS = {30: "v0.30.14", 31: "v0.31.13", 34: "v0.34.6", 35: "v0.35.4", 36: "v0.36.2", 37: "v0.37.0-beta.0"}

# JSON forms of the types from k8s.io/api and k8s.io/apimachinery
TAINT = {"$": "Taint", "key": "string", "value": "string", "effect": "string", "timeAdded": "time"}
CONFIG_MAP_SOURCE = {"$": "ConfigMapNodeConfigSource", "namespace": "string", "name": "string",
                     "uid": "string", "resourceVersion": "string", "kubeletConfigKey": "string"}
EXTERNAL = {
    "metav1.Duration": "duration",
    "metav1.Time": "time",
    "v1.Taint": TAINT,
    "v1.NodeConfigSource": {"$": "NodeConfigSource", "configMap": CONFIG_MAP_SOURCE},
    "v1.ResourceList": ["map", "quantity"],
    "resource.Quantity": "quantity",
    "resource.QuantityValue": "quantity",
    # logsapi.TimeOrMetaDuration has its own UnmarshalJSON: a duration string or integer nanoseconds
    "logsapi.TimeOrMetaDuration": "duration_or_int",
}
BASIC = {"string": "string", "bool": "bool", "int": "int", "int8": "int8", "int16": "int16", "int32": "int32",
         "int64": "int64", "uint": "uint", "uint8": "uint8", "uint16": "uint16", "uint32": "uint32",
         "uint64": "uint64", "float32": "float", "float64": "float"}

FIELD = re.compile(r"^([A-Z]\w*)\s+([^\s`]+)\s*(`[^`]*`)?")
EMBED = re.compile(r"^(\*?[\w.]+)\s*(`[^`]*`)?\s*$")


def git_show(gitdir, tag, path):
    return subprocess.run(["git", "--git-dir", gitdir, "show", "%s:%s" % (tag, path)], check=True,
                          capture_output=True, text=True).stdout


def parse_go(src):
    """-> (structs: {name: [(goName, goType, tag, embedded)]}, named: {name: underlying type})"""
    structs, named = {}, {}
    lines = src.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i].strip()
        m = re.match(r"^type (\w+) struct \{$", line)
        if m:
            fields = []
            i += 1
            while not lines[i].startswith("}"):
                f = lines[i].split("//")[0].strip() if not lines[i].strip().startswith("//") else ""
                if f:
                    fm = FIELD.match(f)
                    em = EMBED.match(f)
                    if fm:
                        fields.append((fm.group(1), fm.group(2), fm.group(3) or "", False))
                    elif em:
                        fields.append((em.group(1).split(".")[-1].lstrip("*"), em.group(1), em.group(2) or "", True))
                i += 1
            structs[m.group(1)] = fields
        else:
            m = re.match(r"^type (\w+) (\S+)$", line)
            if m and m.group(2) not in ("struct", "interface"):
                named[m.group(1)] = m.group(2)
        i += 1
    return structs, named


def json_name(go_name, tag):
    m = re.search(r'json:"([^"]*)"', tag)
    if not m:
        return go_name, False
    name = m.group(1).split(",")[0]
    return (name or None), ",inline" in m.group(1)


class Resolver:
    def __init__(self, packages, unknown):
        self.packages = packages  # {pkg alias or "": (structs, named)}
        self.unknown = unknown

    def resolve(self, typ, pkg):
        typ = typ.lstrip("*")
        if typ.startswith("[]"):
            return ["list", self.resolve(typ[2:], pkg)]
        if typ.startswith("map[string]"):
            return ["map", self.resolve(typ[len("map[string]"):], pkg)]
        if typ in BASIC:
            return BASIC[typ]
        if typ in EXTERNAL:
            return EXTERNAL[typ]
        if "." in typ:
            alias, name = typ.split(".", 1)
            if alias + "." + name in EXTERNAL:
                return EXTERNAL[alias + "." + name]
            if alias not in self.packages:
                self.unknown.add(typ)
                return "any"
            return self.resolve(name, alias)
        if pkg == "logsapi" and "logsapi." + typ in EXTERNAL:
            return EXTERNAL["logsapi." + typ]
        structs, named = self.packages[pkg]
        if typ in structs:
            return self.struct(typ, pkg)
        if typ in named:
            return self.resolve(named[typ], pkg)
        self.unknown.add((pkg or "local") + "." + typ)
        return "any"

    def struct(self, name, pkg):
        structs, _ = self.packages[pkg]
        out = {"$": name}
        for go_name, go_type, tag, embedded in structs[name]:
            jname, inline = json_name(go_name, tag)
            if jname is None and not embedded:
                continue  # json:"-"
            if go_type == "metav1.TypeMeta":
                out.update(apiVersion="string", kind="string")
                continue
            if embedded and (inline or jname is None or jname == go_name):
                sub = self.resolve(go_type, pkg)
                if isinstance(sub, dict):
                    out.update({k: v for k, v in sub.items() if k != "$"})
                    continue
            if jname == "-":
                continue
            out[jname] = self.resolve(go_type, pkg)
        return out


def build(kubelet_git, proxy_git, base_git, tag):
    base = {
        "logsapi": parse_go(git_show(base_git, tag, "logs/api/v1/types.go")),
        "tracingapi": parse_go(git_show(base_git, tag, "tracing/api/v1/types.go")),
        "componentbaseconfigv1alpha1": parse_go(git_show(base_git, tag, "config/v1alpha1/types.go")),
    }
    unknown = set()
    kubelet = Resolver(dict(base, **{"": parse_go(git_show(kubelet_git, tag, "config/v1beta1/types.go"))}), unknown)
    proxy = Resolver(dict(base, **{"": parse_go(git_show(proxy_git, tag, "config/v1alpha1/types.go"))}), unknown)
    tables = {
        "kubelet.config.k8s.io/v1beta1/KubeletConfiguration": kubelet.struct("KubeletConfiguration", ""),
        "kubeproxy.config.k8s.io/v1alpha1/KubeProxyConfiguration": proxy.struct("KubeProxyConfiguration", ""),
    }
    return tables, unknown


def rev(gitdir, tag):
    return subprocess.run(["git", "--git-dir", gitdir, "rev-parse", tag + "^{commit}"], check=True,
                          capture_output=True, text=True).stdout.strip()


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    kubelet_git, proxy_git, base_git = sys.argv[1:]
    minors, sources, all_unknown = {}, {}, set()
    for minor, tag in sorted(TAGS.items()):
        tables, unknown = build(kubelet_git, proxy_git, base_git, tag)
        all_unknown |= unknown
        minors[minor] = tables
        sources[minor] = "%s (kubelet %s, kube-proxy %s, component-base %s)" % (
            tag, rev(kubelet_git, tag)[:12], rev(proxy_git, tag)[:12], rev(base_git, tag)[:12])
    if all_unknown:
        sys.exit("unmapped Go types: %s" % ", ".join(sorted(map(str, all_unknown))))
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "py", "36_component_tables.py")
    body = json.dumps(minors, sort_keys=True, separators=(",", ":"))
    lines = ["# --- generated by test/sim/gen_component_tables.py: do not edit ------------------------------",
             "# Field tables (JSON names and types) of KubeletConfiguration and KubeProxyConfiguration per",
             "# simulated minor, derived from the Go types at these staging tags:"]
    lines += ["#   1.%d: %s" % (m, s) for m, s in sorted(sources.items())]
    lines += ["# A struct is {\"$\": GoName, field: type}; [\"list\", t] and [\"map\", t] are slices and maps.",
              "COMPONENT_TABLES = json.loads(r'''%s''')" % body, ""]
    tmp = out + ".tmp"
    with open(tmp, "w") as f:
        f.write("\n".join(lines))
    os.replace(tmp, out)
    print("wrote %s (%d bytes)" % (out, os.path.getsize(out)))


if __name__ == "__main__":
    main()
