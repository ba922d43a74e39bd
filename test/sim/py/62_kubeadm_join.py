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
    docs = load_config_file(a.get("config")) if a.get("config") else {}
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
    c["ignore"] = a.get("ignore-preflight-errors", []) + (reg.get("ignorePreflightErrors") or [])
    if not c["endpoint"]:
        raise SimError('discovery: Invalid value: "": bootstrapToken or file must be set')
    if not TOKEN_RE.match(c["token"] or "") or not TOKEN_RE.match(c["tls_token"] or ""):
        raise SimError('[discovery.bootstrapToken.token: Invalid value: "<value withheld>": the bootstrap token is '
                       'invalid, discovery.tlsBootstrapToken: Invalid value: "<value withheld>": the bootstrap token '
                       'is invalid]')
    if not c["hashes"] and not c["unsafe"]:
        raise SimError('discovery.bootstrapToken: Invalid value: "": using token-based discovery without '
                       'caCertHashes can be unsafe. Set unsafeSkipCAVerification as true in your kubeadm config '
                       'file or pass --discovery-token-unsafe-skip-ca-verification flag to continue')
    for h in c["hashes"]:
        if not re.fullmatch(r"sha256:[0-9a-fA-F]{64}", h):
            raise SimError('discovery.bootstrapToken.caCertHashes: Invalid value: "%s": invalid hash "%s", expected '
                           'a "sha256" hash: the format must be "sha256:<hex>"' % (h, h))
    return c


def cmd_join(argv):
    a = Args(argv, JOIN_FLAGS)
    c = _join_config(a)
    name, cp = c["node_name"], c["control_plane"]
    if "preflight" not in c["skip"]:
        out("[preflight] Running pre-flight checks")
        pf = Preflight(c["ignore"])
        pf.common(c["cri"])
        pf.file_available("/etc/kubernetes/kubelet.conf")
        pf.file_available("/etc/kubernetes/bootstrap-kubelet.conf")
        if cp:
            pf.port(c["port"])
            pf.dir_available("/etc/kubernetes/manifests")
        else:
            pf.file_available("/etc/kubernetes/pki/ca.crt")
        pf.kubelet_version(None)
        pf.finish()
    ca_pem, cluster_server = discover(c["endpoint"], c["token"], c["hashes"], c["unsafe"])
    api = Api(c["endpoint"], ca_pem, token=c["tls_token"])
    out("[preflight] Reading configuration from the cluster...",
        "[preflight] FYI: You can look at this config file with 'kubectl -n kube-system get cm kubeadm-config -o yaml'")
    cluster, ann = fetch_cluster(api)
    cluster = normalize_cluster(cluster)
    cluster_kubeadm = ann.get("kbs-sim.k8s.io/kubeadm-version")
    if cluster_kubeadm != SIM_VERSION:
        raise SimError("error execution phase preflight: this version of kubeadm (%s) cannot join a cluster "
                       "created/upgraded with kubeadm %s: use kubeadm %s on this node (the kubeadm version must be "
                       "the one of the last 'kubeadm init' or 'kubeadm upgrade apply')"
                       % (SIM_VERSION, cluster_kubeadm, cluster_kubeadm))
    version = cluster["kubernetesVersion"]
    if "preflight" not in c["skip"]:
        pf = Preflight(c["ignore"])
        pf.kubelet_version(parse_version(version))
        pf.finish()
    try:
        api.get("/api/v1/nodes/" + name)
        raise SimError('error execution phase kubelet-start: a Node with name "%s" and status "Ready" already exists '
                       'in the cluster. You must delete the existing Node or change the name of this new joining '
                       'Node' % name)
    except ApiError as e:
        if e.status != 404:
            raise SimError("error execution phase preflight: unable to check the node name: %s" % e.msg)
    if cp:
        _join_control_plane(api, c, cluster, ca_pem, cluster_server, version)
    kcm = api.get(CM_PATH % ("kube-system", "kubelet-config"))
    kubelet_cfg = yaml_load(kcm["data"]["kubelet"])
    write_kubelet_files(kubelet_cfg, c["cri"], c["kubelet_args"], name, version)
    out("[kubelet-start] Starting the kubelet")
    key_path = rp("/var/lib/kubelet/pki/kubelet-client.key")
    csr = make_csr(key_path, "system:node:" + name, ("system:nodes",))
    try:
        kubelet_v = vstr(kubelet_version())
    except SimError:
        kubelet_v = version
    body = {"name": name, "kubeletVersion": kubelet_v, "controlPlane": cp, "csr": csr, "criSocket": c["cri"],
            "address": c["adv"] if cp else default_ip(), "kubeadmVersion": SIM_VERSION,
            "apiEndpoint": "https://%s:%d" % (c["adv"], c["port"]) if cp else None}
    out("[kubelet-start] Waiting for the kubelet to perform the TLS Bootstrap")
    try:
        cert = api.call("POST", SIM_API + "/nodes", body)["certificate"]
    except ApiError as e:
        raise SimError("error execution phase kubelet-start: %s" % e.msg)
    key_pem = read_text(key_path)
    atomic_write(rp("/etc/kubernetes/kubelet.conf"),
                 kubeconfig(cluster_server, ca_pem, "system:node:" + name, cert, key_pem), 0o600)
    os.unlink(key_path)
    record_node(name, cp, cluster_server, "join")
    restart_kubelet()
    if "wait-kubelet" not in c["skip"] and "kubelet-wait-bootstrap" not in c["skip"]:
        wait_kubelet("kubelet-start")
    if cp:
        out("[mark-control-plane] Marking the node %s as control-plane by adding the labels: "
            "[node-role.kubernetes.io/control-plane node.kubernetes.io/exclude-from-external-load-balancers]" % name,
            "[mark-control-plane] Marking the node %s as control-plane by adding the taints "
            "[node-role.kubernetes.io/control-plane:NoSchedule]" % name, "",
            "This node has joined the cluster and a new control plane instance was created:", "",
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
            blob = api.get(SIM_API + "/uploadedcerts")["blob"]
        except ApiError as e:
            if e.status != 404:
                raise SimError("error execution phase control-plane-prepare/download-certs: error downloading "
                               "certs: %s" % e.msg)
            raise SimError('error execution phase control-plane-prepare/download-certs: error downloading certs: '
                           'error downloading the secret: Secret "kubeadm-certs" was not found in the "kube-system" '
                           'Namespace. This Secret might have expired. Please, run `kubeadm init phase upload-certs '
                           '--upload-certs` on a control plane to generate a new one')
        unpack_certs(c["certificate_key"], blob)
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
    write_manifests(cluster, version, c["adv"], c["port"])
    if stacked:
        out("[etcd] Announced new etcd member joining to the existing etcd cluster",
            "[etcd] Creating static Pod manifest for \"etcd\"")
    primary = api.get(SIM_API + "/cluster")["primaryEndpoint"]
    write_apiserver_cfg(version, c["port"], c["adv"], upstream=primary)
    start_apiserver()
