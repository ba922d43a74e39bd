# --- apiserver: the cluster state and a small HTTPS API with Kubernetes' own paths and shapes ------
# The first control plane (kubeadm init) keeps the cluster state in /var/lib/kbs-sim/cluster.json
# (mode 0600, never served) and serves it. Every served object has the shape and path a real
# cluster gives it: Nodes, ConfigMaps, bootstrap-token Secrets, the kubeadm-certs Secret, CSRs, the
# kube-apiserver mirror Pods. The one thing no real cluster has — the kubeadm version of the last
# init/upgrade apply, for the simulator's strict join rule — stays in that root-only file and only
# shows as the refusal of a join by another kubeadm version (the client's User-Agent tells it).
# Apiservers on joined control planes proxy every request except /healthz,/livez,/readyz,/version to
# the first one, presenting the front-proxy client certificate with X-Remote-User/X-Remote-Group (as
# Kubernetes' front-proxy does). Secrets (token secrets, certificate keys) are never logged.

TOKEN_RE = re.compile(r"^([a-z0-9]{6})\.([a-z0-9]{16})$")
CERTS_TTL = 2 * 3600
ADMIN_GROUPS = ("system:masters", "kubeadm:cluster-admins")
NODE_GROUP = "system:bootstrappers:kubeadm:default-node-token"
NOT_READY_MSG = ("container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady "
                 "message:Network plugin returns error: cni plugin not initialized")


def cluster_file():
    return os.path.join(sim_state_dir(), "cluster.json")


def apiserver_file():
    return os.path.join(sim_state_dir(), "apiserver.json")


def load_json(path, default=None):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return default


def save_json(path, obj, mode=0o600):
    atomic_write(path, json.dumps(obj, indent=1, sort_keys=True) + "\n", mode)


def parse_rfc3339(s):
    return datetime.datetime.fromisoformat(str(s).replace("Z", "+00:00")).timestamp()


# bootstrap tokens as Secrets (k8s.io/cluster-bootstrap) ----------------------------------------

def token_secret(tid, secret, ttl, at, usages=("signing", "authentication"), groups=(NODE_GROUP,),
                 description=""):
    data = {"token-id": tid, "token-secret": secret}
    if ttl:
        data["expiration"] = rfc3339(at + ttl)
    for u in usages or ():
        data["usage-bootstrap-" + u] = "true"
    if groups:
        data["auth-extra-groups"] = ",".join(groups)
    if description:
        data["description"] = description
    return {"apiVersion": "v1", "kind": "Secret", "type": "bootstrap.kubernetes.io/token",
            "metadata": {"name": "bootstrap-token-" + tid, "namespace": "kube-system",
                         "creationTimestamp": rfc3339(at), "uid": secrets.token_hex(16)},
            "data": {k: b64(v) for k, v in data.items()}}


def token_fields(sec):
    """Secret -> dict of its decoded data."""
    return {k: unb64(v).decode() for k, v in (sec.get("data") or {}).items()}


def token_expired(sec, at):
    exp = token_fields(sec).get("expiration")
    return bool(exp) and parse_rfc3339(exp) <= at


def live_tokens(st, at):
    """(id, fields) of the bootstrap tokens that exist and have not expired (the token cleaner deletes
    expired ones)."""
    out_ = []
    for key, sec in sorted(st.get("secrets", {}).items()):
        if sec.get("type") == "bootstrap.kubernetes.io/token" and not token_expired(sec, at):
            f = token_fields(sec)
            out_.append((f.get("token-id"), f))
    return out_


def secret_alive(st, key, at):
    """A Secret exists unless the garbage collector removed it: every owner must still exist."""
    sec = st.get("secrets", {}).get(key)
    if not sec:
        return None
    if sec.get("type") == "bootstrap.kubernetes.io/token" and token_expired(sec, at):
        return None
    for ref in (sec.get("metadata") or {}).get("ownerReferences") or []:
        owner = "%s/%s" % (sec["metadata"]["namespace"], ref.get("name"))
        if ref.get("kind") == "Secret" and secret_alive(st, owner, at) is None:
            return None
    return sec


# nodes -------------------------------------------------------------------------------------------

def grace_period(st):
    """kube-controller-manager --node-monitor-grace-period (node lifecycle controller), default 40s."""
    args = ((st.get("clusterConfiguration") or {}).get("controllerManager") or {}).get("extraArgs") or {}
    try:
        return parse_duration(args.get("node-monitor-grace-period", "40s"))
    except SimError:
        return 40.0


def node_view(st, name, at):
    """The Node as served: a node whose kubelet stopped posting status for longer than the grace
    period has Ready=Unknown (pkg/controller/nodelifecycle)."""
    n = json.loads(json.dumps(st["nodes"][name]))
    hb = st.get("heartbeats", {}).get(name)
    if hb is not None and at - hb > grace_period(st):
        for c in n.get("status", {}).get("conditions", []):
            if c.get("type") == "Ready":
                c.update(status="Unknown", reason="NodeStatusUnknown", message="Kubelet stopped posting node status.",
                         lastTransitionTime=rfc3339(hb + grace_period(st)))
        taints = [t for t in n.setdefault("spec", {}).get("taints", []) if not t["key"].startswith("node.kubernetes.io/")]
        n["spec"]["taints"] = taints + [{"key": "node.kubernetes.io/unreachable", "effect": "NoSchedule"}]
    return n


def node_ready(node):
    return any(c.get("type") == "Ready" and c.get("status") == "True"
               for c in (node.get("status") or {}).get("conditions", []))


def merge_patch(target, patch):
    """RFC 7386 JSON merge patch (what kubectl and client-go send as application/merge-patch+json)."""
    if not isinstance(patch, dict):
        return patch
    target = dict(target) if isinstance(target, dict) else {}
    for k, v in patch.items():
        if v is None:
            target.pop(k, None)
        else:
            target[k] = merge_patch(target.get(k), v)
    return target


