/**
 * The fact-gathering script: POSIX sh (dash, bash, busybox ash), Linux only, no Python.
 * It runs in ONE exec round trip and spawns few processes (one grep reads all small files).
 *
 * Output: sections, each introduced by a line `@@<name>` (see FACT_SECTIONS); the content of a
 * section runs until the next `@@` line. Lines inside sections never start with `@@` because
 * file contents are prefixed by their path (grep -H). The `env` section is last and NUL
 * separated (env -0), so values with newlines stay intact; the parser takes everything after
 * its header as-is.
 */

/**
 * Small text files read in one `grep -sH '' ...`: each output line is `path:content`.
 * "$osr" is /etc/os-release, or /usr/lib/os-release when the former is missing.
 */
export const FACT_FILES = [
  '/proc/sys/kernel/hostname',
  '/proc/sys/kernel/ostype',
  '/proc/sys/kernel/osrelease',
  '/proc/sys/kernel/version',
  '"$osr"',
  '/etc/debian_version',
  '/etc/redhat-release',
  '/etc/machine-id',
  '/var/lib/dbus/machine-id',
  '/sys/class/dmi/id/product_uuid',
  '/sys/class/dmi/id/product_name',
  '/sys/class/dmi/id/sys_vendor',
  '/proc/meminfo',
  '/proc/uptime',
  '/proc/1/comm',
  '/etc/hosts',
  '/etc/resolv.conf',
  '/sys/fs/selinux/enforce',
  '/etc/selinux/config',
  '/run/systemd/container',
] as const;

export const FACT_SECTIONS = [
  'files',
  'cpuinfo',
  'nproc',
  'uname',
  'ipaddr',
  'route4',
  'route6',
  'netdev',
  'fqdn',
  'id',
  'date',
  'virt',
  'flags',
  'python',
  'env',
] as const;

export type FactSection = (typeof FACT_SECTIONS)[number];

/** First line of the output; the parser refuses output without it. */
export const FACTS_MAGIC = '@@kbs-facts 1';

const CPU_KEYS = 'processor|vendor_id|model name|physical id|core id|cpu cores|siblings|Hardware|Processor|CPU implementer|CPU part';

const PKG_TOOLS = 'apt-get dnf yum zypper apk pacman emerge';

export const FACTS_SCRIPT = `export LC_ALL=C
echo '${FACTS_MAGIC}'
echo '@@files'
osr=/etc/os-release; [ -r "$osr" ] || osr=/usr/lib/os-release
grep -sH '' ${FACT_FILES.join(' ')}
echo '@@cpuinfo'
grep -E '^(${CPU_KEYS})[[:space:]]*:' /proc/cpuinfo 2>/dev/null
echo '@@nproc'
nproc 2>/dev/null
echo '@@uname'
uname -m 2>/dev/null
echo '@@ipaddr'
ip addr show 2>/dev/null
echo '@@route4'
ip -4 route show default 2>/dev/null
echo '@@route6'
ip -6 route show default 2>/dev/null
echo '@@netdev'
for d in /sys/class/net/*; do
  [ -d "$d/bridge" ] && echo "bridge \${d##*/}"
  [ -d "$d/bonding" ] && echo "bonding \${d##*/}"
done
echo '@@fqdn'
command -v hostname >/dev/null 2>&1 && timeout 2 hostname -f 2>/dev/null
echo '@@id'
id 2>/dev/null
echo '@@date'
date '+%s %N %z %Z' 2>/dev/null
echo '@@virt'
command -v systemd-detect-virt >/dev/null 2>&1 && systemd-detect-virt 2>/dev/null
echo '@@flags'
[ -d /run/systemd/system ] && echo systemd_booted
command -v systemctl >/dev/null 2>&1 && echo systemctl
[ -e /.dockerenv ] && echo dockerenv
[ -e /run/.containerenv ] && echo containerenv
[ -d /sys/kernel/security/apparmor ] && echo apparmor
[ -e /sbin/openrc ] && echo openrc
[ -d /etc/init.d ] && echo initd
for p in ${PKG_TOOLS}; do command -v "$p" >/dev/null 2>&1 && echo "pkg $p"; done
echo '@@python'
# the system interpreters Ansible's discovery prefers (a PATH shim such as pyenv's is slow and not what Ansible uses)
for py in /usr/bin/python3 /usr/libexec/platform-python /usr/local/bin/python3 /usr/bin/python; do
  # its -V (python 2 writes it to stderr) answers before the interpreter starts: ~1 ms of CPU where
  # running a line of python costs ~10 ms
  [ -x "$py" ] && v=$("$py" -V 2>&1) && { echo "$py"; echo "$v"; break; }
done
echo '@@env'
env -0 2>/dev/null || env | tr '\\n' '\\000'
exit 0
`;
