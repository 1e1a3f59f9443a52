# Process control for the network, under supervision: one supervisord per state folder
# (sv_up, started by `network.sh up`; sv_down, by `down`) runs every node network.sh starts. A
# node is defined once, by its run script $STATE/run/NAME.sh (environment, command line, log
# file), written by start_proc; supervisord runs that script (programs/NAME.conf) and restarts
# the node when it crashes; systemd units for an agency host run the same script
# ($STATE/systemd, lib/supervision.js). A deliberate stop (stop_proc: network.sh stop-node,
# down, a redeploy) goes through supervisord, which then leaves the node stopped.
# $STATE/pids/NAME.pid holds "PID STARTTIME" of the running node (the start time, so a reused
# pid is never mistaken for ours), kept current after restarts by the event listener
# (lib/sv-events.py), which also counts restarts ($STATE/supervisor/restarts/NAME).
# Sourced, never run. Needs STATE set.

STARTED_THIS_RUN=()
PROCS_LIB="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

proc_starttime() { awk '{print $22}' "/proc/$1/stat" 2>/dev/null; }

# sv_python: the Python that runs supervisorctl (Debian's, with the supervisor module).
sv_python() {
  local ctl; ctl="$(command -v supervisorctl)" || return 1
  head -n1 "$ctl" | sed -n 's/^#! *\([^ ]*\).*/\1/p'
}