PEER = "/__etcd"  # the simulator's stand-in for etcd peer traffic (front-proxy client certs only)


def peer_api(url, timeout=2):
    pki = rp("/etc/kubernetes/pki")
    return Api(url, read_text(pki + "/ca.crt"), read_text(pki + "/front-proxy-client.crt"),
               read_text(pki + "/front-proxy-client.key"), timeout=timeout)


class Store:
    """The cluster state, one full copy per control plane (the stacked etcd of a kubeadm cluster): a
    member list in join order; the first member that answers is the leader; a write is applied by the
    leader on the freshest copy a majority has and pushed to every member; without a majority of the
    members up, writes fail as etcd's do."""

    def __init__(self, me=None):
        self.lock = threading.Lock()
        self.me = me
        self._reach = {}

    def read(self):
        return load_json(cluster_file())

    def members(self, st):
        return (st or {}).get("members") or []

    def reachable(self, url):
        hit = self._reach.get(url)
        if hit and time.time() - hit[0] < 2:
            return hit[1]
        try:
            rev = peer_api(url, timeout=1).get(PEER + "/revision").get("revision")
        except (SimError, OSError):
            rev = None
        self._reach[url] = (time.time(), rev)
        return rev

    def leader(self, st):
        """-> None when this member leads, else the URL of the first live member before it."""
        for m in self.members(st):
            if m["name"] == self.me:
                return None
            if self.reachable(m["url"]) is not None:
                return m["url"]
        return None

    def update(self, fn):
        with self.lock:
            st = self.read()
            if st is None:
                raise Refused(503, "ServiceUnavailable", "etcdserver: no leader (the cluster state is gone)")
            others = [m for m in self.members(st) if m["name"] != self.me]
            self._reach.clear()
            live = [(m, self.reachable(m["url"])) for m in others]
            live = [(m, rev) for m, rev in live if rev is not None]
            if len(self.members(st)) and len(live) + 1 <= len(self.members(st)) // 2:
                raise Refused(503, "ServiceUnavailable", "etcdserver: request timed out (no quorum: %d of %d "
                              "members reachable)" % (len(live) + 1, len(self.members(st))))
            fresh = max(live, key=lambda x: x[1], default=(None, -1))
            if fresh[0] and fresh[1] > st.get("revision", 0):
                try:
                    st = peer_api(fresh[0]["url"]).get(PEER + "/state")
                except SimError:
                    pass
            result = fn(st)
            reconcile(st, time.time())
            st["revision"] = st.get("revision", 0) + 1
            save_json(cluster_file(), st)
            for m, _ in live:
                if m["name"] in {x["name"] for x in self.members(st)}:
                    try:
                        peer_api(m["url"]).call("PUT", PEER + "/state", st)
                    except SimError:
                        pass
            return result


class Refused(Exception):
    def __init__(self, code, reason, message):
        super().__init__(message)
        self.code, self.reason, self.message = code, reason, message


def _status(code, reason, message):
    return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": message, "reason": reason, "code": code}


class Identity:
    def __init__(self, user, groups):
        self.user, self.groups = user, list(groups)

    @property
    def admin(self):
        return any(g in ADMIN_GROUPS for g in self.groups)

    @property
    def bootstrap(self):
        return "system:bootstrappers" in self.groups

    @property
    def anonymous(self):
        return self.user == "system:anonymous"

    def node(self):
        return self.user[len("system:node:"):] if self.user.startswith("system:node:") else None


def _cert_identity(cert):
    subject = dict((k, v) for rdn in cert.get("subject", ()) for k, v in rdn)
    orgs = [v for rdn in cert.get("subject", ()) for k, v in rdn if k == "organizationName"]
    issuer = dict((k, v) for rdn in cert.get("issuer", ()) for k, v in rdn)
    return subject.get("commonName", ""), orgs, issuer.get("commonName", "")


