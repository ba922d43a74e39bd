# --- config: kubeadm.k8s.io v1beta3/v1beta4 strict decoding, defaults, rendering -----------

KUBEADM_GROUP = "kubeadm.k8s.io"
STR, INT, BOOL, ANY, STRMAP, STRLIST = "string", "int32", "bool", "any", "strmap", "strlist"
DURATION, BOOLMAP, INTN = "duration", "boolmap", "int"
# Field tables read from cmd/kubeadm/app/apis/kubeadm/v1beta3/types.go and v1beta4/types.go (the stored
# kubernetes/kubernetes versions, read 2026-12): metav1.Duration fields are DURATION, featureGates is
# map[string]bool, extraEnvs is []EnvVar (core/v1: name, value, valueFrom), Timeouts and the
# Upgrade*Configuration structs as v1beta4 declares them.


def _args_schema(v):
    return STRMAP if v == "v1beta3" else ("list", {"name": STR, "value": STR})


def _schemas(v):
    """Field schemas per kind for API version v (v1beta3 | v1beta4)."""
    b4 = v == "v1beta4"
    taint = {"key": STR, "value": STR, "effect": STR, "timeAdded": STR}
    node_reg = {"name": STR, "criSocket": STR, "taints": ("list", taint), "kubeletExtraArgs": _args_schema(v),
                "ignorePreflightErrors": STRLIST, "imagePullPolicy": STR}
    if b4:
        node_reg["imagePullSerial"] = BOOL
    endpoint = {"advertiseAddress": STR, "bindPort": INT}
    token = {"token": STR, "description": STR, "ttl": DURATION, "expires": STR, "usages": STRLIST,
             "groups": STRLIST}
    volume = {"name": STR, "hostPath": STR, "mountPath": STR, "readOnly": BOOL, "pathType": STR}
    component = {"extraArgs": _args_schema(v), "extraVolumes": ("list", volume)}
    if b4:
        component["extraEnvs"] = ("list", {"name": STR, "value": STR, "valueFrom": ANY})

    api_server = dict(component, certSANs=STRLIST)
    if not b4:
        api_server["timeoutForControlPlane"] = DURATION
    local_etcd = {"imageRepository": STR, "imageTag": STR, "dataDir": STR, "extraArgs": _args_schema(v),
                  "serverCertSANs": STRLIST, "peerCertSANs": STRLIST}
    if b4:
        local_etcd["extraEnvs"] = ("list", {"name": STR, "value": STR, "valueFrom": ANY})
    init = {"bootstrapTokens": ("list", token), "nodeRegistration": node_reg,
            "localAPIEndpoint": endpoint, "certificateKey": STR, "skipPhases": STRLIST,
            "patches": {"directory": STR}}
    cluster = {"etcd": {"local": local_etcd, "external": {"endpoints": STRLIST, "caFile": STR,
                                                           "certFile": STR, "keyFile": STR}},
               "networking": {"serviceSubnet": STR, "podSubnet": STR, "dnsDomain": STR},
               "kubernetesVersion": STR, "controlPlaneEndpoint": STR, "apiServer": api_server,
               "controllerManager": component, "scheduler": component,
               "dns": {"imageRepository": STR, "imageTag": STR}, "certificatesDir": STR,
               "imageRepository": STR, "featureGates": BOOLMAP, "clusterName": STR}
    join = {"nodeRegistration": node_reg, "caCertPath": STR,
            "discovery": {"bootstrapToken": {"token": STR, "apiServerEndpoint": STR, "caCertHashes": STRLIST,
                                             "unsafeSkipCAVerification": BOOL},
                          "file": {"kubeConfigPath": STR}, "tlsBootstrapToken": STR},
            "controlPlane": {"localAPIEndpoint": endpoint, "certificateKey": STR},
            "skipPhases": STRLIST, "patches": {"directory": STR}}
    timeouts = {"controlPlaneComponentHealthCheck": DURATION, "kubeletHealthCheck": DURATION,
                "kubernetesAPICall": DURATION, "etcdAPICall": DURATION, "tlsBootstrap": DURATION,
                "discovery": DURATION, "upgradeManifests": DURATION}
    if b4:
        init.update(dryRun=BOOL, timeouts=timeouts)
        join.update(dryRun=BOOL, timeouts=timeouts)
        cluster["dns"]["disabled"] = BOOL
        cluster["proxy"] = {"disabled": BOOL}
        cluster.update(encryptionAlgorithm=STR, certificateValidityPeriod=DURATION,
                       caCertificateValidityPeriod=DURATION)
    else:
        join["discovery"]["timeout"] = DURATION
    kinds = {"InitConfiguration": init, "ClusterConfiguration": cluster, "JoinConfiguration": join}
    if b4:
        kinds["ResetConfiguration"] = {"cleanupTmpDir": BOOL, "certificatesDir": STR, "criSocket": STR,
                                       "dryRun": BOOL, "force": BOOL, "ignorePreflightErrors": STRLIST,
                                       "skipPhases": STRLIST, "unmountFlags": STRLIST, "timeouts": timeouts}
        patches = {"directory": STR}
        kinds["UpgradeConfiguration"] = {
            "apply": {"kubernetesVersion": STR, "allowExperimentalUpgrades": BOOL, "allowRCUpgrades": BOOL,
                      "certificateRenewal": BOOL, "dryRun": BOOL, "etcdUpgrade": BOOL, "forceUpgrade": BOOL,
                      "ignorePreflightErrors": STRLIST, "patches": patches, "printConfig": BOOL,
                      "skipPhases": STRLIST, "imagePullPolicy": STR, "imagePullSerial": BOOL},
            "diff": {"kubernetesVersion": STR, "contextLines": INTN},
            "node": {"certificateRenewal": BOOL, "dryRun": BOOL, "etcdUpgrade": BOOL, "ignorePreflightErrors": STRLIST,
                     "skipPhases": STRLIST, "patches": patches, "imagePullPolicy": STR, "imagePullSerial": BOOL},
            "plan": {"kubernetesVersion": STR, "allowExperimentalUpgrades": BOOL, "allowRCUpgrades": BOOL,
                     "dryRun": BOOL, "ignorePreflightErrors": STRLIST, "printConfig": BOOL},
            "timeouts": timeouts}
    return kinds


