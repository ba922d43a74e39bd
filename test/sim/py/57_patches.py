# --- patches: kubeadm's --patches DIR / patches.directory (app/util/patches/patches.go) -----------
# File names `target[suffix][+patchtype].extension`; targets etcd, kube-apiserver, kube-controller-manager,
# kube-scheduler, kubeletconfiguration, corednsdeployment; types strategic (default), merge (RFC 7386 as
# evanphx/json-patch v4 MergePatch), json (RFC 6902 as evanphx/json-patch v4 Patch.Apply). Files are found
# by filepath.Walk (lexical order, sub-directories descended), each may hold several YAML/JSON documents.

PATCH_TARGETS = ["etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kubeletconfiguration",
                 "corednsdeployment"]
PATCH_JSON, PATCH_MERGE, PATCH_SMP = ("application/json-patch+json", "application/merge-patch+json",
                                      "application/strategic-merge-patch+json")
_PATCH_TYPES = {"json": PATCH_JSON, "merge": PATCH_MERGE, "strategic": PATCH_SMP, "": PATCH_SMP}
_PATCH_EXT = re.compile(r".+\.(json|yaml)\Z")
_PATCH_NAME = re.compile(r"^(%s)([^.+\n]*)?(\+)?(json|merge|strategic)?" % "|".join(map(re.escape, PATCH_TARGETS)))
_PATCH_MANAGERS = {}  # GetPatchManagerForPath's pathCache: one read of a directory per process


class PatchError(Exception):
    """An error of the patch libraries (its Go message)."""


def go_quote(s):
    """Go's %q for the strings kubeadm prints (file names, paths, targets)."""
    return json.dumps(s, ensure_ascii=False)


def go_json(obj):
    """encoding/json Marshal of a decoded document: sorted map keys, compact, HTML characters escaped."""
    text = json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def parse_patch_filename(name):
    """parseFilename -> (target, patch type, warning, error)."""
    if not _PATCH_EXT.match(name):
        return None, None, "the file extension must be one of [json yaml]", None
    m = _PATCH_NAME.match(name)
    if not m:
        return None, None, "unknown target, must be one of [%s]" % " ".join(PATCH_TARGETS), None
    if m.group(3) and not m.group(4):
        return None, None, None, "unknown or missing patch type after '+', must be one of [json merge strategic]"
    return m.group(1), _PATCH_TYPES[m.group(4) or ""], None, None


def split_patch_documents(data):
    """createPatchSet: apimachinery's YAMLReader splits at `---` lines (only spaces or a comment may follow)."""
    docs, cur = [], []
    for line in data.split("\n"):
        if line.startswith("---"):
            rest = line[3:].strip()
            if rest and not rest.startswith("#"):
                raise PatchError("could not split patches for data:\n%s\n: invalid Yaml document separator: %s"
                                 % (data, rest))
            docs.append("\n".join(cur))
            cur = []
        else:
            cur.append(line)
    docs.append("\n".join(cur))
    patches = []
    for d in docs:
        d = d.strip()
        if not d:
            continue
        try:
            patches.append(go_json(yaml_load(d)))
        except YamlError as e:
            raise PatchError("could not convert patch to JSON:\n%s\n: %s" % (d, e.msg))
    return patches


def _walk(path):
    """filepath.Walk below a directory: entries in lexical order, sub-directories descended in place."""
    for name in sorted(os.listdir(path)):
        full = os.path.join(path, name)
        if os.path.isdir(full) and not os.path.islink(full):
            yield from _walk(full)
        else:
            yield full, name


