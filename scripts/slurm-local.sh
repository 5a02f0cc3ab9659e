#!/usr/bin/env bash
# A real one-node Slurm cluster on this machine, for ALX's sweep tests and
# for a workstation without a cluster: Debian's slurm-wlm (slurmctld and
# slurmd) with its own munged, its own slurm.conf (this machine's CPUs and
# memory), and its state, spool, logs and munge key under one folder that
# this script owns. It changes nothing of a cluster already configured here:
# other ports, another munge socket, no file outside its folder.
#
#   scripts/slurm-local.sh start|stop|status [FOLDER]
#     FOLDER (default: $ALX_SLURM_DIR, else /var/tmp/alx-slurm)
#
# `start` prints, as its last line, `export SLURM_CONF=FOLDER/slurm.conf`:
#   eval "$(scripts/slurm-local.sh start | tail -1)"   then sbatch/squeue/scancel reach it.
# `stop` cancels the cluster's jobs and leaves no daemon running.
# Needs root: munged runs as user munge, slurmctld and slurmd as root
# (proctrack/linuxproc, task/none, select/cons_tres). Packages: slurm-wlm
# munge (scripts/install-deps.sh --with-slurm).
set -euo pipefail
action="${1:-}"
dir="${2:-${ALX_SLURM_DIR:-/var/tmp/alx-slurm}}"
case "$action" in start | stop | status) ;; *) sed -n '2,19p' "$0" >&2; exit 2 ;; esac
[[ $(id -u) -eq 0 ]] || { echo "slurm-local: needs root (munged runs as user munge, slurmd as root)" >&2; exit 3; }
for tool in slurmctld slurmd munged sinfo; do
  command -v "$tool" >/dev/null || { echo "slurm-local: $tool is missing: scripts/install-deps.sh --with-slurm" >&2; exit 3; }
done
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"
conf="$dir/slurm.conf"
export SLURM_CONF="$conf"
ctld_port="${ALX_SLURM_PORT:-16817}"
node="$(uname -n)"
node="${node%%.*}"

pid_alive() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

status() {
  local up=0
  for d in munged slurmctld slurmd; do
    if pid_alive "$dir/$d.pid"; then echo "$d: running (pid $(cat "$dir/$d.pid"))"; else echo "$d: stopped"; up=1; fi
  done
  [[ $up -eq 0 ]] && sinfo --noheader --format="partition %P: node %N %t, %c CPUs, %m MB" 2>/dev/null || true
  return $up
}

stop() {
  if pid_alive "$dir/slurmctld.pid"; then
    scancel --full --signal=KILL --user="$(id -un)" 2>/dev/null || true
    scancel --user="$(id -un)" 2>/dev/null || true
    # A job's slurmstepd ends with the job: wait for the queue to empty before the daemons go.
    for _ in $(seq 100); do [[ -z "$(squeue --noheader 2>/dev/null)" ]] && break; sleep 0.2; done
  fi
  for d in slurmd slurmctld munged; do
    if pid_alive "$dir/$d.pid"; then
      kill "$(cat "$dir/$d.pid")" 2>/dev/null || true
      for _ in $(seq 50); do pid_alive "$dir/$d.pid" || break; sleep 0.1; done
      pid_alive "$dir/$d.pid" && kill -9 "$(cat "$dir/$d.pid")" 2>/dev/null || true
    fi
    rm -f "$dir/$d.pid"
  done
  echo "slurm-local: stopped ($dir)"
}

start() {
  if pid_alive "$dir/slurmctld.pid" && pid_alive "$dir/slurmd.pid" && pid_alive "$dir/munged.pid"; then
    echo "slurm-local: already running ($dir)"
    echo "export SLURM_CONF=$conf"
    return
  fi
  stop >/dev/null
  mkdir -p "$dir/state" "$dir/spool" "$dir/log" "$dir/munge"
  chmod 0755 "$dir"
  chown munge:munge "$dir/munge"
  chmod 0755 "$dir/munge"  # munged wants its socket folder searchable by all
  if [[ ! -s "$dir/munge/munge.key" ]]; then
    dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 status=none
  fi
  chown munge:munge "$dir/munge/munge.key"
  chmod 0400 "$dir/munge/munge.key"
  if ! runuser -u munge -- test -x "$dir/munge"; then
    echo "slurm-local: user munge cannot reach $dir (a parent folder is closed to others); choose a folder under /var/tmp" >&2
    exit 1
  fi
  runuser -u munge -- munged --key-file="$dir/munge/munge.key" --socket="$dir/munge/munge.socket" \
    --pid-file="$dir/munge/munged.pid" --log-file="$dir/munge/munged.log" --seed-file="$dir/munge/munged.seed"
  cp "$dir/munge/munged.pid" "$dir/munged.pid"

  local cpus mem
  cpus="$(nproc)"
  mem=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 * 9 / 10 ))
  cat >"$conf" <<CONF
# Written by scripts/slurm-local.sh: a one-node cluster for ALX, in $dir.
ClusterName=alxlocal
SlurmctldHost=$node
SlurmctldAddr=127.0.0.1
SlurmctldPort=$ctld_port
SlurmdPort=$((ctld_port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge/munge.socket
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
ReturnToService=2
MaxArraySize=100001
MaxJobCount=200000
KillWait=30
SlurmctldTimeout=30
SlurmdTimeout=60
MinJobAge=60
NodeName=$node NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=local Nodes=$node Default=YES MaxTime=INFINITE State=UP
CONF
  slurmctld
  slurmd -N "$node"
  for _ in $(seq 100); do
    state="$(sinfo --noheader --format=%t 2>/dev/null | head -1 || true)"
    [[ "$state" == idle* || "$state" == mix* || "$state" == alloc* ]] && break
    sleep 0.2
  done
  if [[ "$state" != idle* && "$state" != mix* && "$state" != alloc* ]]; then
    echo "slurm-local: the node did not come up (state '${state:-none}'); logs in $dir/log" >&2
    tail -5 "$dir/log/slurmctld.log" "$dir/log/slurmd.log" >&2 || true
    exit 1
  fi
  echo "slurm-local: one-node cluster up: node $node, $cpus CPUs, $mem MB, partition local; state, spool and logs in $dir"
  echo "export SLURM_CONF=$conf"
}

"$action"
