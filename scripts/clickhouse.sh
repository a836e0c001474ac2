#!/usr/bin/env bash
# Starts the machine's ClickHouse server (native port 9000) for the demo and
# the load benchmark, the way Debian's package expects: as the clickhouse
# user with its data in /var/lib/clickhouse. Tests do not use it: each test
# package starts a private server (internal/chtest).
set -euo pipefail
ready() { clickhouse-client --host 127.0.0.1 --port 9000 -q "SELECT 1" >/dev/null 2>&1; }
if ready; then echo "clickhouse: already running on 127.0.0.1:9000"; exit 0; fi
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
id clickhouse >/dev/null 2>&1 || $SUDO useradd --system --no-create-home --shell /usr/sbin/nologin clickhouse
$SUDO mkdir -p /var/lib/clickhouse /var/log/clickhouse-server
$SUDO chown -R clickhouse:clickhouse /var/lib/clickhouse /var/log/clickhouse-server
as_ch() { if [ "$(id -u)" -eq 0 ]; then runuser -u clickhouse -- "$@"; else sudo -u clickhouse "$@"; fi; }
as_ch /usr/sbin/clickhouse-server --config-file=/etc/clickhouse-server/config.xml --daemon
for _ in $(seq 1 100); do
  if ready; then echo "clickhouse: running on 127.0.0.1:9000"; exit 0; fi
  sleep 0.2
done
echo "clickhouse: did not come up; see /var/log/clickhouse-server/clickhouse-server.err.log" >&2
exit 1
