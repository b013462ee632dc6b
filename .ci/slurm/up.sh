#!/usr/bin/env bash
# Start a single-node SLURM cluster on this machine, with one fake GPU, for the workflow's
# SLURM test (tests/test_slurm.py). Debian 12, as root, no systemd:
#   .ci/slurm/up.sh STATE_DIR     # installs the packages if missing, starts the daemons
#   .ci/slurm/down.sh STATE_DIR   # stops exactly the daemons this script started
# STATE_DIR receives the daemons' state, logs and `pids` ("name pid" per line).
# Exit status 77: SLURM cannot be set up here (not root, no apt, an existing SLURM); the
# test skips with the message printed on stderr. Any other non-zero status is a failure.
set -euo pipefail

SKIP=77
MARK="# written by .ci/slurm/up.sh"
PACKAGES=(slurmctld slurmd slurm-client munge)

skip() {
    echo "SLURM cannot be set up here: $*" >&2
    exit "$SKIP"
}

[ $# -eq 1 ] || { echo "usage: $0 STATE_DIR" >&2; exit 2; }
mkdir -p "$1"
STATE=$(cd "$1" && pwd)
PIDS="$STATE/pids"
: >"$PIDS"

install_packages() {
    local missing=""
    for tool in slurmctld slurmd sinfo sbatch squeue srun scancel munged; do
        command -v "$tool" >/dev/null || missing=1
    done
    [ -n "$missing" ] || return 0
    command -v apt-get >/dev/null || skip "SLURM packages cannot be installed here (no apt-get): ${PACKAGES[*]}"
    # Keep the packages' maintainer scripts from starting daemons we would not know about.
    local policy=/usr/sbin/policy-rc.d created=""
    if [ ! -e "$policy" ]; then
        printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && created=1
    fi
    local apt=(env DEBIAN_FRONTEND=noninteractive apt-get -qq -o Dpkg::Use-Pty=0)
    local ok=""
    if "${apt[@]}" install -y --no-install-recommends "${PACKAGES[@]}" >"$STATE/apt.log" 2>&1; then
        ok=1
    elif "${apt[@]}" update >>"$STATE/apt.log" 2>&1 \
        && "${apt[@]}" install -y --no-install-recommends "${PACKAGES[@]}" >>"$STATE/apt.log" 2>&1; then
        ok=1
    fi
    [ -z "$created" ] || rm -f "$policy"
    [ -n "$ok" ] || skip "SLURM packages cannot be installed here (apt-get failed): $(tail -n 3 "$STATE/apt.log" | tr '\n' ' ')"
}

[ "$(id -u)" -eq 0 ] \
    || skip "installing ${PACKAGES[*]} and starting their daemons needs root (running as $(id -un))"
for daemon in slurmctld slurmd; do
    if pid=$(pgrep -x "$daemon"); then
        skip "$daemon is already running here (pid $pid): not starting a second cluster (one left by an earlier run? stop it first)"
    fi
done
for file in /etc/slurm/slurm.conf /etc/slurm/gres.conf; do
    if [ -e "$file" ] && ! grep -qF "$MARK" "$file"; then
        skip "$file exists and was not written by $0: not overwriting it"
    fi
done
install_packages

# munge: reuse a working munged, else start one (its key comes with the Debian package).
if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
    if [ ! -s /etc/munge/munge.key ]; then
        mungekey --create --keyfile /etc/munge/munge.key
        chown munge:munge /etc/munge/munge.key
    fi
    install -d -o munge -g munge -m 0755 /run/munge
    rm -f /run/munge/munged.pid
    runuser -u munge -- /usr/sbin/munged
    for _ in $(seq 50); do [ -s /run/munge/munged.pid ] && break; sleep 0.1; done
    [ -s /run/munge/munged.pid ] || { echo "munged did not start" >&2; exit 1; }
    echo "munged $(cat /run/munge/munged.pid)" >>"$PIDS"
fi

# Node line as the hardware reports it, renamed to localhost, with a little memory left over
# for the daemons (a node that reports less memory than configured is drained).
hardware=$(slurmd -C | head -n 1)
memory=$(sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p' <<<"$hardware")
node=$(sed -e 's/^NodeName=[^ ]*/NodeName=localhost NodeAddr=127.0.0.1/' \
    -e "s/RealMemory=[0-9]*/RealMemory=$((memory * 9 / 10))/" <<<"$hardware")

# The fake GPU: SLURM needs a device file per GPU; a link to /dev/null is enough to schedule.
ln -sfn /dev/null "$STATE/fake-gpu0"
mkdir -p /etc/slurm "$STATE/slurmctld" "$STATE/slurmd"
cat >/etc/slurm/slurm.conf <<CONF
$MARK for the workflow's SLURM test; removed by .ci/slurm/down.sh
ClusterName=deepresolve-ci
SlurmctldHost=localhost
SlurmUser=root
AuthType=auth/munge
StateSaveLocation=$STATE/slurmctld
SlurmdSpoolDir=$STATE/slurmd
SlurmctldPidFile=$STATE/slurmctld.pid
SlurmdPidFile=$STATE/slurmd.pid
SlurmctldLogFile=$STATE/slurmctld.log
SlurmdLogFile=$STATE/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/affinity
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
SchedulerParameters=bf_interval=1,sched_interval=2
MpiDefault=none
ReturnToService=2
GresTypes=gpu
$node Gres=gpu:1 State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
cat >/etc/slurm/gres.conf <<CONF
$MARK for the workflow's SLURM test; removed by .ci/slurm/down.sh
AutoDetect=off
NodeName=localhost Name=gpu File=$STATE/fake-gpu0
CONF

start() {  # name pidfile command...: start a daemon, record its pid
    local name=$1 pidfile=$2
    shift 2
    rm -f "$pidfile"
    "$@" </dev/null >>"$STATE/$name.out" 2>&1
    for _ in $(seq 100); do [ -s "$pidfile" ] && break; sleep 0.1; done
    [ -s "$pidfile" ] || { echo "$name did not start:" >&2; tail -n 20 "$STATE/$name.log" >&2; exit 1; }
    echo "$name $(cat "$pidfile")" >>"$PIDS"
}
start slurmctld "$STATE/slurmctld.pid" slurmctld -i
start slurmd "$STATE/slurmd.pid" slurmd -N localhost

for _ in $(seq 120); do
    if [ "$(sinfo -h -n localhost -o %t 2>/dev/null)" = idle ]; then
        sinfo -N -o "%N %t %c %m %G"
        exit 0
    fi
    sleep 0.5
done
echo "node localhost did not become idle within 60 s:" >&2
sinfo -N -o "%N %t %E" >&2 || true
tail -n 20 "$STATE/slurmctld.log" "$STATE/slurmd.log" >&2
exit 1