def _check(obj, schema, path, gvk):
    def bad(msg):
        return SimError("error unmarshaling configuration schema.GroupVersionKind{Group:\"%s\", "
                        "Version:\"%s\", Kind:\"%s\"}: %s" % (gvk[0], gvk[1], gvk[2], msg))

    def typ(v):
        return {str: "string", int: "number", bool: "bool", list: "array", dict: "object",
                float: "number", type(None): "null"}.get(type(v), "value")

    if schema == ANY or obj is None:
        return
    if schema in (STR, DURATION):
        if not isinstance(obj, str):  # YAML→JSON first: an unquoted 4 or yes is a number or a bool
            raise bad("json: cannot unmarshal %s into Go struct field .%s of type %s"
                      % (typ(obj), path, "string" if schema == STR else "v1.Duration"))
        if schema == DURATION and not re.fullmatch(r"[-+]?((\d+(\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h))+|[-+]?0", obj):
            raise bad('time: invalid duration "%s"' % obj)
    elif schema == BOOLMAP:
        if not isinstance(obj, dict):
            raise bad("json: cannot unmarshal %s into Go struct field .%s of type map[string]bool" % (typ(obj), path))
        for k, v in obj.items():
            if not isinstance(v, bool):
                raise bad("json: cannot unmarshal %s into Go struct field .%s of type bool" % (typ(v), path + "." + k))
    elif schema == INTN:
        if not isinstance(obj, int) or isinstance(obj, bool):
            raise bad("json: cannot unmarshal %s into Go struct field .%s of type int" % (typ(obj), path))
    elif schema == INT:
        if not isinstance(obj, int) or isinstance(obj, bool):
            raise bad("json: cannot unmarshal %s into Go struct field .%s of type int32" % (typ(obj), path))
    elif schema == BOOL:
        if not isinstance(obj, bool):
            raise bad("json: cannot unmarshal %s into Go struct field .%s of type bool" % (typ(obj), path))
    elif schema == STRMAP:
        if not isinstance(obj, dict):
            raise bad("json: cannot unmarshal %s into Go struct field .%s of type map[string]string"
                      % (typ(obj), path))
        for k, v in obj.items():
            if not isinstance(v, str):
                raise bad("json: cannot unmarshal %s into Go struct field .%s of type string" % (typ(v), path + "." + k))
    elif schema == STRLIST:
        if not isinstance(obj, list):
            raise bad("json: cannot unmarshal %s into Go struct field .%s of type []string" % (typ(obj), path))
        for v in obj:
            if not isinstance(v, str):
                raise bad("json: cannot unmarshal %s into Go struct field .%s of type string" % (typ(v), path))
    elif isinstance(schema, tuple):
        if not isinstance(obj, list):
            raise bad("json: cannot unmarshal %s into Go struct field .%s of type []" % (typ(obj), path))
        for i, item in enumerate(obj):
            _check(item, schema[1], "%s[%d]" % (path, i), gvk)
    elif isinstance(schema, dict):
        if not isinstance(obj, dict):
            raise bad("json: cannot unmarshal %s into Go struct field .%s of type object" % (typ(obj), path))
        for k, v in obj.items():
            sub = "%s.%s" % (path, k) if path else k
            if k not in schema:
                raise bad('strict decoding error: unknown field "%s"' % sub)
            _check(v, schema[k], sub, gvk)