def patch_manager(directory, lines):
    """GetPatchManagerForPath -> [(target, type, [patch JSON])]; messages appended to `lines`."""
    if directory in _PATCH_MANAGERS:
        return _PATCH_MANAGERS[directory]
    lines.append("[patches] Reading patches from path %s" % go_quote(directory))
    host = rp(directory)

    def fail(msg):
        raise SimError("could not list patch files for path %s: %s" % (go_quote(directory), msg))
    if not os.path.lexists(host):
        fail("lstat %s: no such file or directory" % directory)
    if not os.path.isdir(host) or os.path.islink(host):
        fail("getPatchSetsFromPath %s: not a directory" % os.path.basename(directory.rstrip("/")))
    sets, found, ignored = [], [], []
    for full, name in _walk(host):
        target, ptype, warning, err = parse_patch_filename(name)
        if err:
            fail(err)
        if warning:
            lines.append("[patches] Ignoring file %s: %s" % (go_quote(name), warning))
            ignored.append(name)
            continue
        try:
            with open(full, encoding="utf-8", errors="replace") as f:
                data = f.read()
        except OSError as e:
            fail('could not read the file "%s": %s' % (full[len(root()):], (e.strerror or str(e)).lower()))
        if not data:
            lines.append("[patches] Ignoring empty file: %s" % go_quote(name))
            ignored.append(name)
            continue
        try:
            sets.append((target, ptype, split_patch_documents(data)))
        except PatchError as e:
            fail(str(e))
        found.append(name)
    if found:
        lines.append("[patches] Found the following patch files: [%s]" % " ".join(found))
    if ignored:
        lines.append("[patches] Ignored the following files: [%s]" % " ".join(ignored))
    _PATCH_MANAGERS[directory] = sets
    return sets


def apply_patches(directory, target, obj, schema, lines):
    """ApplyPatchesToTarget: every patch of `target`, in file order -> the patched object (a copy)."""
    data = json.loads(json.dumps(obj))
    for t, ptype, patches in patch_manager(directory, lines):
        if t != target:
            continue
        for p in patches:
            try:
                data = apply_one_patch(ptype, data, json.loads(p), schema)
            except PatchError as e:
                raise SimError("could not apply the following patch of type %s to target %s:\n%s\n: %s"
                               % (go_quote(ptype), go_quote(target), p, e))
            lines.append("[patches] Applied patch of type %s to target %s" % (go_quote(ptype), go_quote(target)))
    return data


def apply_one_patch(ptype, data, patch, schema):
    if ptype == PATCH_JSON:
        if not isinstance(patch, list):
            raise PatchError("json: cannot unmarshal %s into Go value of type jsonpatch.Patch" % _go_kind(patch))
        for op in patch:
            if not isinstance(op, dict):
                raise PatchError("json: cannot unmarshal %s into Go value of type jsonpatch.Operation"
                                 % _go_kind(op))
        return json_patch(data, patch)
    if ptype == PATCH_MERGE:
        return merge_patch_7386(data, patch)
    return strategic_merge(data, patch, schema)


def _go_kind(v):
    if isinstance(v, dict):
        return "object"
    if isinstance(v, list):
        return "array"
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, (int, float)):
        return "number"
    return "string" if isinstance(v, str) else "null"


# --- RFC 6902 as gopkg.in/evanphx/json-patch.v4 v4.12.0 patch.go applies it ----------------------------

_MISSING, _BAD_INDEX, _TEST_FAILED = "missing value", "invalid index referenced", "test failed"
_INT_RE = re.compile(r"[+-]?[0-9]+\Z")


def _atoi(key):
    if not _INT_RE.match(key):
        raise PatchError('strconv.Atoi: parsing %s: invalid syntax' % go_quote(key))
    return int(key)


def _index(lst, key, extra=0):
    idx = _atoi(key)
    if idx < 0:  # SupportNegativeIndices (default true)
        if idx < -(len(lst) + extra):
            raise PatchError("Unable to access invalid index: %d: %s" % (idx, _BAD_INDEX))
        idx += len(lst) + extra
    if idx >= len(lst) + extra:
        raise PatchError("Unable to access invalid index: %d: %s" % (idx, _BAD_INDEX))
    return idx


def _unescape(k):
    return k.replace("~1", "/").replace("~0", "~")


def _find(doc, path):
    """findObject -> (container, key) or (None, None)."""
    split = path.split("/")
    if len(split) < 2:
        return None, None
    cur = doc
    for part in split[1:-1]:
        part = _unescape(part)
        if isinstance(cur, dict):
            nxt = cur.get(part)
        else:
            try:
                nxt = cur[_index(cur, part)]
            except PatchError:
                return None, None
        if not isinstance(nxt, (dict, list)):
            return None, None
        cur = nxt
    return cur, _unescape(split[-1])


