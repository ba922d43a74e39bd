# --- controlplane: pki, kubeconfigs, static pod manifests, kubelet files --------------------
K8S = "/etc/kubernetes"
PKI = K8S + "/pki"
SHARED_CERTS = ["ca.crt", "ca.key", "sa.key", "sa.pub", "front-proxy-ca.crt", "front-proxy-ca.key",
                "etcd/ca.crt", "etcd/ca.key"]


def is_stacked(cluster):
    return "external" not in (cluster.get("etcd") or {})


def _parallel(jobs):
    errors = []

    def run(fn, args):
        try:
            fn(*args)
        except Exception as e:  # noqa: collected and re-raised below
            errors.append(e)
    threads = [threading.Thread(target=run, args=j) for j in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]


def gen_shared_pki(stacked):
    pki = rp(PKI)
    out('[certs] Using certificateDir folder "%s"' % PKI)
    jobs = []
    for name, cn in (("ca", "kubernetes"), ("front-proxy-ca", "front-proxy-ca"), ("etcd/ca", "etcd-ca")):
        if name == "etcd/ca" and not stacked:
            continue
        if os.path.exists("%s/%s.crt" % (pki, name)) and os.path.exists("%s/%s.key" % (pki, name)):
            out("[certs] Using existing %s certificate authority" % name)
            continue
        out('[certs] Generating "%s" certificate and key' % name)
        jobs.append((gen_ca, ("%s/%s.crt" % (pki, name), "%s/%s.key" % (pki, name), cn)))
    _parallel(jobs)
    if not os.path.exists(pki + "/sa.key"):
        out('[certs] Generating "sa" key and public key')
        gen_keypair(pki + "/sa.key", pki + "/sa.pub")


def apiserver_sans(cluster, node_name, adv):
    sans = ["kubernetes", "kubernetes.default", "kubernetes.default.svc",
            "kubernetes.default.svc." + cluster.get("networking", {}).get("dnsDomain", "cluster.local"),
            node_name]
    svc = cluster.get("networking", {}).get("serviceSubnet", "10.96.0.0/12").split(",")[0].split("/")[0]
    parts = svc.split(".")
    sans.append("%s.%s.%s.%d" % (parts[0], parts[1], parts[2], int(parts[3]) + 1))
    sans.append(adv)
    cpe = cluster.get("controlPlaneEndpoint")
    if cpe:
        sans.append(split_server(cpe)[0])
    sans += cluster.get("apiServer", {}).get("certSANs") or []
    return list(dict.fromkeys(sans))


def gen_node_pki(cluster, node_name, adv):
    pki = rp(PKI)
    ca, cak = pki + "/ca.crt", pki + "/ca.key"
    jobs = [(gen_signed, (ca, cak, pki + "/apiserver.crt", pki + "/apiserver.key", "kube-apiserver", (),
                          apiserver_sans(cluster, node_name, adv), "server")),
            (gen_signed, (ca, cak, pki + "/apiserver-kubelet-client.crt", pki + "/apiserver-kubelet-client.key",
                          "kube-apiserver-kubelet-client", ("kubeadm:cluster-admins",), (), "client")),
            (gen_signed, (pki + "/front-proxy-ca.crt", pki + "/front-proxy-ca.key", pki + "/front-proxy-client.crt",
                          pki + "/front-proxy-client.key", "front-proxy-client", (), (), "client"))]
    names = ["apiserver", "apiserver-kubelet-client", "front-proxy-client"]
    if is_stacked(cluster):
        e, ek = pki + "/etcd/ca.crt", pki + "/etcd/ca.key"
        esans = [node_name, "localhost", adv, "127.0.0.1", "::1"]
        jobs += [(gen_signed, (e, ek, pki + "/etcd/server.crt", pki + "/etcd/server.key", node_name, (), esans, "both")),
                 (gen_signed, (e, ek, pki + "/etcd/peer.crt", pki + "/etcd/peer.key", node_name, (), esans, "both")),
                 (gen_signed, (e, ek, pki + "/etcd/healthcheck-client.crt", pki + "/etcd/healthcheck-client.key",
                               "kube-etcd-healthcheck-client", (), (), "client")),
                 (gen_signed, (e, ek, pki + "/apiserver-etcd-client.crt", pki + "/apiserver-etcd-client.key",
                               "kube-apiserver-etcd-client", (), (), "client"))]
        names += ["etcd/server", "etcd/peer", "etcd/healthcheck-client", "apiserver-etcd-client"]
    for n in names:
        out('[certs] Generating "%s" certificate and key' % n)
    out("[certs] apiserver serving cert is signed for DNS names and IPs [%s]"
        % " ".join(apiserver_sans(cluster, node_name, adv)))
    _parallel(jobs)


