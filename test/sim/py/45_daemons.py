# --- daemons: the apiserver "static pod" and the kubelet service ---------------------------
APISERVER_MARK = "__kbs_sim_apiserver"


def apiserver_pidfile():
    return os.path.join(sim_state_dir(), "apiserver.pid")


def kubelet_pidfile():
    return os.path.join(sim_state_dir(), "kubelet.pid")


def _spawn(argv, log):
    os.makedirs(os.path.dirname(log), exist_ok=True)
    logf = open(log, "ab")
    env = dict(os.environ)
    env.pop("KBS_SIM_NOW", None)  # daemons live in real time; clients send their fake time per request
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=logf, stderr=logf, close_fds=True,
                         start_new_session=True, env=env, cwd="/")
    logf.close()
    return p


def self_path():
    return os.path.realpath(sys.argv[0])


def apiserver_running():
    pid = read_pid(apiserver_pidfile())
    return bool(pid and pid_alive(pid, APISERVER_MARK))


class _Lock:
    def __init__(self, name):
        os.makedirs(sim_state_dir(), exist_ok=True)
        self.f = open(os.path.join(sim_state_dir(), name), "a")

    def __enter__(self):
        fcntl.flock(self.f, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc):
        fcntl.flock(self.f, fcntl.LOCK_UN)
        self.f.close()


def start_apiserver(restart=True, wait=20.0):
    """(Re)start the apiserver daemon of this node from /var/lib/kbs-sim/apiserver.json."""
    cfg = load_json(apiserver_file())
    log = os.path.join(sim_state_dir(), "apiserver.log")
    with _Lock("apiserver.lock"):
        if apiserver_running():
            if not restart:
                return
            stop_pid(apiserver_pidfile(), APISERVER_MARK)
        p = None
        if systemd_running() and shutil.which("systemd-run"):
            # its own transient unit: restarting kubelet or sshd must not take the "static pod" down
            unit = "kbs-sim-apiserver.service"
            subprocess.run(["systemctl", "stop", unit], capture_output=True)
            subprocess.run(["systemctl", "reset-failed", unit], capture_output=True)
            r = subprocess.run(["systemd-run", "--unit=" + unit, "--collect", "--quiet", sys.executable, self_path(),
                                APISERVER_MARK], capture_output=True)
            if r.returncode != 0:
                p = _spawn([sys.executable, self_path(), APISERVER_MARK], log)
        else:
            p = _spawn([sys.executable, self_path(), APISERVER_MARK], log)
        if p:
            atomic_write(apiserver_pidfile(), "%d\n" % p.pid)
    host = "127.0.0.1" if cfg.get("bind") in (None, "", "0.0.0.0") else cfg["bind"]
    api = Api("https://%s:%d" % (host, cfg["port"]), insecure=True, timeout=2)
    end = time.time() + wait
    while time.time() < end:
        if p and p.poll() is not None:
            tail = read_text(log).strip().splitlines()[-3:]
            raise SimError("the kube-apiserver (simulated) exited: %s" % " / ".join(tail))
        try:
            if api.raw("GET", "/healthz")[0] == 200:
                return
        except SimError:
            pass
        time.sleep(0.1)
    raise SimError("timed out waiting for the kube-apiserver (simulated) on port %d" % cfg["port"])


def stop_apiserver():
    with _Lock("apiserver.lock"):
        stop_pid(apiserver_pidfile(), APISERVER_MARK)


def kubelet_running():
    pid = read_pid(kubelet_pidfile())
    return bool(pid and pid_alive(pid, "kubelet"))


def find_kubelet():
    for d in os.environ.get("PATH", "").split(":") + ["/usr/bin", "/usr/local/bin"]:
        p = os.path.join(d or ".", "kubelet")
        if os.path.isfile(p) and os.access(p, os.X_OK):
            return p
    return None


def kubelet_version():
    """-> version tuple, or raise SimError in kubeadm's preflight words."""
    exe = find_kubelet()
    if not exe:
        raise SimError("couldn't get kubelet version: cannot execute 'kubelet --version': executable file "
                       "not found in $PATH")
    p = subprocess.run([exe, "--version"], capture_output=True, text=True)
    m = re.search(r"Kubernetes (v\S+)", p.stdout)
    if p.returncode != 0 or not m:
        raise SimError("couldn't get kubelet version: %s" % (p.stderr.strip() or p.stdout.strip()))
    return parse_version(m.group(1))


def systemd_running():
    return not test_mode() and os.path.isdir("/run/systemd/system")


UNIT_DIRS = ["/usr/lib/systemd/system", "/etc/systemd/system"]


def _env_file(path, env):
    """systemd's EnvironmentFile= syntax: KEY=VALUE lines, optional quotes, # comments."""
    for line in read_text(path).splitlines():
        line = line.strip()
        if not line or line[0] in "#;":
            continue
        k, eq, v = line.partition("=")
        if not eq or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", k.strip()):
            continue  # systemd ignores (and logs) invalid lines
        v = v.strip()
        if len(v) >= 2 and v[0] == v[-1] and v[0] in "\"'":
            v = v[1:-1]
        env[k.strip()] = v