def _get(con, key):
    if isinstance(con, dict):
        return con.get(key)
    return con[_index(con, key)]


def _add(con, key, val):
    if isinstance(con, dict):
        con[key] = val
    elif key == "-":
        con.append(val)
    else:
        try:
            idx = _index(con, key, extra=1)
        except PatchError as e:
            if not _INT_RE.match(key):
                raise PatchError("value was not a proper array index: '%s': %s" % (key, e))
            raise
        con.insert(idx, val)


def _remove(con, key):
    if isinstance(con, dict):
        if key not in con:
            raise PatchError("Unable to remove nonexistent key: %s: %s" % (key, _MISSING))
        del con[key]
    else:
        del con[_index(con, key)]


def _same(a, b):
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, (dict, list)) or isinstance(b, (dict, list)):
        return False
    return a == b


def json_patch(doc, ops):
    box = [doc]
    for op in ops:
        kind = op.get("op") if isinstance(op.get("op"), str) else "unknown"
        path = op.get("path")
        if kind in ("add", "remove", "replace", "move", "test", "copy") and not isinstance(path, str):
            raise PatchError("%s operation failed to decode path: %s" % (kind, _MISSING))
        value = json.loads(json.dumps(op.get("value")))
        if kind == "add":
            con, key = _find(box[0], path)
            if con is None:
                raise PatchError('add operation does not apply: doc is missing path: "%s": %s' % (path, _MISSING))
            try:
                _add(con, key, value)
            except PatchError as e:
                raise PatchError("error in add for path: '%s': %s" % (path, e))
        elif kind == "remove":
            con, key = _find(box[0], path)
            if con is None:
                raise PatchError('remove operation does not apply: doc is missing path: "%s": %s' % (path, _MISSING))
            try:
                _remove(con, key)
            except PatchError as e:
                raise PatchError("error in remove for path: '%s': %s" % (path, e))
        elif kind == "replace":
            if path == "":
                if not isinstance(value, (dict, list)):
                    raise PatchError("replace operation value must be object or array")
                box[0] = value
                continue
            con, key = _find(box[0], path)
            if con is None:
                raise PatchError("replace operation does not apply: doc is missing path: %s: %s" % (path, _MISSING))
            if isinstance(con, list):
                try:
                    idx = _index(con, key)
                except PatchError:
                    raise PatchError("replace operation does not apply: doc is missing key: %s: %s" % (path, _MISSING))
                con[idx] = value
            else:
                con[key] = value  # v4: a missing object key is not an error for replace
        elif kind in ("move", "copy"):
            frm = op.get("from")
            if not isinstance(frm, str):
                raise PatchError("%s operation failed to decode from: operation, missing from field: %s"
                                 % (kind, _MISSING))
            con, key = _find(box[0], frm)
            if con is None:
                raise PatchError("%s operation does not apply: doc is missing from path: %s: %s" % (kind, frm, _MISSING))
            try:
                val = _get(con, key)
                if kind == "move":
                    _remove(con, key)
            except PatchError as e:
                raise PatchError(("error in move for path: '%s': %s" % (key, e)) if kind == "move"
                                 else ("error in copy for from: '%s': %s" % (frm, e)))
            dcon, dkey = _find(box[0], path)
            if dcon is None:
                raise PatchError("%s operation does not apply: doc is missing destination path: %s: %s"
                                 % (kind, path, _MISSING))
            try:
                _add(dcon, dkey, json.loads(json.dumps(val)))
            except PatchError as e:
                raise PatchError(("error in move for path: '%s': %s" % (path, e)) if kind == "move"
                                 else ("error while adding value during copy: %s" % e))
        elif kind == "test":
            if path == "":
                if not _same(box[0], value):
                    raise PatchError("testing value %s failed: %s" % (path, _TEST_FAILED))
                continue
            con, key = _find(box[0], path)
            if con is None:
                raise PatchError("test operation does not apply: is missing path: %s: %s" % (path, _MISSING))
            try:
                val = _get(con, key)
            except PatchError as e:
                raise PatchError("error in test for path: '%s': %s" % (path, e))
            if val is None and value is None:
                continue
            if val is None or not _same(val, value):
                raise PatchError("testing value %s failed: %s" % (path, _TEST_FAILED))
        else:
            raise PatchError("Unexpected kind: %s" % kind)
    return box[0]


