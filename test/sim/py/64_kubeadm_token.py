# --- kubeadm token / certs certificate-key -----------------------------------------------------


def cmd_token(argv):
    if not argv:
        raise SimError('missing subcommand; "token" is not meant to be run on its own')
    sub, rest = argv[0], argv[1:]
    if sub == "generate":
        out(random_token())
        return 0
    if sub == "create":
        a = Args(rest, {"ttl": "str", "print-join-command": "bool", "description": "str", "usages": "csv",
                        "groups": "csv", "certificate-key": "str", "config": "str"})
        token = a.positional[0] if a.positional else random_token()
        if not TOKEN_RE.match(token):
            raise SimError('the bootstrap token "<value withheld>" was not of the form "[a-z0-9]{6}.[a-z0-9]{16}"')
        ttl = parse_duration(a.get("ttl", "24h0m0s"))
        api = admin_api(a.get("kubeconfig"))
        tid, sec = token.split(".")
        try:
            api.call("PUT", SECRET_PATH + "/bootstrap-token-" + tid,
                     token_secret(tid, sec, ttl, now(), a.get("usages") or ("signing", "authentication"),
                                  a.get("groups") or (NODE_GROUP,), a.get("description", "")))
        except ApiError as e:
            raise SimError("failed to create or update bootstrap token with name bootstrap-token-%s: %s"
                           % (token.split(".")[0], e.msg))
        if a.get("print-join-command"):
            kc = KubeConfig(a.get("kubeconfig") or rp("/etc/kubernetes/admin.conf"))
            line = "kubeadm join %s --token %s --discovery-token-ca-cert-hash %s " % (
                kc.server.replace("https://", ""), token, spki_hash(kc.ca_pem))
            if a.get("certificate-key"):
                line += "--control-plane --certificate-key %s " % a.get("certificate-key")
            out(line)
        else:
            out(token)
        return 0
    if sub == "list":
        a = Args(rest, {"output": "str", "allow-missing-template-keys": "bool"}, {"-o": "output"})
        items = admin_api(a.get("kubeconfig")).get(SECRET_PATH + "?fieldSelector=type%3Dbootstrap.kubernetes.io%2Ftoken")["items"]
        t = now()
        rows = []
        for sec in items:
            f = token_fields(sec)
            exp = parse_rfc3339(f["expiration"]) if f.get("expiration") else None
            if exp is None:
                ttl, expires = "<forever>", "<never>"
            elif exp <= t:
                ttl, expires = "<invalid>", rfc3339(exp)
            else:
                left = exp - t
                ttl, expires = ("%dh" % (left // 3600) if left >= 3600 else "%dm" % (left // 60)), rfc3339(exp)
            usages = sorted(k[len("usage-bootstrap-"):] for k, v in f.items()
                            if k.startswith("usage-bootstrap-") and v == "true")
            rows.append({"token": "%s.%s" % (f["token-id"], f["token-secret"]), "ttl": ttl, "expires": expires,
                         "usages": ",".join(usages) or "<none>", "description": f.get("description", ""),
                         "groups": f.get("auth-extra-groups", "")})
        if a.get("output") == "json":
            for r in rows:
                out(json.dumps({"kind": "BootstrapToken", "apiVersion": "output.kubeadm.k8s.io/v1alpha3",
                                "token": r["token"], "description": r["description"],
                                "ttl": r["ttl"], "expires": r["expires"], "usages": r["usages"].split(","),
                                "groups": r["groups"].split(",")}, indent=4))
            return 0
        fmt = "%-24s  %-10s  %-20s  %-22s  %-56s  %s"
        out(fmt % ("TOKEN", "TTL", "EXPIRES", "USAGES", "DESCRIPTION", "EXTRA GROUPS"))
        for r in rows:
            out(fmt % (r["token"], r["ttl"], r["expires"], r["usages"], r["description"], r["groups"]))
        return 0
    if sub == "delete":
        a = Args(rest, {})
        api = admin_api(a.get("kubeconfig"))
        for tok in a.positional:
            tid = tok.split(".")[0]
            try:
                api.call("DELETE", SECRET_PATH + "/bootstrap-token-" + tid)
            except ApiError as e:
                raise SimError("failed to delete bootstrap token %s: %s" % (tid, e.msg))
            out('bootstrap token "%s" deleted' % tid)
        return 0
    raise SimError('unknown command "%s" for "kubeadm token"' % sub)


def cmd_certs(argv):
    if argv[:1] == ["certificate-key"]:
        out(secrets.token_hex(32))
        return 0
    if argv[:1] == ["check-expiration"]:
        pki = rp(PKI)
        out("CERTIFICATE                EXPIRES                  RESIDUAL TIME   CERTIFICATE AUTHORITY   "
            "EXTERNALLY MANAGED")
        for name in ("apiserver", "apiserver-kubelet-client", "front-proxy-client"):
            path = os.path.join(pki, name + ".crt")
            if os.path.exists(path):
                end = openssl(["x509", "-noout", "-enddate", "-in", path]).decode().split("=", 1)[1].strip()
                out("%-26s %-24s %-15s %-23s no" % (name, end, "", "ca" if "front" not in name else "front-proxy-ca"))
        return 0
    raise SimError("the simulator supports 'kubeadm certs certificate-key' and 'check-expiration' only")
