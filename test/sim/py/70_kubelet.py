# --- kubelet: reads its real arguments, TLS-bootstraps, registers its own Node, posts its status ----
# Follows the kubelet (cmd/kubelet/app/server.go, pkg/kubelet/certificate/bootstrap,
# pkg/kubelet/nodestatus/setters.go): exit 1 without its config file, with an unknown flag, with swap
# on and failSwapOn, or with neither a usable kubeconfig nor a bootstrap kubeconfig.
KUBELET_FLAGS = {
    "config": "str", "kubeconfig": "str", "bootstrap-kubeconfig": "str", "node-ip": "str",
    "hostname-override": "str", "container-runtime-endpoint": "str", "pod-infra-container-image": "str",
    "cgroup-driver": "str", "fail-swap-on": "bool", "node-labels": "str", "register-with-taints": "str",
    "cloud-provider": "str", "provider-id": "str", "root-dir": "str", "cert-dir": "str",
    "rotate-certificates": "bool", "runtime-request-timeout": "str", "address": "str", "port": "str",
    "max-pods": "str", "resolv-conf": "str", "kube-reserved": "str", "system-reserved": "str",
    "eviction-hard": "str", "image-credential-provider-config": "str",
    "image-credential-provider-bin-dir": "str", "runtime-cgroups": "str", "kubelet-cgroups": "str",
    "v": "str", "version": "str", "help": "bool", "node-status-update-frequency": "str",
}
CNI_EXTENSIONS = (".conf", ".conflist", ".json")


def _klog(level, msg):
    t = datetime.datetime.now()
    sys.stderr.write("%s%s %7d kubelet.go:1] %s\n" % (level, t.strftime("%m%d %H:%M:%S.%f"), os.getpid(), msg))
    sys.stderr.flush()


def _fail(msg):
    _klog("E", '"command failed" err="%s"' % msg.replace('"', '\\"'))
    return 1


def parse_kubelet_flags(argv):
    flags = {}
    i = 0
    while i < len(argv):
        arg = argv[i]
        i += 1
        if not arg.startswith("-") or arg == "-":
            raise SimError("unknown command %r for \"kubelet\"" % arg)
        name, eq, val = arg.lstrip("-").partition("=")
        if arg in ("-h",):
            name = "help"
        if name not in KUBELET_FLAGS:
            raise SimError("failed to parse kubelet flag: unknown flag: --%s" % name)
        if KUBELET_FLAGS[name] == "bool":
            flags[name] = val.lower() not in ("false", "0") if eq else True
        else:
            if not eq:
                if name == "version":
                    flags[name] = "true"
                    continue
                if i >= len(argv) or argv[i].startswith("--"):
                    raise SimError("failed to parse kubelet flag: flag needs an argument: --%s" % name)
                val = argv[i]
                i += 1
            flags[name] = val
    return flags


def cni_configured():
    """containerd's CRI reports NetworkReady once /etc/cni/net.d has a config it can load (libcni's
    ConfFiles: *.conf, *.conflist, *.json)."""
    d = rp("/etc/cni/net.d")
    try:
        names = sorted(os.listdir(d))
    except OSError:
        return False
    for n in names:
        if n.endswith(CNI_EXTENSIONS):
            try:
                conf = json.loads(read_text(os.path.join(d, n)))
            except (OSError, ValueError):
                continue
            if isinstance(conf, dict) and conf.get("name") and (conf.get("type") or conf.get("plugins")):
                return True
    return False


def node_addresses(flags, name):
    """pkg/kubelet/nodestatus NodeAddress: --node-ip (must be one of the host's addresses), else an IP
    --hostname-override, else the node name's address when it is local, else the address of the
    default-route interface. -> (addresses, error)."""
    local = {ip for _, ip in local_addresses()}
    ips = []
    if flags.get("node-ip"):
        for ip in flags["node-ip"].split(","):
            ip = ip.strip()
            if ip not in local:
                return [{"type": "Hostname", "address": name}], \
                    'failed to validate nodeIP: node IP: "%s" not found in the host\'s network interfaces' % ip
            ips.append(ip)
    elif re.fullmatch(r"\d+\.\d+\.\d+\.\d+", flags.get("hostname-override") or ""):
        ips.append(flags["hostname-override"])
    else:
        try:
            found = [ai[4][0] for ai in socket.getaddrinfo(name, None, socket.AF_INET)]
        except OSError:
            found = []
        found = [ip for ip in found if ip in local and not ip.startswith("127.")]
        ips.append(found[0] if found else default_ip())
    return [{"type": "InternalIP", "address": ip} for ip in ips] + [{"type": "Hostname", "address": name}], None


