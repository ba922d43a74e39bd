# --- kubeadm join ----------------------------------------------------------------------------
JOIN_FLAGS = {"config": "str", "token": "str", "discovery-token": "str", "tls-bootstrap-token": "str",
              "discovery-token-ca-cert-hash": "list", "discovery-token-unsafe-skip-ca-verification": "bool",
              "discovery-file": "str", "control-plane": "bool", "certificate-key": "str",
              "apiserver-advertise-address": "str", "apiserver-bind-port": "str", "node-name": "str",
              "ignore-preflight-errors": "csv", "skip-phases": "csv", "cri-socket": "str", "dry-run": "bool",
              "patches": "str"}
JOIN_MIXABLE = ["ignore-preflight-errors", "skip-phases", "dry-run", "control-plane", "certificate-key"]


def discover(endpoint, token, hashes, unsafe):
    """Token discovery: cluster-info over unverified TLS, JWS check with the token, CA pin check."""
    tid, secret = token.split(".")
    api = Api(endpoint, insecure=True, timeout=5)
    deadline = time.time() + float(os.environ.get("KBS_SIM_DISCOVERY_TIMEOUT", "15"))
    while True:
        try:
            cm = api.get(CM_PATH % ("kube-public", "cluster-info"))
            break
        except SimError as e:
            if time.time() > deadline:
                raise SimError("error execution phase preflight: couldn't validate the identity of the API Server: "
                               "%s" % e.msg)
            time.sleep(1)
    kc_text = cm["data"]["kubeconfig"]
    sig = cm["data"].get("jws-kubeconfig-" + tid)
    if not sig:
        raise SimError('error execution phase preflight: couldn\'t validate the identity of the API Server: could '
                       'not find a JWS signature in the cluster-info ConfigMap for token ID "%s" (the token does '
                       'not exist or has expired: create one with \'kubeadm token create\' on a control-plane '
                       'node)' % tid)
    header, _, given = sig.partition("..")
    want = b64url(hmac.new(secret.encode(), ("%s.%s" % (header, b64url(kc_text.encode()))).encode(),
                           hashlib.sha256).digest())
    if not hmac.compare_digest(want, given):
        raise SimError("error execution phase preflight: couldn't validate the identity of the API Server: failed "
                       "to verify JWS signature of received cluster info object, can't trust this API Server")
    kc = yaml_load(kc_text)
    cluster = kc["clusters"][0]["cluster"]
    ca_pem = unb64(cluster["certificate-authority-data"]).decode()
    if not unsafe:
        got = spki_hash(ca_pem)
        if got not in [h.lower() for h in hashes]:
            raise SimError('error execution phase preflight: couldn\'t validate the identity of the API Server: '
                           'cluster CA found in cluster-info ConfigMap is invalid: none of the public keys "%s" are '
                           'pinned' % got)
    return ca_pem, cluster["server"]


