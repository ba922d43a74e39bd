# --- kubeadm init ----------------------------------------------------------------------------
INIT_FLAGS = {"config": "str", "upload-certs": "bool", "skip-phases": "csv", "ignore-preflight-errors": "csv",
              "kubernetes-version": "str", "control-plane-endpoint": "str", "apiserver-advertise-address": "str",
              "apiserver-bind-port": "str", "pod-network-cidr": "str", "service-cidr": "str",
              "service-dns-domain": "str", "node-name": "str", "token": "str", "token-ttl": "str",
              "certificate-key": "str", "cri-socket": "str", "skip-token-print": "bool",
              "skip-certificate-key-print": "bool", "apiserver-cert-extra-sans": "csv", "image-repository": "str",
              "dry-run": "bool", "feature-gates": "str", "patches": "str"}
INIT_MIXABLE = ["ignore-preflight-errors", "skip-phases", "upload-certs", "certificate-key", "skip-token-print",
                "skip-certificate-key-print", "dry-run"]
DEFAULT_CRI = "unix:///var/run/containerd/containerd.sock"
MANIFESTS = ["kube-apiserver", "kube-controller-manager", "kube-scheduler", "etcd"]


def _init_config(a):
    """-> (InitConfiguration body, ClusterConfiguration body, KubeletConfiguration, KubeProxyConfiguration)."""
    a.no_mixing(INIT_MIXABLE)
    docs = load_config_file(a.get("config")) if a.get("config") else {}
    init = json.loads(json.dumps(docs.get("InitConfiguration", (None, {}))[1]))
    cl = json.loads(json.dumps(docs.get("ClusterConfiguration", (None, {}))[1]))
    if not a.get("config"):
        flag_map = [("kubernetes-version", ("kubernetesVersion",)),
                    ("control-plane-endpoint", ("controlPlaneEndpoint",)),
                    ("pod-network-cidr", ("networking", "podSubnet")),
                    ("service-cidr", ("networking", "serviceSubnet")),
                    ("service-dns-domain", ("networking", "dnsDomain")),
                    ("image-repository", ("imageRepository",))]
        for flag, path in flag_map:
            if a.has(flag):
                tgt = cl
                for p in path[:-1]:
                    tgt = tgt.setdefault(p, {})
                tgt[path[-1]] = a.get(flag)
        if a.get("apiserver-cert-extra-sans"):
            cl.setdefault("apiServer", {})["certSANs"] = a.get("apiserver-cert-extra-sans")
        if a.has("apiserver-advertise-address"):
            init.setdefault("localAPIEndpoint", {})["advertiseAddress"] = a.get("apiserver-advertise-address")
        if a.has("apiserver-bind-port"):
            init.setdefault("localAPIEndpoint", {})["bindPort"] = int(a.get("apiserver-bind-port"))
        if a.has("node-name"):
            init.setdefault("nodeRegistration", {})["name"] = a.get("node-name")
        if a.has("cri-socket"):
            init.setdefault("nodeRegistration", {})["criSocket"] = a.get("cri-socket")
        if a.has("token") or a.has("token-ttl"):
            tok = {"token": a.get("token") or random_token()}
            if a.has("token-ttl"):
                tok["ttl"] = a.get("token-ttl")
            init["bootstrapTokens"] = [tok]
    if a.has("certificate-key"):
        init["certificateKey"] = a.get("certificate-key")
    return init, cl, docs.get("KubeletConfiguration", (None, None))[1], \
        docs.get("KubeProxyConfiguration", (None, None))[1]