def write_kubeconfigs(cluster_server, local_server, node_name, files):
    pki = rp(PKI)
    specs = {"admin.conf": (cluster_server, "kubernetes-admin", ("kubeadm:cluster-admins",)),
             "super-admin.conf": (cluster_server, "kubernetes-super-admin", ("system:masters",)),
             "kubelet.conf": (cluster_server, "system:node:" + node_name, ("system:nodes",)),
             "controller-manager.conf": (local_server, "system:kube-controller-manager", ()),
             "scheduler.conf": (local_server, "system:kube-scheduler", ())}
    out('[kubeconfig] Using kubeconfig folder "%s"' % K8S)
    jobs = []
    for f in files:
        server, cn, orgs = specs[f]
        out('[kubeconfig] Writing "%s" kubeconfig file' % f)
        jobs.append((write_client_kubeconfig, (rp(K8S + "/" + f), server, pki, cn, orgs)))
    _parallel(jobs)


def _pod(name, image, command, port=None, extra_labels=None, annotations=None):
    spec = {"containers": [{"command": command, "image": image, "imagePullPolicy": "IfNotPresent",
                            "name": name, "resources": {"requests": {"cpu": "250m"}}}],
            "hostNetwork": True, "priority": 2000001000, "priorityClassName": "system-node-critical"}
    if port:
        spec["containers"][0]["livenessProbe"] = {"httpGet": {"host": "127.0.0.1", "path": "/livez",
                                                              "port": port, "scheme": "HTTPS"}}
    meta = {"labels": dict({"component": name, "tier": "control-plane"}, **(extra_labels or {})),
            "name": name, "namespace": "kube-system"}
    if annotations:
        meta["annotations"] = annotations
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec}


INIT_MANIFEST_PHASES = {"etcd": ("etcd/local", "error creating local etcd static pod manifest file: "),
                        "kube-apiserver": ("control-plane/apiserver", ""),
                        "kube-controller-manager": ("control-plane/controller-manager", ""),
                        "kube-scheduler": ("control-plane/scheduler", "")}
JOIN_MANIFEST_PHASES = {"etcd": ("control-plane-join/etcd", "error creating local etcd static pod manifest file: "),
                        "kube-apiserver": ("control-plane-prepare/control-plane", ""),
                        "kube-controller-manager": ("control-plane-prepare/control-plane", ""),
                        "kube-scheduler": ("control-plane-prepare/control-plane", "")}


