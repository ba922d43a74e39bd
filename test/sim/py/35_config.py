# --- config: kubeadm.k8s.io v1beta3/v1beta4 and component config decoding, defaults, rendering -------

KUBEADM_GROUP = "kubeadm.k8s.io"
KUBELET_GV, PROXY_GV = "kubelet.config.k8s.io/v1beta1", "kubeproxy.config.k8s.io/v1alpha1"
COMPONENT_GROUPS = {"kubelet.config.k8s.io": ("v1beta1", "KubeletConfiguration"),
                    "kubeproxy.config.k8s.io": ("v1alpha1", "KubeProxyConfiguration")}

# Schemas use the JSON form of the Go types: a struct is {"$": GoName, jsonField: type}, ["list", t] a slice,
# ["map", t] a map[string]t; leaves: string bool int int32 int64 uint32 float duration (metav1.Duration)
# time (metav1.Time) quantity (resource.Quantity) duration_or_int (logsapi.TimeOrMetaDuration)
# bootstrap_token (bootstraptokenv1.BootstrapTokenString) any.
# The kubeadm tables below were read from cmd/kubeadm/app/apis/kubeadm/v1beta4/types.go (kubernetes/kubernetes
# 1329935739c3, the 1.31 API with Timeouts, UpgradeConfiguration, extraEnvs; Upgrade{Apply,Node}Configuration as
# released, per kubernetes/website kubeadm-config.v1beta4.md 020646fa0577), v1beta3/types.go (428c3fe9540a) and
# app/apis/bootstraptoken/v1 (BootstrapToken, BootstrapTokenString); see test/sim/README.md for what differs by
# minor. The KubeletConfiguration and KubeProxyConfiguration tables are generated per minor
# (36_component_tables.py, by test/sim/gen_component_tables.py).

_TAINT = {"$": "Taint", "key": "string", "value": "string", "effect": "string", "timeAdded": "time"}


