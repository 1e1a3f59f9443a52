# Parallel steps for the network scripts: run independent steps (an organisation's enrolment, a
# chaincode's deployment, an organisation's install and approval) as background jobs, each with
# its output kept apart, then print each job's output as one block and fail when any failed.
# Sourced, never run. Needs STATE set; uses die (common.sh) and STARTED_THIS_RUN (procs.sh).
#
#   par_begin GROUP             start a group of jobs (GROUP: a name for its folder of outputs)
#   par_job GROUP NAME CMD...   run CMD... (a shell function is fine) as job NAME of GROUP
#   par_wait GROUP "what"       wait for every job of GROUP; print the output of each; when one
#                               failed, print its output (its failing step and log tail, from die)
#                               and die naming the failed jobs
#
# A job runs in a subshell: the processes it starts under supervision are handed back to the
# caller's STARTED_THIS_RUN (so a failed up or deploy still stops what it started).

declare -A PAR_PIDS=()

par_dir() { echo "$STATE/logs/parallel/$1"; }

par_begin() {
  local dir; dir="$(par_dir "$1")"
  rm -rf "$dir" && mkdir -p "$dir"
  PAR_PIDS[$1]=""
}

par_job() {
  local group="$1" name="$2" dir; shift 2
  dir="$(par_dir "$group")"
  (
    STARTED_THIS_RUN=()
    trap 'printf "%s\n" "${STARTED_THIS_RUN[@]}" > "$dir/$name.started"' EXIT
    "$@"
  ) > "$dir/$name.out" 2>&1 &
  PAR_PIDS[$group]+="$name=$! "
}

par_wait() {
  local group="$1" what="$2" dir entry name pid failed=() n
  dir="$(par_dir "$group")"
  for entry in ${PAR_PIDS[$group]}; do
    name="${entry%%=*}" pid="${entry#*=}"
    if wait "$pid"; then
      cat "$dir/$name.out"
    else
      failed+=("$name")
      printf '    %s[%s failed]%s\n' "$C_RED" "$name" "$C_OFF" >&2
      sed 's/^/    /' "$dir/$name.out" >&2
    fi
    if [ -f "$dir/$name.started" ]; then
      while IFS= read -r n; do [ -z "$n" ] || STARTED_THIS_RUN+=("$n"); done < "$dir/$name.started"
    fi
  done
  unset "PAR_PIDS[$group]"
  [ ${#failed[@]} -eq 0 ] || die "$what failed for: ${failed[*]} (their output is above)"
}