def _validate_init(init, cl):
    errs = []
    for t in init.get("bootstrapTokens") or []:
        if not TOKEN_RE.match(str(t.get("token", ""))):
            errs.append('bootstrapTokens[0].token: Invalid value: "%s": the bootstrap token is invalid'
                        % ("<value withheld>" if t.get("token") else ""))
        if t.get("ttl") is not None:
            parse_duration(t["ttl"])
    cpe = cl.get("controlPlaneEndpoint")
    if cpe and not re.fullmatch(r"[A-Za-z0-9.\-]+(:\d+)?", str(cpe)):
        errs.append('controlPlaneEndpoint: Invalid value: "%s": must be a valid DNS name or IP address, '
                    'optionally with a port' % cpe)
    for key in ("podSubnet", "serviceSubnet"):
        v = (cl.get("networking") or {}).get(key)
        if v and not all(re.fullmatch(r"\d+\.\d+\.\d+\.\d+/\d+|[0-9a-fA-F:]+/\d+", x.strip()) for x in str(v).split(",")):
            errs.append('networking.%s: Invalid value: "%s": couldn\'t parse subnet' % (key, v))
    k = init.get("certificateKey")
    if k and not re.fullmatch(r"[0-9a-fA-F]{64}", k):
        errs.append("certificateKey: Invalid value: \"<value withheld>\": the certificate key must be 64 "
                    "hexadecimal characters")
    if errs:  # field.ErrorList.ToAggregate(): checkErr exits 3 (ValidationExitCode) for an Aggregate
        raise SimError(errs[0] if len(errs) == 1 else "[" + ", ".join(errs) + "]", code=3)


