# Process control for the network: every process is started by start_proc, which
# records its pid (and the pid's start time, so a reused pid is never mistaken for
# ours) and the exact command, so it can be stopped by pid and restarted.
# Sourced, never run. Needs STATE set.

STARTED_THIS_RUN=()

proc_starttime() { awk '{print $22}' "/proc/$1/stat" 2>/dev/null; }

# start_proc NAME VAR=VALUE... -- CMD ARGS...: start a process in its own session.
start_proc() {
  local name="$1"; shift
  local envs=()
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do envs+=("$1"); shift; done
  shift
  mkdir -p "$STATE/run" "$STATE/pids" "$STATE/logs"
  local script="$STATE/run/$name.sh"
  {
    echo '#!/usr/bin/env bash'
    echo "# started by network.sh; restart with: network.sh start-node $name"
    printf 'exec env'
    local e a
    for e in "${envs[@]}"; do printf ' %q' "$e"; done
    for a in "$@"; do printf ' %q' "$a"; done
    echo
  } > "$script"
  chmod +x "$script"
  launch_proc "$name"
}

# launch_proc NAME: (re)start a process from its recorded command.
launch_proc() {
  local name="$1"
  local log="$STATE/logs/$name.log"
  printf '\n--- %s start ---\n' "$(date -u +%FT%TZ)" >> "$log"
  setsid bash "$STATE/run/$name.sh" >> "$log" 2>&1 < /dev/null &
  local pid=$!
  sleep 0.05
  echo "$pid $(proc_starttime "$pid")" > "$STATE/pids/$name.pid"
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

# stop_proc NAME: TERM its process group, wait up to 15 s, then KILL; only our recorded pid.
stop_proc() {
  local name="$1" pid i
  pid="$(proc_pid "$name")" || { rm -f "$STATE/pids/$name.pid"; return 0; }
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  # up to 15 s: the gateway drains in-flight requests for up to SHUTDOWN_TIMEOUT_MS (10 s)
  for i in $(seq 1 150); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$STATE/pids/$name.pid"
}

# stop_procs NAME...: stop several processes at once (TERM all, wait up to 15 s, KILL survivors).
stop_procs() {
  local name pid i pids=() names=()
  for name in "$@"; do
    if pid="$(proc_pid "$name")"; then
      kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
      pids+=("$pid"); names+=("$name")
    else
      rm -f "$STATE/pids/$name.pid"
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
  for name in "${names[@]}"; do rm -f "$STATE/pids/$name.pid"; done
  return 0
}

# all_procs: names of every process with a pid file.
all_procs() {
  local f
  for f in "$STATE"/pids/*.pid; do [ -e "$f" ] && basename "$f" .pid; done
  return 0
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