# sv_socket: supervisord's unix socket: in the state folder, or under /tmp when that path would be
# too long for a unix socket (108 bytes).
sv_socket() {
  local s="$STATE/supervisor/supervisor.sock"
  if [ ${#s} -gt 100 ]; then s="/tmp/govledger-sv-$(printf '%s' "$STATE" | sha256sum | cut -c1-16).sock"; fi
  echo "$s"
}

# sv NAME ARGS...: lib/sv.py against this network's supervisord.
sv() { STATE="$STATE" SV_SOCKET="$(sv_socket)" "$(sv_python)" "$PROCS_LIB/sv.py" "$@"; }

# sv_pid: the pid of this network's supervisord when it runs.
sv_pid() {
  local file="$STATE/supervisor/supervisord.pid" pid
  [ -f "$file" ] && read -r pid < "$file" && [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  grep -qa supervisord "/proc/$pid/cmdline" 2>/dev/null || return 1
  echo "$pid"
}

# sv_up: start this network's supervisord (when it does not run yet) and wait until it answers.
sv_up() {
  sv_pid >/dev/null && return 0
  command -v supervisord >/dev/null 2>&1 && command -v supervisorctl >/dev/null 2>&1 \
    || die "supervisord is missing: run test-network-scripts/install.sh (apt-get install supervisor)"
  local dir="$STATE/supervisor" python i
  python="$(sv_python)"
  mkdir -p "$dir/programs" "$dir/restarts" "$STATE/pids" "$STATE/logs"
  rm -f "$(sv_socket)"
  node "$PROCS_LIB/supervision.js" supervisord "$dir/supervisord.conf" "$STATE" "$(sv_socket)" \
    "$python" "$PROCS_LIB/sv-events.py" || die "cannot write $dir/supervisord.conf"
  supervisord -c "$dir/supervisord.conf" >> "$dir/supervisord.out" 2>&1 \
    || die "supervisord did not start" "$dir/supervisord.out"
  for i in $(seq 1 100); do
    sv ping 2>/dev/null && return 0
    sleep 0.1
  done
  die "supervisord did not answer on $(sv_socket) within 10s" "$dir/supervisord.log"
}

# sv_down: stop this network's supervisord by its pid (its nodes are stopped first by the caller;
# supervisord stops whatever still runs) and wait up to 20 s for it to exit.
sv_down() {
  local pid i
  pid="$(sv_pid)" || return 0
  local children
  children="$(cat "/proc/$pid/task/$pid/children" 2>/dev/null || true)"
  kill -TERM "$pid" 2>/dev/null || true
  # its own children (the event listener; nodes were stopped by the caller) at once, rather than
  # one by one on supervisord's 1 s ticks
  # shellcheck disable=SC2086
  [ -z "$children" ] || kill -TERM $children 2>/dev/null || true
  for i in $(seq 1 200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
  rm -f "$(sv_socket)"
  return 0
}

# start_proc NAME VAR=VALUE... -- CMD ARGS...: define a node (its run script, its supervisord
# program, its systemd unit) and start it under supervision.
start_proc() {
  local name="$1"; shift
  local envs=() wrap=()
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do envs+=("$1"); shift; done
  shift
  mkdir -p "$STATE/run" "$STATE/pids" "$STATE/logs"
  local script="$STATE/run/$name.sh" log="$STATE/logs/$name.log"
  # multi-host mode (lib/multihost.sh): the node's namespace (wrap) and its addresses (envs)
  if declare -F mh_proc_hook >/dev/null; then mh_proc_hook "$name"; fi
  {
    echo '#!/usr/bin/env bash'
    echo "# $name, started by network.sh under supervision (supervisord: $STATE/supervisor/programs/$name.conf;"
    echo "# systemd: $STATE/systemd/govledger-$name.service). Start again with: network.sh start-node $name"
    printf 'exec >> %q 2>&1 < /dev/null\n' "$log"
    echo "printf '\\n--- %s start ---\\n' \"\$(date -u +%FT%TZ)\""
    printf 'exec'
    local e a
    for a in "${wrap[@]}"; do printf ' %q' "$a"; done
    printf ' env'
    for e in "${envs[@]}"; do printf ' %q' "$e"; done
    for a in "$@"; do printf ' %q' "$a"; done
    echo
  } > "$script"
  chmod 700 "$script"
  node "$PROCS_LIB/supervision.js" program "$STATE/supervisor/programs/$name.conf" "$name" "$STATE" "$GOVLEDGER_ROOT" \
    && node "$PROCS_LIB/supervision.js" unit "$STATE/systemd/govledger-$name.service" "$name" "$STATE" "$PATH" \
    || die "cannot write the supervision files of $name"
  launch_proc "$name"
}

# launch_proc NAME: start a defined node again (supervisord restarts it after a crash from then on).
launch_proc() {
  local name="$1"
  sv_up
  sv start "$name" || die "supervisord could not start $name" "$STATE/logs/$name.log"
  STARTED_THIS_RUN+=("$name")
}

# proc_state PID: the process's state letter (R, S, Z...) from /proc/PID/stat.
proc_state() { awk '{print $3}' "/proc/$1/stat" 2>/dev/null; }

# proc_pid NAME: prints the pid when the recorded process is alive and is ours. A process that
# crashed but is not reaped yet (a zombie: kill -0 still reaches its pid) is not alive.
proc_pid() {
  local file="$STATE/pids/$1.pid" pid start
  [ -f "$file" ] || return 1
  read -r pid start < "$file" || return 1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  [ -z "$start" ] || [ "$(proc_starttime "$pid")" = "$start" ] || return 1
  [ "$(proc_state "$pid")" != Z ] || return 1
  echo "$pid"
}

is_running() { proc_pid "$1" >/dev/null; }

# stop_proc NAME: a deliberate stop through supervisord (TERM to the node's process group, KILL
# after 15 s), which then leaves it stopped.
stop_proc() { stop_procs "$1"; }

# stop_procs NAME...: stop several nodes at once; waits until all have stopped. Without a running
# supervisord (it crashed, or the state folder predates supervision) the recorded pids are stopped
# directly: TERM to each process group, KILL after 15 s.
stop_procs() {
  [ $# -gt 0 ] || return 0
  local name pid i pids=()
  if sv_pid >/dev/null; then
    sv stop --timeout=20 "$@" || true
  fi
  for name in "$@"; do
    if pid="$(proc_pid "$name")" && ! sv_pid >/dev/null; then
      kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
      pids+=("$pid")
    fi
  done
  for i in $(seq 1 150); do
    local alive=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.1
  done
  for pid in "${pids[@]}"; do
    kill -0 "$pid" 2>/dev/null && { kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true; }
  done
  for name in "$@"; do rm -f "$STATE/pids/$name.pid"; done
  return 0
}

# all_procs: names of every node defined in this network (a run script each).
all_procs() {
  local f
  for f in "$STATE"/run/*.sh; do [ -e "$f" ] && basename "$f" .sh; done
  return 0
}

# restart_count NAME: how many times supervision restarted NAME by itself.
restart_count() {
  local n=0
  [ -f "$STATE/supervisor/restarts/$1" ] && read -r n < "$STATE/supervisor/restarts/$1"
  echo "${n:-0}"
}

# status_table: every node's state, pid, uptime and restart count (restarts by supervision after a
# crash or a failed start; never a start by network.sh), as supervisord reports them.
status_table() {
  local n st pid up table="" pidv
  if sv_pid >/dev/null; then
    table="$(sv status)" || table=""
    echo "Supervision: supervisord pid $(sv_pid) ($STATE/supervisor/supervisord.conf)"
  else
    echo "Supervision: supervisord is NOT running (nodes are not restarted after a crash; npm run down, then up)"
  fi
  printf '  %-28s %-9s %-8s %-10s %s\n' NODE STATE PID UPTIME RESTARTS
  for n in $(all_procs); do
    st="" pid="-" up=0
    if [ -n "$table" ]; then
      IFS=$'\t' read -r _ st pid up < <(awk -F'\t' -v n="$n" '$1 == n' <<< "$table") || true
    fi
    if [ -z "$st" ]; then
      if pidv="$(proc_pid "$n")"; then st=UNSUPERVISED pid="$pidv"; else st=STOPPED; fi
    fi
    printf '  %-28s %-9s %-8s %-10s %s\n' "$n" "$st" "${pid:--}" "$(fmt_uptime "${up:-0}")" "$(restart_count "$n")"
  done
}

# fmt_uptime SECONDS: 0:00:07, 1:02:03, or - for 0.
fmt_uptime() {
  local s="$1"
  [ "$s" -gt 0 ] 2>/dev/null || { echo -; return 0; }
  printf '%d:%02d:%02d' $((s / 3600)) $((s % 3600 / 60)) $((s % 60))
}

# port_open PORT: true when something listens on 127.0.0.1:PORT.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# wait_port NAME PORT [SECONDS]: wait until the process listens; die with its log if it exits or times out.
wait_port() {
  local name="$1" port="$2" secs="${3:-30}" i
  for i in $(seq 1 $((secs * 10))); do
    port_open "$port" && return 0
    is_running "$name" || die "$name exited during start-up" "$STATE/logs/$name.log"
    sleep 0.1
  done
  die "$name did not listen on 127.0.0.1:$port within ${secs}s" "$STATE/logs/$name.log"
}