def cmd_init(argv):
    if argv and argv[0] == "phase":
        return cmd_init_phase(argv[1:])
    a = Args(argv, INIT_FLAGS)
    init, cl, kubelet_user, proxy_user = _init_config(a)
    _validate_init(init, cl)
    ov = own_version()
    kv = parse_version(cl.get("kubernetesVersion") or SIM_VERSION)
    if kv[:2] < (ov[0], ov[1] - 1):
        raise SimError("this version of kubeadm only supports deploying clusters with the control plane version "
                       ">= %d.%d.0. Current version: %s" % (ov[0], ov[1] - 1, vstr(kv)))
    version = vstr(kv)
    cluster = normalize_cluster(merge(default_cluster_config(version), cl))
    stacked = is_stacked(cluster)
    node_reg = init.get("nodeRegistration") or {}
    node_name = (node_reg.get("name") or hostname()).lower()
    cri = node_reg.get("criSocket") or DEFAULT_CRI
    ep = init.get("localAPIEndpoint") or {}
    adv = ep.get("advertiseAddress") or default_ip()
    port = int(ep.get("bindPort") or default_port())
    skip = set(a.get("skip-phases", []) + (init.get("skipPhases") or []))
    ignore = a.get("ignore-preflight-errors", []) + (node_reg.get("ignorePreflightErrors") or [])
    patches = (init.get("patches") or {}).get("directory") or a.get("patches")

    out("[init] Using Kubernetes version: " + version)
    if "preflight" not in skip:
        out("[preflight] Running pre-flight checks")
        pf = Preflight(ignore)
        if kv[:2] > ov[:2]:  # KubernetesVersionCheck: a warning, as checks.go returns it
            pf.warning("KubernetesVersion", "Kubernetes version is greater than kubeadm version. Please consider to "
                       "upgrade kubeadm. Kubernetes version: %s. Kubeadm version: %d.%d.x" % (version[1:], ov[0], ov[1]))
        pf.port(port)
        pf.fixed_ports([10259, 10257])
        for m in MANIFESTS:
            pf.file_available("/etc/kubernetes/manifests/%s.yaml" % m)
        pf.common(cri, version)
        pf.ip_checks()
        if stacked:
            pf.fixed_ports([2379, 2380])
            pf.dir_available(cluster["etcd"]["local"].get("dataDir", "/var/lib/etcd"))
        else:
            for key in ("caFile", "certFile", "keyFile"):
                f = cluster["etcd"]["external"].get(key)
                if f and not os.path.exists(rp(f)):
                    pf.fail("ExternalEtcdClientCertificates", "%s doesn't exist" % f)
        pf.kubelet_version(kv)
        pf.finish()
        out("[preflight] Pulling images required for setting up a Kubernetes cluster",
            "[preflight] This might take a minute or two, depending on the speed of your internet connection",
            "[preflight] You can also perform this action beforehand using 'kubeadm config images pull'")

    cluster_server = "https://" + join_endpoint(cluster, adv, port)
    local_server = "https://%s:%d" % (adv, port)
    gen_shared_pki(stacked)
    gen_node_pki(cluster, node_name, adv)
    conf = ["admin.conf", "super-admin.conf", "kubelet.conf", "controller-manager.conf", "scheduler.conf"]
    write_kubeconfigs(cluster_server, local_server, node_name, conf)
    if stacked:
        out('[etcd] Creating static Pod manifest for local etcd in "/etc/kubernetes/manifests"')
    out('[control-plane] Using manifest folder "/etc/kubernetes/manifests"')
    for c in ("kube-apiserver", "kube-controller-manager", "kube-scheduler"):
        out('[control-plane] Creating static Pod manifest for "%s"' % c)
    write_manifests(cluster, version, adv, port, patches=patches)
    if stacked:  # what the etcd static pod leaves in its data directory
        os.makedirs(rp(cluster["etcd"]["local"].get("dataDir", "/var/lib/etcd") + "/member/snap"), exist_ok=True)
    os.makedirs(sim_state_dir(), exist_ok=True)

    kubelet_cfg = merge(default_kubelet_config(cluster), kubelet_user or {})
    extra = args_to_map(node_reg.get("kubeletExtraArgs"))
    try:
        write_kubelet_files(kubelet_cfg, cri, extra, node_name, version, patches=patches, cluster=cluster)
    except SimError as e:
        raise SimError("error execution phase kubelet-start: error writing kubelet configuration to disk: " + e.msg)
    out("[kubelet-start] Starting the kubelet")
    restart_kubelet()
    out('[wait-control-plane] Waiting for the kubelet to boot up the control plane as static Pods from directory '
        '"/etc/kubernetes/manifests"')
    if "wait-control-plane" not in skip:
        wait_kubelet("wait-control-plane")

    t = now()
    token_list = []
    secrets_ = {}
    for tk in init.get("bootstrapTokens") or [{"token": random_token()}]:
        tid, sec = (tk.get("token") or random_token()).split(".")
        ttl = parse_duration(tk.get("ttl", "24h0m0s"))
        secrets_["kube-system/bootstrap-token-" + tid] = token_secret(
            tid, sec, ttl, t, tk.get("usages") or ("signing", "authentication"), tk.get("groups") or (NODE_GROUP,),
            tk.get("description") or "The default bootstrap token generated by 'kubeadm init'.")
        token_list.append("%s.%s" % (tid, sec))
    ca_pem = read_text(rp(PKI + "/ca.crt"))
    cert_key = None
    if a.get("upload-certs") and "upload-certs" not in skip:
        cert_key = init.get("certificateKey") or secrets.token_hex(32)
        proxy, certs = certs_secret(cert_key, cluster, t)
        secrets_["kube-system/" + proxy["metadata"]["name"]] = proxy
        secrets_["kube-system/kubeadm-certs"] = certs
    objects, dns_lines = addon_objects(cluster, version, patches)
    state = {"clusterConfiguration": cluster, "configApiVersion": preferred_api_version(),
             "kubernetesVersion": version,
             # private: the simulator's join rule (never served)
             "kubeadmVersion": SIM_VERSION,
             "history": [{"action": "init", "kubeadmVersion": SIM_VERSION, "kubernetesVersion": version, "at": t}],
             "kubeletConfiguration": kubelet_cfg,
             "kubeProxyConfiguration": proxy_user or {"apiVersion": "kubeproxy.config.k8s.io/v1alpha1",
                                                      "kind": "KubeProxyConfiguration",
                                                      "clusterCIDR": cluster["networking"].get("podSubnet", "")},
             "caPem": ca_pem, "server": cluster_server, "pods": {"kube-system/kube-apiserver-" + node_name: mirror_pod(node_name, "%s:%d" % (adv, port))},
             "nodes": {}, "heartbeats": {}, "secrets": secrets_, "csrs": {}, "objects": objects,
             "members": [{"name": node_name, "url": local_server}], "revision": 1}
    save_json(cluster_file(), state)
    write_apiserver_cfg(version, port, adv, node_name)
    started = time.time()
    start_apiserver()
    out("[api-check] Waiting for a healthy API server. This can take up to 4m0s",
        "[api-check] The API server is healthy after %.9fs" % (time.time() - started),
        '[upload-config] Storing the configuration used in ConfigMap "kubeadm-config" in the "kube-system" Namespace',
        "[kubelet] Creating a ConfigMap \"kubelet-config\" in namespace kube-system with the configuration for "
        "the kubelets in the cluster")
    if cert_key:
        out('[upload-certs] Storing the certificates in Secret "kubeadm-certs" in the "kube-system" Namespace',
            "[upload-certs] Using certificate key:",
            "<value withheld>" if a.get("skip-certificate-key-print") else cert_key)
    else:
        out("[upload-certs] Skipping phase. Please see --upload-certs")
    if "mark-control-plane" not in skip:
        mark_control_plane(Api.from_kubeconfig(rp(K8S + "/admin.conf")), node_name)
    shown = "<value withheld>" if a.get("skip-token-print") else token_list[0]
    out("[bootstrap-token] Using token: " + shown,
        "[bootstrap-token] Configuring bootstrap tokens, cluster-info ConfigMap, RBAC Roles",
        '[bootstrap-token] Creating the "cluster-info" ConfigMap in the "kube-public" namespace',
        '[kubelet-finalize] Updating "/etc/kubernetes/kubelet.conf" to point to a rotatable kubelet client '
        'certificate and key',
        *dns_lines)
    out("[addons] Applied essential addon: CoreDNS", "[addons] Applied essential addon: kube-proxy")
    _print_init_success(cluster, adv, port, shown, spki_hash(ca_pem),
                        ("<value withheld>" if a.get("skip-certificate-key-print") else cert_key) if cert_key else None)
    return 0


