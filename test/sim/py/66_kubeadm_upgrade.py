# --- kubeadm upgrade plan | apply | node -------------------------------------------------------


KUBELET_SKEW = 3  # MaximumAllowedMinorVersionKubeletSkew (n-3 since 1.28)


def upgrade_errors(current, target, kubeadm, kubelets=()):
    """phases/upgrade/policy.go EnforceVersionPolicies for released versions -> (mandatory, skippable)."""
    mandatory, skippable = [], []
    t, c, k = vstr(target), vstr(current), vstr(kubeadm)
    if target < (kubeadm[0], kubeadm[1] - 1, 0):  # constants.MinimumControlPlaneVersion
        mandatory.append('Specified version to upgrade to "%s" is equal to or lower than the minimum supported version '
                         '"%s". Please specify a higher version to upgrade to' % (t, c))
    if target[1] > current[1] + 1:
        mandatory.append('Specified version to upgrade to "%s" is too high; kubeadm can upgrade only 1 minor version '
                         'at a time' % t)
    if target[1] < current[1] - 1:
        mandatory.append('Specified version to downgrade to "%s" is too low; kubeadm can downgrade only 1 minor '
                         'version at a time' % t)
    if kubeadm < target:
        if target[1] > kubeadm[1]:
            mandatory.append('Specified version to upgrade to "%s" is at least one minor release higher than the kubeadm '
                             'minor release (%d > %d). Such an upgrade is not supported' % (t, target[1], kubeadm[1]))
        else:
            skippable.append('Specified version to upgrade to "%s" is higher than the kubeadm version "%s". Upgrade '
                             'kubeadm first using the tool you used to install kubeadm' % (t, k))
    if kubeadm[0] > target[0] or kubeadm[1] > target[1]:
        skippable.append("Kubeadm version %s can only be used to upgrade to Kubernetes version %d.%d"
                         % (k, kubeadm[0], kubeadm[1]))
    old = sorted({v for v in kubelets if target[1] > parse_version(v)[1] + KUBELET_SKEW})
    if old:
        skippable.append("There are kubelets in this cluster that are too old that have these versions [%s]"
                         % " ".join(old))
    return mandatory, skippable


def _local_control_plane():
    cfg = load_json(apiserver_file())
    if not cfg or not os.path.exists(rp(K8S + "/manifests/kube-apiserver.yaml")):
        return None
    return cfg


UPGRADE_MANIFEST_PHASES = {c: ("control-plane", "") for c in MANIFESTS}


def _upgrade_local(cluster, version, patches=None):
    """Rewrite this node's static pods to `version` (with the patches of `patches`) and restart its apiserver."""
    cfg = _local_control_plane()
    if not cfg:
        return False
    out('[upgrade/staticpods] Writing new Static Pod manifests to "/etc/kubernetes/tmp/kubeadm-upgraded-manifests"')
    for comp in (["etcd"] if is_stacked(cluster) else []) + ["kube-apiserver", "kube-controller-manager",
                                                              "kube-scheduler"]:
        out("[upgrade/staticpods] Preparing for \"%s\" upgrade" % comp)
    write_manifests(cluster, version, cfg["advertise"], cfg["port"], patches=patches, phases=UPGRADE_MANIFEST_PHASES)
    cfg["version"] = version
    save_json(apiserver_file(), cfg)
    start_apiserver(restart=True)
    for comp in ("kube-apiserver", "kube-controller-manager", "kube-scheduler"):
        out('[upgrade/staticpods] Component "%s" upgraded successfully!' % comp)
    return True


