# --- kubelet: --version; as a service it crash-loops until kubeadm wrote its config ------------


def _flag(argv, name, default=None):
    for i, x in enumerate(argv):
        if x == "--" + name and i + 1 < len(argv):
            return argv[i + 1]
        if x.startswith("--%s=" % name):
            return x.split("=", 1)[1]
    return default


def _klog(level, msg):
    t = datetime.datetime.now()
    sys.stderr.write("%s%s %7d kubelet.go:1] %s\n" % (level, t.strftime("%m%d %H:%M:%S.%f"), os.getpid(), msg))
    sys.stderr.flush()


def kubelet_main(argv):
    if "--version" in argv or "--version=true" in argv or "--version=raw" in argv:
        out("Kubernetes " + SIM_VERSION)
        return 0
    if "-h" in argv or "--help" in argv:
        out("kubelet (simulated by kbs for tests)\n\nUsage:\n  kubelet [flags]")
        return 0
    config = _flag(argv, "config", "/var/lib/kubelet/config.yaml")
    try:
        yaml_load(read_text(rp(config)))
    except OSError:
        _klog("E", '"command failed" err="failed to load kubelet config file, path: %s, error: failed to load '
                   'Kubelet config file %s, error failed to read kubelet config file \\"%s\\", error: open %s: no '
                   'such file or directory"' % (config, config, config, config))
        return 1
    except YamlError as e:
        _klog("E", '"command failed" err="failed to load kubelet config file, path: %s, error: %s"' % (config, e.msg))
        return 1
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
    last_beat = 0.0
    while True:
        # static pods: keep the apiserver of this node running (it comes back after a reboot)
        if os.path.exists(rp(K8S + "/manifests/kube-apiserver.yaml")) and os.path.exists(apiserver_file()) \
                and not apiserver_running():
            try:
                start_apiserver(restart=False)
                _klog("I", '"Started static pod" pod="kube-system/kube-apiserver"')
            except SimError as e:
                _klog("E", '"Failed to start static pod" pod="kube-system/kube-apiserver" err="%s"' % e.msg)
        node = load_json(node_file())
        if node and time.time() - last_beat > 10 and os.path.exists(rp("/etc/kubernetes/kubelet.conf")):
            last_beat = time.time()
            try:
                Api.from_kubeconfig(rp("/etc/kubernetes/kubelet.conf")).call(
                    "PATCH", "/api/v1/nodes/%s/status" % node["name"], {"kubeletVersion": SIM_VERSION})
            except SimError as e:
                _klog("E", '"Error updating node status" err="%s"' % e.msg)
        time.sleep(2)
