#!/usr/bin/env bash
# Installs what the test suite needs on a fresh Debian 12 machine (run as root; idempotent):
# OpenSSH server and sudo for the integration tests, ansible (with python3-apt) and cron for the
# comparison tests, rsync and git for the synchronize and git module tests, update-rc.d and ps for
# the sysvinit test, subversion for its module's test, rpm and gpg for rpm_key's, zypper and
# createrepo_c (a local rpm repository) for zypper's;
# systemd-container, debootstrap, dpkg-dev and iproute2 for the fleet.
# pip, venv and setuptools for the pip comparison test; python3-pexpect for Ansible's expect module.
set -euo pipefail
need=()
for pair in sshd:openssh-server ssh:openssh-client sudo:sudo ansible-playbook:ansible \
            systemd-nspawn:systemd-container debootstrap:debootstrap dpkg-scanpackages:dpkg-dev \
            ip:iproute2 tmux:tmux openssl:openssl python3:python3 curl:curl crontab:cron \
            rsync:rsync git:git update-rc.d:init-system-helpers ps:procps svn:subversion \
            rpm:rpm gpg:gpg zypper:zypper createrepo_c:createrepo-c; do
  bin=${pair%%:*}; pkg=${pair#*:}
  command -v "$bin" >/dev/null 2>&1 || [ -x "/usr/sbin/$bin" ] || need+=("$pkg")
done
# the cron and package_facts comparison tests: Ansible's package_facts reads packages with python3-apt
[ -d /usr/lib/python3/dist-packages/apt ] || need+=(python3-apt)
# the selinux comparison test: Ansible's selinux module imports the Python bindings
[ -d /usr/lib/python3/dist-packages/selinux ] || need+=(python3-selinux)
# the pip comparison test: pip and venv for the virtualenvs, setuptools for Ansible's pip module
[ -d /usr/lib/python3/dist-packages/pip ] || need+=(python3-pip)
[ -d /usr/lib/python3/dist-packages/setuptools ] || need+=(python3-setuptools)
/usr/bin/python3 -c 'import ensurepip' 2>/dev/null || need+=(python3-venv)
# the expect comparison test: Ansible's expect module imports pexpect
[ -d /usr/lib/python3/dist-packages/pexpect ] || need+=(python3-pexpect)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then echo "test/setup.sh: run as root to install: ${need[*]}" >&2; exit 1; fi
  echo "installing: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