def _kubeadm_schemas(v):
    """Field schemas per kind for kubeadm API version v (v1beta3 | v1beta4)."""
    b4 = v == "v1beta4"
    args = ["list", {"$": "Arg", "name": "string", "value": "string"}] if b4 else ["map", "string"]
    envs = ["list", {"$": "EnvVar", "name": "string", "value": "string", "valueFrom": "any"}]
    node_reg = {"$": "NodeRegistrationOptions", "name": "string", "criSocket": "string", "taints": ["list", _TAINT],
                "kubeletExtraArgs": args, "ignorePreflightErrors": ["list", "string"], "imagePullPolicy": "string"}
    if b4:
        node_reg["imagePullSerial"] = "bool"
    endpoint = {"$": "APIEndpoint", "advertiseAddress": "string", "bindPort": "int32"}
    token = {"$": "BootstrapToken", "token": "bootstrap_token", "description": "string", "ttl": "duration",
             "expires": "time", "usages": ["list", "string"], "groups": ["list", "string"]}
    volume = {"$": "HostPathMount", "name": "string", "hostPath": "string", "mountPath": "string",
              "readOnly": "bool", "pathType": "string"}
    component = {"$": "ControlPlaneComponent", "extraArgs": args, "extraVolumes": ["list", volume]}
    if b4:
        component["extraEnvs"] = envs
    api_server = dict(component, certSANs=["list", "string"])
    api_server["$"] = "APIServer"
    if not b4:
        api_server["timeoutForControlPlane"] = "duration"
    local_etcd = {"$": "LocalEtcd", "imageRepository": "string", "imageTag": "string", "dataDir": "string",
                  "extraArgs": args, "serverCertSANs": ["list", "string"], "peerCertSANs": ["list", "string"]}
    if b4:
        local_etcd["extraEnvs"] = envs
    patches = {"$": "Patches", "directory": "string"}
    init = {"$": "InitConfiguration", "bootstrapTokens": ["list", token], "nodeRegistration": node_reg,
            "localAPIEndpoint": endpoint, "certificateKey": "string", "skipPhases": ["list", "string"],
            "patches": patches}
    dns = {"$": "DNS", "imageRepository": "string", "imageTag": "string"}
    cluster = {"$": "ClusterConfiguration",
               "etcd": {"$": "Etcd", "local": local_etcd,
                        "external": {"$": "ExternalEtcd", "endpoints": ["list", "string"], "caFile": "string",
                                     "certFile": "string", "keyFile": "string"}},
               "networking": {"$": "Networking", "serviceSubnet": "string", "podSubnet": "string",
                              "dnsDomain": "string"},
               "kubernetesVersion": "string", "controlPlaneEndpoint": "string", "apiServer": api_server,
               "controllerManager": component, "scheduler": component, "dns": dns, "certificatesDir": "string",
               "imageRepository": "string", "featureGates": ["map", "bool"], "clusterName": "string"}
    discovery = {"$": "Discovery",
                 "bootstrapToken": {"$": "BootstrapTokenDiscovery", "token": "string", "apiServerEndpoint": "string",
                                    "caCertHashes": ["list", "string"], "unsafeSkipCAVerification": "bool"},
                 "file": {"$": "FileDiscovery", "kubeConfigPath": "string"}, "tlsBootstrapToken": "string"}
    join = {"$": "JoinConfiguration", "nodeRegistration": node_reg, "caCertPath": "string", "discovery": discovery,
            "controlPlane": {"$": "JoinControlPlane", "localAPIEndpoint": endpoint, "certificateKey": "string"},
            "skipPhases": ["list", "string"], "patches": patches}
    timeouts = {"$": "Timeouts", "controlPlaneComponentHealthCheck": "duration", "kubeletHealthCheck": "duration",
                "kubernetesAPICall": "duration", "etcdAPICall": "duration", "tlsBootstrap": "duration",
                "discovery": "duration", "upgradeManifests": "duration"}
    if not b4:
        discovery["timeout"] = "duration"
        return {"InitConfiguration": init, "ClusterConfiguration": cluster, "JoinConfiguration": join}
    init.update(dryRun="bool", timeouts=timeouts)
    join.update(dryRun="bool", timeouts=timeouts)
    dns["disabled"] = "bool"
    cluster.update(proxy={"$": "Proxy", "disabled": "bool"}, encryptionAlgorithm="string",
                   certificateValidityPeriod="duration", caCertificateValidityPeriod="duration")
    strs = ["list", "string"]
    reset = {"$": "ResetConfiguration", "cleanupTmpDir": "bool", "certificatesDir": "string", "criSocket": "string",
             "dryRun": "bool", "force": "bool", "ignorePreflightErrors": strs, "skipPhases": strs,
             "unmountFlags": strs, "timeouts": timeouts}
    upgrade = {"$": "UpgradeConfiguration",
               "apply": {"$": "UpgradeApplyConfiguration", "kubernetesVersion": "string",
                         "allowExperimentalUpgrades": "bool", "allowRCUpgrades": "bool", "certificateRenewal": "bool",
                         "dryRun": "bool", "etcdUpgrade": "bool", "forceUpgrade": "bool",
                         "ignorePreflightErrors": strs, "patches": patches, "printConfig": "bool",
                         "skipPhases": strs, "imagePullPolicy": "string", "imagePullSerial": "bool"},
               "diff": {"$": "UpgradeDiffConfiguration", "kubernetesVersion": "string", "contextLines": "int"},
               "node": {"$": "UpgradeNodeConfiguration", "certificateRenewal": "bool", "dryRun": "bool",
                        "etcdUpgrade": "bool", "ignorePreflightErrors": strs, "skipPhases": strs, "patches": patches,
                        "imagePullPolicy": "string", "imagePullSerial": "bool"},
               "plan": {"$": "UpgradePlanConfiguration", "kubernetesVersion": "string",
                        "allowExperimentalUpgrades": "bool", "allowRCUpgrades": "bool", "dryRun": "bool",
                        "ignorePreflightErrors": strs, "printConfig": "bool"},
               "timeouts": timeouts}
    return {"InitConfiguration": init, "ClusterConfiguration": cluster, "JoinConfiguration": join,
            "ResetConfiguration": reset, "UpgradeConfiguration": upgrade}