def addon_objects(cluster, version, patches=None):
    """The essential addons kubeadm applies (phases/addons): the kube-proxy DaemonSet and the CoreDNS
    Deployment (2 replicas, tolerating the control-plane taint), the `corednsdeployment` patches applied
    (addons/dns createCoreDNSAddon) -> (objects by path, the [patches] lines to print with the addon)."""
    repo = cluster.get("imageRepository", "registry.k8s.io")
    proxy = {"apiVersion": "apps/v1", "kind": "DaemonSet",
             "metadata": {"name": "kube-proxy", "namespace": "kube-system", "labels": {"k8s-app": "kube-proxy"}},
             "spec": {"selector": {"matchLabels": {"k8s-app": "kube-proxy"}},
                      "template": {"metadata": {"labels": {"k8s-app": "kube-proxy"}},
                                   "spec": {"containers": [{"name": "kube-proxy",
                                                            "image": "%s/kube-proxy:%s" % (repo, version)}],
                                            "tolerations": [{"operator": "Exists"}]}}}}
    dns_image = [i for i in images(cluster, version) if "/coredns:" in i][0]
    dns = {"apiVersion": "apps/v1", "kind": "Deployment",
           "metadata": {"name": "coredns", "namespace": "kube-system", "labels": {"k8s-app": "kube-dns"}},
           "spec": {"replicas": 2, "selector": {"matchLabels": {"k8s-app": "kube-dns"}},
                    "template": {"metadata": {"labels": {"k8s-app": "kube-dns"}},
                                 "spec": {"containers": [{"name": "coredns", "image": dns_image}],
                                          "tolerations": [{"key": "CriticalAddonsOnly", "operator": "Exists"},
                                                          {"key": "node-role.kubernetes.io/control-plane",
                                                           "effect": "NoSchedule"}],
                                          "volumes": [{"name": "config-volume",
                                                       "configMap": {"name": "coredns"}}]}}}}
    lines = []
    if patches:
        try:
            dns = apply_patches(patches, "corednsdeployment", dns, DEPLOYMENT_SCHEMA, lines)
        except SimError as e:
            raise SimError("error execution phase addon/coredns: could not apply patches to the CoreDNS "
                           "Deployment: " + e.msg)
    return {"/apis/apps/v1/namespaces/kube-system/daemonsets/kube-proxy": proxy,
            "/apis/apps/v1/namespaces/kube-system/deployments/coredns": dns}, lines