def _move_cri_flag_to_instance_config():
    """phases/upgrade (NodeLocalCRISocket, instance-config.yaml missing): --container-runtime-endpoint leaves
    kubeadm-flags.env (rewritten without it when it was there) for instance-config.yaml."""
    flags_file = "/var/lib/kubelet/kubeadm-flags.env"
    try:
        text = read_text(rp(flags_file))
    except OSError as e:
        raise SimError("error execution phase kubelet-config: error reading kubeadm flags file: open %s: %s"
                       % (flags_file, (e.strerror or str(e)).lower()))
    m = re.search(r'KUBELET_KUBEADM_ARGS="([^"]*)"', text)
    args = (m.group(1) if m else "").split()
    endpoint = ""
    kept = []
    for arg in args:
        if arg.startswith("--container-runtime-endpoint="):
            endpoint = arg.split("=", 1)[1]
        else:
            kept.append(arg)
    if endpoint:
        out('[kubelet-start] Writing kubelet environment file with flags to file "%s"' % flags_file)
        atomic_write(rp(flags_file), 'KUBELET_KUBEADM_ARGS="%s"\n' % " ".join(kept))
    out('[kubelet-start] Writing kubelet configuration to file "%s"' % INSTANCE_CONFIG)
    atomic_write(rp(INSTANCE_CONFIG), "containerRuntimeEndpoint: %s\n" % go_quote(endpoint))


def _write_kubelet_config(api, cluster, patches=None):
    """phases/upgrade kubelet config: the cluster's KubeletConfiguration, the `kubeletconfiguration` patches and
    (NodeLocalCRISocket) instance-config.yaml — made from kubeadm-flags.env's endpoint when missing."""
    kcm = api.get(CM_PATH % ("kube-system", "kubelet-config"))
    out('[upgrade] Backing up kubelet config file to /etc/kubernetes/tmp/kubeadm-kubelet-config/config.yaml')
    instance = None
    if node_local_cri_socket(cluster):
        instance = INSTANCE_CONFIG
        if not os.path.exists(rp(INSTANCE_CONFIG)):
            _move_cri_flag_to_instance_config()
    try:
        cfg = patch_kubelet_config(yaml_load(kcm["data"]["kubelet"]), patches, instance)
    except SimError as e:
        raise SimError("error execution phase kubelet-config: error writing kubelet configuration to file: " + e.msg)
    out('[kubelet-start] Writing kubelet configuration to file "/var/lib/kubelet/config.yaml"')
    atomic_write(rp("/var/lib/kubelet/config.yaml"), yaml_dump(cfg))


def cmd_upgrade(argv):
    if not argv:
        raise SimError('missing subcommand; "upgrade" is not meant to be run on its own')
    sub, rest = argv[0], argv[1:]
    if sub == "plan":
        return _upgrade_plan(Args(rest, {"config": "str", "ignore-preflight-errors": "csv",
                                         "allow-experimental-upgrades": "bool", "allow-release-candidate-upgrades": "bool",
                                         "print-config": "bool", "output": "str"}, {"-o": "output"}))
    if sub == "apply":
        return _upgrade_apply(Args(rest, {"yes": "bool", "force": "bool", "config": "str", "dry-run": "bool",
                                          "ignore-preflight-errors": "csv", "certificate-renewal": "bool",
                                          "etcd-upgrade": "bool", "allow-experimental-upgrades": "bool",
                                          "allow-release-candidate-upgrades": "bool", "print-config": "bool",
                                          "patches": "str", "skip-phases": "csv"}, {"-y": "yes", "-f": "force"}))
    if sub == "node":
        return _upgrade_node(Args(rest, {"config": "str", "dry-run": "bool", "ignore-preflight-errors": "csv",
                                         "certificate-renewal": "bool", "etcd-upgrade": "bool", "patches": "str",
                                         "skip-phases": "csv"}))
    if sub == "diff":
        out("the simulator has no diff to show")
        return 0
    raise SimError('unknown command "%s" for "kubeadm upgrade"' % sub)


def _upgrade_config(a):
    """--config FILE as documentMapToUpgradeConfiguration reads it (util/config/upgradeconfiguration.go)
    -> the UpgradeConfiguration body ({} without --config)."""
    if not a.get("config"):
        return {}
    up = load_config_file(a.get("config"), command="upgrade").get("UpgradeConfiguration")
    if up is None:
        raise SimError("no UpgradeConfiguration found in the supplied config")
    return up[1]


