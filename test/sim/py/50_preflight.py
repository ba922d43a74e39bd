# --- preflight: kubeadm's checks, errors ignorable by name ---------------------------------


class Preflight:
    def __init__(self, ignored):
        self.ignored = {i.strip().lower() for i in ignored if i.strip()}
        self.errors, self.warnings = [], []

    def fail(self, name, msg):
        if "all" in self.ignored or name.lower() in self.ignored:
            self.warnings.append("[WARNING %s]: %s" % (name, msg))
        else:
            self.errors.append("[ERROR %s]: %s" % (name, msg))

    def warning(self, name, msg):
        self.warnings.append("[WARNING %s]: %s" % (name, msg))

    def finish(self, phase="preflight", prefix=""):
        for w in self.warnings:
            warn("\t" + w)
        if self.errors:
            raise SimError("%serror execution phase %s: [preflight] Some fatal errors occurred:\n%s\n"
                           "[preflight] If you know what you are doing, you can make a check non-fatal with "
                           "`--ignore-preflight-errors=...`" % (prefix, phase, "\n".join("\t" + e for e in self.errors)))

    # checks (cmd/kubeadm/app/preflight/checks.go, checks_linux.go) ---------------------------
    def common(self, cri_socket, k8s_version):
        """addCommonChecks: runtime, swap (a warning), executables, kubelet service, port 10250."""
        if os.geteuid() != 0:
            self.fail("IsPrivilegedUser", "user is not running as root")
        self.cri(cri_socket)
        try:
            swaps = read_text(proc("/swaps")).strip().splitlines()[1:]
        except OSError:
            swaps = []
        if swaps:
            self.warning("Swap", "swap is supported for cgroup v2 only. The kubelet must be properly configured to "
                         "use swap. Please refer to https://kubernetes.io/docs/concepts/architecture/nodes/#swap-memory, "
                         "or disable swap on the node")
        execs = [("ip", True), ("iptables", True), ("mount", True), ("nsenter", True), ("ebtables", False),
                 ("ethtool", False), ("socat", False), ("tc", False), ("touch", False)]
        try:  # kube-proxy needs conntrack below 1.32 only (kubernetes/kubernetes#126952)
            if k8s_version and parse_version(k8s_version)[:2] < (1, 32):
                execs.insert(0, ("conntrack", True))
        except SimError:
            pass
        for exe, mandatory in execs:
            if not shutil.which(exe):
                if mandatory:
                    self.fail("FileExisting-" + exe, "%s not found in system path" % exe)
                else:
                    self.warning("FileExisting-" + exe, "%s not found in system path" % exe)
        if systemd_running():
            p = subprocess.run(["systemctl", "is-enabled", "kubelet.service"], capture_output=True, text=True)
            if p.stdout.strip() != "enabled":
                self.warning("Service-Kubelet", "kubelet service is not enabled, please run "
                             "'systemctl enable kubelet.service'")
        self.fixed_ports([10250])

    def ip_checks(self):
        """addIPv4Checks: bridge-nf-call-iptables and ip_forward."""
        bnf = proc("/sys/net/bridge/bridge-nf-call-iptables")
        try:
            if read_text(bnf).strip() != "1":
                self.fail("FileContent--proc-sys-net-bridge-bridge-nf-call-iptables",
                          "/proc/sys/net/bridge/bridge-nf-call-iptables contents are not set to 1")
        except OSError:
            self.fail("FileContent--proc-sys-net-bridge-bridge-nf-call-iptables",
                      "/proc/sys/net/bridge/bridge-nf-call-iptables does not exist")
        fwd = proc("/sys/net/ipv4/ip_forward")
        try:
            if read_text(fwd).strip() != "1":
                self.fail("FileContent--proc-sys-net-ipv4-ip_forward",
                          "/proc/sys/net/ipv4/ip_forward contents are not set to 1")
        except OSError:
            self.fail("FileContent--proc-sys-net-ipv4-ip_forward", "/proc/sys/net/ipv4/ip_forward does not exist")

    def fixed_ports(self, ports):
        """Ports kubeadm checks by number (10250, 10257, 10259, 2379, 2380). Simulated nodes of the tests
        share one host, so there they are checked only with KBS_SIM_FIXED_PORTS=1."""
        if test_mode() and os.environ.get("KBS_SIM_FIXED_PORTS") != "1":
            return
        for p in ports:
            self.port(p)

    def cri(self, endpoint):
        path = endpoint[len("unix://"):] if endpoint.startswith("unix://") else endpoint
        real = rp(path)
        err = None
        try:
            if not stat.S_ISSOCK(os.stat(real).st_mode):
                err = "not a socket"
            else:
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                s.settimeout(2)
                try:
                    s.connect(real)
                finally:
                    s.close()
        except FileNotFoundError:
            err = "dial unix %s: connect: no such file or directory" % path
        except OSError as e:
            err = "dial unix %s: connect: %s" % (path, (e.strerror or str(e)).lower())
        if err:
            self.fail("CRI", 'container runtime is not running: output: validate service connection: validate '
                      'CRI v1 runtime API for endpoint "%s": rpc error: code = Unavailable desc = connection '
                      'error: desc = "transport: Error while dialing: %s", error: exit status 1' % (endpoint, err))

    def port(self, port):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as Go's net.Listen: TIME_WAIT is not "in use"
        try:
            s.bind(("0.0.0.0", port))
            s.listen(1)
        except OSError:
            self.fail("Port-%d" % port, "Port %d is in use" % port)
        finally:
            s.close()

    def file_available(self, path):
        if os.path.exists(rp(path)):
            self.fail("FileAvailable-" + path.replace("/", "-"), "%s already exists" % path)

    def dir_available(self, path):
        real = rp(path)
        if os.path.isdir(real) and os.listdir(real):
            self.fail("DirAvailable-" + path.replace("/", "-"), "%s is not empty" % path)

    def kubelet_version(self, control_plane_version):
        try:
            kv = kubelet_version()
        except SimError as e:
            self.fail("KubeletVersion", e.msg)
            return
        ov = own_version()
        if kv[1] < ov[1] - 3:
            self.fail("KubeletVersion", 'Kubelet version "%s" is lower than kubeadm can support. Please upgrade '
                      'kubelet' % vstr(kv)[1:])
        if control_plane_version and kv[:2] > control_plane_version[:2]:
            self.fail("KubeletVersion", 'the kubelet version is higher than the control plane version. This is '
                      'not a supported version skew and may lead to a malfunctional cluster. Kubelet version: '
                      '"%s" Control plane version: "%s"' % (vstr(kv)[1:], vstr(control_plane_version)[1:]))
