# --- kubeadm reset -----------------------------------------------------------------------------
KUBECONFIG_FILES = ["admin.conf", "super-admin.conf", "kubelet.conf", "bootstrap-kubelet.conf",
                    "controller-manager.conf", "scheduler.conf"]


def _clear_dir(path):
    if not os.path.isdir(path):
        return
    for entry in os.listdir(path):
        p = os.path.join(path, entry)
        if os.path.isdir(p) and not os.path.islink(p):
            shutil.rmtree(p, ignore_errors=True)
        else:
            try:
                os.unlink(p)
            except OSError:
                pass


def cmd_reset(argv):
    a = Args(argv, {"force": "bool", "cleanup-tmp-dir": "bool", "ignore-preflight-errors": "csv",
                    "cri-socket": "str", "skip-phases": "csv", "config": "str", "dry-run": "bool",
                    "cert-dir": "str"}, {"-f": "force"})
    if a.get("config"):
        load_config_file(a.get("config"), command="reset")
    if not a.get("force"):
        out("W%s reset.go:124] [reset] WARNING: Changes made to this host by 'kubeadm init' or 'kubeadm join' "
            "will be reverted." % time.strftime("%m%d %H:%M:%S"))
        if not confirm("[reset] Are you sure you want to proceed? [y/N]: "):
            raise SimError("aborted reset operation")
    out("[preflight] Running pre-flight checks")
    api, cluster = None, None
    try:
        api = node_or_admin_api()
        out("[reset] Reading configuration from the cluster...",
            "[reset] FYI: You can look at this config file with 'kubectl -n kube-system get cm kubeadm-config -o yaml'")
        cluster = fetch_cluster(api)
    except SimError as e:
        api = None
        warn("W%s preflight.go:56] [reset] WARNING: Unable to fetch the kubeadm-config ConfigMap from cluster: %s"
             % (time.strftime("%m%d %H:%M:%S"), e.msg.splitlines()[0]))
    # phases/reset/cleanupnode.go leaves the Node object: deleting it is `kubectl delete node`
    me = (load_json(apiserver_file()) or {}).get("name")
    if me and os.path.exists(cluster_file()) and not a.get("dry-run"):
        out("[reset] Removing this control plane's etcd member from the cluster")
        try:
            member_call("DELETE", PEER + "/members/" + me, exclude=me)
        except SimError as e:
            warn("[reset] WARNING: failed to remove etcd member: %s. Please manually remove this etcd member "
                 "using etcdctl" % e.msg)
    if a.get("dry-run"):
        out("[dryrun] Would stop the kubelet service and delete the files written by kubeadm")
        return 0
    out("[reset] Stopping the kubelet service")
    stop_kubelet()
    out('[reset] Unmounting mounted directories in "/var/lib/kubelet"')
    stop_apiserver()
    primary = os.path.exists(cluster_file())
    stacked = cluster is None or is_stacked(cluster)
    dirs = ["/etc/kubernetes/manifests", "/var/lib/kubelet", PKI]
    if stacked and (primary or os.path.isdir(rp("/var/lib/etcd"))):
        out("[reset] Deleting contents of the stacked etcd data directory: /var/lib/etcd")
        _clear_dir(rp("/var/lib/etcd"))
    if a.get("cleanup-tmp-dir"):
        dirs.append("/etc/kubernetes/tmp")
    out("[reset] Deleting contents of directories: [%s]" % " ".join(dirs))
    for d in dirs:
        _clear_dir(rp(d))
    for f in ("cluster.json", "apiserver.json", "apiserver.pid", "kubelet.pid"):
        try:
            os.unlink(os.path.join(sim_state_dir(), f))
        except OSError:
            pass
    files = ["/etc/kubernetes/" + f for f in KUBECONFIG_FILES]
    out("[reset] Deleting files: [%s]" % " ".join(files))
    for f in files:
        try:
            os.unlink(rp(f))
        except OSError:
            pass
    out("", "The reset process does not clean CNI configuration. To do so, you must remove /etc/cni/net.d", "",
        "The reset process does not reset or clean up iptables rules or IPVS tables.",
        "If you wish to reset iptables, you must do so manually by using the \"iptables\" command.", "",
        "If your cluster was setup to utilize IPVS, run ipvsadm --clear (or similar)",
        "to reset your system's IPVS tables.", "",
        "The reset process does not clean your kubeconfig files and you must remove them manually.",
        "Please, check the contents of the $HOME/.kube/config file.")
    return 0
