"""supervisord event listener of a GovLedger network (lib/supervision.js configures it).

On PROCESS_STATE events it keeps, under $STATE:
  pids/NAME.pid                 "PID STARTTIME" of the running node (written on RUNNING, removed when
                                it stops or exits), as lib/procs.sh and the end-to-end tests read it;
  supervisor/restarts/NAME      how many times supervisord restarted NAME by itself (a STARTING
                                that follows EXITED or BACKOFF: a crash or a failed start), never a
                                start by network.sh (a STARTING that follows STOPPED);
  supervisor/events.log         one line per state change: time, node, from -> to, pid.
The state folder is its first argument. Speaks supervisord's event listener protocol on stdin/stdout; logs to stderr.
"""

import os
import sys
import time

STATE = sys.argv[1] if len(sys.argv) > 1 else os.environ["STATE"]
PIDS = os.path.join(STATE, "pids")
RESTARTS = os.path.join(STATE, "supervisor", "restarts")
EVENTS = os.path.join(STATE, "supervisor", "events.log")


def fields(line):
    """'k:v k:v' -> dict."""
    return dict(tok.split(":", 1) for tok in line.split() if ":" in tok)


def starttime(pid):
    """The start time (clock ticks since boot) of a pid, as lib/procs.sh records it; '' when gone."""
    try:
        with open("/proc/%s/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return ""


def write_atomic(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def handle(event, payload):
    name = payload.get("processname", "")
    if not name or name == "sv-events" or "/" in name:
        return
    to = event[len("PROCESS_STATE_"):]
    frm = payload.get("from_state", "")
    pid = payload.get("pid", "")
    with open(EVENTS, "a") as f:
        f.write("%s %s %s -> %s %s\n" % (time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), name, frm, to, pid))
    pidfile = os.path.join(PIDS, name + ".pid")
    if to == "RUNNING" and pid:
        write_atomic(pidfile, "%s %s\n" % (pid, starttime(pid)))
    elif to in ("STOPPED", "EXITED", "FATAL", "BACKOFF"):
        # only the pid file of the process that ended: network.sh may have recorded a newer one
        try:
            with open(pidfile) as f:
                recorded = f.read().split()
            if not pid or (recorded and recorded[0] == pid):
                os.remove(pidfile)
        except OSError:
            pass
    elif to == "STARTING" and frm in ("EXITED", "BACKOFF"):
        counter = os.path.join(RESTARTS, name)
        try:
            with open(counter) as f:
                n = int(f.read().strip() or 0)
        except (OSError, ValueError):
            n = 0
        write_atomic(counter, "%d\n" % (n + 1))


def main():
    os.makedirs(RESTARTS, exist_ok=True)
    while True:
        sys.stdout.write("READY\n")
        sys.stdout.flush()
        header = fields(sys.stdin.readline())
        body = sys.stdin.read(int(header.get("len", "0")))
        try:
            lines = body.split("\n", 1)
            handle(header.get("eventname", ""), fields(lines[0]))
        except Exception as err:  # a bad event never stops the listener
            sys.stderr.write("sv-events: %s\n" % err)
            sys.stderr.flush()
        sys.stdout.write("RESULT 2\nOK")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
