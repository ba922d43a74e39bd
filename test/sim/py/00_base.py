# --- base: paths, time, versions, errors, small helpers -------------------------------------
# The files in test/sim/py/ are concatenated (in name order) by test/sim/build.sh into one
# self-contained python3 script per tool; SIM_VERSION and SIM_TOOL are defined by the header.
import base64
import datetime
import fcntl
import hashlib
import hmac
import http.client
import http.server
import json
import os
import re
import secrets
import shutil
import signal
import socket
import socketserver
import ssl
import stat
import subprocess
import sys
import tempfile
import threading
import time

# Build metadata printed by `version`: the Go toolchain per minor as upstream built it; the commit is a
# stable stand-in (sha1 of the version), not upstream's, and the build date a fixed placeholder.
GO_VERSIONS = {30: "go1.23.10", 31: "go1.24.9", 32: "go1.24.9", 33: "go1.24.9", 34: "go1.24.9",
               35: "go1.25.5", 36: "go1.25.5", 37: "go1.25.5"}


class SimError(Exception):
    """A user-facing failure: printed to stderr as is, exit code `code`."""

    def __init__(self, msg, code=1):
        super().__init__(msg)
        self.msg = msg
        self.code = code


def root():
    return os.environ.get("KBS_SIM_ROOT", "/").rstrip("/") or ""


def rp(path):
    """Real path of an absolute node path (e.g. /etc/kubernetes) under KBS_SIM_ROOT."""
    return root() + path


def proc(path):
    """/proc/... paths; KBS_SIM_PROC points them at a fake tree in tests."""
    return os.environ.get("KBS_SIM_PROC", "/proc").rstrip("/") + path


def test_mode():
    return root() != ""


def default_port():
    return int(os.environ.get("KBS_SIM_PORT", "6443"))


def parse_now(value):
    value = value.strip()
    if value[:1] in "+-" and not re.fullmatch(r"-?\d+(\.\d+)?", value):  # +25h, +2h1m, -30m: relative
        sign = -1 if value[0] == "-" else 1
        return time.time() + sign * parse_duration(value[1:])
    if re.fullmatch(r"\d+(\.\d+)?", value):
        return float(value)
    return datetime.datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


def now():
    v = os.environ.get("KBS_SIM_NOW")
    return parse_now(v) if v else time.time()