def _join_config(a):
    a.no_mixing(JOIN_MIXABLE)
    docs = load_config_file(a.get("config"), command="join") if a.get("config") else {}
    jc = docs.get("JoinConfiguration", (None, None))[1]
    if a.get("config") and jc is None:
        raise SimError("no JoinConfiguration kind was found in the YAML file")
    jc = json.loads(json.dumps(jc or {}))
    disc = (jc.get("discovery") or {}).get("bootstrapToken") or {}
    c = {"endpoint": a.positional[0] if a.positional else disc.get("apiServerEndpoint"),
         "token": a.get("discovery-token") or a.get("token") or disc.get("token"),
         "hashes": a.get("discovery-token-ca-cert-hash") or disc.get("caCertHashes") or [],
         "unsafe": a.get("discovery-token-unsafe-skip-ca-verification") or disc.get("unsafeSkipCAVerification"),
         "control_plane": bool(a.get("control-plane")) or "controlPlane" in jc,
         "skip": set(a.get("skip-phases", []) + (jc.get("skipPhases") or []))}
    c["tls_token"] = a.get("tls-bootstrap-token") or a.get("token") or (jc.get("discovery") or {}).get(
        "tlsBootstrapToken") or c["token"]
    cp = jc.get("controlPlane") or {}
    c["certificate_key"] = a.get("certificate-key") or cp.get("certificateKey")
    lep = cp.get("localAPIEndpoint") or {}
    c["adv"] = a.get("apiserver-advertise-address") or lep.get("advertiseAddress") or default_ip()
    c["port"] = int(a.get("apiserver-bind-port") or lep.get("bindPort") or default_port())
    reg = jc.get("nodeRegistration") or {}
    c["node_name"] = (a.get("node-name") or reg.get("name") or hostname()).lower()
    c["cri"] = a.get("cri-socket") or reg.get("criSocket") or DEFAULT_CRI
    c["kubelet_args"] = args_to_map(reg.get("kubeletExtraArgs"))
    c["taints"] = reg.get("taints")
    c["patches"] = (jc.get("patches") or {}).get("directory") or a.get("patches")
    c["ignore"] = a.get("ignore-preflight-errors", []) + (reg.get("ignorePreflightErrors") or [])
    if not c["endpoint"]:
        raise SimError('discovery: Invalid value: "": bootstrapToken or file must be set', code=3)
    if not TOKEN_RE.match(c["token"] or "") or not TOKEN_RE.match(c["tls_token"] or ""):
        raise SimError('[discovery.bootstrapToken.token: Invalid value: "<value withheld>": the bootstrap token is '
                       'invalid, discovery.tlsBootstrapToken: Invalid value: "<value withheld>": the bootstrap token '
                       'is invalid]', code=3)
    if not c["hashes"] and not c["unsafe"]:
        raise SimError('discovery.bootstrapToken: Invalid value: "": using token-based discovery without '
                       'caCertHashes can be unsafe. Set unsafeSkipCAVerification as true in your kubeadm config '
                       'file or pass --discovery-token-unsafe-skip-ca-verification flag to continue', code=3)
    for h in c["hashes"]:
        if not re.fullmatch(r"sha256:[0-9a-fA-F]{64}", h):
            raise SimError('discovery.bootstrapToken.caCertHashes: Invalid value: "%s": invalid hash "%s", expected '
                           'a "sha256" hash: the format must be "sha256:<hex>"' % (h, h), code=3)
    return c


def _node_ready_exists(api, name):
    """phases/join/kubelet.go: refuse only while a Node of this name exists with Ready=True."""
    try:
        node = api.get("/api/v1/nodes/" + name)
    except ApiError as e:
        if e.status == 404:
            return
        raise SimError('error execution phase kubelet-start: cannot get Node "%s": %s' % (name, e.msg))
    if node_ready(node):
        raise SimError('error execution phase kubelet-start: a Node with name "%s" and status "Ready" already exists '
                       'in the cluster. You must delete the existing Node or change the name of this new joining '
                       'Node' % name)


def wait_tls_bootstrap(timeout):
    """Wait for the kubelet to turn bootstrap-kubelet.conf into kubelet.conf."""
    end = time.time() + timeout
    while time.time() < end:
        path = rp("/etc/kubernetes/kubelet.conf")
        if os.path.exists(path):
            try:
                kc = KubeConfig(path)
                if kc.cert_pem:
                    return kc
            except SimError:
                pass
        time.sleep(0.2)
    raise SimError("error execution phase kubelet-start: timed out waiting for the condition\n"
                   "This error is likely caused by:\n\t- The kubelet is not running\n"
                   "\t- The kubelet is unhealthy due to a misconfiguration of the node in some way "
                   "(required cgroups disabled)\n\nIf you are on a systemd-powered system, you can try to "
                   "troubleshoot the error with the following commands:\n\t- 'systemctl status kubelet'\n"
                   "\t- 'journalctl -xeu kubelet'")