class ApiHandler(http.server.BaseHTTPRequestHandler):
    server_version = "kbs-sim-apiserver"
    protocol_version = "HTTP/1.0"

    def log_message(self, fmt, *args):  # one line per request, never headers or bodies
        sys.stderr.write("%s %s\n" % (rfc3339(time.time()), fmt % args))

    # plumbing ---------------------------------------------------------------------------
    def send_json(self, code, obj):
        data = json.dumps(obj, indent=1).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def send_text(self, code, text):
        data = text.encode()
        self.send_response(code)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def raw_body(self):
        """The request body, read once (a body left unread would reset the connection)."""
        if not hasattr(self, "_raw"):
            n = int(self.headers.get("Content-Length") or 0)
            self._raw = self.rfile.read(n) if n else b""
        return self._raw

    def body(self):
        if hasattr(self, "_body"):
            return self._body
        raw = self.raw_body()
        try:
            self._body = json.loads(raw) if raw else {}
        except ValueError:
            raise Refused(400, "BadRequest", "invalid JSON body")
        return self._body

    def now(self):
        v = self.headers.get("X-Kbs-Sim-Now")
        return float(v) if v else now()

    def query(self):
        q = self.path.split("?", 1)[1] if "?" in self.path else ""
        out_ = {}
        for part in q.split("&"):
            k, _, v = part.partition("=")
            if k:
                out_[k] = urllib_unquote(v)
        return out_

    def do_GET(self):
        self.dispatch("GET")

    def do_POST(self):
        self.dispatch("POST")

    def do_PATCH(self):
        self.dispatch("PATCH")

    def do_PUT(self):
        self.dispatch("PUT")

    def do_DELETE(self):
        self.dispatch("DELETE")

    def dispatch(self, method):
        path = self.path.split("?", 1)[0].rstrip("/") or "/"
        cfg = self.server.cfg
        self.raw_body()
        try:
            if path in ("/healthz", "/livez", "/readyz") and method == "GET":
                return self.send_text(200, "ok")
            if path == "/version" and method == "GET":
                return self.send_json(200, version_info(cfg["version"]))
            if path.startswith(PEER):
                return self.peer(method, path)
            if method != "GET" and not self.headers.get("X-Kbs-Sim-Forwarded"):
                lead = self.server.store.leader(self.server.store.read())
                if lead:
                    return self.proxy(method, lead)
            ident = self.identify()
            for m, rx, fn in ROUTES:
                if m == method:
                    mt = re.fullmatch(rx, path)
                    if mt:
                        return fn(self, ident, *mt.groups())
            if re.fullmatch(r"/apis?/.*", path) and method in ("GET", "POST", "PUT", "DELETE"):
                return r_generic(self, ident, method, path)
            raise Refused(404, "NotFound", "the server could not find the requested resource")
        except Refused as r:
            self.send_json(r.code, _status(r.code, r.reason, r.message))
        except Exception as e:  # a simulator bug: report it, keep serving
            self.send_json(500, _status(500, "InternalError", "simulator error: %s: %s" % (type(e).__name__, e)))

    # authentication -----------------------------------------------------------------------
    def identify(self):
        cert = self.connection.getpeercert() if hasattr(self.connection, "getpeercert") else None
        if cert:
            cn, orgs, issuer = _cert_identity(cert)
            if issuer == "front-proxy-ca":
                user = self.headers.get("X-Remote-User")
                if user:
                    groups = [g for g in (self.headers.get("X-Remote-Group") or "").split(",") if g]
                    return Identity(user, groups)
            else:
                return Identity(cn, orgs + ["system:authenticated"])
        auth = self.headers.get("Authorization") or ""
        if auth.startswith("Bearer "):
            m = TOKEN_RE.match(auth[7:].strip())
            st = self.server.store.read() or {}
            if m:
                for tid, f in live_tokens(st, self.now()):
                    if tid == m.group(1) and hmac.compare_digest(f.get("token-secret", ""), m.group(2)) \
                            and f.get("usage-bootstrap-authentication") == "true":
                        groups = [g for g in f.get("auth-extra-groups", "").split(",") if g]
                        return Identity("system:bootstrap:" + tid, groups + ["system:bootstrappers",
                                                                             "system:authenticated"])
            raise Refused(401, "Unauthorized", "Unauthorized")
        return Identity("system:anonymous", ["system:unauthenticated"])

    def peer(self, method, path):
        """Member traffic between control planes: revision, full state, membership."""
        cert = self.connection.getpeercert() if hasattr(self.connection, "getpeercert") else None
        if not cert or _cert_identity(cert)[2] != "front-proxy-ca" or self.headers.get("X-Remote-User"):
            raise Refused(403, "Forbidden", "peer traffic needs a control plane's certificate")
        store = self.server.store
        if method == "GET" and path == PEER + "/revision":
            return self.send_json(200, {"revision": (store.read() or {}).get("revision", 0)})
        if method == "GET" and path == PEER + "/state":
            return self.send_json(200, store.read() or {})
        if method == "PUT" and path == PEER + "/state":
            b = self.body()
            with store.lock:
                cur = store.read() or {}
                if b.get("revision", 0) >= cur.get("revision", 0):
                    save_json(cluster_file(), b)
            return self.send_json(200, {"revision": b.get("revision", 0)})
        m = re.fullmatch(PEER + r"/members(?:/([^/]+))?", path)
        if m and method in ("POST", "DELETE"):
            lead = None if self.headers.get("X-Kbs-Sim-Forwarded") else store.leader(store.read())
            if lead:
                return self.proxy(method, lead)
            b = self.body() if method == "POST" else {}

            def fn(st):
                ms = [x for x in st.setdefault("members", []) if x["name"] != (m.group(1) or b.get("name"))]
                if method == "POST":
                    ms.append({"name": b["name"], "url": b["url"]})
                st["members"] = ms
            store.update(fn)
            return self.send_json(200, store.read())
        raise Refused(404, "NotFound", "the server could not find the requested resource")

    def proxy(self, method, target):
        pki = rp("/etc/kubernetes/pki")
        headers = {"X-Kbs-Sim-Forwarded": "1"}
        for h in ("Authorization", "X-Kbs-Sim-Now", "Content-Type", "User-Agent"):
            if self.headers.get(h):
                headers[h] = self.headers[h]
        cert = self.connection.getpeercert()
        if cert:
            cn, orgs, _ = _cert_identity(cert)
            headers["X-Remote-User"] = cn
            headers["X-Remote-Group"] = ",".join(orgs + ["system:authenticated"])
        body = self.raw_body() or None
        api = Api(target, read_text(pki + "/ca.crt"), read_text(pki + "/front-proxy-client.crt"),
                  read_text(pki + "/front-proxy-client.key"))
        try:
            status, payload = api.raw(method, self.path, body, headers)
        except SimError as e:
            raise Refused(503, "ServiceUnavailable", "etcdserver: leader unavailable: %s" % e.msg)
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


def urllib_unquote(s):
    return re.sub(r"%([0-9A-Fa-f]{2})", lambda m: chr(int(m.group(1), 16)), s.replace("+", " "))


def version_info(v):
    major, minor, _ = parse_version(v)
    return {"major": str(major), "minor": str(minor), "gitVersion": v,
            "gitCommit": hashlib.sha1(("kbs-sim " + v).encode()).hexdigest(), "gitTreeState": "clean",
            "buildDate": "2026-01-01T00:00:00Z", "goVersion": GO_VERSIONS.get(minor, "go1.25.5"),
            "compiler": "gc", "platform": "linux/amd64"}


# routes ---------------------------------------------------------------------------------

