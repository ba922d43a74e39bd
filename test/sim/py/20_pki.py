# --- pki: real certificates through the openssl CLI; kubeconfig files ----------------------

_EXT_CNF = """[req]
distinguished_name = dn
prompt = no
[dn]
[ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,digitalSignature,keyEncipherment,keyCertSign
subjectKeyIdentifier = hash
[leaf]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = %(eku)s
authorityKeyIdentifier = keyid
%(san)s
"""


def openssl(args, data=None):
    try:
        p = subprocess.run(["openssl"] + args, input=data, capture_output=True)
    except FileNotFoundError:
        raise SimError("openssl is required by the simulator but was not found in $PATH")
    if p.returncode != 0:
        raise SimError("openssl %s failed: %s" % (args[0], p.stderr.decode(errors="replace").strip()))
    return p.stdout


def _newkey_args():
    algo = os.environ.get("KBS_SIM_KEY_ALGORITHM", "RSA-2048")
    if algo.startswith("ECDSA"):
        return ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"]
    return ["-newkey", "rsa:" + algo.split("-")[1]]


def _subj(cn, orgs=()):
    esc = lambda s: s.replace("/", "\\/")
    return "".join("/O=" + esc(o) for o in orgs) + "/CN=" + esc(cn)


def _cnf(tmp, eku="serverAuth", sans=()):
    path = os.path.join(tmp, "ext-%s.cnf" % secrets.token_hex(4))
    san = ""
    if sans:
        items = []
        for s in sans:
            kind = "IP" if re.fullmatch(r"[0-9.]+|[0-9a-fA-F:]*:[0-9a-fA-F:]*", s) else "DNS"
            items.append("%s:%s" % (kind, s))
        san = "subjectAltName = " + ",".join(items)
    with open(path, "w") as f:
        f.write(_EXT_CNF % {"eku": eku, "san": san})
    return path