def cmd_join(argv):
    a = Args(argv, JOIN_FLAGS)
    c = _join_config(a)
    name, cp = c["node_name"], c["control_plane"]
    if "preflight" not in c["skip"]:
        out("[preflight] Running pre-flight checks")
        pf = Preflight(c["ignore"])
        pf.file_available("/etc/kubernetes/kubelet.conf")
        pf.file_available("/etc/kubernetes/bootstrap-kubelet.conf")
        pf.common(c["cri"], "")
        if not cp:
            pf.file_available("/etc/kubernetes/pki/ca.crt")
        if re.fullmatch(r"[0-9.]+(:\d+)?", c["endpoint"] or ""):
            pf.ip_checks()
        pf.kubelet_version(None)
        pf.finish()
    ca_pem, cluster_server = discover(c["endpoint"], c["token"], c["hashes"], c["unsafe"])
    # after discovery, everything goes to the server cluster-info names (the control-plane endpoint)
    api = Api(cluster_server, ca_pem, token=c["tls_token"])
    out("[preflight] Reading configuration from the cluster...",
        "[preflight] FYI: You can look at this config file with 'kubectl -n kube-system get cm kubeadm-config -o yaml'")
    try:
        cluster = normalize_cluster(fetch_cluster(api))
    except SimError as e:
        raise SimError("error execution phase preflight: " + e.msg)
    version = cluster["kubernetesVersion"]
    if "preflight" not in c["skip"]:
        pf = Preflight(c["ignore"])
        pf.kubelet_version(parse_version(version))
        if cp:
            pf.port(c["port"])
            pf.fixed_ports([10259, 10257] + ([2379, 2380] if is_stacked(cluster) else []))
            for m in MANIFESTS:
                pf.file_available("/etc/kubernetes/manifests/%s.yaml" % m)
            if is_stacked(cluster):
                pf.dir_available(cluster["etcd"]["local"].get("dataDir", "/var/lib/etcd"))
        pf.finish()
    if cp:
        _join_control_plane(api, c, cluster, ca_pem, cluster_server, version)
    kcm = api.get(CM_PATH % ("kube-system", "kubelet-config"))
    kubelet_cfg = yaml_load(kcm["data"]["kubelet"])
    boot = rp("/etc/kubernetes/bootstrap-kubelet.conf")
    atomic_write(boot, kubeconfig(cluster_server, ca_pem, "tls-bootstrap-token-user", token=c["tls_token"]), 0o600)
    if not os.path.exists(rp(PKI + "/ca.crt")):
        atomic_write(rp(PKI + "/ca.crt"), ca_pem)
    _node_ready_exists(api, name)
    stop_kubelet()
    try:
        write_kubelet_files(kubelet_cfg, c["cri"], c["kubelet_args"], name, version,
                            taints=None if cp else c.get("taints"), patches=c["patches"], cluster=cluster, join=True)
    except SimError as e:
        raise SimError("error execution phase kubelet-start: " + e.msg)
    out("[kubelet-start] Starting the kubelet")
    restart_kubelet()
    timeout = float(os.environ.get("KBS_SIM_KUBELET_TIMEOUT", "240"))
    if "kubelet-wait-bootstrap" not in c["skip"]:
        wait_kubelet("kubelet-start", timeout)
        out("[kubelet-start] Waiting for the kubelet to perform the TLS Bootstrap")
        wait_tls_bootstrap(timeout)
        try:
            os.unlink(boot)
        except OSError:
            pass
    if cp:
        mark_control_plane(Api.from_kubeconfig(rp(K8S + "/admin.conf")), name)
        out("", "This node has joined the cluster and a new control plane instance was created:", "",
            "* Certificate signing request was sent to apiserver and approval was received.",
            "* The Kubelet was informed of the new secure connection details.",
            "* Control plane label and taint were applied to the new node.",
            "* The Kubernetes control plane instances scaled up.",
            "* A new etcd member was added to the local/stacked etcd cluster.", "",
            "To start administering your cluster from this node, you need to run the following as a regular user:",
            "", "\tmkdir -p $HOME/.kube", "\tsudo cp -i /etc/kubernetes/admin.conf $HOME/.kube/config",
            "\tsudo chown $(id -u):$(id -g) $HOME/.kube/config", "",
            "Run 'kubectl get nodes' to see this node join the cluster.", "")
    else:
        out("", "This node has joined the cluster:",
            "* Certificate signing request was sent to apiserver and a response was received.",
            "* The Kubelet was informed of the new secure connection details.", "",
            "Run 'kubectl get nodes' on the control-plane to see this node join the cluster.", "")
    return 0


