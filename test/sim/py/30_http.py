# --- http: an HTTPS client for the apiserver simulator --------------------------------------


class ApiError(SimError):
    def __init__(self, status, message, reason=""):
        super().__init__(message)
        self.status = status
        self.reason = reason


def split_server(server):
    m = re.fullmatch(r"(?:https://)?(\[[^\]]+\]|[^:/]+)(?::(\d+))?/?", server.strip())
    if not m:
        raise SimError('invalid server address "%s"' % server)
    return m.group(1).strip("[]"), int(m.group(2) or 443)


class Api:
    """One apiserver endpoint plus credentials (client cert, bearer token or none)."""

    def __init__(self, server, ca_pem=None, cert_pem=None, key_pem=None, token=None, insecure=False,
                 extra_headers=None, timeout=10):
        self.host, self.port = split_server(server)
        self.server = "https://%s:%d" % (self.host, self.port)
        self.ca_pem, self.cert_pem, self.key_pem = ca_pem, cert_pem, key_pem
        self.token, self.insecure, self.timeout = token, insecure, timeout
        self.extra_headers = extra_headers or {}

    @classmethod
    def from_kubeconfig(cls, path):
        kc = KubeConfig(path)
        return cls(kc.server, kc.ca_pem, kc.cert_pem, kc.key_pem, kc.token)

    def _context(self, tmp):
        if self.insecure:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
        else:
            ctx = ssl.create_default_context(cadata=self.ca_pem) if self.ca_pem \
                else ssl.create_default_context()
        if self.cert_pem:
            crt, key = os.path.join(tmp, "c.crt"), os.path.join(tmp, "c.key")
            with open(crt, "w") as f:
                f.write(self.cert_pem)
            fd = os.open(key, os.O_WRONLY | os.O_CREAT, 0o600)
            with os.fdopen(fd, "w") as f:
                f.write(self.key_pem)
            ctx.load_cert_chain(crt, key)
        return ctx

    def raw(self, method, path, body=None, headers=None):
        """-> (status, bytes). Connection problems raise SimError in Go's wording."""
        hdrs = {"Accept": "application/json", "User-Agent": user_agent()}
        if self.token:
            hdrs["Authorization"] = "Bearer " + self.token
        if os.environ.get("KBS_SIM_NOW"):
            hdrs["X-Kbs-Sim-Now"] = str(now())
        hdrs.update(self.extra_headers)
        hdrs.update(headers or {})
        data = None
        if body is not None:
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            hdrs.setdefault("Content-Type", "application/json")
        url = "%s%s" % (self.server, path)
        with tempfile.TemporaryDirectory() as tmp:
            try:
                conn = http.client.HTTPSConnection(self.host, self.port, context=self._context(tmp),
                                                   timeout=self.timeout)
                conn.request(method, path, body=data, headers=hdrs)
                resp = conn.getresponse()
                payload = resp.read()
                conn.close()
                return resp.status, payload
            except ssl.SSLCertVerificationError as e:
                raise SimError('%s "%s": tls: failed to verify certificate: %s'
                               % (method.capitalize(), url, e.verify_message))
            except ConnectionRefusedError:
                raise SimError('%s "%s": dial tcp %s:%d: connect: connection refused'
                               % (method.capitalize(), url, self.host, self.port))
            except (socket.timeout, TimeoutError):
                raise SimError('%s "%s": dial tcp %s:%d: i/o timeout'
                               % (method.capitalize(), url, self.host, self.port))
            except ssl.SSLError as e:
                raise SimError('%s "%s": %s' % (method.capitalize(), url, e))
            except OSError as e:
                raise SimError('%s "%s": dial tcp %s:%d: connect: %s'
                               % (method.capitalize(), url, self.host, self.port, (e.strerror or str(e)).lower()))
            except http.client.HTTPException as e:
                raise SimError('%s "%s": %s' % (method.capitalize(), url, e))

    def call(self, method, path, body=None):
        status, payload = self.raw(method, path, body)
        try:
            obj = json.loads(payload) if payload else {}
        except ValueError:
            obj = {"message": payload.decode(errors="replace").strip()}
        if status >= 400:
            msg = obj.get("message") if isinstance(obj, dict) else None
            raise ApiError(status, msg or "the server responded with status %d" % status,
                           obj.get("reason", "") if isinstance(obj, dict) else "")
        return obj

    def get(self, path):
        return self.call("GET", path)


CM_PATH = "/api/v1/namespaces/%s/configmaps/%s"
SECRET_PATH = "/api/v1/namespaces/kube-system/secrets"


def admin_api(kubeconfig_path=None):
    path = kubeconfig_path or rp("/etc/kubernetes/admin.conf")
    if not os.path.exists(path):
        raise SimError('couldn\'t create a Kubernetes client from file "%s": failed to load admin '
                       'kubeconfig: open %s: no such file or directory'
                       % (kubeconfig_path or "/etc/kubernetes/admin.conf",
                          kubeconfig_path or "/etc/kubernetes/admin.conf"))
    return Api.from_kubeconfig(path)


def node_or_admin_api():
    for p in ("/etc/kubernetes/admin.conf", "/etc/kubernetes/kubelet.conf"):
        if os.path.exists(rp(p)):
            return Api.from_kubeconfig(rp(p))
    raise SimError("open /etc/kubernetes/kubelet.conf: no such file or directory")


def fetch_cluster(api):
    """The kubeadm-config ConfigMap's ClusterConfiguration, decoded."""
    try:
        cm = api.get(CM_PATH % ("kube-system", "kubeadm-config"))
    except ApiError as e:
        raise SimError("unable to fetch the kubeadm-config ConfigMap: %s" % e.msg)
    cfg = yaml_load(cm["data"]["ClusterConfiguration"])
    return cfg