def kubelet_unit_argv():
    """What `systemctl start kubelet` would run: kubelet.service plus its drop-ins (lexical order,
    /etc overriding /usr/lib per file name), Environment=/EnvironmentFile= applied, ExecStart's
    $VAR split into words and ${VAR} kept as one, as systemd.service(5) says."""
    unit = None
    for d in UNIT_DIRS:
        if os.path.exists(rp(d + "/kubelet.service")):
            unit = rp(d + "/kubelet.service")
    if not unit:
        raise SimError("Failed to restart kubelet.service: Unit kubelet.service not found.")
    dropins = {}
    for d in UNIT_DIRS:
        dd = rp(d + "/kubelet.service.d")
        if os.path.isdir(dd):
            for f in os.listdir(dd):
                if f.endswith(".conf"):
                    dropins[f] = os.path.join(dd, f)
    env, execs = {}, []
    for path in [unit] + [dropins[k] for k in sorted(dropins)]:
        section = ""
        for line in read_text(path).splitlines():
            line = line.strip()
            if line.startswith("["):
                section = line
                continue
            if section != "[Service]" or "=" not in line or line.startswith("#"):
                continue
            k, _, v = line.partition("=")
            k, v = k.strip(), v.strip()
            if k == "Environment":
                for item in re.findall(r'"[^"]*"|\S+', v):
                    item = item.strip('"')
                    if "=" in item:
                        ek, _, ev = item.partition("=")
                        env[ek] = ev
            elif k == "EnvironmentFile":
                optional = v.startswith("-")
                f = rp(v.lstrip("-"))
                if os.path.exists(f):
                    _env_file(f, env)
                elif not optional:
                    raise SimError("kubelet.service: Failed to load environment files: %s: No such file or "
                                   "directory" % v.lstrip("-"))
            elif k == "ExecStart":
                execs = [] if not v else execs + [v]
    if len(execs) != 1:
        raise SimError("kubelet.service: Service has %s ExecStart= setting, which is only allowed for "
                       "Type=oneshot services. Refusing." % ("more than one" if execs else "no"))
    argv = []
    for word in re.findall(r'"[^"]*"|\S+', execs[0].lstrip("-@+!:")):
        m = re.fullmatch(r"\$([A-Za-z_][A-Za-z0-9_]*)", word)
        if m:
            argv += env.get(m.group(1), "").split()
        else:
            argv.append(re.sub(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}", lambda mm: env.get(mm.group(1), ""),
                               word.strip('"')))
    return argv


def restart_kubelet():
    """kubeadm's TryStartKubelet: `systemctl restart kubelet`; in test roots the kubelet service is
    started the way systemd would, from the unit and drop-in files under the root."""
    if systemd_running():
        p = subprocess.run(["systemctl", "restart", "kubelet"], capture_output=True, text=True)
        if p.returncode != 0:
            warn("[WARNING Service-Kubelet]: couldn't restart the kubelet service: %s" % p.stderr.strip())
        return
    stop_pid(kubelet_pidfile(), "kubelet")
    try:
        argv = kubelet_unit_argv()
    except SimError as e:
        warn("[kubelet-start] WARNING: unable to start the kubelet service: %s" % e.msg)
        return
    exe = argv[0]
    if test_mode() and not exe.startswith(root() + "/"):
        exe = rp(exe)
    if not os.path.exists(exe):
        warn("[kubelet-start] WARNING: unable to start the kubelet service: kubelet.service: Failed to locate "
             "executable %s: No such file or directory" % argv[0])
        return
    _spawn([exe] + argv[1:], os.path.join(sim_state_dir(), "kubelet.log"))


def stop_kubelet():
    if systemd_running():
        subprocess.run(["systemctl", "stop", "kubelet"], capture_output=True)
    stop_pid(kubelet_pidfile(), "kubelet")


def wait_kubelet(phase, timeout=None):
    timeout = timeout or float(os.environ.get("KBS_SIM_KUBELET_TIMEOUT", "240"))
    out("[kubelet-check] Waiting for a healthy kubelet at http://127.0.0.1:10248/healthz. "
        "This can take up to %s" % fmt_duration(timeout))
    start = time.time()
    while time.time() - start < timeout:
        if kubelet_running():
            out("[kubelet-check] The kubelet is healthy after %.6fs" % (time.time() - start))
            return
        time.sleep(0.1)
    raise SimError("[kubelet-check] The kubelet is not healthy after %s\n\n"
                   "Unfortunately, an error has occurred, likely caused by:\n"
                   "\t- The kubelet is not running\n"
                   "\t- The kubelet is unhealthy due to a misconfiguration of the node in some way "
                   "(required cgroups disabled)\n\n"
                   "If you are on a systemd-powered system, you can try to troubleshoot the error with the "
                   "following commands:\n\t- 'systemctl status kubelet'\n\t- 'journalctl -xeu kubelet'\n\n"
                   "error execution phase %s: The kubelet is not healthy" % (fmt_duration(timeout), phase))