def _need(ident, ok, what):
    if ident.anonymous and not ok:
        raise Refused(401, "Unauthorized", "Unauthorized")
    if not ok:
        raise Refused(403, "Forbidden", '%s is forbidden: User "%s" cannot %s' % (what, ident.user, what))


def _state(h):
    st = h.server.store.read()
    if st is None:
        raise Refused(503, "ServiceUnavailable", "etcdserver: no leader (the cluster state is gone)")
    return st


def cluster_info_cm(st, at):
    data = {"kubeconfig": kubeconfig_cluster_only(st["server"], st["caPem"])}
    payload = b64url(data["kubeconfig"].encode())
    for tid, f in live_tokens(st, at):
        if f.get("usage-bootstrap-signing") != "true":
            continue
        header = b64url(json.dumps({"alg": "HS256", "kid": tid}, separators=(",", ":")).encode())
        sig = hmac.new(f["token-secret"].encode(), ("%s.%s" % (header, payload)).encode(), hashlib.sha256).digest()
        data["jws-kubeconfig-" + tid] = "%s..%s" % (header, b64url(sig))
    return {"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "cluster-info", "namespace": "kube-public"}, "data": data}


def kubeconfig_cluster_only(server, ca_pem):
    return yaml_dump({"apiVersion": "v1", "clusters": [{"cluster": {
        "certificate-authority-data": b64(ca_pem), "server": server}, "name": ""}],
        "contexts": None, "current-context": "", "kind": "Config", "preferences": {}, "users": None})


def join_rule(st, ident, ua):
    """The simulator's deliberate difference: a joining kubeadm (bootstrap token) must be the version of
    the cluster's last init or upgrade apply. Real kubeadm accepts any kubeadm within its skew."""
    v = ua_version(ua)
    if ident.bootstrap and v and v != st.get("kubeadmVersion"):
        raise Refused(403, "Forbidden", "this version of kubeadm (%s) cannot join a cluster created/upgraded with "
                      "kubeadm %s: use kubeadm %s on this node (the kubeadm version must be the one of the last "
                      "'kubeadm init' or 'kubeadm upgrade apply')" % (v, st.get("kubeadmVersion"),
                                                                      st.get("kubeadmVersion")))


def kubeadm_config_data(st):
    return {"ClusterConfiguration": render_cluster(dict(st["clusterConfiguration"],
                                                        kubernetesVersion=st["kubernetesVersion"]),
                                                   st["configApiVersion"])}


CM_READERS = {("kube-system", "kubeadm-config"), ("kube-system", "kubelet-config"), ("kube-system", "kube-proxy")}


def _kubeadm_cm(st, ns, name):
    """The ConfigMaps kubeadm keeps (made from the cluster's state), or None."""
    if (ns, name) == ("kube-system", "kubeadm-config"):
        data = kubeadm_config_data(st)
    elif (ns, name) == ("kube-system", "kubelet-config"):
        data = {"kubelet": yaml_dump(st["kubeletConfiguration"])}
    elif (ns, name) == ("kube-system", "kube-proxy"):
        data = {"config.conf": yaml_dump(st.get("kubeProxyConfiguration") or {})}
    else:
        return None
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "namespace": ns}, "data": data}


def r_configmap(h, ident, ns, name):
    st = _state(h)
    if (ns, name) == ("kube-public", "cluster-info"):
        return h.send_json(200, cluster_info_cm(st, h.now()))
    if (ns, name) in CM_READERS:
        _need(ident, ident.admin or ident.bootstrap or ident.node() is not None, 'get resource "configmaps"')
    if (ns, name) == ("kube-system", "kubeadm-config"):
        join_rule(st, ident, h.headers.get("User-Agent"))
    cm = _kubeadm_cm(st, ns, name)
    if cm is None:
        return r_generic(h, ident, "GET", "/api/v1/namespaces/%s/configmaps/%s" % (ns, name))
    h.send_json(200, cm)


def r_configmaps(h, ident, ns):
    """The ConfigMaps of a namespace (admin only): kubeadm's and those stored by kubectl apply, by name."""
    _need(ident, ident.admin, 'list resource "configmaps" in API group "" in the namespace "%s"' % ns)
    st = _state(h)
    items = {}
    if ns == "kube-public":
        items["cluster-info"] = cluster_info_cm(st, h.now())
    for cns, name in sorted(CM_READERS):
        if cns == ns:
            items[name] = _kubeadm_cm(st, ns, name)
    prefix = "/api/v1/namespaces/%s/configmaps/" % ns
    for k, v in sorted(st.get("objects", {}).items()):
        if k.startswith(prefix) and "/" not in k[len(prefix):]:
            items.setdefault(k[len(prefix):], v)
    h.send_json(200, {"apiVersion": "v1", "kind": "ConfigMapList", "metadata": {},
                      "items": [items[n] for n in sorted(items)]})


def r_configmap_put(h, ident, ns, name):
    """kubeadm upgrade apply's upload-config: a new ClusterConfiguration / KubeletConfiguration."""
    if (ns, name) not in CM_READERS:
        return r_generic(h, ident, "PUT", "/api/v1/namespaces/%s/configmaps/%s" % (ns, name))
    _need(ident, ident.admin, 'update resource "configmaps"')
    data = h.body().get("data") or {}
    ua_v = ua_version(h.headers.get("User-Agent"))

    def fn(st):
        if name == "kubeadm-config":
            text = data.get("ClusterConfiguration") or ""
            cfg = yaml_load(text) or {}
            api = str(cfg.pop("apiVersion", "")).rpartition("/")[2] or st["configApiVersion"]
            cfg.pop("kind", None)
            version = cfg.get("kubernetesVersion") or st["kubernetesVersion"]
            st["clusterConfiguration"] = normalize_cluster(cfg)
            st["configApiVersion"], st["kubernetesVersion"] = api, version
            if ua_v:  # the private record of the join rule: the kubeadm of the last init/upgrade apply
                st["kubeadmVersion"] = ua_v
                st.setdefault("history", []).append({"action": "upgrade", "kubeadmVersion": ua_v,
                                                     "kubernetesVersion": version, "at": h.now()})
        elif name == "kubelet-config":
            st["kubeletConfiguration"] = yaml_load(data.get("kubelet") or "") or {}
        else:
            st["kubeProxyConfiguration"] = yaml_load(data.get("config.conf") or "") or {}
    h.server.store.update(fn)
    h.send_json(200, {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "namespace": ns},
                      "data": data})


