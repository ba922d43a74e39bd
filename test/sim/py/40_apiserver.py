# --- apiserver: the cluster state and a tiny HTTPS API --------------------------------------
# Design: the first control plane (kubeadm init) owns the cluster state in
# /var/lib/kbs-sim/cluster.json and serves it. Apiservers on joined control planes proxy every
# request except /healthz,/livez,/readyz,/version to the first one's advertise address, presenting
# the front-proxy client certificate with X-Remote-User/X-Remote-Group (as Kubernetes' own
# front-proxy does). Secrets (token secrets, certificate key) are never logged.

TOKEN_RE = re.compile(r"^([a-z0-9]{6})\.([a-z0-9]{16})$")
CERTS_TTL = 2 * 3600
ADMIN_GROUPS = ("system:masters", "kubeadm:cluster-admins")


def cluster_file():
    return os.path.join(sim_state_dir(), "cluster.json")


def apiserver_file():
    return os.path.join(sim_state_dir(), "apiserver.json")


def node_file():
    return os.path.join(sim_state_dir(), "node.json")


def load_json(path, default=None):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return default


def save_json(path, obj, mode=0o600):
    atomic_write(path, json.dumps(obj, indent=1, sort_keys=True) + "\n", mode)


def node_object(n):
    labels = {"kubernetes.io/hostname": n["name"], "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64"}
    if n.get("controlPlane"):
        labels["node-role.kubernetes.io/control-plane"] = ""
    obj = {
        "apiVersion": "v1", "kind": "Node",
        "metadata": {"name": n["name"], "labels": labels, "creationTimestamp": rfc3339(n["created"]),
                     "annotations": {"kubeadm.alpha.kubernetes.io/cri-socket": n.get("criSocket", "")}},
        "spec": {"unschedulable": True} if n.get("unschedulable") else {},
        "status": {
            "addresses": [{"type": "InternalIP", "address": n.get("address", "")},
                          {"type": "Hostname", "address": n["name"]}],
            "conditions": [{"type": "Ready", "status": "True", "reason": "KubeletReady",
                            "message": "kubelet is posting ready status"}],
            "nodeInfo": {"kubeletVersion": n["kubeletVersion"], "kubeProxyVersion": n["kubeletVersion"],
                         "containerRuntimeVersion": "containerd://1.6.20", "osImage": "Debian GNU/Linux 12 (bookworm)",
                         "operatingSystem": "linux", "architecture": "amd64"},
        },
    }
    if n.get("controlPlane"):
        obj["spec"]["taints"] = [{"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}]
    return obj


class Store:
    """The cluster state on the first control plane (a JSON file, one lock)."""

    def __init__(self):
        self.lock = threading.Lock()

    def read(self):
        return load_json(cluster_file())

    def update(self, fn):
        with self.lock:
            st = self.read()
            result = fn(st)
            save_json(cluster_file(), st)
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

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n) if n else b""
        if not raw:
            return {}
        try:
            return json.loads(raw)
        except ValueError:
            raise Refused(400, "BadRequest", "invalid JSON body")

    def now(self):
        v = self.headers.get("X-Kbs-Sim-Now")
        return float(v) if v else now()

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
        try:
            if path in ("/healthz", "/livez", "/readyz") and method == "GET":
                return self.send_text(200, "ok")
            if path == "/version" and method == "GET":
                return self.send_json(200, version_info(cfg["version"]))
            if cfg.get("upstream"):
                return self.proxy(method)
            ident = self.identify()
            for m, rx, fn in ROUTES:
                if m == method:
                    mt = re.fullmatch(rx, path)
                    if mt:
                        return fn(self, ident, *mt.groups())
            raise Refused(404, "NotFound", "the server could not find the requested resource")
        except Refused as r:
            self.send_json(r.code, _status(r.code, r.reason, r.message))
        except Exception as e:  # a simulator bug: report it, keep serving
            self.send_json(500, _status(500, "InternalError", "simulator error: %s" % e))

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
            tok = auth[7:].strip()
            m = TOKEN_RE.match(tok)
            st = self.server.store.read() or {}
            for t in st.get("tokens", []):
                if m and t["id"] == m.group(1) and hmac.compare_digest(t["secret"], m.group(2)):
                    if t.get("expires") is not None and t["expires"] <= self.now():
                        break
                    return Identity("system:bootstrap:" + t["id"],
                                    t.get("groups", []) + ["system:bootstrappers", "system:authenticated"])
            raise Refused(401, "Unauthorized", "Unauthorized")
        return Identity("system:anonymous", ["system:unauthenticated"])

    def proxy(self, method):
        cfg = self.server.cfg
        if self.headers.get("X-Kbs-Sim-Forwarded"):
            raise Refused(508, "LoopDetected", "request forwarded twice: check the upstream of %s" % cfg["advertise"])
        pki = rp("/etc/kubernetes/pki")
        headers = {"X-Kbs-Sim-Forwarded": "1"}
        for h in ("Authorization", "X-Kbs-Sim-Now", "Content-Type"):
            if self.headers.get(h):
                headers[h] = self.headers[h]
        cert = self.connection.getpeercert()
        if cert:
            cn, orgs, _ = _cert_identity(cert)
            headers["X-Remote-User"] = cn
            headers["X-Remote-Group"] = ",".join(orgs + ["system:authenticated"])
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else None
        api = Api(cfg["upstream"], read_text(pki + "/ca.crt"), read_text(pki + "/front-proxy-client.crt"),
                  read_text(pki + "/front-proxy-client.key"))
        try:
            status, payload = api.raw(method, self.path, body, headers)
        except SimError as e:
            raise Refused(503, "ServiceUnavailable", "upstream apiserver unavailable: %s" % e.msg)
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


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
        raise Refused(503, "ServiceUnavailable", "the cluster state is gone (was this control plane reset?)")
    return st


def cluster_info_cm(st, at):
    data = {"kubeconfig": kubeconfig_cluster_only(st["server"], st["caPem"])}
    payload = b64url(data["kubeconfig"].encode())
    for t in st.get("tokens", []):
        if "signing" not in t.get("usages", []) or (t.get("expires") is not None and t["expires"] <= at):
            continue
        header = b64url(json.dumps({"alg": "HS256", "kid": t["id"]}, separators=(",", ":")).encode())
        sig = hmac.new(t["secret"].encode(), ("%s.%s" % (header, payload)).encode(), hashlib.sha256).digest()
        data["jws-kubeconfig-" + t["id"]] = "%s..%s" % (header, b64url(sig))
    return {"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "cluster-info", "namespace": "kube-public"}, "data": data}


def kubeconfig_cluster_only(server, ca_pem):
    return yaml_dump({"apiVersion": "v1", "clusters": [{"cluster": {
        "certificate-authority-data": b64(ca_pem), "server": server}, "name": ""}],
        "contexts": None, "current-context": "", "kind": "Config", "preferences": {}, "users": None})


def r_configmap(h, ident, ns, name):
    st = _state(h)
    if (ns, name) == ("kube-public", "cluster-info"):
        return h.send_json(200, cluster_info_cm(st, h.now()))
    _need(ident, not ident.anonymous, 'configmaps "%s"' % name)
    if (ns, name) == ("kube-system", "kubeadm-config"):
        data = {"ClusterConfiguration": render_cluster(dict(st["clusterConfiguration"],
                                                            kubernetesVersion=st["kubernetesVersion"]),
                                                       st["configApiVersion"])}
        ann = {"kbs-sim.k8s.io/kubeadm-version": st["kubeadmVersion"],
               "kbs-sim.k8s.io/history": json.dumps(st.get("history", []))}
    elif (ns, name) == ("kube-system", "kubelet-config"):
        data, ann = {"kubelet": yaml_dump(st["kubeletConfiguration"])}, {}
    elif (ns, name) == ("kube-system", "kube-proxy"):
        data, ann = {"config.conf": yaml_dump(st.get("kubeProxyConfiguration") or {})}, {}
    else:
        raise Refused(404, "NotFound", 'configmaps "%s" not found' % name)
    h.send_json(200, {"apiVersion": "v1", "kind": "ConfigMap",
                      "metadata": {"name": name, "namespace": ns, "annotations": ann}, "data": data})


def r_nodes(h, ident):
    _need(ident, not ident.anonymous, "list resource \"nodes\"")
    st = _state(h)
    h.send_json(200, {"apiVersion": "v1", "kind": "NodeList",
                      "items": [node_object(n) for _, n in sorted(st["nodes"].items())]})


def r_node(h, ident, name):
    _need(ident, not ident.anonymous, 'get resource "nodes"')
    n = _state(h)["nodes"].get(name)
    if not n:
        raise Refused(404, "NotFound", 'nodes "%s" not found' % name)
    h.send_json(200, node_object(n))


def r_node_delete(h, ident, name):
    _need(ident, ident.admin or ident.node() == name, 'delete resource "nodes"')

    def fn(st):
        if name not in st["nodes"]:
            raise Refused(404, "NotFound", 'nodes "%s" not found' % name)
        del st["nodes"][name]
    h.server.store.update(fn)
    h.send_json(200, _status(200, "", "deleted") | {"status": "Success"})


def _kubelet_skew(st, kubelet_version):
    kv, cv = parse_version(kubelet_version), parse_version(st["kubernetesVersion"])
    if kv[:2] > cv[:2]:
        raise Refused(403, "Forbidden", "kubelet version %s is newer than the control plane (kube-apiserver "
                      "%s): the kubelet must not be newer than the apiserver (version skew policy)"
                      % (vstr(kv), vstr(cv)))


def r_node_patch(h, ident, name, sub):
    b = h.body()
    if sub:
        _need(ident, ident.admin or ident.node() == name, 'patch resource "nodes/status"')
    else:
        _need(ident, ident.admin, 'patch resource "nodes"')

    def fn(st):
        n = st["nodes"].get(name)
        if not n:
            raise Refused(404, "NotFound", 'nodes "%s" not found' % name)
        if sub and b.get("kubeletVersion"):
            _kubelet_skew(st, b["kubeletVersion"])
            n["kubeletVersion"] = vstr(parse_version(b["kubeletVersion"]))
        if not sub and "unschedulable" in (b.get("spec") or {}):
            n["unschedulable"] = bool(b["spec"]["unschedulable"])
        n["heartbeat"] = h.now()
        return node_object(n)
    h.send_json(200, h.server.store.update(fn))


def r_register(h, ident):
    """Join: register the node and sign its kubelet client CSR (bootstrap token or admin)."""
    _need(ident, ident.bootstrap or ident.admin, 'create resource "nodes"')
    b = h.body()
    name = b.get("name") or ""
    cn, orgs = csr_subject(b["csr"])
    if cn != "system:node:" + name or orgs != ["system:nodes"]:
        raise Refused(400, "BadRequest", "the CSR subject must be CN=system:node:%s, O=system:nodes" % name)

    def fn(st):
        if name in st["nodes"]:
            raise Refused(409, "AlreadyExists", 'a Node with name "%s" and status "Ready" already exists in the '
                          'cluster. You must delete the existing Node or change the name of this new joining '
                          'Node' % name)
        _kubelet_skew(st, b["kubeletVersion"])
        pki = rp("/etc/kubernetes/pki")
        cert = sign_csr(b["csr"], pki + "/ca.crt", pki + "/ca.key")
        st["nodes"][name] = {"name": name, "kubeletVersion": vstr(parse_version(b["kubeletVersion"])),
                             "controlPlane": bool(b.get("controlPlane")), "address": b.get("address", ""),
                             "criSocket": b.get("criSocket", ""), "created": h.now(),
                             "apiEndpoint": b.get("apiEndpoint"), "kubeadmVersion": b.get("kubeadmVersion")}
        return {"certificate": cert}
    h.send_json(201, h.server.store.update(fn))


def r_certs_get(h, ident):
    _need(ident, ident.bootstrap or ident.admin, 'get resource "secrets"')
    up = _state(h).get("uploadedCerts")
    if not up or up["expires"] <= h.now():
        raise Refused(404, "NotFound", 'secrets "kubeadm-certs" not found')
    h.send_json(200, {"blob": up["blob"]})


def r_certs_post(h, ident):
    _need(ident, ident.admin, 'create resource "secrets"')
    b = h.body()

    def fn(st):
        st["uploadedCerts"] = {"blob": b["blob"], "expires": h.now() + CERTS_TTL}
    h.server.store.update(fn)
    h.send_json(201, {"expires": rfc3339(h.now() + CERTS_TTL)})


def r_tokens_get(h, ident):
    _need(ident, ident.admin, 'list resource "secrets"')
    h.send_json(200, {"items": _state(h).get("tokens", [])})


def r_tokens_post(h, ident):
    _need(ident, ident.admin, 'create resource "secrets"')
    t = h.body()
    if not TOKEN_RE.match(t.get("token", "")):
        raise Refused(400, "BadRequest", "invalid bootstrap token")
    tid, secret = t["token"].split(".")

    def fn(st):
        st["tokens"] = [x for x in st.get("tokens", []) if x["id"] != tid]
        ttl = t.get("ttl", 86400)
        st["tokens"].append({"id": tid, "secret": secret, "expires": (h.now() + ttl) if ttl else None,
                             "usages": t.get("usages") or ["signing", "authentication"],
                             "groups": t.get("groups") or ["system:bootstrappers:kubeadm:default-node-token"],
                             "description": t.get("description", "")})
    h.server.store.update(fn)
    h.send_json(201, {"id": tid})


def r_tokens_delete(h, ident, tid):
    _need(ident, ident.admin, 'delete resource "secrets"')

    def fn(st):
        before = len(st.get("tokens", []))
        st["tokens"] = [x for x in st.get("tokens", []) if x["id"] != tid]
        if len(st["tokens"]) == before:
            raise Refused(404, "NotFound", 'secrets "bootstrap-token-%s" not found' % tid)
    h.server.store.update(fn)
    h.send_json(200, {"id": tid})


def r_upgrade(h, ident):
    _need(ident, ident.admin, 'update resource "configmaps"')
    b = h.body()

    def fn(st):
        st["kubernetesVersion"] = b["kubernetesVersion"]
        st["kubeadmVersion"] = b["kubeadmVersion"]
        st["configApiVersion"] = b.get("configApiVersion", st["configApiVersion"])
        st.setdefault("history", []).append({"action": "upgrade", "kubeadmVersion": b["kubeadmVersion"],
                                             "kubernetesVersion": b["kubernetesVersion"], "at": h.now()})
    h.server.store.update(fn)
    h.send_json(200, {"kubernetesVersion": b["kubernetesVersion"]})


def r_cluster(h, ident):
    _need(ident, not ident.anonymous, 'get resource "clusters"')
    st = _state(h)
    h.send_json(200, {k: st.get(k) for k in ("kubernetesVersion", "kubeadmVersion", "history",
                                             "primaryEndpoint", "server")})


ROUTES = [
    ("GET", r"/api/v1/namespaces/([^/]+)/configmaps/([^/]+)", r_configmap),
    ("GET", r"/api/v1/nodes", r_nodes),
    ("GET", r"/api/v1/nodes/([^/]+)", r_node),
    ("DELETE", r"/api/v1/nodes/([^/]+)", r_node_delete),
    ("PATCH", r"/api/v1/nodes/([^/]+)(/status)?", r_node_patch),
    ("POST", r"/apis/kbs-sim.k8s.io/v1/nodes", r_register),
    ("GET", r"/apis/kbs-sim.k8s.io/v1/uploadedcerts", r_certs_get),
    ("POST", r"/apis/kbs-sim.k8s.io/v1/uploadedcerts", r_certs_post),
    ("GET", r"/apis/kbs-sim.k8s.io/v1/tokens", r_tokens_get),
    ("POST", r"/apis/kbs-sim.k8s.io/v1/tokens", r_tokens_post),
    ("DELETE", r"/apis/kbs-sim.k8s.io/v1/tokens/([a-z0-9]{6})", r_tokens_delete),
    ("POST", r"/apis/kbs-sim.k8s.io/v1/upgrade", r_upgrade),
    ("GET", r"/apis/kbs-sim.k8s.io/v1/cluster", r_cluster),
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
    srv.ssl_ctx, srv.cfg, srv.store = ctx, cfg, Store()
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    atomic_write(apiserver_pidfile(), "%d\n" % os.getpid())
    sys.stderr.write("%s kube-apiserver (simulated) %s listening on %s:%d%s\n"
                     % (rfc3339(time.time()), cfg["version"], cfg.get("bind") or "0.0.0.0", cfg["port"],
                        " proxying to " + cfg["upstream"] if cfg.get("upstream") else ""))
    sys.stderr.flush()
    srv.serve_forever()
    return 0