def gen_ca(crt, key, cn, days=3650):
    os.makedirs(os.path.dirname(crt), exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        openssl(["req", "-x509", "-new"] + _newkey_args() + ["-nodes", "-keyout", key, "-out", crt,
                 "-subj", _subj(cn), "-days", str(days), "-config", _cnf(tmp), "-extensions", "ca"])
    os.chmod(key, 0o600)


def gen_signed(ca_crt, ca_key, crt, key, cn, orgs=(), sans=(), usage="server", days=365):
    """usage: server | client | both."""
    eku = {"server": "serverAuth", "client": "clientAuth", "both": "serverAuth,clientAuth"}[usage]
    os.makedirs(os.path.dirname(crt), exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        openssl(["req", "-x509", "-new"] + _newkey_args() + ["-nodes", "-keyout", key, "-out", crt,
                 "-subj", _subj(cn, orgs), "-days", str(days), "-CA", ca_crt, "-CAkey", ca_key,
                 "-config", _cnf(tmp, eku, sans), "-extensions", "leaf"])
    os.chmod(key, 0o600)


def gen_keypair(priv, pub):
    os.makedirs(os.path.dirname(priv), exist_ok=True)
    openssl(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", priv])
    os.chmod(priv, 0o600)
    atomic_write(pub, openssl(["pkey", "-in", priv, "-pubout"]))


def make_csr(key, cn, orgs=()):
    """New key written to `key`; returns the CSR (PEM text)."""
    os.makedirs(os.path.dirname(key), exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        csr = openssl(["req", "-new"] + _newkey_args() + ["-nodes", "-keyout", key, "-subj",
                       _subj(cn, orgs), "-config", _cnf(tmp)])
    os.chmod(key, 0o600)
    return csr.decode()


def csr_subject(csr_pem):
    """(CN, [O...]) of a CSR."""
    txt = openssl(["req", "-noout", "-subject", "-nameopt", "RFC2253"], csr_pem.encode()).decode()
    rdns = re.split(r"(?<!\\),", txt.split("=", 1)[1].strip()) if "=" in txt else []
    cn, orgs = "", []
    for r in rdns:
        k, _, v = r.partition("=")
        if k.strip() == "CN":
            cn = v.replace("\\", "")
        elif k.strip() == "O":
            orgs.append(v.replace("\\", ""))
    return cn, orgs


def sign_csr(csr_pem, ca_crt, ca_key, usage="client", sans=(), days=365):
    eku = {"server": "serverAuth", "client": "clientAuth", "both": "serverAuth,clientAuth"}[usage]
    with tempfile.TemporaryDirectory() as tmp:
        csr = os.path.join(tmp, "req.csr")
        with open(csr, "w") as f:
            f.write(csr_pem)
        return openssl(["x509", "-req", "-in", csr, "-CA", ca_crt, "-CAkey", ca_key, "-days", str(days),
                        "-set_serial", "0x" + secrets.token_hex(16), "-extfile", _cnf(tmp, eku, sans),
                        "-extensions", "leaf"]).decode()


def spki_hash(cert_pem):
    """sha256 of the DER SubjectPublicKeyInfo, as --discovery-token-ca-cert-hash uses."""
    pub = openssl(["x509", "-noout", "-pubkey"], cert_pem.encode() if isinstance(cert_pem, str)
                  else cert_pem).decode()
    body = "".join(l for l in pub.splitlines() if l and not l.startswith("-----"))
    return "sha256:" + hashlib.sha256(base64.b64decode(body)).hexdigest()


def cert_subject(cert_pem):
    txt = openssl(["x509", "-noout", "-subject", "-nameopt", "RFC2253"], cert_pem.encode()).decode()
    return txt.split("=", 1)[1].strip() if "=" in txt else ""


# kubeconfig -------------------------------------------------------------------------------

def kubeconfig(server, ca_pem, user, cert_pem=None, key_pem=None, token=None, cluster="kubernetes"):
    u = {}
    if cert_pem:
        u["client-certificate-data"] = b64(cert_pem)
        u["client-key-data"] = b64(key_pem)
    if token:
        u["token"] = token
    ctx = "%s@%s" % (user, cluster)
    return yaml_dump({
        "apiVersion": "v1",
        "clusters": [{"cluster": {"certificate-authority-data": b64(ca_pem), "server": server},
                      "name": cluster}],
        "contexts": [{"context": {"cluster": cluster, "user": user}, "name": ctx}],
        "current-context": ctx,
        "kind": "Config",
        "preferences": {},
        "users": [{"name": user, "user": u}],
    })


def write_client_kubeconfig(path, server, ca_dir, cn, orgs=()):
    """Writes `path` with a fresh client certificate signed by ca_dir/ca.{crt,key}."""
    with tempfile.TemporaryDirectory() as tmp:
        crt, key = os.path.join(tmp, "c.crt"), os.path.join(tmp, "c.key")
        gen_signed(os.path.join(ca_dir, "ca.crt"), os.path.join(ca_dir, "ca.key"), crt, key, cn, orgs,
                   usage="client")
        atomic_write(path, kubeconfig(server, read_text(os.path.join(ca_dir, "ca.crt")), cn,
                                      read_text(crt), read_text(key)), 0o600)


class KubeConfig:
    def __init__(self, path):
        try:
            text = read_text(path)
        except OSError as e:
            raise SimError("open %s: %s" % (path, e.strerror.lower() if e.strerror else e))
        cfg = yaml_load(text) or {}
        try:
            ctx_name = cfg.get("current-context")
            ctx = next(c["context"] for c in cfg["contexts"] if c["name"] == ctx_name)
            cl = next(c["cluster"] for c in cfg["clusters"] if c["name"] == ctx["cluster"])
            us = next((u["user"] for u in cfg.get("users") or [] if u["name"] == ctx.get("user")), {}) or {}
        except (KeyError, StopIteration, TypeError):
            raise SimError("invalid configuration: no configuration has been provided in %s" % path)
        self.path = path
        self.server = cl["server"]
        self.ca_pem = unb64(cl["certificate-authority-data"]).decode() \
            if cl.get("certificate-authority-data") else None
        self.cert_pem = unb64(us["client-certificate-data"]).decode() \
            if us.get("client-certificate-data") else _read_ref(us.get("client-certificate"))
        self.key_pem = unb64(us["client-key-data"]).decode() if us.get("client-key-data") \
            else _read_ref(us.get("client-key"))
        self.token = us.get("token")


def _read_ref(path):
    """client-certificate / client-key given as a file path (the kubelet's rotated pem)."""
    if not path:
        return None
    try:
        return read_text(rp(path) if test_mode() and not path.startswith(root() + "/") else path)
    except OSError as e:
        raise SimError("unable to read client-cert %s: %s" % (path, (e.strerror or str(e)).lower()))