def write_manifests(cluster, version, adv, port, patches=None, phases=None):
    """The static pods; with a patches directory each is patched (etcd first, as the phases run) and a
    failure is reported as `phases` names it: {component: (phase, wrap text)}."""
    repo = cluster.get("imageRepository", "registry.k8s.io")
    mdir = rp(K8S + "/manifests")
    os.makedirs(mdir, exist_ok=True)
    svc = cluster.get("networking", {}).get("serviceSubnet", "10.96.0.0/12")
    api_args = {"advertise-address": adv, "allow-privileged": "true", "authorization-mode": "Node,RBAC",
                "client-ca-file": PKI + "/ca.crt", "enable-admission-plugins": "NodeRestriction",
                "secure-port": str(port), "service-cluster-ip-range": svc,
                "tls-cert-file": PKI + "/apiserver.crt", "tls-private-key-file": PKI + "/apiserver.key",
                "service-account-key-file": PKI + "/sa.pub", "service-account-signing-key-file": PKI + "/sa.key",
                "requestheader-client-ca-file": PKI + "/front-proxy-ca.crt",
                "proxy-client-cert-file": PKI + "/front-proxy-client.crt",
                "proxy-client-key-file": PKI + "/front-proxy-client.key"}
    if is_stacked(cluster):
        api_args.update({"etcd-servers": "https://127.0.0.1:2379", "etcd-cafile": PKI + "/etcd/ca.crt",
                         "etcd-certfile": PKI + "/apiserver-etcd-client.crt",
                         "etcd-keyfile": PKI + "/apiserver-etcd-client.key"})
    else:
        ext = cluster["etcd"]["external"]
        api_args.update({"etcd-servers": ",".join(ext.get("endpoints") or []), "etcd-cafile": ext.get("caFile", ""),
                         "etcd-certfile": ext.get("certFile", ""), "etcd-keyfile": ext.get("keyFile", "")})
    api_args.update(cluster.get("apiServer", {}).get("extraArgs") or {})
    pods = {"kube-apiserver": _pod("kube-apiserver", "%s/kube-apiserver:%s" % (repo, version),
                                   ["kube-apiserver"] + ["--%s=%s" % kv for kv in sorted(api_args.items())], port,
                                   annotations={"kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint":
                                                "%s:%d" % (adv, port)})}
    cm_args = {"kubeconfig": K8S + "/controller-manager.conf", "leader-elect": "true",
               "cluster-signing-cert-file": PKI + "/ca.crt", "cluster-signing-key-file": PKI + "/ca.key",
               "service-cluster-ip-range": svc, "use-service-account-credentials": "true"}
    pod_cidr = cluster.get("networking", {}).get("podSubnet")
    if pod_cidr:
        cm_args.update({"allocate-node-cidrs": "true", "cluster-cidr": pod_cidr})
    cm_args.update(cluster.get("controllerManager", {}).get("extraArgs") or {})
    pods["kube-controller-manager"] = _pod("kube-controller-manager", "%s/kube-controller-manager:%s" % (repo, version),
                                           ["kube-controller-manager"] + ["--%s=%s" % kv for kv in sorted(cm_args.items())],
                                           10257)
    sch_args = {"kubeconfig": K8S + "/scheduler.conf", "leader-elect": "true"}
    sch_args.update(cluster.get("scheduler", {}).get("extraArgs") or {})
    pods["kube-scheduler"] = _pod("kube-scheduler", "%s/kube-scheduler:%s" % (repo, version),
                                  ["kube-scheduler"] + ["--%s=%s" % kv for kv in sorted(sch_args.items())], 10259)
    if is_stacked(cluster):
        local = cluster.get("etcd", {}).get("local", {})
        etcd_img = [i for i in images(cluster, version) if "/etcd:" in i][0]
        if local.get("imageTag"):
            etcd_img = etcd_img.rsplit(":", 1)[0] + ":" + local["imageTag"]
        pods["etcd"] = _pod("etcd", etcd_img, ["etcd", "--advertise-client-urls=https://%s:2379" % adv,
                                               "--data-dir=" + local.get("dataDir", "/var/lib/etcd"),
                                               "--name=" + hostname()], 2381)
    for name in ("etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler"):
        if name not in pods:
            continue
        if patches:
            try:
                pods[name] = patch_static_pod(patches, name, pods[name])
            except SimError as e:
                phase, wrap = (phases or INIT_MANIFEST_PHASES)[name]
                raise SimError("error execution phase %s: %s%s" % (phase, wrap, e.msg))
        atomic_write(os.path.join(mdir, name + ".yaml"), yaml_dump(pods[name]), 0o600)
    return sorted(pods)


def manifest_version():
    """The kube-apiserver image tag of this node's static pod, or None."""
    try:
        text = read_text(rp(K8S + "/manifests/kube-apiserver.yaml"))
    except OSError:
        return None
    m = re.search(r"image: \S+/kube-apiserver:(v[0-9.]+)", text)
    return m.group(1) if m else None


INSTANCE_CONFIG = "/var/lib/kubelet/instance-config.yaml"