def rfc3339(ts):
    return datetime.datetime.fromtimestamp(ts, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_version(v):
    m = re.fullmatch(r"v?(\d+)\.(\d+)\.(\d+)(?:[-+].*)?", str(v).strip())
    if not m:
        raise SimError('couldn\'t parse Kubernetes version "%s"' % v)
    return (int(m.group(1)), int(m.group(2)), int(m.group(3)))


def vstr(t):
    return "v%d.%d.%d" % t


def own_version():
    return parse_version(SIM_VERSION)


def parse_duration(s):
    """Go duration (24h0m0s, 2h, 30m, 0) -> seconds."""
    s = str(s).strip()
    if s in ("0", "0s"):
        return 0
    parts = re.findall(r"(\d+(?:\.\d+)?)(h|ms|m|s)", s)
    if not parts or "".join(a + b for a, b in parts) != s:
        raise SimError('invalid duration "%s"' % s)
    mult = {"h": 3600, "m": 60, "s": 1, "ms": 0.001}
    return sum(float(a) * mult[b] for a, b in parts)


def fmt_duration(sec):
    """Go's Duration.String() for whole seconds: 24h0m0s, 4m0s, 40s."""
    sec = int(sec)
    h, rem = divmod(sec, 3600)
    m, s = divmod(rem, 60)
    if h:
        return "%dh%dm%ds" % (h, m, s)
    return "%dm%ds" % (m, s) if m else "%ds" % s


def atomic_write(path, data, mode=0o644):
    if isinstance(data, str):
        data = data.encode()
    d = os.path.dirname(path)
    os.makedirs(d, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=d, prefix=".tmp-")
    try:
        os.write(fd, data)
        os.fchmod(fd, mode)
        os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def read_text(path):
    with open(path) as f:
        return f.read()


def out(*lines):
    for line in lines:
        sys.stdout.write(line + "\n")
    sys.stdout.flush()


def warn(line):
    sys.stderr.write(line + "\n")
    sys.stderr.flush()


def b64(data):
    if isinstance(data, str):
        data = data.encode()
    return base64.b64encode(data).decode()


def unb64(s):
    return base64.b64decode(s)


def b64url(data):
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def sim_state_dir():
    return rp("/var/lib/kbs-sim")


def pid_alive(pid, marker):
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            cmd = f.read()
    except OSError:
        return False
    try:
        with open("/proc/%d/stat" % pid) as f:
            if f.read().rsplit(")", 1)[1].split()[0] == "Z":
                return False
    except (OSError, IndexError):
        pass
    return marker.encode() in cmd


def read_pid(path):
    try:
        return int(read_text(path).strip())
    except (OSError, ValueError):
        return None


def stop_pid(path, marker, timeout=5.0):
    pid = read_pid(path)
    if pid and pid_alive(pid, marker):
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        end = time.time() + timeout
        while time.time() < end and pid_alive(pid, marker):
            time.sleep(0.05)
        if pid_alive(pid, marker):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    try:
        os.unlink(path)
    except OSError:
        pass


def hostname():
    return socket.gethostname().lower()


def user_agent():
    """As client-go builds it: kubeadm/v1.35.4 (linux/amd64) kubernetes/abcdef0."""
    return "%s/%s (linux/amd64) kubernetes/%s" % (SIM_TOOL, SIM_VERSION,
                                                  hashlib.sha1(("kbs-sim " + SIM_VERSION).encode()).hexdigest()[:7])


def ua_version(ua, tool="kubeadm"):
    m = re.match(r"%s/(v\d+\.\d+\.\d+)\b" % tool, ua or "")
    return m.group(1) if m else None


# --- the host's network: default route and local addresses (as the kubelet and kubeadm find them) --

def _hex_ip(h):
    return socket.inet_ntoa(bytes.fromhex(h)[::-1])


def default_route_iface():
    """The interface of the IPv4 default route in /proc/net/route (lowest metric), or None."""
    best = None
    try:
        lines = read_text(proc("/net/route")).splitlines()[1:]
    except OSError:
        return None
    for line in lines:
        f = line.split()
        if len(f) >= 8 and f[1] == "00000000" and f[7] == "00000000":
            metric = int(f[6]) if f[6].isdigit() else 0
            if best is None or metric < best[0]:
                best = (metric, f[0])
    return best[1] if best else None


def local_addresses():
    """[(iface, ip)] of the host's IPv4 and IPv6 addresses. The fake /proc of the tests lists IPv4 ones in
    net/if_inet4 ("IFACE ADDR/PREFIX" per line); a real host is asked with `ip -o addr`."""
    fake = proc("/net/if_inet4")
    result = []
    if proc("") != "/proc" or os.path.exists(fake):
        try:
            for line in read_text(fake).splitlines():
                f = line.split()
                if len(f) >= 2:
                    result.append((f[0], f[1].split("/")[0]))
        except OSError:
            pass
    else:
        try:
            p = subprocess.run(["ip", "-o", "addr", "show"], capture_output=True, text=True, timeout=5)
            for line in p.stdout.splitlines():
                f = line.split()
                if len(f) >= 4 and f[2] in ("inet", "inet6"):
                    result.append((f[1], f[3].split("/")[0]))
        except (OSError, subprocess.SubprocessError):
            pass
    try:
        for line in read_text(proc("/net/if_inet6")).splitlines():
            f = line.split()
            if len(f) >= 6:
                result.append((f[5], socket.inet_ntop(socket.AF_INET6, bytes.fromhex(f[0]))))
    except (OSError, ValueError):
        pass
    return result


def default_ip():
    """The first global IPv4 address of the default-route interface (apimachinery's ChooseHostInterface),
    else 127.0.0.1."""
    iface = default_route_iface()
    for name, ip in local_addresses():
        if name == iface and ":" not in ip and not ip.startswith("127.") and not ip.startswith("169.254."):
            return ip
    return "127.0.0.1"
