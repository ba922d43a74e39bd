#!/usr/bin/env bash
# npm run demo: build kbs, boot a local fleet of 3 Debian 12 machines (1 control plane, 2 workers;
# systemd-nspawn, see test/fleet/README.md) and run `kbs apply` on it: a kubeadm cluster (with the
# Kubernetes simulators of test/sim standing in for the real binaries, which cannot be downloaded here).
#   npm run demo               boot the fleet "demo" (or reuse it when it is already up), then apply
#   npm run demo -- --fresh    tear the fleet down first (new machines)
# Needs root (namespaces, mounts); the fleet installs the host packages it needs itself.
set -euo pipefail
cd "$(dirname "$0")/.."

ID=demo
STATE=.kbs/demo
INV="$STATE/inventory.yml"
fresh=0
for a in "$@"; do
  case "$a" in
    --fresh) fresh=1 ;;
    -h|--help) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "demo: unknown option \"$a\" (try --help)" >&2; exit 4 ;;
  esac
done

if [ "$(id -u)" != 0 ]; then
  echo "demo: the local fleet needs root (systemd-nspawn, network namespaces, mounts); run it as root" >&2
  exit 4
fi

if [ -t 1 ]; then bold=$'\033[1m' plain=$'\033[0m'; else bold='' plain=''; fi
say() { printf '\n%s==> %s%s\n' "$bold" "$*" "$plain"; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
fleet() { KBS_FLEET_ID=$ID node --import tsx test/fleet/cli.ts "$@"; }

t0=$(now)
if [ ! -d node_modules ]; then
  say "installing dependencies (npm ci)"
  npm ci --no-audit --no-fund
fi

say "building kbs"
tb=$(now)
npm run --silent build
build_s=$(since "$tb")

say "fleet \"$ID\": 3 machines"
tf=$(now)
mkdir -p "$STATE"
if [ "$fresh" = 1 ]; then fleet down; fi
running=$(fleet status --json | node -e '
  let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
    const j = JSON.parse(s);
    const ok = j.status === "up" && j.machines.length === 3 && j.machines.every((m) => m.state === "running" && m.net === "up");
    process.stdout.write(ok ? "yes" : "no");
  });')
if [ "$running" = yes ]; then
  echo "reusing the running fleet (npm run demo -- --fresh for new machines)"
else
  fleet up 3 --replace > "$STATE/fleet.json"
fi
fleet inventory "$INV" --group control_plane=1 --group workers=2,3
# a stand-in pod network (scripts/demo-cni.yaml), applied by kbs apply once the cluster is up
printf '    cni_manifest: %s\n' "$(pwd)/scripts/demo-cni.yaml" > "$STATE/cni.vars"
sed -i "/^  vars:$/r $STATE/cni.vars" "$INV"
fleet_s=$(since "$tf")

say "node bin/kbs.js apply $INV"
ta=$(now)
rc=0
node bin/kbs.js apply "$INV" || rc=$?
apply_s=$(since "$ta")

first_ip=$(fleet status --json | node -e '
  let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => process.stdout.write(JSON.parse(s).machines[0].ip));')
known=/run/kbs-fleet/$ID/known_hosts
cat <<EOF

kbs apply exited with $rc after ${apply_s}s (build ${build_s}s, fleet ${fleet_s}s, all $(since "$t0")s)

  inventory    $INV  (groups control_plane: $ID-1, workers: $ID-2 $ID-3)
  nodes        KBS_FLEET_ID=$ID npm run fleet -- ssh $ID-1 kubectl --kubeconfig /etc/kubernetes/admin.conf get nodes -o wide
  kubeconfig   $STATE/.kbs/admin.conf (node bin/kbs.js kubeconfig $INV -o FILE)
  plan, records node bin/kbs.js plan $INV ; node bin/kbs.js versions $INV
  re-run       npm run demo            (reuses the machines; a second run changes nothing)
               node bin/kbs.js apply $INV
  ssh          KBS_FLEET_ID=$ID npm run fleet -- ssh $ID-1 hostname
               ssh -i /var/lib/kbs-fleet/ssh/id_ed25519 -o UserKnownHostsFile=$known root@$first_ip
  status       KBS_FLEET_ID=$ID npm run fleet -- status
  tear down    KBS_FLEET_ID=$ID npm run fleet -- down
EOF
exit $rc