def r_nodes(h, ident):
    _need(ident, not ident.anonymous and not ident.bootstrap, 'list resource "nodes"')
    st = _state(h)
    h.send_json(200, {"apiVersion": "v1", "kind": "NodeList", "metadata": {},
                      "items": [node_view(st, n, h.now()) for n in sorted(st["nodes"])]})


def r_node(h, ident, name):
    _need(ident, not ident.anonymous, 'get resource "nodes"')
    st = _state(h)
    if name not in st["nodes"]:
        raise Refused(404, "NotFound", 'nodes "%s" not found' % name)
    h.send_json(200, node_view(st, name, h.now()))


def r_node_create(h, ident):
    """The kubelet registers its own Node (NodeRestriction: a node may create only itself)."""
    b = h.body()
    name = (b.get("metadata") or {}).get("name") or ""
    _need(ident, ident.admin or ident.node() == name, 'create resource "nodes"')

    def fn(st):
        if name in st["nodes"]:
            raise Refused(409, "AlreadyExists", 'nodes "%s" already exists' % name)
        b.setdefault("metadata", {})["creationTimestamp"] = rfc3339(h.now())
        b["metadata"]["uid"] = secrets.token_hex(16)
        st["nodes"][name] = b
        st.setdefault("heartbeats", {})[name] = h.now()
        return b
    h.send_json(201, h.server.store.update(fn))


def r_node_delete(h, ident, name):
    _need(ident, ident.admin or ident.node() == name, 'delete resource "nodes"')

    def fn(st):
        if name not in st["nodes"]:
            raise Refused(404, "NotFound", 'nodes "%s" not found' % name)
        del st["nodes"][name]
        st.get("heartbeats", {}).pop(name, None)
    h.server.store.update(fn)
    h.send_json(200, {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success",
                      "details": {"name": name, "kind": "nodes"}})


def r_node_patch(h, ident, name, sub):
    b = h.body()
    if sub:
        _need(ident, ident.admin or ident.node() == name, 'patch resource "nodes/status"')
    else:
        _need(ident, ident.admin or ident.node() == name, 'patch resource "nodes"')
        if not ident.admin and (b.get("spec") or {}).get("taints") is not None:
            raise Refused(403, "Forbidden", "node \"%s\" is not allowed to modify taints" % name)

    def fn(st):
        n = st["nodes"].get(name)
        if not n:
            raise Refused(404, "NotFound", 'nodes "%s" not found' % name)
        if sub:
            n["status"] = merge_patch(n.get("status"), b.get("status") or {})
            for c in n["status"].get("conditions", []):
                c["lastHeartbeatTime"] = rfc3339(h.now())
            st.setdefault("heartbeats", {})[name] = h.now()
        else:
            st["nodes"][name] = merge_patch(n, {k: v for k, v in b.items() if k in ("metadata", "spec")})
        return node_view(st, name, h.now())
    h.send_json(200, h.server.store.update(fn))


def r_csr_create(h, ident):
    """certificates.k8s.io/v1: the kubelet's client CSR, approved as kube-controller-manager's csrapprover
    approves bootstrap (nodeclient) and renewal (selfnodeclient) requests, then signed by the cluster CA."""
    _need(ident, ident.bootstrap or ident.admin or ident.node() is not None,
          'create resource "certificatesigningrequests"')
    b = h.body()
    spec = b.get("spec") or {}
    csr_pem = unb64(spec.get("request", "")).decode()
    cn, orgs = csr_subject(csr_pem)
    if not cn.startswith("system:node:") or orgs != ["system:nodes"]:
        raise Refused(422, "Invalid", "the CSR subject must be CN=system:node:<name>, O=system:nodes")
    if ident.node() and cn != "system:node:" + ident.node():
        raise Refused(403, "Forbidden", "a node may only request a certificate for itself")
    meta = dict(b.get("metadata") or {})
    name = meta.get("name") or "csr-" + secrets.token_hex(3)
    pki = rp("/etc/kubernetes/pki")
    cert = sign_csr(csr_pem, pki + "/ca.crt", pki + "/ca.key")
    obj = {"apiVersion": "certificates.k8s.io/v1", "kind": "CertificateSigningRequest",
           "metadata": {"name": name, "creationTimestamp": rfc3339(h.now())},
           "spec": dict(spec, username=ident.user, groups=ident.groups),
           "status": {"conditions": [{"type": "Approved", "status": "True", "reason": "AutoApproved",
                                      "message": "Auto approving kubelet client certificate after SubjectAccessReview."}],
                      "certificate": b64(cert)}}

    def fn(st):
        st.setdefault("csrs", {})[name] = obj
    h.server.store.update(fn)
    h.send_json(201, obj)


def r_csr_get(h, ident, name):
    _need(ident, not ident.anonymous, 'get resource "certificatesigningrequests"')
    obj = _state(h).get("csrs", {}).get(name)
    if not obj:
        raise Refused(404, "NotFound", 'certificatesigningrequests.certificates.k8s.io "%s" not found' % name)
    h.send_json(200, obj)