def config_schema(group, version, kind):
    """The schema of a GVK this kubeadm decodes (its kubeadm scheme or componentconfigs.Scheme), else None."""
    if group == KUBEADM_GROUP:
        return _kubeadm_schemas(version).get(kind) if version in supported_api_versions() else None
    if COMPONENT_GROUPS.get(group) == (version, kind):
        tables = COMPONENT_TABLES.get(str(own_version()[1]))
        if tables is None:  # a minor without its own table: the nearest one below (else above)
            minors = sorted(int(m) for m in COMPONENT_TABLES)
            below = [m for m in minors if m <= own_version()[1]]
            tables = COMPONENT_TABLES[str(below[-1] if below else minors[0])]
        return tables["%s/%s/%s" % (group, version, kind)]
    return None


_GO_DURATION = re.compile(r"[-+]?((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+|[-+]?0")
_RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})")
_QUANTITY = r"^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$"
_TOKEN_PATTERN = r"\A([a-z0-9]{6})\.([a-z0-9]{16})\z"
_INT_RANGE = {"int8": 8, "int16": 16, "int32": 32, "int64": 64, "int": 64,
              "uint8": 8, "uint16": 16, "uint32": 32, "uint64": 64, "uint": 64}


class DecodeError(Exception):
    """A type error that stops decoding (encoding/json's first UnmarshalTypeError, or an UnmarshalJSON error)."""


def _json_kind(v):
    return {str: "string", bool: "bool", list: "array", dict: "object", int: "number",
            float: "number"}.get(type(v), "value")


def _go_type(schema, pkg):
    if isinstance(schema, dict):
        return "%s.%s" % ("v1" if schema["$"] == "Taint" else pkg, schema["$"])
    if isinstance(schema, list):
        return ("[]" if schema[0] == "list" else "map[string]") + _go_type(schema[1], pkg)
    return {"float": "float64", "duration": "v1.Duration", "time": "v1.Time", "quantity": "resource.Quantity",
            "any": "interface {}"}.get(schema, schema)


def decode_strict(obj, schema, pkg):
    """Decodes obj (YAML already turned into JSON values) into schema as apimachinery's strict YAML serializer
    does (sigs.k8s.io/json: case-sensitive field names). Raises DecodeError on the first type error, in
    encoding/json's words (the struct holding the field, the field's full JSON path without indexes); returns
    the strict errors: every unknown field's path."""
    unknown = []

    def type_error(v, path, struct, sch):
        if struct is None:
            raise DecodeError("json: cannot unmarshal %s into Go value of type %s" % (_json_kind(v), _go_type(sch, pkg)))
        raise DecodeError("json: cannot unmarshal %s into Go struct field %s.%s of type %s"
                          % (_json_kind(v), struct, path, _go_type(sch, pkg)))

    def walk(v, sch, path, struct):
        if v is None or sch == "any":
            return
        if isinstance(sch, dict):
            if not isinstance(v, dict):
                type_error(v, path, struct, sch)
            for k, sub in v.items():
                p = "%s.%s" % (path, k) if path else k
                if k == "$" or k not in sch:
                    unknown.append(p)
                else:
                    walk(sub, sch[k], p, sch["$"])
        elif isinstance(sch, list):
            want = list if sch[0] == "list" else dict
            if not isinstance(v, want):
                type_error(v, path, struct, sch)
            for item in (v if want is list else v.values()):
                walk(item, sch[1], path, struct)
        elif sch == "string":
            if not isinstance(v, str):
                type_error(v, path, struct, sch)
        elif sch == "bool":
            if not isinstance(v, bool):
                type_error(v, path, struct, sch)
        elif sch in _INT_RANGE:
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                type_error(v, path, struct, sch)
            bits = _INT_RANGE[sch]
            lo, hi = (0, 2 ** bits - 1) if sch.startswith("u") else (-2 ** (bits - 1), 2 ** (bits - 1) - 1)
            if isinstance(v, float) and not v.is_integer() or not lo <= v <= hi:
                raise DecodeError("json: cannot unmarshal number %s into Go struct field %s.%s of type %s"
                                  % (v, struct, path, sch))
        elif sch == "float":
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                type_error(v, path, struct, sch)
        elif sch in ("duration", "time", "duration_or_int"):
            if sch == "duration_or_int" and isinstance(v, int) and not isinstance(v, bool):
                return
            if not isinstance(v, str):  # metav1.Duration/Time.UnmarshalJSON decode into a string first
                raise DecodeError("json: cannot unmarshal %s into Go value of type string" % _json_kind(v))
            if sch != "time" and not _GO_DURATION.fullmatch(v):
                raise DecodeError('time: invalid duration "%s"' % v)
            if sch == "time" and not _RFC3339.fullmatch(v):
                raise DecodeError('parsing time "%s" as "2006-01-02T15:04:05Z07:00": cannot parse "%s" as "2006"'
                                  % (v, v))
        elif sch == "quantity":
            s = v if isinstance(v, str) else json.dumps(v)
            if not re.match(_QUANTITY, s.strip()):
                raise DecodeError("quantities must match the regular expression '%s'" % _QUANTITY)
        elif sch == "bootstrap_token":  # UnmarshalJSON strips every '"' from the raw JSON and matches the pattern
            raw = json.dumps(v).replace('"', "")
            if not re.fullmatch(r"([a-z0-9]{6})\.([a-z0-9]{16})", raw):
                raise DecodeError("the bootstrap token %s was not of the form %s"
                                  % (json.dumps(raw), json.dumps(_TOKEN_PATTERN)))

    walk(obj, schema, "", None)
    return unknown


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


