# --- kubeadm: version, config, dispatch ------------------------------------------------------


def go_version_struct(info):
    return ("&version.Info{Major:\"%(major)s\", Minor:\"%(minor)s\", GitVersion:\"%(gitVersion)s\", "
            "GitCommit:\"%(gitCommit)s\", GitTreeState:\"%(gitTreeState)s\", BuildDate:\"%(buildDate)s\", "
            "GoVersion:\"%(goVersion)s\", Compiler:\"%(compiler)s\", Platform:\"%(platform)s\"}" % info)


def cmd_version(argv):
    a = Args(argv, {"output": "str"}, {"-o": "output"})
    info = version_info(SIM_VERSION)
    fmt = a.get("output", "")
    if fmt == "short":
        out(SIM_VERSION)
    elif fmt == "json":
        out(json.dumps({"clientVersion": info}, indent=2))
    elif fmt == "yaml":
        sys.stdout.write(yaml_dump({"clientVersion": info}))
    elif fmt == "":
        out("kubeadm version: " + go_version_struct(info))
    else:
        raise SimError('invalid output format: %s' % fmt)
    return 0


def cmd_config(argv):
    sub = argv[:2]
    if sub == ["print", "init-defaults"] or sub == ["print", "join-defaults"]:
        v = preferred_api_version()
        if sub[1] == "init-defaults":
            init = {"apiVersion": "kubeadm.k8s.io/" + v, "bootstrapTokens": [{
                "groups": ["system:bootstrappers:kubeadm:default-node-token"], "token": "abcdef.0123456789abcdef",
                "ttl": "24h0m0s", "usages": ["signing", "authentication"]}], "kind": "InitConfiguration",
                "localAPIEndpoint": {"advertiseAddress": "1.2.3.4", "bindPort": 6443},
                "nodeRegistration": {"criSocket": DEFAULT_CRI, "imagePullPolicy": "IfNotPresent", "name": "node",
                                     "taints": None}}
            cluster = default_cluster_config(vstr(own_version()[:2] + (0,)))
            sys.stdout.write(yaml_dump(init) + "---\n" + render_cluster(cluster, v))
        else:
            sys.stdout.write(yaml_dump({"apiVersion": "kubeadm.k8s.io/" + v, "caCertPath": "/etc/kubernetes/pki/ca.crt",
                                        "discovery": {"bootstrapToken": {"apiServerEndpoint": "kube-apiserver:6443",
                                                                         "token": "abcdef.0123456789abcdef",
                                                                         "unsafeSkipCAVerification": True},
                                                      "tlsBootstrapToken": "abcdef.0123456789abcdef"},
                                        "kind": "JoinConfiguration",
                                        "nodeRegistration": {"criSocket": DEFAULT_CRI, "imagePullPolicy": "IfNotPresent",
                                                             "name": hostname(), "taints": None}}))
        return 0
    if sub[:1] == ["validate"]:
        a = Args(argv[1:], {"config": "str", "allow-experimental-api": "bool"})
        if not a.get("config"):
            raise SimError("the --config flag is mandatory")
        load_config_file(a.get("config"), validate=True)
        out("ok")
        return 0
    if sub[:1] == ["images"] and sub[1:2] in (["list"], ["pull"]):
        a = Args(argv[2:], {"config": "str", "kubernetes-version": "str", "image-repository": "str",
                            "cri-socket": "str", "output": "str"}, {"-o": "output"})
        cl = {}
        if a.get("config"):
            cl = load_config_file(a.get("config")).get("ClusterConfiguration", (None, {}))[1]
        version = vstr(parse_version(a.get("kubernetes-version") or cl.get("kubernetesVersion") or SIM_VERSION))
        cluster = merge(default_cluster_config(version), cl)
        if a.get("image-repository"):
            cluster["imageRepository"] = a.get("image-repository")
        for img in images(cluster, version):
            out(("[config/images] Pulled " if sub[1] == "pull" else "") + img)
        return 0
    raise SimError("the simulator supports 'config print init-defaults|join-defaults', 'config validate' and "
                   "'config images list|pull'")


KUBEADM_USAGE = """

    ┌──────────────────────────────────────────────────────────┐
    │ KUBEADM (simulated by kbs for tests)                     │
    │ Easily bootstrap a secure Kubernetes cluster             │
    └──────────────────────────────────────────────────────────┘

Usage:
  kubeadm [command]

Available Commands:
  certs       Commands related to handling kubernetes certificates
  config      Manage configuration for a kubeadm cluster persisted in a ConfigMap in the cluster
  init        Run this command in order to set up the Kubernetes control plane
  join        Run this on any machine you wish to join an existing cluster
  reset       Performs a best effort revert of changes made to this host by 'kubeadm init' or 'kubeadm join'
  token       Manage bootstrap tokens
  upgrade     Upgrade your cluster smoothly to a newer version with this command
  version     Print the version of kubeadm
"""


def kubeadm_main(argv):
    cmds = {"init": cmd_init, "join": cmd_join, "reset": cmd_reset, "token": cmd_token, "upgrade": cmd_upgrade,
            "version": cmd_version, "config": cmd_config, "certs": cmd_certs}
    args = [x for x in argv if not re.fullmatch(r"--?v=\d+", x)]
    if not args or args[0] in ("-h", "--help", "help"):
        out(KUBEADM_USAGE)
        return 0
    if args[0] not in cmds:
        raise SimError('unknown command "%s" for "kubeadm"\nRun \'kubeadm --help\' for usage.' % args[0])
    return cmds[args[0]](args[1:])