def r_secrets(h, ident, ns):
    _need(ident, ident.admin, 'list resource "secrets"')
    st, at = _state(h), h.now()
    items = [secret_alive(st, k, at) for k in sorted(st.get("secrets", {})) if k.startswith(ns + "/")]
    items = [i for i in items if i]
    sel = h.query().get("fieldSelector", "")
    if sel.startswith("type="):
        items = [i for i in items if i.get("type") == sel[5:]]
    h.send_json(200, {"apiVersion": "v1", "kind": "SecretList", "metadata": {}, "items": items})


def r_secret(h, ident, ns, name):
    st = _state(h)
    # RBAC kubeadm:kubeadm-certs lets the default node token read kubeadm-certs (control-plane joins)
    _need(ident, ident.admin or (ident.bootstrap and (ns, name) == ("kube-system", "kubeadm-certs")),
          'get resource "secrets"')
    sec = secret_alive(st, "%s/%s" % (ns, name), h.now())
    if not sec:
        raise Refused(404, "NotFound", 'secrets "%s" not found' % name)
    h.send_json(200, sec)


def r_secret_write(h, ident, ns, name=None):
    _need(ident, ident.admin, 'create resource "secrets"')
    b = h.body()
    name = name or (b.get("metadata") or {}).get("name")
    meta = b.setdefault("metadata", {})
    meta.update(name=name, namespace=ns)
    meta.setdefault("creationTimestamp", rfc3339(h.now()))
    meta.setdefault("uid", secrets.token_hex(16))

    def fn(st):
        st.setdefault("secrets", {})["%s/%s" % (ns, name)] = b
    h.server.store.update(fn)
    h.send_json(201, b)


def r_secret_delete(h, ident, ns, name):
    _need(ident, ident.admin, 'delete resource "secrets"')

    def fn(st):
        if st.get("secrets", {}).pop("%s/%s" % (ns, name), None) is None:
            raise Refused(404, "NotFound", 'secrets "%s" not found' % name)
    h.server.store.update(fn)
    h.send_json(200, {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success"})


def mirror_pod(node, adv_endpoint):
    """The mirror Pod of a node's kube-apiserver static pod, with kubeadm's advertise-address annotation."""
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": "kube-apiserver-" + node, "namespace": "kube-system", "creationTimestamp": rfc3339(time.time()),
                         "labels": {"component": "kube-apiserver", "tier": "control-plane"},
                         "annotations": {"kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint":
                                         adv_endpoint, "kubernetes.io/config.mirror": "static"}},
            "spec": {"nodeName": node}, "status": {"phase": "Running"}}


# controllers: what kube-controller-manager and kube-scheduler would do with the pods -------------

def _tolerated(taints, tolerations):
    for t in taints or []:
        if t.get("effect") not in ("NoSchedule", "NoExecute"):
            continue
        if not any(tol.get("operator") == "Exists" and not tol.get("key") or
                   tol.get("key") == t.get("key") and (tol.get("operator") == "Exists" or
                                                       tol.get("value", "") == t.get("value", ""))
                   for tol in tolerations or []):
            return False
    return True


def _short(text):
    return hashlib.sha1(text.encode()).hexdigest()[:5]


def reconcile(st, at):
    """The DaemonSet controller (a pod per node), the Deployment/ReplicaSet controllers (replicas,
    re-created after an eviction) and the scheduler (Ready, schedulable nodes whose taints the pod
    tolerates) — enough for kube-proxy, CoreDNS, a CNI DaemonSet and drains."""
    objs, pods, nodes = st.get("objects", {}), st.setdefault("pods", {}), st.get("nodes", {})
    for path, ds in list(objs.items()):
        if "/daemonsets/" not in path:
            continue
        ns, name = ds["metadata"].get("namespace", "default"), ds["metadata"]["name"]
        tmpl = (ds.get("spec") or {}).get("template") or {}
        want = set()
        for node in nodes:
            pname = "%s-%s" % (name, _short(node + name))
            want.add("%s/%s" % (ns, pname))
            if "%s/%s" % (ns, pname) not in pods:
                pods["%s/%s" % (ns, pname)] = {
                    "apiVersion": "v1", "kind": "Pod",
                    "metadata": {"name": pname, "namespace": ns, "labels": (tmpl.get("metadata") or {}).get("labels", {}),
                                 "uid": secrets.token_hex(8), "creationTimestamp": rfc3339(at),
                                 "ownerReferences": [{"apiVersion": "apps/v1", "kind": "DaemonSet", "name": name,
                                                      "controller": True}]},
                    "spec": dict(tmpl.get("spec") or {}, nodeName=node), "status": {"phase": "Running"}}
        for key, p in list(pods.items()):
            refs = p["metadata"].get("ownerReferences") or []
            if key.startswith(ns + "/") and any(r.get("kind") == "DaemonSet" and r.get("name") == name for r in refs) \
                    and key not in want:
                del pods[key]
    for path, dep in list(objs.items()):
        if "/deployments/" not in path:
            continue
        ns, name = dep["metadata"].get("namespace", "default"), dep["metadata"]["name"]
        spec = dep.get("spec") or {}
        tmpl = spec.get("template") or {}
        rs = "%s-%s" % (name, _short(json.dumps(tmpl, sort_keys=True))[:4] + "f8")
        mine = [k for k, p in pods.items() if k.startswith(ns + "/") and any(
            r.get("kind") == "ReplicaSet" and r.get("name") == rs for r in p["metadata"].get("ownerReferences") or [])]
        for _ in range(int(spec.get("replicas", 1)) - len(mine)):
            pname = "%s-%s" % (rs, secrets.token_hex(3)[:5])
            pods["%s/%s" % (ns, pname)] = {
                "apiVersion": "v1", "kind": "Pod",
                "metadata": {"name": pname, "namespace": ns, "labels": (tmpl.get("metadata") or {}).get("labels", {}),
                             "uid": secrets.token_hex(8), "creationTimestamp": rfc3339(at),
                             "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": rs,
                                                  "controller": True}]},
                "spec": dict(tmpl.get("spec") or {}), "status": {"phase": "Pending"}}
    for key, p in pods.items():  # the scheduler
        if p["spec"].get("nodeName"):
            continue
        fit = [n for n in sorted(nodes) if node_ready(node_view(st, n, at))
               and not (nodes[n].get("spec") or {}).get("unschedulable")
               and _tolerated((nodes[n].get("spec") or {}).get("taints"), p["spec"].get("tolerations"))]
        if fit:
            load = {n: sum(1 for q in pods.values() if q["spec"].get("nodeName") == n) for n in fit}
            p["spec"]["nodeName"] = min(fit, key=lambda n: (load[n], n))
            p["status"] = {"phase": "Running"}


