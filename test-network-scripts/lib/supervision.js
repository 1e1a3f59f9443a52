#!/usr/bin/env node
// Supervision files of a network, generated from its node definitions: every node network.sh
// starts (CA, orderer, peer, chaincode server, gateway) is defined once, by its run script
// $STATE/run/NAME.sh (its environment, command line and log file). From that one definition
// this tool writes
//   - the supervisord configuration of the network (one supervisord per state folder; lib/procs.sh
//     starts it on `network.sh up` and stops it on `down`), with one [program:NAME] per node and
//     the event listener (lib/sv-events.py) that keeps pid files and restart counts;
//   - systemd units (govledger-NAME.service, and govledger.target that starts them all) for an
//     agency host where systemd runs: the same run scripts, Restart=on-failure with a back-off.
//
//   supervision.js supervisord OUT STATE SOCKET PYTHON LISTENER   the supervisord.conf
//   supervision.js program OUT NAME STATE ROOT                    one node's [program:NAME]
//   supervision.js unit OUT NAME STATE PATH                       one node's systemd unit
//   supervision.js target OUT STATE NAME...                       govledger.target
//
// Exit codes: 0 written, 2 bad usage.
'use strict';

const fs = require('fs');
const path = require('path');

/** How supervision restarts a crashed node; the figures both generators use (README "Supervision"). */
const POLICY = {
  /** A start counts as successful once the node has run this long (supervisord startsecs). */
  startSecs: 1,
  /** Failed starts in a row before supervisord gives up (FATAL); its back-off grows 1 s per try. */
  startRetries: 10,
  /** Seconds systemd waits before a restart (RestartSec). */
  restartSec: 2,
  /** systemd gives up after this many starts within startLimitIntervalSec (StartLimitBurst). */
  startLimitBurst: 10,
  startLimitIntervalSec: 120,
  /** Seconds a stopping node gets after SIGTERM before SIGKILL (the gateway drains up to 10 s). */
  stopWaitSecs: 15,
};

/** Node names are file names and section names: letters, digits, '.', '_', '-'. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** A bad command line: exit code 2. */
class UsageError extends Error {}

function checkName(name) {
  if (!NAME.test(name)) throw new UsageError(`invalid node name '${name}'`);
  return name;
}

/** An absolute path for a supervisord configuration value: '%' escaped, no line breaks. */
function svPath(p) {
  if (!path.isAbsolute(p) || /[\n\r]/.test(p)) throw new UsageError(`not an absolute path: '${p}'`);
  return p.replace(/%/g, '%%');
}

/**
 * A word of a supervisord `command` (split like a POSIX shell line, shlex): single-quoted, '%'
 * escaped (supervisord's string expansion).
 */
