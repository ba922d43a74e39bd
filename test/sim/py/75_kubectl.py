# --- kubectl: version, get (nodes, configmaps, --raw), cordon/uncordon/drain, delete node, wait --
KUSTOMIZE = "v5.0.4-0.20230601165947-6ce0bf390ce3"
KUBECTL_FLAGS = {"output": "str", "namespace": "str", "raw": "str", "client": "bool", "all": "bool",
                 "for": "str", "timeout": "str", "ignore-daemonsets": "bool", "delete-emptydir-data": "bool",
                 "force": "bool", "grace-period": "str", "filename": "list", "selector": "str",
                 "request-timeout": "str", "server-side": "bool", "all-namespaces": "bool", "show-labels": "bool",
                 "no-headers": "bool", "context": "str", "dry-run": "str", "wait": "bool", "ignore-not-found": "bool",
                 "validate": "str", "field-selector": "str", "disable-eviction": "bool", "pod-selector": "str",
                 "skip-wait-for-delete-timeout": "str"}
KUBECTL_ALIASES = {"-o": "output", "-n": "namespace", "-f": "filename", "-l": "selector", "-A": "all-namespaces"}


def _age(ts):
    secs = max(0, int(time.time() - datetime.datetime.fromisoformat(ts.replace("Z", "+00:00")).timestamp()))
    for unit, n in (("d", 86400), ("h", 3600), ("m", 60)):
        if secs >= n:
            return "%d%s" % (secs // n, unit)
    return "%ds" % secs


def _jsonpath(obj, expr):
    expr = expr.strip()
    if expr.startswith("{") and expr.endswith("}"):
        expr = expr[1:-1]
    vals = [obj]
    for part in re.findall(r"\.([^.\[]+)|\[(\*|\d+)\]", expr.lstrip("$")):
        key, idx = part
        nxt = []
        for v in vals:
            if key:
                if isinstance(v, dict) and key in v:
                    nxt.append(v[key])
            elif idx == "*":
                nxt.extend(v if isinstance(v, list) else list(v.values()) if isinstance(v, dict) else [])
            elif isinstance(v, list) and int(idx) < len(v):
                nxt.append(v[int(idx)])
        vals = nxt
    return " ".join(v if isinstance(v, str) else json.dumps(v) for v in vals)


def _print_obj(obj, fmt, table):
    if fmt == "json":
        out(json.dumps(obj, indent=4))
    elif fmt == "yaml":
        sys.stdout.write(yaml_dump(obj))
    elif fmt and fmt.startswith("jsonpath="):
        sys.stdout.write(_jsonpath(obj, fmt[len("jsonpath="):]))
        sys.stdout.flush()
    elif fmt == "name":
        items = obj.get("items", [obj])
        for it in items:
            out("%s/%s" % (it["kind"].lower(), it["metadata"]["name"]))
    elif fmt in (None, "", "wide"):
        table(obj, fmt == "wide")
    else:
        raise SimError("error: unable to match a printer suitable for the output format \"%s\"" % fmt)


def _node_table(obj, wide):
    items = obj.get("items", [obj])
    if not items:
        warn("No resources found")
        return
    cols = ["NAME", "STATUS", "ROLES", "AGE", "VERSION"]
    if wide:
        cols += ["INTERNAL-IP", "EXTERNAL-IP", "OS-IMAGE", "KERNEL-VERSION", "CONTAINER-RUNTIME"]
    rows = []
    for n in items:
        roles = ",".join(k.split("/", 1)[1] for k in n["metadata"].get("labels") or {}
                         if k.startswith("node-role.kubernetes.io/"))
        status = ("Ready" if node_ready(n) else "NotReady") + \
            (",SchedulingDisabled" if (n.get("spec") or {}).get("unschedulable") else "")
        row = [n["metadata"]["name"], status, roles or "<none>", _age(n["metadata"]["creationTimestamp"]),
               n["status"]["nodeInfo"]["kubeletVersion"]]
        if wide:
            ip = next((a["address"] for a in n["status"]["addresses"] if a["type"] == "InternalIP"), "<none>")
            row += [ip, "<none>", n["status"]["nodeInfo"]["osImage"], os.uname().release,
                    n["status"]["nodeInfo"]["containerRuntimeVersion"]]
        rows.append(row)
    widths = [max(len(str(r[i])) for r in rows + [cols]) for i in range(len(cols))]
    for r in [cols] + rows:
        out("   ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip())


def _cm_table(obj, wide):
    out("NAME%s   DATA   AGE" % (" " * max(0, len(obj["metadata"]["name"]) - 4)))
    out("%s   %-4d   <unknown>" % (obj["metadata"]["name"], len(obj.get("data", {}))))


def _kubectl_api(a):
    path = a.get("kubeconfig") or (os.environ.get("KUBECONFIG") or "").split(":")[0] or \
        os.path.expanduser("~/.kube/config")
    if not os.path.exists(path) and os.path.exists(rp(path)):
        path = rp(path)
    if not os.path.exists(path):
        if a.get("kubeconfig"):
            raise SimError('error: stat %s: no such file or directory' % path)
        raise SimError("The connection to the server localhost:8080 was refused - did you specify the right host "
                       "or port?")
    return Api.from_kubeconfig(path)


def _call(api, method, path, body=None):
    try:
        return api.call(method, path, body)
    except ApiError as e:
        raise SimError("Error from server (%s): %s" % (e.reason or "InternalError", e.msg))
    except SimError as e:
        if "connection refused" in e.msg:
            raise SimError("The connection to the server %s:%d was refused - did you specify the right host or "
                           "port?" % (api.host, api.port))
        raise SimError("Unable to connect to the server: %s" % e.msg)


NODE_WORDS = ("node", "nodes", "no")
CM_WORDS = ("cm", "configmap", "configmaps")


def _version(a, api_fn):
    info = version_info(SIM_VERSION)
    data = {"clientVersion": info, "kustomizeVersion": KUSTOMIZE}
    server = None
    if not a.get("client"):
        api = api_fn()
        try:
            server = api.get("/version")
        except SimError as e:
            server = e
    fmt = a.get("output")
    if fmt in ("json", "yaml"):
        if isinstance(server, dict):
            data["serverVersion"] = server
        if fmt == "json":
            out(json.dumps(data, indent=2))
        else:
            sys.stdout.write(yaml_dump(data))
    else:
        out("Client Version: " + SIM_VERSION, "Kustomize Version: " + KUSTOMIZE)
        if isinstance(server, dict):
            out("Server Version: " + server["gitVersion"])
    if isinstance(server, SimError):
        raise SimError(server.msg)
    return 0


def kubectl_main(argv):
    a = Args(argv, KUBECTL_FLAGS, KUBECTL_ALIASES, "kubectl")
    pos = a.positional
    if not pos:
        out("kubectl (simulated by kbs for tests) controls the Kubernetes cluster manager.")
        return 0
    verb, rest = pos[0], pos[1:]
    if verb == "version":
        return _version(a, lambda: _kubectl_api(a))
    api = _kubectl_api(a)
    if verb == "get":
        if a.get("raw"):
            status, payload = api.raw("GET", a.get("raw"))
            if status >= 400:
                raise SimError("Error from server: %s" % payload.decode(errors="replace").strip())
            sys.stdout.write(payload.decode())
            return 0
        if not rest:
            raise SimError("error: Required resource not specified.")
        kind, _, name = rest[0].partition("/")
        name = name or (rest[1] if len(rest) > 1 else "")
        if "," in kind:
            return _get_kinds(api, a, kind.split(","), name)
        if kind in NODE_WORDS:
            obj = _call(api, "GET", "/api/v1/nodes" + ("/" + name if name else ""))
            if not name:
                obj = {"apiVersion": "v1", "kind": "List", "items": obj["items"], "metadata": {"resourceVersion": ""}}
            _print_obj(obj, a.get("output"), _node_table)
            return 0
        if kind in ("po", "pod", "pods"):
            ns = None if a.get("all-namespaces") else a.get("namespace", "default")
            path = ("/api/v1/namespaces/%s/pods" % ns if ns else "/api/v1/pods") + (
                "?fieldSelector=" + a.get("field-selector").replace("=", "%3D") if a.get("field-selector") else "")
            obj = _call(api, "GET", path)
            if name:
                match = [p for p in obj["items"] if p["metadata"]["name"] == name]
                if not match:
                    raise SimError('Error from server (NotFound): pods "%s" not found' % name)
                obj = match[0]
            else:
                obj = {"apiVersion": "v1", "kind": "List", "items": obj["items"], "metadata": {"resourceVersion": ""}}
            _print_obj(obj, a.get("output"), _pod_table)
            return 0
        if kind in CM_WORDS and name:
            obj = _call(api, "GET", CM_PATH % (a.get("namespace", "default"), name))
            _print_obj(obj, a.get("output"), _cm_table)
            return 0
        raise SimError('error: the server doesn\'t have a resource type "%s" (simulator)' % kind)
    if verb in ("cordon", "uncordon"):
        if not rest:
            raise SimError("error: USAGE: %s NODE [flags]" % verb)
        name = rest[0].split("/")[-1]
        _call(api, "PATCH", "/api/v1/nodes/" + name, {"spec": {"unschedulable": True if verb == "cordon" else None}})
        out("node/%s %s" % (name, "cordoned" if verb == "cordon" else "uncordoned"))
        return 0
    if verb == "drain":
        return _drain(api, a, rest)
    if verb == "delete":
        kind, _, name = (rest[0] if rest else "").partition("/")
        names = [name] if name else rest[1:]
        if kind not in NODE_WORDS or not names:
            raise SimError("error: the simulator can only delete nodes")
        for n in names:
            try:
                api.call("DELETE", "/api/v1/nodes/" + n)
            except ApiError as e:
                if e.status == 404 and a.get("ignore-not-found"):
                    continue
                raise SimError("Error from server (%s): %s" % (e.reason, e.msg))
            out('node "%s" deleted' % n)
        return 0
    if verb == "wait":
        return _wait(api, a, rest)
    if verb == "apply":
        return _apply(api, a)
    if verb == "cluster-info":
        out("Kubernetes control plane is running at " + api.server)
        return 0
    raise SimError('error: unknown command "%s" for "kubectl" (simulator)' % verb)


def _list_kind(api, a, kind):
    """The items of one resource type (nodes, or the configmaps of the namespace), each with its kind."""
    if kind in NODE_WORDS:
        items, k = _call(api, "GET", "/api/v1/nodes")["items"], "Node"
    elif kind in CM_WORDS:
        items, k = _call(api, "GET", "/api/v1/namespaces/%s/configmaps" % a.get("namespace", "default"))["items"], "ConfigMap"
    else:
        raise SimError('error: the server doesn\'t have a resource type "%s" (simulator)' % kind)
    return [dict(i, apiVersion=i.get("apiVersion", "v1"), kind=i.get("kind", k)) for i in items]


def _get_kinds(api, a, kinds, name):
    """`kubectl get nodes,configmaps`: every item of each type, in the order given, as one List."""
    if name:
        raise SimError("error: you must specify only one resource type when getting a resource by name (simulator)")
    items = []
    for kind in kinds:
        items.extend(_list_kind(api, a, kind))
    fmt = a.get("output")
    if fmt not in ("json", "yaml", "name"):
        raise SimError("error: the simulator prints several resource types only with -o json, yaml or name")
    _print_obj({"apiVersion": "v1", "kind": "List", "items": items, "metadata": {"resourceVersion": ""}}, fmt, None)
    return 0


def _wait(api, a, rest):
    """kubectl wait --for=condition=Ready node/NAME|nodes --all [--timeout=30s]: polls until every node has
    the condition or the timeout passes (default 30s, as kubectl)."""
    cond = (a.get("for") or "")
    m = re.fullmatch(r"condition=([A-Za-z]+)(?:=(\w+))?", cond)
    if not m:
        raise SimError("error: unrecognized condition: %r" % cond)
    ctype, want = m.group(1).lower(), (m.group(2) or "true").lower()
    timeout = parse_duration(a.get("timeout") or "30s")
    all_nodes = a.get("all") or rest[:1] in (["nodes"], ["node"], ["no"])
    names = [] if all_nodes else [r.split("/", 1)[1] for r in rest if "/" in r]
    if not all_nodes and not names:
        raise SimError("error: resource(s) were provided, but no name was specified")
    end = time.time() + timeout
    done = set()
    while True:
        nodes = {n["metadata"]["name"]: n for n in _call(api, "GET", "/api/v1/nodes")["items"]}
        targets = sorted(nodes) if all_nodes else names
        for t in targets:
            if t not in nodes:
                raise SimError('Error from server (NotFound): nodes "%s" not found' % t)
            if t in done:
                continue
            conds = {c.get("type", "").lower(): str(c.get("status", "")).lower()
                     for c in (nodes[t].get("status") or {}).get("conditions", [])}
            if conds.get(ctype) == want:
                out("node/%s condition met" % t)
                done.add(t)
        if all(t in done for t in targets):
            return 0
        if time.time() >= end:
            left = [t for t in targets if t not in done]
            raise SimError("error: timed out waiting for the condition on nodes/%s" % left[0])
        time.sleep(0.5)


PLURALS = {"Namespace": "namespaces", "ConfigMap": "configmaps", "Secret": "secrets", "Service": "services",
           "ServiceAccount": "serviceaccounts", "Pod": "pods", "DaemonSet": "daemonsets", "Deployment": "deployments",
           "ClusterRole": "clusterroles", "ClusterRoleBinding": "clusterrolebindings", "Role": "roles",
           "RoleBinding": "rolebindings", "CustomResourceDefinition": "customresourcedefinitions"}
CLUSTER_SCOPED = {"Namespace", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition", "Node",
                  "PriorityClass", "StorageClass"}
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"


def _object_path(obj, default_ns):
    api_version, kind = obj.get("apiVersion", ""), obj.get("kind", "")
    plural = PLURALS.get(kind) or kind.lower() + ("es" if kind.endswith("s") else "s")
    base = "/api/v1" if api_version == "v1" else "/apis/" + api_version
    ns = "" if kind in CLUSTER_SCOPED else "/namespaces/" + ((obj.get("metadata") or {}).get("namespace") or default_ns)
    return "%s%s/%s" % (base, ns, plural)


def _apply(api, a):
    """kubectl apply -f (client-side): creates an object with the last-applied annotation, patches it when
    the configuration changed ("configured") and leaves it alone when it did not ("unchanged")."""
    files = a.get("filename", [])
    if not files:
        raise SimError("error: must specify one of -f and -k")
    for f in files:
        try:
            text = sys.stdin.read() if f == "-" else read_text(f)
        except OSError:
            raise SimError('error: the path "%s" does not exist' % f)
        for d in yaml_load_all(text):
            if not d:
                continue
            for item in d.get("items", [d]) if d.get("kind") == "List" else [d]:
                name = (item.get("metadata") or {}).get("name", "")
                label = "%s/%s" % (item.get("kind", "").lower() + ("." + item["apiVersion"].split("/")[0]
                                                                    if "/" in item.get("apiVersion", "") else ""), name)
                coll = _object_path(item, a.get("namespace") or "default")
                applied = json.dumps(item, sort_keys=True, separators=(",", ":"))
                try:
                    cur = api.get(coll + "/" + name)
                except ApiError as e:
                    if e.status != 404:
                        raise SimError("Error from server (%s): %s" % (e.reason, e.msg))
                    cur = None
                body = json.loads(applied)
                body.setdefault("metadata", {}).setdefault("annotations", {})[LAST_APPLIED] = applied + "\n"
                if cur is None:
                    _call(api, "POST", coll, body)
                    out("%s created" % label)
                elif ((cur.get("metadata") or {}).get("annotations") or {}).get(LAST_APPLIED, "").strip() == applied:
                    out("%s unchanged" % label)
                else:
                    _call(api, "PUT", coll + "/" + name, body)
                    out("%s configured" % label)
    return 0


def _pod_table(obj, wide):
    items = obj.get("items", [obj])
    if not items:
        warn("No resources found")
        return
    cols = ["NAMESPACE", "NAME", "READY", "STATUS", "RESTARTS", "AGE"] + (["IP", "NODE"] if wide else [])
    rows = []
    for p in items:
        phase = (p.get("status") or {}).get("phase", "Pending")
        row = [p["metadata"].get("namespace", ""), p["metadata"]["name"], "1/1" if phase == "Running" else "0/1",
               phase, "0", _age(p["metadata"].get("creationTimestamp") or rfc3339(time.time()))]
        if wide:
            row += ["<none>", p["spec"].get("nodeName") or "<none>"]
        rows.append(row)
    widths = [max(len(str(r[i])) for r in rows + [cols]) for i in range(len(cols))]
    for r in [cols] + rows:
        out("   ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip())


def _drain(api, a, rest):
    """kubectl drain (k8s.io/kubectl/pkg/drain): cordon, then refuse DaemonSet-managed pods without
    --ignore-daemonsets, pods with emptyDir without --delete-emptydir-data and pods without a controller
    without --force; mirror pods are skipped; the others are evicted (a PodDisruptionBudget makes an
    eviction wait and retry every 5s) until --timeout (default: forever)."""
    if not rest:
        raise SimError("error: USAGE: drain NODE [flags]")
    name = rest[0].split("/")[-1]
    node = _call(api, "GET", "/api/v1/nodes/" + name)
    if (node.get("spec") or {}).get("unschedulable"):
        out("node/%s already cordoned" % name)
    else:
        _call(api, "PATCH", "/api/v1/nodes/" + name, {"spec": {"unschedulable": True}})
        out("node/%s cordoned" % name)
    pods = _call(api, "GET", "/api/v1/pods?fieldSelector=spec.nodeName%3D" + name)["items"]
    errors, ds_pods, evict = {}, [], []
    for p in pods:
        meta = p["metadata"]
        ref = "%s/%s" % (meta.get("namespace"), meta["name"])
        if "kubernetes.io/config.mirror" in (meta.get("annotations") or {}):
            continue
        owners = [r for r in meta.get("ownerReferences") or [] if r.get("controller")]
        if any(r.get("kind") == "DaemonSet" for r in owners):
            if a.get("ignore-daemonsets"):
                ds_pods.append(ref)
            else:
                errors.setdefault("cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore)", []).append(ref)
            continue
        if not owners and not a.get("force"):
            errors.setdefault("cannot delete Pods that declare no controller (use --force to override)",
                              []).append(ref)
            continue
        if any("emptyDir" in v for v in (p.get("spec") or {}).get("volumes") or []) and not a.get("delete-emptydir-data"):
            errors.setdefault("cannot delete Pods with local storage (use --delete-emptydir-data to override)",
                              []).append(ref)
            continue
        evict.append(p)
    if errors:
        msg = ", ".join("%s: %s" % (k, ", ".join(v)) for k, v in errors.items())
        sys.stdout.flush()
        warn("error: unable to drain node \"%s\" due to error: %s, continuing command..." % (name, msg))
        warn("There are pending nodes to be drained:\n %s" % name)
        raise SimError("\n".join("%s: %s" % (k, ", ".join(v)) for k, v in errors.items()))
    if ds_pods:
        warn("Warning: ignoring DaemonSet-managed Pods: %s" % ", ".join(ds_pods))
    timeout = parse_duration(a.get("timeout") or "0s")
    end = time.time() + timeout if timeout else None
    for p in evict:
        ns, pname = p["metadata"]["namespace"], p["metadata"]["name"]
        out("evicting pod %s/%s" % (ns, pname))
        while True:
            try:
                api.call("POST", "/api/v1/namespaces/%s/pods/%s/eviction" % (ns, pname),
                         {"apiVersion": "policy/v1", "kind": "Eviction", "metadata": {"name": pname, "namespace": ns}})
                out("pod/%s evicted" % pname)
                break
            except ApiError as e:
                if e.status == 404:
                    break
                if e.status != 429:
                    raise SimError("error: unable to drain node \"%s\" due to error: %s" % (name, e.msg))
                if end and time.time() >= end:
                    warn("There are pending pods in node \"%s\" when an error occurred: error when evicting pods/\"%s\" "
                         "-n \"%s\": global timeout reached: %s" % (name, pname, ns, fmt_duration(timeout)))
                    raise SimError("error: unable to drain node \"%s\" due to error: error when evicting pods/\"%s\" -n "
                                   "\"%s\": global timeout reached: %s, continuing command...\nThere are pending nodes to "
                                   "be drained:\n %s\nerror when evicting pods/\"%s\" -n \"%s\": global timeout reached: %s"
                                   % (name, pname, ns, fmt_duration(timeout), name, pname, ns, fmt_duration(timeout)))
                warn("error when evicting pods/\"%s\" -n \"%s\" (will retry after 5s): %s" % (pname, ns, e.msg))
                time.sleep(5 if not end else max(0.1, min(5, end - time.time())))
    out("node/%s drained" % name)
    return 0