def _join_control_plane(api, c, cluster, ca_pem, cluster_server, version):
    if not cluster.get("controlPlaneEndpoint"):
        raise SimError("error execution phase preflight: \nOne or more conditions for hosting a new control plane "
                       "instance is not satisfied.\n\nunable to add a new control plane instance to a cluster that "
                       "doesn't have a stable controlPlaneEndpoint address\n\nPlease ensure that:\n"
                       "* The cluster has a stable controlPlaneEndpoint address.\n"
                       "* The certificates that must be shared among control plane instances are provided.\n")
    out("[preflight] Running pre-flight checks before initializing the new control plane instance")
    stacked = is_stacked(cluster)
    if c["certificate_key"]:
        check_certificate_key(c["certificate_key"])
        out('[download-certs] Downloading the certificates in Secret "kubeadm-certs" in the "kube-system" Namespace')
        try:
            data = api.get(SECRET_PATH + "/kubeadm-certs").get("data") or {}
        except ApiError as e:
            if e.status != 404:
                raise SimError("error execution phase control-plane-prepare/download-certs: error downloading "
                               "certs: %s" % e.msg)
            raise SimError('error execution phase control-plane-prepare/download-certs: error downloading certs: '
                           'error downloading the secret: Secret "kubeadm-certs" was not found in the "kube-system" '
                           'Namespace. This Secret might have expired. Please, run `kubeadm init phase upload-certs '
                           '--upload-certs` on a control plane to generate a new one')
        unpack_certs(c["certificate_key"], cluster, data)
        out("[download-certs] Saving the certificates to the folder: \"/etc/kubernetes/pki\"")
    else:
        missing = [p for p in shared_cert_paths(cluster) if not os.path.exists(rp(p))]
        if missing:
            raise SimError("error execution phase preflight: \nOne or more conditions for hosting a new control "
                           "plane instance is not satisfied.\n\n[%s]\n\nPlease ensure that:\n"
                           "* The cluster has a stable controlPlaneEndpoint address.\n"
                           "* The certificates that must be shared among control plane instances are provided.\n"
                           % ", ".join("failure loading %s: open %s: no such file or directory"
                                       % (p[len(PKI) + 1:] if p.startswith(PKI + "/") else p, p) for p in missing))
        if read_text(rp(PKI + "/ca.crt")).strip() != ca_pem.strip():
            raise SimError("error execution phase control-plane-prepare/certs: the local /etc/kubernetes/pki/ca.crt "
                           "is not the cluster's CA")
    gen_node_pki(cluster, c["node_name"], c["adv"])
    local = "https://%s:%d" % (c["adv"], c["port"])
    write_kubeconfigs(cluster_server, local, c["node_name"], ["admin.conf", "controller-manager.conf",
                                                              "scheduler.conf"])
    out("[control-plane] Using manifest folder \"/etc/kubernetes/manifests\"")
    write_manifests(cluster, version, c["adv"], c["port"], patches=c["patches"], phases=JOIN_MANIFEST_PHASES)
    if stacked:
        out("[etcd] Announced new etcd member joining to the existing etcd cluster",
            "[etcd] Creating static Pod manifest for \"etcd\"")
    # the new member: added through a live control plane (the leader applies it), then a full copy
    local_state = member_call("POST", PEER + "/members", {"name": c["node_name"], "url": local})
    save_json(cluster_file(), local_state)
    write_apiserver_cfg(version, c["port"], c["adv"], c["node_name"])
    start_apiserver()