def run_pods(api, name):
    """The pods bound to this node that matter on a simulated host: a CNI DaemonSet's pod (a hostPath
    volume at /etc/cni/net.d) installs its config there, from a *.conflist/*.conf/*.json key of one of
    its ConfigMaps (as flannel's install-cni copies cni-conf.json) or else a bridge conflist."""
    pods = api.get("/api/v1/pods?fieldSelector=spec.nodeName%3D" + name)["items"]
    for pod in pods:
        spec = pod.get("spec") or {}
        vols = spec.get("volumes") or []
        if not any((v.get("hostPath") or {}).get("path", "").rstrip("/") == "/etc/cni/net.d" for v in vols):
            continue
        owner = next((r["name"] for r in pod["metadata"].get("ownerReferences") or [] if r.get("kind") == "DaemonSet"),
                     pod["metadata"]["name"])
        target = rp("/etc/cni/net.d/10-%s.conflist" % owner)
        if os.path.exists(target):
            continue
        conf = None
        for v in vols:
            cm = (v.get("configMap") or {}).get("name")
            if not cm:
                continue
            try:
                data = api.get(CM_PATH % (pod["metadata"]["namespace"], cm)).get("data") or {}
            except SimError:
                continue
            conf = next((val for key, val in sorted(data.items()) if key.endswith(CNI_EXTENSIONS)), None)
            if conf:
                break
        atomic_write(target, conf or json.dumps({"cniVersion": "1.0.0", "name": owner,
                                                 "plugins": [{"type": "bridge", "bridge": "cni0"}]}))
        _klog("I", '"Installed CNI configuration" pod="%s/%s" file="%s"'
              % (pod["metadata"]["namespace"], pod["metadata"]["name"], target[len(root()):]))


def tls_bootstrap(bootstrap_path, kubeconfig_path, name):
    """pkg/kubelet/certificate/bootstrap: a CSR with the bootstrap token, the signed certificate in
    /var/lib/kubelet/pki/kubelet-client-current.pem, and kubeconfig pointing at it."""
    kc = KubeConfig(rp(bootstrap_path))
    api = Api(kc.server, kc.ca_pem, token=kc.token, timeout=5)
    pki = rp("/var/lib/kubelet/pki")
    os.makedirs(pki, exist_ok=True)
    key_path = os.path.join(pki, "kubelet-client.key.tmp")
    csr = make_csr(key_path, "system:node:" + name, ("system:nodes",))
    obj = api.call("POST", "/apis/certificates.k8s.io/v1/certificatesigningrequests",
                   {"apiVersion": "certificates.k8s.io/v1", "kind": "CertificateSigningRequest",
                    "metadata": {"generateName": "csr-"},
                    "spec": {"request": b64(csr), "signerName": "kubernetes.io/kube-apiserver-client-kubelet",
                             "usages": ["digital signature", "client auth"]}})
    cert = (obj.get("status") or {}).get("certificate")
    while not cert:
        time.sleep(1)
        cert = (api.get("/apis/certificates.k8s.io/v1/certificatesigningrequests/" + obj["metadata"]["name"])
                .get("status") or {}).get("certificate")
    stamp = datetime.datetime.now().strftime("%Y-%m-%d-%H-%M-%S")
    pem = os.path.join(pki, "kubelet-client-%s.pem" % stamp)
    atomic_write(pem, unb64(cert).decode() + read_text(key_path), 0o600)
    os.unlink(key_path)
    cur = os.path.join(pki, "kubelet-client-current.pem")
    tmp = cur + ".tmp"
    if os.path.lexists(tmp):
        os.unlink(tmp)
    os.symlink(pem, tmp)
    os.replace(tmp, cur)
    user = "default-auth"
    atomic_write(rp(kubeconfig_path), yaml_dump({
        "apiVersion": "v1", "kind": "Config", "preferences": {},
        "clusters": [{"cluster": {"certificate-authority-data": b64(kc.ca_pem), "server": kc.server},
                      "name": "default-cluster"}],
        "contexts": [{"context": {"cluster": "default-cluster", "namespace": "default", "user": user},
                      "name": "default-context"}],
        "current-context": "default-context",
        "users": [{"name": user, "user": {"client-certificate": "/var/lib/kubelet/pki/kubelet-client-current.pem",
                                          "client-key": "/var/lib/kubelet/pki/kubelet-client-current.pem"}}]}),
        0o600)