def supported_api_versions():
    """v1beta4 from 1.31 (cmd/kubeadm/app/apis/kubeadm/v1beta4); v1beta3 removed in 1.36."""
    minor = own_version()[1]
    if minor >= 36:
        return ["v1beta4"]
    return ["v1beta3", "v1beta4"] if minor >= 31 else ["v1beta3"]


def old_api_versions():
    """Removed kubeadm API versions -> the last kubeadm that reads them (util/config/common.go)."""
    old = {"v1alpha1": "v1.11", "v1alpha2": "v1.12", "v1alpha3": "v1.14", "v1beta1": "v1.15", "v1beta2": "v1.22"}
    if own_version()[1] >= 36:
        old["v1beta3"] = "v1.35"
    return old


def preferred_api_version():
    return supported_api_versions()[-1]


def load_config_file(path, validate=False):
    """-> {kind: (version, doc)} for kubeadm kinds plus component configs; strict decoding.
    validate: `kubeadm config validate`, where an unknown apiVersion or kind is an error
    (validateKnownGVKs) rather than init's warning."""
    try:
        text = read_text(path)
    except OSError as e:
        raise SimError("unable to read config from %s : open %s: %s"
                       % (path, path, (e.strerror or str(e)).lower()))
    try:
        docs = yaml_load_all(text)
    except YamlError as e:
        raise SimError("couldn't load config file %s: %s" % (path, e.msg))
    result, seen, unknown = {}, set(), []
    for doc in docs:
        if not isinstance(doc, dict):
            raise SimError("error converting YAML to JSON: a document in %s is not a mapping" % path)
        api, kind = doc.get("apiVersion"), doc.get("kind")
        if not api or not kind:
            raise SimError("invalid configuration for GroupVersionKind /, Kind=: kind and apiVersion is "
                           "mandatory information that must be specified")
        group, _, version = str(api).rpartition("/")
        if (api, kind) in seen:  # util/marshal.go SplitYAMLDocuments
            raise SimError("invalid configuration: GroupVersionKind {Group:%s Version:%s Kind:%s} is specified twice "
                           "in YAML file" % (group, version, kind))
        seen.add((api, kind))
        if group == KUBEADM_GROUP:
            if version in old_api_versions():
                raise SimError('your configuration file uses an old API spec: "%s". Please use kubeadm '
                               '%s instead and run \'kubeadm config migrate --old-config old.yaml '
                               '--new-config new.yaml\', which will write the new, similar spec using a '
                               'newer API version.' % (api, old_api_versions()[version]))
            kinds = _schemas(version) if version in supported_api_versions() else {}
            if kind not in kinds:
                raise SimError('no kind "%s" is registered for version "%s" in scheme '
                               '"k8s.io/kubernetes/cmd/kubeadm/app/apis/kubeadm/scheme/scheme.go:31"'
                               % (kind, api))
            if version == "v1beta3" and "v1beta4" in supported_api_versions():
                warn('W%s    1 common.go:101] your configuration file uses a deprecated API spec: '
                     '"kubeadm.k8s.io/v1beta3" (kind: "%s"). Please use \'kubeadm config migrate '
                     '--old-config old.yaml --new-config new.yaml\', which will write the new, similar '
                     'spec using a newer API version.' % (time.strftime("%m%d %H:%M:%S"), kind))
            body = {k: v for k, v in doc.items() if k not in ("apiVersion", "kind")}
            _check(body, kinds[kind], "", (KUBEADM_GROUP, version, kind))
            result[kind] = (version, body)
        elif api == "kubelet.config.k8s.io/v1beta1" and kind == "KubeletConfiguration" \
                or api == "kubeproxy.config.k8s.io/v1alpha1" and kind == "KubeProxyConfiguration":
            result[kind] = (api, doc)
        else:
            unknown.append('schema.GroupVersionKind{Group:"%s", Version:"%s", Kind:"%s"}' % (group, version, kind))
            if not validate:
                warn("[config] WARNING: Ignored configuration document with GroupVersionKind %s, Kind=%s"
                     % (api, kind))
    if validate and unknown:
        raise SimError("unknown configuration APIs: []schema.GroupVersionKind{%s}" % ", ".join(unknown))
    return result


