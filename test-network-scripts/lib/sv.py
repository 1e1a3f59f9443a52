"""Talks to the supervisord of a GovLedger network (lib/procs.sh calls it; run with the Python
interpreter supervisorctl runs with, which has the supervisor module).

  sv.py start NAME...          add NAME's program if supervisord does not know it yet (its
                               programs/NAME.conf), start it without waiting for startsecs, and
                               record "PID STARTTIME" in $STATE/pids/NAME.pid
  sv.py stop [--timeout S] NAME...
                               stop them all at once (a deliberate stop: supervisord does not
                               restart them) and wait until every one has stopped
  sv.py status                 one tab-separated line per node: name, state, pid, uptime in
                               seconds (0 when not running)
  sv.py ping                   exit 0 when supervisord answers

Environment: STATE (the state folder), SV_SOCKET (supervisord's unix socket).
Exit codes: 0 done, 1 supervisord refused or did not answer, 2 bad usage.
"""

import os
import sys
import time
import xmlrpc.client

from supervisor.xmlrpc import SupervisorTransport

STATE = os.environ.get("STATE", "")
SOCKET = os.environ.get("SV_SOCKET", "")
LISTENER = "sv-events"


def server():
    transport = SupervisorTransport(None, None, "unix://" + SOCKET)
    return xmlrpc.client.ServerProxy("http://127.0.0.1", transport=transport).supervisor


def fault_code(name):
    from supervisor.xmlrpc import Faults

    return getattr(Faults, name)


def starttime(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return ""


def known(sv, name):
    try:
        sv.getProcessInfo(name)
        return True
    except xmlrpc.client.Fault as err:
        if err.faultCode == fault_code("BAD_NAME"):
            return False
        raise


def add_new_programs(sv):
    added, changed, _removed = sv.reloadConfig()[0]
    for group in added:
        try:
            sv.addProcessGroup(group)
        except xmlrpc.client.Fault as err:
            # another sv.py start running at the same time (parallel steps) added it first
            if err.faultCode != fault_code("ALREADY_ADDED"):
                raise


def start(names):
    sv = server()
    if not all(known(sv, n) for n in names):
        add_new_programs(sv)
    for name in names:
        try:
            sv.startProcess(name, False)
        except xmlrpc.client.Fault as err:
            if err.faultCode != fault_code("ALREADY_STARTED"):
                sys.stderr.write("sv.py: supervisord could not start %s: %s\n" % (name, err.faultString))
                return 1
        pid = sv.getProcessInfo(name)["pid"]
        if pid:
            path = os.path.join(STATE, "pids", name + ".pid")
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path + ".tmp", "w") as f:
                f.write("%d %s\n" % (pid, starttime(pid)))
            os.replace(path + ".tmp", path)
    return 0


def stop(names, timeout):
    sv = server()
    end = time.time() + timeout
    waiting = list(names)
    while waiting:
        still = []
        for name in waiting:
            try:
                state = sv.getProcessInfo(name)["statename"]
            except xmlrpc.client.Fault as err:
                if err.faultCode == fault_code("BAD_NAME"):
                    continue
                raise
            if state in ("STARTING", "RUNNING", "BACKOFF"):
                # (again, when a crash restart raced the first stop)
                try:
                    sv.stopProcess(name, False)
                except xmlrpc.client.Fault as err:
                    if err.faultCode != fault_code("NOT_RUNNING"):
                        sys.stderr.write("sv.py: supervisord could not stop %s: %s\n" % (name, err.faultString))
                        return 1
            if state not in ("STOPPED", "FATAL"):
                still.append(name)
        waiting = still
        if waiting:
            if time.time() > end:
                break
            time.sleep(0.1)
    for name in names:
        try:
            os.remove(os.path.join(STATE, "pids", name + ".pid"))
        except OSError:
            pass
    if waiting:
        sys.stderr.write("sv.py: still stopping after %ss: %s\n" % (timeout, " ".join(waiting)))
        return 1
    return 0


def status():
    for p in server().getAllProcessInfo():
        if p["name"] == LISTENER:
            continue
        up = p["now"] - p["start"] if p["statename"] == "RUNNING" and p["start"] else 0
        print("%s\t%s\t%s\t%d" % (p["name"], p["statename"], p["pid"] or "-", up))
    return 0


def main(argv):
    if not STATE or not SOCKET:
        sys.stderr.write("sv.py: STATE and SV_SOCKET must be set\n")
        return 2
    cmd, args = (argv[0], argv[1:]) if argv else ("", [])
    try:
        if cmd == "ping":
            server().getState()
            return 0
        if cmd == "start" and args:
            return start(args)
        if cmd == "stop" and args:
            timeout = 20.0
            if args[0].startswith("--timeout="):
                timeout, args = float(args[0].split("=", 1)[1]), args[1:]
            return stop(args, timeout)
        if cmd == "status":
            return status()
    except (OSError, xmlrpc.client.Error) as err:
        sys.stderr.write("sv.py: supervisord of %s: %s\n" % (STATE, err))
        return 1
    sys.stderr.write("usage: sv.py start NAME... | stop [--timeout=S] NAME... | status | ping\n")
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