def r_pods(h, ident, ns=None):
    """Pods of a namespace or of all (`/api/v1/pods`); labelSelector and fieldSelector spec.nodeName.
    A kubelet may list the pods bound to its node."""
    q = h.query()
    field = dict(kv.split("=", 1) for kv in q.get("fieldSelector", "").split(",") if "=" in kv)
    on_node = field.get("spec.nodeName")
    _need(ident, ident.admin or (ident.node() is not None and on_node == ident.node()), 'list resource "pods"')
    st = _state(h)
    want = dict(kv.split("=", 1) for kv in q.get("labelSelector", "").split(",") if "=" in kv)
    items = [p for k, p in sorted(st.get("pods", {}).items()) if (ns is None or k.startswith(ns + "/"))
             and all((p["metadata"].get("labels") or {}).get(k2) == v for k2, v in want.items())
             and (on_node is None or p["spec"].get("nodeName") == on_node)]
    h.send_json(200, {"apiVersion": "v1", "kind": "PodList", "metadata": {}, "items": items})


def r_pods_all(h, ident):
    return r_pods(h, ident, None)


def r_pod_get(h, ident, ns, name):
    _need(ident, ident.admin, 'get resource "pods"')
    p = _state(h).get("pods", {}).get("%s/%s" % (ns, name))
    if not p:
        raise Refused(404, "NotFound", 'pods "%s" not found' % name)
    h.send_json(200, p)