# --- RFC 7386 as evanphx/json-patch v4 MergePatch does it -------------------------------------------


def _prune_nulls(v):
    if isinstance(v, dict):
        return {k: _prune_nulls(x) for k, x in v.items() if x is not None}
    if isinstance(v, list):
        return [_prune_nulls(x) for x in v]
    return v


def merge_patch_7386(doc, patch):
    if isinstance(patch, list):
        return _prune_nulls(patch)  # not a document: the result is the patch
    if not isinstance(patch, dict):
        raise PatchError("Invalid JSON Patch")
    if not isinstance(doc, dict):
        return _prune_nulls(patch)

    def merge_docs(d, p):
        for k, v in p.items():
            if v is None:
                d.pop(k, None)
            elif d.get(k) is None:
                d[k] = _prune_nulls(v)
            elif isinstance(d[k], dict) and isinstance(v, dict):
                merge_docs(d[k], v)
            else:
                d[k] = _prune_nulls(v) if not isinstance(d[k], dict) else v
        return d
    return merge_docs(doc, patch)


# --- strategic merge (apimachinery strategicpatch), the subset kubeadm's targets need ---------------
# A schema node is {field: (strategy, mergeKey, sub-schema)}: the patchStrategy/patchMergeKey tags of
# k8s.io/api core/v1 (Pod) and apps/v1 (Deployment). KubeletConfiguration has no such tags: maps merge,
# lists are replaced.

_CONTAINER_SCHEMA = {"env": ("merge", "name", {}), "volumeMounts": ("merge", "mountPath", {}),
                     "ports": ("merge", "containerPort", {}), "volumeDevices": ("merge", "devicePath", {})}
_POD_SPEC_SCHEMA = {"containers": ("merge", "name", _CONTAINER_SCHEMA),
                    "initContainers": ("merge", "name", _CONTAINER_SCHEMA),
                    "ephemeralContainers": ("merge", "name", _CONTAINER_SCHEMA),
                    "volumes": ("merge", "name", {}), "imagePullSecrets": ("merge", "name", {}),
                    "hostAliases": ("merge", "ip", {})}
_META_SCHEMA = {"ownerReferences": ("merge", "uid", {}), "finalizers": ("merge", "", {})}
POD_SCHEMA = {"metadata": (None, None, _META_SCHEMA), "spec": (None, None, _POD_SPEC_SCHEMA)}
DEPLOYMENT_SCHEMA = {"metadata": (None, None, _META_SCHEMA),
                     "spec": (None, None, {"template": (None, None, POD_SCHEMA)})}
KUBELET_SCHEMA = {}


def _go_map(v):
    if isinstance(v, dict):
        return "map[%s]" % " ".join("%s:%s" % (k, _go_map(v[k])) for k in sorted(v))
    if isinstance(v, list):
        return "[%s]" % " ".join(_go_map(x) for x in v)
    if v is None:
        return "<nil>"
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def strategic_merge(original, patch, schema):
    if patch is None:
        return original
    if not isinstance(patch, dict) or not isinstance(original, dict):
        raise PatchError("invalid JSON document")
    return _smp_map(original, patch, schema)


def _discard_nulls(v):
    if isinstance(v, dict):
        return {k: _discard_nulls(x) for k, x in v.items() if x is not None}
    return v