def _gvk_go(group, version, kind):
    return 'schema.GroupVersionKind{Group:"%s", Version:"%s", Kind:"%s"}' % (group, version, kind)


def _klog_warning(source, msg):
    warn("W%s    1 %s] %s" % (time.strftime("%m%d %H:%M:%S"), source, msg))


# which documents each command strictly checks and which kinds it decodes (util/config: ValidateConfig,
# documentMapTo{Init,Join,Reset,Upgrade}Configuration)
_DECODES = {"init": {"InitConfiguration", "ClusterConfiguration", "KubeletConfiguration", "KubeProxyConfiguration"},
            "join": {"JoinConfiguration"}, "reset": {"ResetConfiguration"}, "upgrade": {"UpgradeConfiguration"}}
_WHERE = {"init": "initconfiguration.go:331", "join": "joinconfiguration.go:108",
          "reset": "resetconfiguration.go:131", "upgrade": "upgradeconfiguration.go:54"}


def load_config_file(path, validate=False, command="init"):
    """-> {kind: (version, doc)} for kubeadm kinds plus component configs, decoded as kubeadm does.

    `kubeadm config validate` (validate=True): a GVK neither the kubeadm scheme nor componentconfigs.Scheme
    knows is an error (validateKnownGVKs); with an Init/ClusterConfiguration every document is decoded strictly
    (unknown fields are errors), a JoinConfiguration or ResetConfiguration only itself; an UpgradeConfiguration
    alone is not decoded. Other commands (command: init | join | reset | upgrade) check their documents
    strictly but only warn, then decode them: a type error still fails."""
    try:
        text = read_text(path)
    except OSError as e:
        raise SimError("unable to read config from %s : open %s: %s"
                       % (path, path, (e.strerror or str(e)).lower()))
    try:
        docs = yaml_load_all(text)
    except YamlError as e:
        raise SimError("couldn't load config file %s: %s" % (path, e.msg))
    parsed, kinds_seen = [], set()
    for doc in docs:  # util/marshal.go SplitYAMLDocuments
        if not isinstance(doc, dict):
            raise SimError("error converting YAML to JSON: a document in %s is not a mapping" % path)
        api, kind = doc.get("apiVersion"), doc.get("kind")
        if not api or not kind:
            raise SimError("invalid configuration for GroupVersionKind /, Kind=: kind and apiVersion is "
                           "mandatory information that must be specified")
        if kind in kinds_seen:
            raise SimError('invalid configuration: kind "%s" is specified twice in YAML file' % kind)
        kinds_seen.add(kind)
        group, _, version = str(api).rpartition("/")
        parsed.append((group, version, kind, doc))
    all_kinds = {k for _, _, k, _ in parsed}
    if validate:
        unknown = []
        for group, version, kind, _ in parsed:
            if group == KUBEADM_GROUP and version in old_api_versions():
                continue  # validateKnownGVKs skips the old known versions; decoding refuses them below
            if config_schema(group, version, kind) is None:
                unknown.append(_gvk_go(group, version, kind))
        if unknown:
            raise SimError("unknown configuration APIs: []schema.GroupVersionKind{%s}" % ", ".join(unknown))
        if all_kinds & {"InitConfiguration", "ClusterConfiguration"}:
            checked = all_kinds
        else:
            checked = all_kinds & {"JoinConfiguration", "ResetConfiguration"}
        decoded = checked
    elif command == "init":
        checked, decoded = all_kinds, _DECODES["init"]
    else:
        checked = decoded = _DECODES.get(command, set())
    where = _WHERE.get(command, "strict.go:47")
    result = {}
    for group, version, kind, doc in parsed:
        ignored = "[config] WARNING: Ignored configuration document with GroupVersionKind %s/%s, Kind=%s" % (
            group, version, kind)
        if kind not in checked:
            if command == "upgrade" and not validate:
                _klog_warning("upgradeconfiguration.go:75", ignored)
            continue
        if group == KUBEADM_GROUP and version in old_api_versions():
            raise SimError('your configuration file uses an old API spec: "%s/%s" (kind: "%s"). Please use kubeadm '
                           '%s instead and run \'kubeadm config migrate --old-config old.yaml --new-config '
                           'new.yaml\', which will write the new, similar spec using a newer API version.'
                           % (group, version, kind, old_api_versions()[version]))
        if group == KUBEADM_GROUP and version == "v1beta3" and "v1beta4" in supported_api_versions() \
                and not validate:
            _klog_warning("common.go:101", 'your configuration file uses a deprecated API spec: '
                          '"kubeadm.k8s.io/v1beta3" (kind: "%s"). Please use \'kubeadm config migrate '
                          '--old-config old.yaml --new-config new.yaml\', which will write the new, similar '
                          'spec using a newer API version.' % kind)
        schema = config_schema(group, version, kind)
        decodes = kind in decoded
        gvk = _gvk_go(group, version, kind)
        if schema is None:  # only outside validate: validateKnownGVKs refused these above
            _klog_warning(where, "unknown configuration %s" % gvk)
            if group == KUBEADM_GROUP and decodes:  # a kind kubeadm decodes, in a version it has not registered
                raise SimError('no kind "%s" is registered for version "%s/%s" in scheme '
                               '"k8s.io/kubernetes/cmd/kubeadm/app/apis/kubeadm/scheme/scheme.go:31"'
                               % (kind, group, version))
            if group in COMPONENT_GROUPS:  # componentconfigs/configset.go: UnsupportedConfigVersionError
                raise SimError('unsupported apiVersion "%s/%s", you may have to do manual conversion to "%s/%s" '
                               'and run kubeadm again' % (group, version, group, COMPONENT_GROUPS[group][0]))
            _klog_warning(where, ignored)
            continue
        body = doc if group in COMPONENT_GROUPS else {k: v for k, v in doc.items() if k not in ("apiVersion", "kind")}
        try:
            strict = decode_strict(body, schema, version)
        except DecodeError as e:
            if validate:
                raise SimError("error unmarshaling configuration %s: %s" % (gvk, e))
            _klog_warning(where, "error unmarshaling configuration %s: %s" % (gvk, e))
            if decodes:  # the non-strict UniversalDecoder meets the same type error
                raise SimError(str(e))
            strict = []
        if strict:
            msg = "error unmarshaling configuration %s: strict decoding error: %s" % (
                gvk, ", ".join('unknown field "%s"' % p for p in strict))
            if validate:
                raise SimError(msg)
            _klog_warning(where, msg)
        if not decodes:
            if group not in COMPONENT_GROUPS:
                _klog_warning(where, ignored)
            continue
        if group in COMPONENT_GROUPS:
            result[kind] = (group + "/" + version, _drop_unknown(doc, schema))
        else:
            result[kind] = (version, _drop_unknown(body, schema))
    return result


def _drop_unknown(obj, schema):
    """What the non-strict decoder keeps: unknown fields are dropped."""
    if isinstance(schema, dict) and isinstance(obj, dict):
        return {k: _drop_unknown(v, schema[k]) for k, v in obj.items() if k != "$" and k in schema}
    if isinstance(schema, list) and schema[0] == "list" and isinstance(obj, list):
        return [_drop_unknown(v, schema[1]) for v in obj]
    return obj


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
