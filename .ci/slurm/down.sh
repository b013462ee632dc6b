#!/usr/bin/env bash
# Stop the single-node SLURM cluster of .ci/slurm/up.sh: cancel its jobs, stop exactly the
# daemons listed in STATE_DIR/pids (newest first) and remove the configuration up.sh wrote.
# Exit status 1 when one of those daemons is still alive afterwards.
set -uo pipefail

[ $# -eq 1 ] || { echo "usage: $0 STATE_DIR" >&2; exit 2; }
PIDS="$1/pids"
MARK="# written by .ci/slurm/up.sh"
[ -f "$PIDS" ] || exit 0
mapfile -t daemons < <(tac "$PIDS")

if grep -q '^slurmctld ' "$PIDS"; then
    # Jobs first, so that slurmd ends their steps before it goes.
    scancel --quiet --user "$(id -un)" 2>/dev/null
    for _ in $(seq 20); do
        [ -z "$(squeue -h -o %i 2>/dev/null)" ] && break
        sleep 0.5
    done
fi

alive() {  # a zombie (whose parent has not reaped it yet) counts as stopped
    [ -e "/proc/$1" ] && [ "$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)" != Z ]
}

status=0
for entry in "${daemons[@]}"; do
    read -r name pid <<<"$entry"
    kill -TERM "$pid" 2>/dev/null || continue
    for _ in $(seq 100); do
        alive "$pid" || break
        sleep 0.1
    done
    if alive "$pid"; then
        echo "$name (pid $pid) ignored SIGTERM for 10 s: killing it" >&2
        kill -KILL "$pid" 2>/dev/null
        sleep 0.5
        if alive "$pid"; then
            echo "$name (pid $pid) is still running" >&2
            status=1
        fi
    fi
done
[ "$status" -ne 0 ] || : >"$PIDS"

for file in /etc/slurm/slurm.conf /etc/slurm/gres.conf; do
    if [ -e "$file" ] && grep -qF "$MARK" "$file"; then
        rm -f "$file"
    fi
done
exit "$status"