def _smp_map(original, patch, schema):
    if "$patch" in patch:
        d = patch["$patch"]
        if d == "replace":
            return {k: v for k, v in patch.items() if k != "$patch"}
        if d == "delete":
            return {}
        raise PatchError("unknown patch type: %s in map: %s" % (d, _go_map(patch)))
    original = original if isinstance(original, dict) else {}
    for k, pv in patch.items():
        if k.startswith("$setElementOrder/") or k == "$retainKeys":
            continue
        if k.startswith("$deleteFromPrimitiveList/"):
            field = k.split("/", 1)[1]
            if isinstance(original.get(field), list) and isinstance(pv, list):
                original[field] = [x for x in original[field] if not any(_same(x, y) for y in pv)]
            continue
        if pv is None:
            original.pop(k, None)
            continue
        if k not in original:
            original[k] = _discard_nulls(pv)
            continue
        ov = original[k]
        strategy, merge_key, sub = schema.get(k, (None, None, {}))
        if isinstance(ov, dict) and isinstance(pv, dict):
            original[k] = pv if strategy == "replace" else _smp_map(ov, pv, sub)
        elif isinstance(ov, list) and isinstance(pv, list) and strategy == "merge":
            original[k] = _smp_list(ov, pv, merge_key, sub)
        else:
            original[k] = pv
    return original


def _smp_list(original, patch, merge_key, sub):
    if not merge_key:  # a merged list of scalars: a union
        out_ = list(original)
        for x in patch:
            if not any(_same(x, y) for y in out_):
                out_.append(x)
        return out_
    items = []
    for el in patch:
        if isinstance(el, dict) and el.get("$patch") == "replace":
            return [x for x in patch if not (isinstance(x, dict) and "$patch" in x)]
    result = list(original)
    for el in patch:
        if not isinstance(el, dict):
            raise PatchError("invalid JSON document")
        if merge_key not in el:
            raise PatchError("map: %s does not contain declared merge key: %s" % (_go_map(el), merge_key))
        if el.get("$patch") == "delete":
            result = [x for x in result if not (isinstance(x, dict) and _same(x.get(merge_key), el[merge_key]))]
            continue
        items.append(el)
    for el in items:
        for i, x in enumerate(result):
            if isinstance(x, dict) and _same(x.get(merge_key), el[merge_key]):
                result[i] = _smp_map(x, el, sub)
                break
        else:
            result.append(_discard_nulls(el))
    return result


# --- kubeadm's callers ---------------------------------------------------------------------------


def node_local_cri_socket(cluster):
    """The kubeadm feature gate NodeLocalCRISocket: alpha in 1.32 (off), beta in 1.34 (on), GA in 1.36."""
    minor = own_version()[1]
    gates = (cluster or {}).get("featureGates") or {}
    if minor < 32:
        return False
    if minor >= 36:
        return True
    return bool(gates.get("NodeLocalCRISocket", minor >= 34))


def patch_static_pod(directory, name, pod):
    """staticpod.PatchStaticPod, as CreateStaticPodFiles / CreateLocalEtcdStaticPodManifestFile call it."""
    lines = []
    try:
        return apply_patches(directory, name, pod, POD_SCHEMA, lines)
    except SimError as e:
        raise SimError('failed to patch static Pod manifest file for "%s": %s' % (name, e.msg))
    finally:
        out(*lines)


def patch_kubelet_config(cfg, directory, instance_file=None):
    """phases/kubelet WriteConfigToDisk: the patches of `kubeletconfiguration`, then (NodeLocalCRISocket)
    /var/lib/kubelet/instance-config.yaml as one more strategic merge patch."""
    lines = []
    try:
        if directory:
            try:
                cfg = apply_patches(directory, "kubeletconfiguration", cfg, KUBELET_SCHEMA, lines)
            except SimError as e:
                raise SimError("could not apply patches to the KubeletConfiguration: " + e.msg)
        if instance_file:
            host = rp(instance_file)
            try:
                data = read_text(host)
            except OSError as e:
                raise SimError('could not apply kubelet instance configuration as a patch from "%s": could not '
                               'read patch file "%s": open %s: %s' % (instance_file, instance_file, instance_file,
                                                                    (e.strerror or str(e)).lower()))
            for p in split_patch_documents(data):
                cfg = strategic_merge(cfg, json.loads(p), KUBELET_SCHEMA)
                lines.append('[patches] Applied patch of type "%s" to target "kubeletconfiguration"' % PATCH_SMP)
        return cfg
    finally:
        out(*lines)
