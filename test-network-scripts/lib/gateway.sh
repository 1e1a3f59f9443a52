# network.sh gateway: build and start the REST gateway in front of this network,
# with development secrets kept in the state folder; print how to call it.
# Sourced by network.sh.

# build_gateway: compiles the gateway and the workspace packages it imports (tsc -b, incremental),
# for the single gateway, the replicas and the multi-host mode's per-organisation gateways.
build_gateway() {
  step "Building the gateway (and the workspace packages it imports)"
  run "$STATE/logs/gateway-build.log" node "$GOVLEDGER_ROOT/node_modules/typescript/bin/tsc" -b \
    "$GOVLEDGER_ROOT/packages/wire/tsconfig.build.json" "$GOVLEDGER_ROOT/packages/fixtures/tsconfig.build.json" \
    "$GOVLEDGER_ROOT/clients/typescript/tsconfig.build.json" \
    "$GOVLEDGER_ROOT/gateway/tsconfig.build.json"
  ok
}

# gateway_settings_file DIR: creates DIR/gateway.env once, the operator's gateway settings
# (gateway/README.md, Configuration: SCHEDULE_*, PUBLIC_READ_IDENTITY, WEBHOOK_*, ...), read by
# the gateway at each start (node --env-file; a variable the run script sets wins). Supervision
# restarts a node with its recorded command, not with the environment of a later network.sh
# call: edit this file, then `network.sh stop-node gateway && network.sh start-node gateway`.
gateway_settings_file() {
  local file="$1/gateway.env"
  [ -f "$file" ] && return 0
  {
    echo "# Gateway settings (gateway/README.md, Configuration), read at every start of the gateway"
    echo "# and its replicas. Edit, then: network.sh stop-node gateway && network.sh start-node gateway"
    echo "# Public reads (transparency, presentation checks) are evaluated as this wallet identity:"
    echo "PUBLIC_READ_IDENTITY=CityBMSP/auditor-b"
    echo "# Scheduled checks (unspent-funds sweep, overdue approvals) submit as this identity; unset: none run."
    echo "# SCHEDULE_IDENTITY=CityAMSP/auditor-a"
  } > "$file"
}

cmd_gateway() {
  require_network
  local dir="$STATE/gateway" port="$GATEWAY_PORT"
  mkdir -p "$dir"
  if is_running gateway; then
    echo "gateway already running; minting fresh demo tokens"
    gateway_tokens "$dir" "$port"
    return 0
  fi
  port_open "$port" && die "port $port for the gateway is already in use"
  trap cleanup_failed_start EXIT

  build_gateway

  step "Starting the gateway on 127.0.0.1:$port"
  if [ ! -f "$dir/secrets.env" ]; then
    (umask 077; printf 'WALLET_KEY=%s\nJWT_HS256_SECRET=%s\n' "$(openssl rand -hex 32)" "$(openssl rand -hex 32)" > "$dir/secrets.env")
  fi
  # shellcheck disable=SC1091
  source "$dir/secrets.env"
  gateway_settings_file "$dir"
  # NODE_ENV=development: this gateway verifies HS256 development tokens, which it refuses to
  # start with under NODE_ENV=production (gateway/README.md, Security)
  start_proc gateway WALLET_KEY="$WALLET_KEY" JWT_HS256_SECRET="$JWT_HS256_SECRET" \
    FABRIC_ORGS_FILE="$STATE/network.json" WALLET_IMPORT_USERS_DIR="$STATE/users" \
    WALLET_DIR="$dir/wallet" GATEWAY_DB_PATH="$dir/gateway.db" ELECTION_KEYS_DIR="$dir/election-keys" \
    GATEWAY_HOST=127.0.0.1 GATEWAY_PORT="$port" LOG_LEVEL="${GATEWAY_LOG_LEVEL:-info}" NODE_ENV=development \
    RATE_LIMIT_MAX="${RATE_LIMIT_MAX:-1200}" \
    -- node --env-file="$dir/gateway.env" "$GOVLEDGER_ROOT/gateway/dist/server.js"
  wait_port gateway "$port" 60
  local i
  for i in $(seq 1 100); do
    curl -fsS "http://127.0.0.1:$port/livez" >/dev/null 2>&1 && break
    is_running gateway || die "the gateway exited during start-up" "$STATE/logs/gateway.log"
    sleep 0.2
  done
  ok
  trap - EXIT
  gateway_tokens "$dir" "$port"
}


# gateway_tokens DIR PORT: mint a bearer token (1 hour) for every demo user and print how to call the gateway.
gateway_tokens() {
  local dir="$1" port="$2"
  # shellcheck disable=SC1091
  source "$dir/secrets.env"
  JWT_HS256_SECRET="$JWT_HS256_SECRET" node "$GOVLEDGER_ROOT/gateway/dist/cli/mint-token.js" --all --json \
    --users-dir "$STATE/users" > "$dir/demo-tokens.json" 2>>"$STATE/logs/gateway-build.log" \
    || die "could not mint the demo tokens" "$STATE/logs/gateway-build.log"
  chmod 600 "$dir/demo-tokens.json"
  local token
  token="$(nettool json-field --required "$dir/demo-tokens.json" admin-a token)"
  cat <<EOF
Gateway    http://127.0.0.1:$port   (docs http://127.0.0.1:$port/docs, OpenAPI /openapi.json, metrics /metrics)
Tokens     $dir/demo-tokens.json  (one bearer token per demo user, valid 1 hour;
           more: JWT_HS256_SECRET from $dir/secrets.env, node gateway/dist/cli/mint-token.js <user>)
Try        curl -s -H "Authorization: Bearer $token" http://127.0.0.1:$port/api/v1/licence-types
EOF
}