def r_pod_delete(h, ident, ns, name):
    _need(ident, ident.admin, 'delete resource "pods"')

    def fn(st):
        if st.get("pods", {}).pop("%s/%s" % (ns, name), None) is None:
            raise Refused(404, "NotFound", 'pods "%s" not found' % name)
    h.server.store.update(fn)
    h.send_json(200, {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success"})


def r_eviction(h, ident, ns, name):
    """policy/v1 Eviction: refused (429) while it would take a PodDisruptionBudget below minAvailable."""
    _need(ident, ident.admin, 'create resource "pods/eviction"')
    at = h.now()

    def fn(st):
        pods = st.get("pods", {})
        pod = pods.get("%s/%s" % (ns, name))
        if not pod:
            raise Refused(404, "NotFound", 'pods "%s" not found' % name)
        labels = pod["metadata"].get("labels") or {}
        for path, pdb in st.get("objects", {}).items():
            if "/poddisruptionbudgets/" not in path or pdb["metadata"].get("namespace", "default") != ns:
                continue
            sel = ((pdb.get("spec") or {}).get("selector") or {}).get("matchLabels") or {}
            if not sel or any(labels.get(k) != v for k, v in sel.items()):
                continue
            healthy = [p for k, p in pods.items() if k.startswith(ns + "/") and p["spec"].get("nodeName")
                       and p["spec"]["nodeName"] in st.get("nodes", {})
                       and node_ready(node_view(st, p["spec"]["nodeName"], at))
                       and all((p["metadata"].get("labels") or {}).get(k) == v for k, v in sel.items())]
            if len(healthy) - 1 < int((pdb.get("spec") or {}).get("minAvailable", 0)):
                raise Refused(429, "TooManyRequests", "Cannot evict pod as it would violate the pod's disruption "
                              "budget.")
        del pods["%s/%s" % (ns, name)]
    h.server.store.update(fn)
    h.send_json(201, {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success"})


def r_pod_create(h, ident, ns):
    """Mirror pods from kubelets (NodeRestriction: their own node only) and pods an admin creates."""
    b = h.body()
    _need(ident, ident.admin or ident.node() == (b.get("spec") or {}).get("nodeName"), 'create resource "pods"')
    name = (b.get("metadata") or {}).get("name")
    b["metadata"].setdefault("namespace", ns)
    b["metadata"].setdefault("uid", secrets.token_hex(8))
    b["metadata"].setdefault("creationTimestamp", rfc3339(h.now()))

    def fn(st):
        key = "%s/%s" % (ns, name)
        if key in st.setdefault("pods", {}):
            raise Refused(409, "AlreadyExists", 'pods "%s" already exists' % name)
        st["pods"][key] = b
    h.server.store.update(fn)
    h.send_json(201, b)


BUILTIN_GROUPS = {"apps", "batch", "policy", "autoscaling", "rbac.authorization.k8s.io", "networking.k8s.io",
                  "apiextensions.k8s.io", "storage.k8s.io", "scheduling.k8s.io", "coordination.k8s.io",
                  "discovery.k8s.io", "admissionregistration.k8s.io", "certificates.k8s.io", "node.k8s.io",
                  "policy.networking.k8s.io", "flowcontrol.apiserver.k8s.io"}


def r_generic(h, ident, method, path):
    """Any other object (what `kubectl apply` sends): stored as given under its path."""
    _need(ident, ident.admin or (method == "GET" and ident.node() is not None and "/configmaps/" in path),
          '%s "%s"' % (method.lower(), path))
    st = _state(h)
    objs = st.get("objects", {})
    group = re.match(r"/apis/([^/]+)/", path + "/")
    crd_groups = {(o.get("spec") or {}).get("group") for k, o in objs.items() if "/customresourcedefinitions/" in k}
    if group and group.group(1) not in BUILTIN_GROUPS | crd_groups:
        raise Refused(404, "NotFound", "the server could not find the requested resource")
    if method == "GET":
        if path in objs:
            return h.send_json(200, objs[path])
        rest = re.sub(r"^/api/v1|^/apis/[^/]+/[^/]+", "", path).strip("/").split("/")
        if len(rest) in (1, 3) and (len(rest) == 1 or rest[0] == "namespaces"):
            prefix = path + "/"
            items = [v for k, v in sorted(objs.items()) if k.startswith(prefix) and "/" not in k[len(prefix):]]
            return h.send_json(200, {"apiVersion": "v1", "kind": "List", "metadata": {}, "items": items})
        raise Refused(404, "NotFound", '%s "%s" not found' % (path.rsplit("/", 2)[-2], path.rsplit("/", 1)[-1]))
    if method == "DELETE":
        def fn(st_):
            if st_.setdefault("objects", {}).pop(path, None) is None:
                raise Refused(404, "NotFound", '%s "%s" not found' % (path.rsplit("/", 2)[-2], path.rsplit("/", 1)[-1]))
        h.server.store.update(fn)
        return h.send_json(200, {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success"})
    b = h.body()
    key = path if method == "PUT" else path + "/" + ((b.get("metadata") or {}).get("name") or "")

    def fn(st_):
        objs_ = st_.setdefault("objects", {})
        if method == "POST" and key in objs_:
            raise Refused(409, "AlreadyExists", '"%s" already exists' % key.rsplit("/", 1)[-1])
        old = objs_.get(key)
        meta = b.setdefault("metadata", {})
        meta["creationTimestamp"] = (old or {}).get("metadata", {}).get("creationTimestamp") or rfc3339(h.now())
        st_["rv"] = st_.get("rv", 0) + 1
        meta["resourceVersion"] = str(st_["rv"])
        objs_[key] = b
        return b
    h.send_json(201 if method == "POST" else 200, h.server.store.update(fn))


ROUTES = [
    ("GET", r"/api/v1/namespaces/([^/]+)/configmaps", r_configmaps),
    ("GET", r"/api/v1/namespaces/([^/]+)/configmaps/([^/]+)", r_configmap),
    ("PUT", r"/api/v1/namespaces/([^/]+)/configmaps/([^/]+)", r_configmap_put),
    ("GET", r"/api/v1/nodes", r_nodes),
    ("POST", r"/api/v1/nodes", r_node_create),
    ("GET", r"/api/v1/nodes/([^/]+)", r_node),
    ("DELETE", r"/api/v1/nodes/([^/]+)", r_node_delete),
    ("PATCH", r"/api/v1/nodes/([^/]+)(/status)?", r_node_patch),
    ("POST", r"/apis/certificates\.k8s\.io/v1/certificatesigningrequests", r_csr_create),
    ("GET", r"/apis/certificates\.k8s\.io/v1/certificatesigningrequests/([^/]+)", r_csr_get),
    ("GET", r"/api/v1/namespaces/([^/]+)/secrets", r_secrets),
    ("POST", r"/api/v1/namespaces/([^/]+)/secrets", r_secret_write),
    ("GET", r"/api/v1/namespaces/([^/]+)/secrets/([^/]+)", r_secret),
    ("PUT", r"/api/v1/namespaces/([^/]+)/secrets/([^/]+)", r_secret_write),
    ("DELETE", r"/api/v1/namespaces/([^/]+)/secrets/([^/]+)", r_secret_delete),
    ("GET", r"/api/v1/namespaces/([^/]+)/pods", r_pods),
    ("GET", r"/api/v1/pods", r_pods_all),
    ("GET", r"/api/v1/namespaces/([^/]+)/pods/([^/]+)", r_pod_get),
    ("DELETE", r"/api/v1/namespaces/([^/]+)/pods/([^/]+)", r_pod_delete),
    ("POST", r"/api/v1/namespaces/([^/]+)/pods/([^/]+)/eviction", r_eviction),
    ("POST", r"/api/v1/namespaces/([^/]+)/pods", r_pod_create),
]


class TLSServer(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def finish_request(self, request, client_address):
        request.settimeout(30)
        try:
            request = self.ssl_ctx.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError):
            return  # TCP health checks (haproxy) and bad clients: nothing to log
        super().finish_request(request, client_address)

    def handle_error(self, request, client_address):
        sys.stderr.write("%s connection error from %s: %s\n" % (rfc3339(time.time()), client_address[0],
                                                                sys.exc_info()[1]))


def serve_apiserver():
    """Entry of the daemon (`<tool> __kbs_sim_apiserver`)."""
    cfg = load_json(apiserver_file())
    if not cfg:
        sys.stderr.write("no %s\n" % apiserver_file())
        return 1
    pki = rp("/etc/kubernetes/pki")
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(pki + "/apiserver.crt", pki + "/apiserver.key")
    ctx.verify_mode = ssl.CERT_OPTIONAL
    ctx.load_verify_locations(pki + "/ca.crt")
    if os.path.exists(pki + "/front-proxy-ca.crt"):
        ctx.load_verify_locations(pki + "/front-proxy-ca.crt")
    srv = TLSServer((cfg.get("bind") or "0.0.0.0", cfg["port"]), ApiHandler)
    srv.ssl_ctx, srv.cfg, srv.store = ctx, cfg, Store(cfg.get("name"))
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    atomic_write(apiserver_pidfile(), "%d\n" % os.getpid())
    sys.stderr.write("%s kube-apiserver (simulated) %s listening on %s:%d%s\n"
                     % (rfc3339(time.time()), cfg["version"], cfg.get("bind") or "0.0.0.0", cfg["port"],
                        " as member " + str(cfg.get("name"))))
    sys.stderr.flush()
    srv.serve_forever()
    return 0