def args_to_map(v):
    """extraArgs in either API version -> dict."""
    if isinstance(v, list):
        return {a.get("name"): a.get("value") for a in v}
    return dict(v or {})


def map_to_args(m, version):
    if version == "v1beta4":
        return [{"name": k, "value": str(val)} for k, val in sorted(m.items())]
    return {k: str(val) for k, val in m.items()}


def default_cluster_config(kube_version):
    return {
        "apiServer": {},
        "certificatesDir": "/etc/kubernetes/pki",
        "clusterName": "kubernetes",
        "controllerManager": {},
        "dns": {},
        "etcd": {"local": {"dataDir": "/var/lib/etcd"}},
        "imageRepository": "registry.k8s.io",
        "kubernetesVersion": kube_version,
        "networking": {"dnsDomain": "cluster.local", "serviceSubnet": "10.96.0.0/12"},
        "scheduler": {},
    }


def merge(base, over):
    out_ = dict(base)
    for k, v in (over or {}).items():
        if isinstance(v, dict) and isinstance(out_.get(k), dict):
            out_[k] = merge(out_[k], v)
        else:
            out_[k] = v
    return out_


def normalize_cluster(cfg):
    """Internal form: extraArgs as maps (v1beta3 shape)."""
    cfg = json.loads(json.dumps(cfg))
    for comp in ("apiServer", "controllerManager", "scheduler"):
        if isinstance(cfg.get(comp), dict) and "extraArgs" in cfg[comp]:
            cfg[comp]["extraArgs"] = args_to_map(cfg[comp]["extraArgs"])
    local = (cfg.get("etcd") or {}).get("local")
    if isinstance(local, dict) and "extraArgs" in local:
        local["extraArgs"] = args_to_map(local["extraArgs"])
    if cfg.get("etcd", {}).get("external"):
        cfg["etcd"].pop("local", None)
    return cfg