def _read_cluster_for_upgrade(api):
    out("[upgrade/config] Reading configuration from the cluster...",
        "[upgrade/config] FYI: You can look at this config file with 'kubectl -n kube-system get cm kubeadm-config "
        "-o yaml'")
    return normalize_cluster(fetch_cluster(api))


def health_check(api, ignore):
    """phases/upgrade/health.go: the API server answers and every control-plane Node is Ready
    (ControlPlaneNodesReady; ignorable by name with --ignore-preflight-errors)."""
    out("[upgrade] Running cluster health checks")
    pf = Preflight(ignore)
    try:
        api.get("/healthz")
    except SimError as e:
        pf.fail("APIServerHealth", "the API Server is unhealthy; /healthz didn't return \"ok\": %s" % e.msg)
    nodes = api.get("/api/v1/nodes?labelSelector=node-role.kubernetes.io%2Fcontrol-plane")["items"]
    bad = [n["metadata"]["name"] for n in nodes
           if "node-role.kubernetes.io/control-plane" in (n["metadata"].get("labels") or {}) and not node_ready(n)]
    if bad:
        pf.fail("ControlPlaneNodesReady", "there are NotReady control-planes in the cluster: [%s]" % " ".join(bad))
    pf.finish("preflight", prefix="[upgrade/health] FATAL: ")


def _upgrade_plan(a):
    _upgrade_config(a)
    api = admin_api(a.get("kubeconfig"))
    out("[preflight] Running pre-flight checks.")
    cluster = _read_cluster_for_upgrade(api)
    current, ov = parse_version(cluster["kubernetesVersion"]), own_version()
    health_check(api, a.get("ignore-preflight-errors", []))
    nodes = api.get("/api/v1/nodes")["items"]
    out("[upgrade] Fetching available versions to upgrade to",
        "[upgrade/versions] Cluster version: %s" % vstr(current), "[upgrade/versions] kubeadm version: %s" % SIM_VERSION)
    mandatory, _ = upgrade_errors(current, ov, ov)
    if ov <= current or mandatory:
        out("", "Awesome, you're up-to-date! Enjoy!" if ov <= current else
            "No upgrade to %s is possible from %s with this kubeadm: %s" % (SIM_VERSION, vstr(current),
                                                                            "; ".join(mandatory)))
        return 0
    out("[upgrade/versions] Target version: %s" % SIM_VERSION, "",
        "Components that must be upgraded manually after you have upgraded the control plane with "
        "'kubeadm upgrade apply':", "COMPONENT   NODE      CURRENT   TARGET")
    for n in nodes:
        out("kubelet     %-9s %-9s %s" % (n["metadata"]["name"], n["status"]["nodeInfo"]["kubeletVersion"],
                                          SIM_VERSION))
    out("", "Upgrade to the latest stable version:", "",
        "COMPONENT                 NODE      CURRENT   TARGET")
    for n in nodes:
        if "node-role.kubernetes.io/control-plane" in n["metadata"]["labels"]:
            for comp in ("kube-apiserver", "kube-controller-manager", "kube-scheduler", "etcd"):
                out("%-25s %-9s %-9s %s" % (comp, n["metadata"]["name"], vstr(current), SIM_VERSION))
    out("kube-proxy                          %-9s %s" % (vstr(current), SIM_VERSION), "",
        "You can now apply the upgrade by executing the following command:", "",
        "\tkubeadm upgrade apply %s" % SIM_VERSION, "", "_" * 60)
    return 0


def _patches_dir(a, up, section):
    """UpgradeConfiguration.<section>.patches.directory, else --patches."""
    return ((up.get(section) or {}).get("patches") or {}).get("directory") or a.get("patches")