class _Healthz(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = b"ok" if self.path.split("?")[0] == "/healthz" else b"404 page not found\n"
        self.send_response(200 if body == b"ok" else 404)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def serve_kubelet_ports(port, healthz_addr, healthz_port):
    """Listen where the real kubelet listens: its API port (TLS there; here a socket that closes) and the
    plain-HTTP healthz kubeadm polls."""
    api = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    api.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    api.bind(("0.0.0.0", port))
    api.listen(16)

    def accept():
        while True:
            try:
                c, _ = api.accept()
                c.close()
            except OSError:
                return
    threading.Thread(target=accept, daemon=True).start()
    hz = socketserver.ThreadingTCPServer((healthz_addr, healthz_port), _Healthz, bind_and_activate=False)
    hz.allow_reuse_address = True
    hz.daemon_threads = True
    hz.server_bind()
    hz.server_activate()
    threading.Thread(target=hz.serve_forever, daemon=True).start()


def kubelet_main(argv):
    try:
        flags = parse_kubelet_flags(argv)
    except SimError as e:
        return _fail(e.msg)
    if flags.get("version"):
        out("Kubernetes " + SIM_VERSION)
        return 0
    if flags.get("help"):
        out("kubelet (simulated by kbs for tests)\n\nUsage:\n  kubelet [flags]")
        return 0
    config = flags.get("config", "/var/lib/kubelet/config.yaml")
    try:
        cfg = yaml_load(read_text(rp(config))) or {}
    except OSError:
        return _fail('failed to load kubelet config file, path: %s, error: failed to load Kubelet config file %s, '
                     'error failed to read kubelet config file "%s", error: open %s: no such file or directory'
                     % (config, config, config, config))
    except YamlError as e:
        return _fail("failed to load kubelet config file, path: %s, error: %s" % (config, e.msg))
    if not isinstance(cfg, dict) or cfg.get("kind") != "KubeletConfiguration":
        return _fail("failed to load kubelet config file, path: %s, error: no kind \"KubeletConfiguration\"" % config)
    fail_swap = flags.get("fail-swap-on", cfg.get("failSwapOn", True))
    try:
        swaps = read_text(proc("/swaps")).strip().splitlines()[1:]
    except OSError:
        swaps = []
    if swaps and fail_swap is not False:
        return _fail("failed to run Kubelet: running with swap on is not supported, please disable swap or set "
                     "--fail-swap-on flag to false")
    endpoint = flags.get("container-runtime-endpoint") or cfg.get("containerRuntimeEndpoint") or DEFAULT_CRI
    sock = endpoint[len("unix://"):] if endpoint.startswith("unix://") else endpoint
    try:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(2)
        s.connect(rp(sock))
        s.close()
    except OSError as e:
        return _fail('failed to run Kubelet: validate service connection: validate CRI v1 runtime API for endpoint '
                     '"%s": rpc error: code = Unavailable desc = connection error: desc = "transport: Error while '
                     'dialing: dial unix %s: connect: %s"' % (endpoint, sock, (e.strerror or str(e)).lower()))
    name = (flags.get("hostname-override") or hostname()).lower()
    kubeconfig = flags.get("kubeconfig")
    bootstrap = flags.get("bootstrap-kubeconfig")
    if kubeconfig and not os.path.exists(rp(kubeconfig)) and bootstrap and not os.path.exists(rp(bootstrap)):
        return _fail("failed to run Kubelet: unable to load bootstrap kubeconfig: stat %s: no such file or "
                     "directory" % bootstrap)
    interval = parse_duration(flags.get("node-status-update-frequency") or cfg.get("nodeStatusUpdateFrequency")
                              or "10s")
    if not test_mode() or os.environ.get("KBS_SIM_FIXED_PORTS") == "1":
        # the kubelet's server (port, default 10250) and healthz (127.0.0.1:healthzPort, default 10248)
        try:
            serve_kubelet_ports(int(cfg.get("port") or 10250), cfg.get("healthzBindAddress") or "127.0.0.1",
                                int(cfg.get("healthzPort") or 10248))
        except OSError as e:
            return _fail("failed to run Kubelet: failed to listen: %s" % (e.strerror or str(e)).lower())
    os.makedirs(sim_state_dir(), exist_ok=True)
    atomic_write(kubelet_pidfile(), "%d\n" % os.getpid())

    def stop(*_):
        if read_pid(kubelet_pidfile()) == os.getpid():
            try:
                os.unlink(kubelet_pidfile())
            except OSError:
                pass
        os._exit(0)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    _klog("I", '"Kubelet version" kubeletVersion="%s"' % SIM_VERSION)
    registered, mirrored, last_beat, last_err = False, False, 0.0, None
    while True:
        # static pods: keep the apiserver of this node running (it comes back after a reboot)
        if os.path.exists(rp(K8S + "/manifests/kube-apiserver.yaml")) and os.path.exists(apiserver_file()) \
                and not apiserver_running():
            try:
                start_apiserver(restart=False)
                _klog("I", '"Started static pod" pod="kube-system/kube-apiserver"')
            except SimError as e:
                _klog("E", '"Failed to start static pod" pod="kube-system/kube-apiserver" err="%s"' % e.msg)
        try:
            if kubeconfig and not os.path.exists(rp(kubeconfig)):
                if not bootstrap:
                    raise SimError("no kubeconfig and no bootstrap kubeconfig: running without an API server")
                tls_bootstrap(bootstrap, kubeconfig, name)
                _klog("I", '"Client rotation is on, will bootstrap in background"')
            if kubeconfig and time.time() - last_beat >= interval:
                api = Api.from_kubeconfig(rp(kubeconfig))
                addresses, addr_err = node_addresses(flags, name)
                if addr_err:
                    _klog("E", '"Failed to set some node status fields" err="%s" node="%s"'
                          % (addr_err.replace('"', '\\"'), name))
                ready = cni_configured()
                status = {
                    "addresses": addresses,
                    "conditions": [{"type": "Ready", "status": "True" if ready else "False",
                                    "reason": "KubeletReady" if ready else "KubeletNotReady",
                                    "message": "kubelet is posting ready status" if ready else NOT_READY_MSG}],
                    "nodeInfo": {"kubeletVersion": SIM_VERSION, "containerRuntimeVersion": "containerd://1.7.24",
                                 "osImage": "Debian GNU/Linux 12 (bookworm)", "operatingSystem": "linux",
                                 "architecture": "amd64", "kernelVersion": os.uname().release},
                }
                if not registered:
                    labels = {"kubernetes.io/hostname": name, "kubernetes.io/os": "linux",
                              "kubernetes.io/arch": "amd64", "beta.kubernetes.io/os": "linux",
                              "beta.kubernetes.io/arch": "amd64"}
                    for kv in (flags.get("node-labels") or "").split(","):
                        if "=" in kv:
                            labels[kv.split("=", 1)[0]] = kv.split("=", 1)[1]
                    try:
                        api.call("POST", "/api/v1/nodes", {"apiVersion": "v1", "kind": "Node",
                                                           "metadata": {"name": name, "labels": labels},
                                                           "spec": {}, "status": status})
                        _klog("I", '"Successfully registered node" node="%s"' % name)
                    except ApiError as e:
                        if e.status != 409:
                            raise
                    registered = True
                api.call("PATCH", "/api/v1/nodes/%s/status" % name, {"status": status})
                run_pods(api, name)
                cfg_ = load_json(apiserver_file())
                if cfg_ and not mirrored and os.path.exists(rp(K8S + "/manifests/kube-apiserver.yaml")):
                    try:
                        api.call("POST", "/api/v1/namespaces/kube-system/pods",
                                 mirror_pod(name, "%s:%d" % (cfg_["advertise"], cfg_["port"])))
                    except ApiError as e:
                        if e.status != 409:
                            raise
                    mirrored = True
                last_beat, last_err = time.time(), None
        except SimError as e:
            if e.msg != last_err:
                _klog("E", '"Error updating node status, will retry" err="%s"' % e.msg)
                last_err = e.msg
        time.sleep(min(1.0, interval))