def render_cluster(cfg, version):
    """ClusterConfiguration YAML as stored in the kubeadm-config ConfigMap."""
    c = json.loads(json.dumps(cfg))
    for comp in ("apiServer", "controllerManager", "scheduler"):
        if isinstance(c.get(comp), dict) and "extraArgs" in c[comp]:
            c[comp]["extraArgs"] = map_to_args(c[comp]["extraArgs"], version)
    local = (c.get("etcd") or {}).get("local")
    if isinstance(local, dict) and "extraArgs" in local:
        local["extraArgs"] = map_to_args(local["extraArgs"], version)
    if version == "v1beta3":
        c.setdefault("apiServer", {}).setdefault("timeoutForControlPlane", "4m0s")
    else:
        c.get("apiServer", {}).pop("timeoutForControlPlane", None)
        c.setdefault("proxy", {})
        c.setdefault("encryptionAlgorithm", "RSA-2048")
        c.setdefault("certificateValidityPeriod", "8760h0m0s")
        c.setdefault("caCertificateValidityPeriod", "87600h0m0s")
    return yaml_dump(dict({"apiVersion": "%s/%s" % (KUBEADM_GROUP, version),
                           "kind": "ClusterConfiguration"}, **c))


def default_kubelet_config(cluster):
    svc = cluster.get("networking", {}).get("serviceSubnet", "10.96.0.0/12").split(",")[0]
    base = [int(x) for x in svc.split("/")[0].split(".")]
    dns_ip = "%d.%d.%d.%d" % (base[0], base[1], base[2], base[3] + 10)
    return {
        "apiVersion": "kubelet.config.k8s.io/v1beta1",
        "kind": "KubeletConfiguration",
        "authentication": {"anonymous": {"enabled": False}, "webhook": {"cacheTTL": "0s", "enabled": True},
                           "x509": {"clientCAFile": "/etc/kubernetes/pki/ca.crt"}},
        "authorization": {"mode": "Webhook", "webhook": {"cacheAuthorizedTTL": "0s",
                                                         "cacheUnauthorizedTTL": "0s"}},
        "cgroupDriver": "systemd",
        "clusterDNS": [dns_ip],
        "clusterDomain": cluster.get("networking", {}).get("dnsDomain", "cluster.local"),
        "containerRuntimeEndpoint": "",
        "cpuManagerReconcilePeriod": "0s",
        "healthzBindAddress": "127.0.0.1",
        "healthzPort": 10248,
        "rotateCertificates": True,
        "staticPodPath": "/etc/kubernetes/manifests",
        "streamingConnectionIdleTimeout": "0s",
    }


def images(cluster, version):
    repo = cluster.get("imageRepository", "registry.k8s.io")
    minor = parse_version(version)[1]
    # constants.go's etcd/CoreDNS/pause per minor (approximate for the newest minors)
    etcd = {30: "3.5.15-0", 31: "3.5.15-0", 32: "3.5.16-0", 33: "3.5.21-0", 34: "3.6.4-0"}.get(minor, "3.6.5-0")
    coredns = {30: "v1.11.3", 31: "v1.11.3", 32: "v1.11.3", 33: "v1.12.0", 34: "v1.12.1"}.get(minor, "v1.13.1")
    pause = "3.9" if minor < 31 else "3.10" if minor < 34 else "3.10.1"
    imgs = ["%s/kube-%s:%s" % (repo, c, version) for c in
            ("apiserver", "controller-manager", "scheduler", "proxy")]
    imgs += ["%s/coredns/coredns:%s" % (repo, coredns), "%s/pause:%s" % (repo, pause)]
    if "external" not in cluster.get("etcd", {}):
        imgs.append("%s/etcd:%s" % (repo, etcd))
    return imgs