def write_kubelet_files(kubelet_cfg, cri_socket, extra_args, node_name, version, taints=None, patches=None,
                        cluster=None, join=False):
    """phases/kubelet: kubeadm-flags.env (KUBELET_KUBEADM_ARGS), with NodeLocalCRISocket instance-config.yaml
    (containerRuntimeEndpoint), and config.yaml: the cluster's KubeletConfiguration with the
    `kubeletconfiguration` patches, then instance-config.yaml, applied (WriteConfigToDisk). init writes the
    flags first, join last. Raises SimError with kubeadm's message (without the phase)."""
    local_cri = node_local_cri_socket(cluster)
    if not join:
        _write_kubelet_flags(cri_socket, extra_args, node_name, version, taints, local_cri)
    instance = None
    if local_cri:
        out('[kubelet-start] Writing kubelet configuration to file "%s"' % INSTANCE_CONFIG)
        atomic_write(rp(INSTANCE_CONFIG), "containerRuntimeEndpoint: %s\n" % go_quote(cri_socket))
        instance = INSTANCE_CONFIG
    elif not join and own_version()[1] >= 32:
        out("[kubelet-start] Skipping writing instance kubelet configuration file as the NodeLocalCRISocket "
            "feature gate is disabled")
    cfg = patch_kubelet_config(kubelet_cfg, patches, instance)
    out('[kubelet-start] Writing kubelet configuration to file "/var/lib/kubelet/config.yaml"')
    atomic_write(rp("/var/lib/kubelet/config.yaml"), yaml_dump(cfg))
    if join:
        _write_kubelet_flags(cri_socket, extra_args, node_name, version, taints, local_cri)


def _write_kubelet_flags(cri_socket, extra_args, node_name, version, taints, local_cri):
    """flags.go WriteKubeletDynamicEnvFile: with NodeLocalCRISocket no --container-runtime-endpoint (the
    endpoint is in instance-config.yaml)."""
    out('[kubelet-start] Writing kubelet environment file with flags to file "/var/lib/kubelet/kubeadm-flags.env"')
    flags = {} if local_cri else {"container-runtime-endpoint": cri_socket}
    if parse_version(version)[1] < 31:
        flags["pod-infra-container-image"] = "registry.k8s.io/pause:3.9"
    if node_name != hostname():
        flags["hostname-override"] = node_name
    if taints:
        flags["register-with-taints"] = ",".join("%s=%s:%s" % (t["key"], t.get("value", ""), t["effect"])
                                                 if t.get("value") else "%s:%s" % (t["key"], t["effect"])
                                                 for t in taints)
    flags.update(extra_args or {})
    atomic_write(rp("/var/lib/kubelet/kubeadm-flags.env"),
                 'KUBELET_KUBEADM_ARGS="%s"\n' % " ".join("--%s=%s" % kv for kv in sorted(flags.items())))


def wait_node(api, name, timeout=None):
    """Wait for the kubelet to register the Node (kubeadm retries its node patches until it exists)."""
    timeout = timeout or float(os.environ.get("KBS_SIM_KUBELET_TIMEOUT", "240"))
    end = time.time() + timeout
    while True:
        try:
            return api.get("/api/v1/nodes/" + name)
        except SimError as e:
            if time.time() > end:
                raise SimError("error patching Node \"%s\": timed out waiting for the condition: %s" % (name, e.msg))
        time.sleep(0.3)