def _print_init_success(cluster, adv, port, token, ca_hash, cert_key):
    ep = join_endpoint(cluster, adv, port)
    out("", "Your Kubernetes control-plane has initialized successfully!", "",
        "To start using your cluster, you need to run the following as a regular user:", "",
        "  mkdir -p $HOME/.kube", "  sudo cp -i /etc/kubernetes/admin.conf $HOME/.kube/config",
        "  sudo chown $(id -u):$(id -g) $HOME/.kube/config", "",
        "Alternatively, if you are the root user, you can run:", "",
        "  export KUBECONFIG=/etc/kubernetes/admin.conf", "",
        "You should now deploy a pod network to the cluster.",
        'Run "kubectl apply -f [podnetwork].yaml" with one of the options listed at:',
        "  https://kubernetes.io/docs/concepts/cluster-administration/addons/", "")
    if cluster.get("controlPlaneEndpoint"):
        if cert_key:
            out("You can now join any number of the control-plane node running the following command on each "
                "as root:", "",
                "  kubeadm join %s --token %s \\" % (ep, token),
                "\t--discovery-token-ca-cert-hash %s \\" % ca_hash,
                "\t--control-plane --certificate-key %s" % cert_key, "",
                "Please note that the certificate-key gives access to cluster sensitive data, keep it secret!",
                "As a safeguard, uploaded-certs will be deleted in two hours; If necessary, you can use",
                '"kubeadm init phase upload-certs --upload-certs" to reload certs afterward.', "")
        else:
            out("You can now join any number of control-plane nodes by copying certificate authorities",
                "and service account keys on each node and then running the following as root:", "",
                "  kubeadm join %s --token %s \\" % (ep, token),
                "\t--discovery-token-ca-cert-hash %s \\" % ca_hash, "\t--control-plane ", "")
    out("Then you can join any number of worker nodes by running the following on each as root:", "",
        "kubeadm join %s --token %s \\" % (ep, token),
        "\t--discovery-token-ca-cert-hash %s " % ca_hash)


def cmd_init_phase(argv):
    if not argv or argv[0] != "upload-certs":
        raise SimError("the simulator supports only 'kubeadm init phase upload-certs'")
    a = Args(argv[1:], {"upload-certs": "bool", "certificate-key": "str", "config": "str",
                        "skip-certificate-key-print": "bool"})
    if not a.get("upload-certs"):
        out("[upload-certs] Skipping phase. Please see --upload-certs")
        return 0
    key = a.get("certificate-key")
    if a.get("config") and not key:
        docs = load_config_file(a.get("config"))
        key = docs.get("InitConfiguration", (None, {}))[1].get("certificateKey")
    key = key or secrets.token_hex(32)
    if not re.fullmatch(r"[0-9a-fA-F]{64}", key):
        raise SimError("error execution phase upload-certs: error uploading certs: error decoding certificate key")
    api = admin_api(a.get("kubeconfig"))
    cluster = fetch_cluster(api)
    proxy, certs = certs_secret(key, normalize_cluster(cluster), now())
    try:
        api.call("POST", SECRET_PATH, proxy)
        api.call("PUT", SECRET_PATH + "/kubeadm-certs", certs)
    except ApiError as e:
        raise SimError("error execution phase upload-certs: error uploading certs: %s" % e.msg)
    out('[upload-certs] Storing the certificates in Secret "kubeadm-certs" in the "kube-system" Namespace',
        "[upload-certs] Using certificate key:",
        "<value withheld>" if a.get("skip-certificate-key-print") else key)
    return 0