function svWord(s) {
  return svPath(s).replace(/^(.*)$/s, (all) => `'${all.replace(/'/g, `'"'"'`)}'`);
}

/** A value quoted for a systemd Environment= or ExecStart= word. */
function unitQuote(s) {
  return `"${s.replace(/%/g, '%%').replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * The stop/start order of a node: supervisord stops higher priorities first. CAs start first and
 * stop last; the gateway starts last and stops first.
 */
function priority(name) {
  if (name.startsWith('ca-')) return 100;
  if (name.startsWith('orderer')) return 200;
  if (name.startsWith('peer')) return 300;
  if (name.startsWith('cc-')) return 400;
  return 900;
}

/** The supervisord configuration of a network whose state folder is `state`. */
function supervisordConf({ state, socket, python, listener }) {
  const dir = path.join(state, 'supervisor');
  return [
    '; Written by network.sh up (lib/supervision.js): the supervisord of the network in',
    `; ${state.replace(/[\n\r]/g, '')}. Nodes: programs/*.conf, started and stopped by network.sh`,
    '; (start-node, stop-node); a node that crashes is restarted (autorestart, back-off on failed starts).',
    '[unix_http_server]',
    `file=${svPath(socket)}`,
    'chmod=0700',
    '',
    '[supervisord]',
    `logfile=${svPath(path.join(dir, 'supervisord.log'))}`,
    'logfile_maxbytes=10MB',
    'logfile_backups=1',
    `pidfile=${svPath(path.join(dir, 'supervisord.pid'))}`,
    `childlogdir=${svPath(dir)}`,
    `directory=${svPath(dir)}`,
    'nodaemon=false',
    'minfds=4096',
    'identifier=govledger',
    '',
    '[rpcinterface:supervisor]',
    'supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface',
    '',
    '[supervisorctl]',
    `serverurl=unix://${svPath(socket)}`,
    '',
    '; pid files ($STATE/pids) and restart counts ($STATE/supervisor/restarts) from process state events',
    '[eventlistener:sv-events]',
    `command=${svWord(python)} ${svWord(listener)} ${svWord(state)}`,
    'events=PROCESS_STATE',
    'buffer_size=1000',
    'autorestart=true',
    'startsecs=0',
    'stdout_logfile=NONE',
    `stderr_logfile=${svPath(path.join(dir, 'sv-events.log'))}`,
    '',
    '[include]',
    // relative to this file's folder: supervisord splits `files` on spaces, which a state path may have
    'files=programs/*.conf',
    '',
  ].join('\n');
}

/**
 * One node's [program:NAME]. The run script writes the node's log itself (so a node's log does
 * not depend on supervisord), so supervisord captures nothing. Never started by supervisord on its
 * own (autostart=false): network.sh starts it; after that a crash restarts it.
 */
function programConf({ name, state, root }) {
  checkName(name);
  return [
    `[program:${name}]`,
    `command=/bin/bash ${svWord(path.join(state, 'run', `${name}.sh`))}`,
    `directory=${svPath(root)}`,
    'autostart=false',
    'autorestart=true',
    `startsecs=${POLICY.startSecs}`,
    `startretries=${POLICY.startRetries}`,
    'stopsignal=TERM',
    `stopwaitsecs=${POLICY.stopWaitSecs}`,
    'stopasgroup=true',
    'killasgroup=true',
    `priority=${priority(name)}`,
    'stdout_logfile=NONE',
    'stderr_logfile=NONE',
    '',
  ].join('\n');
}

/**
 * One node's systemd unit: the same run script, restarted after a crash (Restart=on-failure)
 * after RestartSec, given up after StartLimitBurst starts in StartLimitIntervalSec.
 */
function systemdUnit({ name, state, pathEnv }) {
  checkName(name);
  const after = [];
  if (name.startsWith('cc-')) after.push(`govledger-peer0.${name.split('-').pop()}.service`);
  return [
    '[Unit]',
    `Description=GovLedger ${name} (network in ${state.replace(/[\n\r]/g, '')})`,
    'PartOf=govledger.target',
    `After=network-online.target${after.length ? ' ' + after.join(' ') : ''}`,
    `StartLimitIntervalSec=${POLICY.startLimitIntervalSec}`,
    `StartLimitBurst=${POLICY.startLimitBurst}`,
    '',
    '[Service]',
    'Type=simple',
    `Environment=${unitQuote(`PATH=${pathEnv}`)}`,
    `ExecStart=/bin/bash ${unitQuote(path.join(state, 'run', `${name}.sh`))}`,
    'Restart=on-failure',
    `RestartSec=${POLICY.restartSec}`,
    'KillMode=control-group',
    'KillSignal=SIGTERM',
    `TimeoutStopSec=${POLICY.stopWaitSecs}`,
    '',
    '[Install]',
    'WantedBy=govledger.target',
    '',
  ].join('\n');
}

/** govledger.target: starting it starts every node of the host; the nodes stop with it. */
function systemdTarget({ state, names }) {
  names.forEach(checkName);
  return [
    '[Unit]',
    `Description=GovLedger nodes (network in ${state.replace(/[\n\r]/g, '')})`,
    `Wants=${names.map((n) => `govledger-${n}.service`).join(' ')}`,
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n');
}

function write(out, text) {
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(`${out}.tmp`, text);
  fs.renameSync(`${out}.tmp`, out);
}

function main(argv) {
  const [cmd, out, ...rest] = argv;
  const need = (n) => {
    if (!out || rest.length < n) throw new UsageError(`${cmd}: missing arguments`);
  };
  switch (cmd) {
    case 'supervisord': {
      need(4);
      const [state, socket, python, listener] = rest;
      write(out, supervisordConf({ state, socket, python, listener }));
      return;
    }
    case 'program': {
      need(3);
      const [name, state, root] = rest;
      write(out, programConf({ name, state, root }));
      return;
    }
    case 'unit': {
      need(3);
      const [name, state, pathEnv] = rest;
      write(out, systemdUnit({ name, state, pathEnv }));
      return;
    }
    case 'target': {
      need(2);
      const [state, ...names] = rest;
      write(out, systemdTarget({ state, names }));
      return;
    }
    default:
      throw new UsageError(`unknown command '${cmd ?? ''}' (supervisord, program, unit, target)`);
  }
}

if (require.main === module) {
  try {
    main(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`supervision.js: ${err.message}\n`);
    process.exit(err instanceof UsageError ? 2 : 1);
  }
}

module.exports = { POLICY, priority, programConf, supervisordConf, systemdTarget, systemdUnit, UsageError };