def mark_control_plane(api, name):
    """phases/markcontrolplane: the control-plane labels and the NoSchedule taint, patched onto the Node."""
    out("[mark-control-plane] Marking the node %s as control-plane by adding the labels: "
        "[node-role.kubernetes.io/control-plane node.kubernetes.io/exclude-from-external-load-balancers]" % name,
        "[mark-control-plane] Marking the node %s as control-plane by adding the taints "
        "[node-role.kubernetes.io/control-plane:NoSchedule]" % name)
    node = wait_node(api, name)
    taints = [t for t in (node.get("spec") or {}).get("taints") or []
              if t.get("key") != "node-role.kubernetes.io/control-plane"]
    api.call("PATCH", "/api/v1/nodes/" + name, {
        "metadata": {"labels": {"node-role.kubernetes.io/control-plane": "",
                                "node.kubernetes.io/exclude-from-external-load-balancers": ""}},
        "spec": {"taints": taints + [{"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}]}})


def write_apiserver_cfg(version, port, adv, name):
    save_json(apiserver_file(), {"version": version, "port": port, "advertise": adv, "name": name,
                                 "bind": os.environ.get("KBS_SIM_BIND") or "0.0.0.0"})


def member_call(method, path, body=None, exclude=None):
    """Membership change through the first control plane that answers (it forwards to the leader)."""
    st = load_json(cluster_file()) or {}
    urls = [m["url"] for m in st.get("members", []) if m["name"] != exclude]
    try:
        admin = Api.from_kubeconfig(rp(K8S + "/admin.conf"))
        pods = admin.get("/api/v1/namespaces/kube-system/pods?labelSelector=component%3Dkube-apiserver")["items"]
        urls += ["https://" + p["metadata"]["annotations"].get(
            "kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint", "") for p in pods
            if p["spec"].get("nodeName") != exclude]
    except (SimError, OSError, KeyError):
        pass
    err = None
    for url in dict.fromkeys(urls):
        try:
            return peer_api(url, timeout=10).call(method, path, body)
        except SimError as e:
            err = e
    raise SimError("etcdserver: unable to reach a member of the cluster: %s" % (err.msg if err else "no members"))


def shared_certs(cluster):
    """(Secret data key, node path) of the files every control plane needs (phases/copycerts: the
    key is the file name with '/' turned into '-'; external etcd files are external-etcd-ca.crt,
    external-etcd.crt, external-etcd.key)."""
    stacked = is_stacked(cluster)
    pairs = [(n.replace("/", "-"), PKI + "/" + n) for n in SHARED_CERTS if stacked or not n.startswith("etcd/")]
    if not stacked:
        ext = cluster["etcd"]["external"]
        for k, key in (("caFile", "external-etcd-ca.crt"), ("certFile", "external-etcd.crt"),
                       ("keyFile", "external-etcd.key")):
            if ext.get(k):
                pairs.append((key, ext[k]))
    return pairs


def shared_cert_paths(cluster):
    return [p for _, p in shared_certs(cluster)]


def _encrypt(key, data):
    """AES-256-CBC + HMAC-SHA256 with the certificate key (kubeadm uses AES-GCM; the openssl CLI has none)."""
    iv = secrets.token_bytes(16)
    ct = openssl(["enc", "-aes-256-cbc", "-K", key.hex(), "-iv", iv.hex()], data)
    return iv + ct + hmac.new(key, iv + ct, hashlib.sha256).digest()


def _decrypt(key, raw):
    iv, ct, mac = raw[:16], raw[16:-32], raw[-32:]
    if not hmac.compare_digest(hmac.new(key, iv + ct, hashlib.sha256).digest(), mac):
        raise SimError("error execution phase control-plane-prepare/download-certs: error downloading certs: "
                       "error decoding secret data with provided key: cipher: message authentication failed")
    return openssl(["enc", "-d", "-aes-256-cbc", "-K", key.hex(), "-iv", iv.hex()], ct)


def certs_secret(key_hex, cluster, at):
    """-> (proxy bootstrap-token Secret, kubeadm-certs Secret). The uploaded certificates are owned by a
    short-lived token (2h, no usages), so they vanish when it expires or is deleted (phases/copycerts)."""
    key = bytes.fromhex(key_hex)
    data = {}
    for name, path in shared_certs(cluster):
        try:
            data[name] = b64(_encrypt(key, open(rp(path), "rb").read()))
        except OSError:
            raise SimError("error execution phase upload-certs: error uploading certs: failed to load %s: open %s: "
                           "no such file or directory" % (path, path))
    tid, sec = random_token().split(".")
    proxy = token_secret(tid, sec, CERTS_TTL, at, usages=(), groups=(),
                         description="Proxy for managing TTL for the kubeadm-certs secret")
    certs = {"apiVersion": "v1", "kind": "Secret", "type": "Opaque",
             "metadata": {"name": "kubeadm-certs", "namespace": "kube-system",
                          "ownerReferences": [{"apiVersion": "v1", "kind": "Secret", "name": "bootstrap-token-" + tid,
                                               "uid": proxy["metadata"]["uid"], "controller": True,
                                               "blockOwnerDeletion": True}]},
             "data": data}
    return proxy, certs


def unpack_certs(key_hex, cluster, data):
    key = bytes.fromhex(key_hex)
    files = {}
    for name, path in shared_certs(cluster):
        if name in data:
            files[path] = _decrypt(key, unb64(data[name]))
    for path, content in files.items():
        atomic_write(rp(path), content, 0o600 if path.endswith(".key") else 0o644)
    return sorted(files)


def check_certificate_key(k):
    if not re.fullmatch(r"[0-9a-fA-F]{64}", k or ""):
        raise SimError("error execution phase control-plane-prepare/download-certs: error downloading certs: "
                       "error decoding certificate key: the certificate key must be 64 hexadecimal characters "
                       "(32 bytes), as printed by 'kubeadm init phase upload-certs --upload-certs'")