def _upgrade_apply(a):
    up = _upgrade_config(a)
    version = (up.get("apply") or {}).get("kubernetesVersion")
    patches = _patches_dir(a, up, "apply")
    if not a.positional and version:
        a.positional.append(version)
    if not a.positional:
        raise SimError("missing one or more required arguments. Required arguments: [version]")
    target = parse_version(a.positional[0])
    api = admin_api(a.get("kubeconfig"))
    out("[preflight] Running pre-flight checks.")
    cluster = _read_cluster_for_upgrade(api)
    current = parse_version(cluster["kubernetesVersion"])
    health_check(api, a.get("ignore-preflight-errors", []))
    out('[upgrade/version] You have chosen to change the cluster version to "%s"' % vstr(target),
        "[upgrade/versions] Cluster version: %s" % vstr(current),
        "[upgrade/versions] kubeadm version: %s" % SIM_VERSION)
    kubelets = [n["status"]["nodeInfo"]["kubeletVersion"] for n in api.get("/api/v1/nodes")["items"]
                if (n.get("status") or {}).get("nodeInfo")]
    mandatory, skippable = upgrade_errors(current, target, own_version(), kubelets)
    if mandatory:
        raise SimError("[upgrade/version] FATAL: the --version argument is invalid due to these fatal errors:\n\n%s\n\n"
                       "Please fix the misalignments highlighted above and try upgrading again"
                       % "\n".join("\t- " + m for m in mandatory + skippable))
    if skippable:
        if not a.get("force"):
            raise SimError("[upgrade/version] FATAL: the --version argument is invalid due to these errors:\n\n%s\n\n"
                           "Can be bypassed if you pass the --force flag" % "\n".join("\t- " + s for s in skippable))
        for s in skippable:
            warn("[upgrade/version] Found %d potential version compatibility errors but skipping since the --force "
                 "flag is set: \n\n\t- %s" % (len(skippable), s))
    if not _local_control_plane():
        raise SimError("[upgrade/apply] FATAL: this node is not a control-plane node: "
                       "/etc/kubernetes/manifests/kube-apiserver.yaml not found")
    if not a.get("yes") and not confirm("[upgrade] Are you sure you want to proceed? [y/N]: "):
        raise SimError("won't proceed; the user didn't answer (Y|y) in order to continue")
    if a.get("dry-run"):
        out("[dryrun] Would upgrade the cluster to %s" % vstr(target))
        return 0
    out("[upgrade/prepull] Pulling images required for setting up a Kubernetes cluster",
        '[upgrade/apply] Upgrading your Static Pod-hosted control plane to version "%s" (timeout: 5m0s)...'
        % vstr(target))
    cluster["kubernetesVersion"] = vstr(target)
    _upgrade_local(cluster, vstr(target), patches)
    out('[upload-config] Storing the configuration used in ConfigMap "kubeadm-config" in the "kube-system" Namespace')
    api.call("PUT", CM_PATH % ("kube-system", "kubeadm-config"),
             {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "kubeadm-config", "namespace": "kube-system"},
              "data": {"ClusterConfiguration": render_cluster(cluster, preferred_api_version())}})
    _write_kubelet_config(api, cluster, patches)
    out("[addons] Applied essential addon: CoreDNS", "[addons] Applied essential addon: kube-proxy", "",
        '[upgrade/successful] SUCCESS! Your cluster was upgraded to "%s". Enjoy!' % vstr(target), "",
        "[upgrade/kubelet] Now that your control plane is upgraded, please proceed with upgrading your kubelets if "
        "you haven't already done so.")
    return 0


def _upgrade_node(a):
    patches = _patches_dir(a, _upgrade_config(a), "node")
    api = node_or_admin_api()
    cluster = _read_cluster_for_upgrade(api)
    out("[preflight] Running pre-flight checks")
    version = cluster["kubernetesVersion"]
    if _local_control_plane():
        out("[upgrade] Upgrading your Static Pod-hosted control plane instance to version \"%s\"..." % version)
        _upgrade_local(cluster, version, patches)
    else:
        out("[preflight] Skipping prepull. Not a control plane node.",
            "[upgrade] Skipping phase. Not a control plane node.")
    _write_kubelet_config(api, cluster, patches)
    out("[upgrade] The configuration for this node was successfully updated!",
        "[upgrade] Now you should go ahead and upgrade the kubelet package using your package manager.")
    return 0
