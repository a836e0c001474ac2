#!/usr/bin/env bash
# One command from a fresh Debian 12 machine (with Go) to a running demo:
# installs dependencies, starts the local ClickHouse, a stand-in upstream
# (mailaudit sink, which keeps mail in .run/mail) and the relay with
# configs/dev.yaml, then prints how to send a mail and see its audit row.
# Ctrl-C stops the sink and the relay.
# Mailbox block (issue 12): a private Dovecot (.run/dovecot) serves the
# demo users' Maildirs, the sink delivers into them, and the relay's
# mailbox proxy fronts it, so a mail sent through the relay can be read
# back through the IMAP proxy.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
bash scripts/clickhouse.sh
mkdir -p .run/mail .run/spool
go build -o .run/mailaudit ./cmd/mailaudit
go build -o .run/dovedev ./cmd/dovedev # mailbox block
./.run/mailaudit check-config configs/dev.yaml

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM
# --- mailbox block (issue 12): the demo's mailbox server, before the sink ---
demo_users='lhphuc.tttl@tphcm.gov.vn:Demo#Pass2024,ptnanh.tttl@tphcm.gov.vn:anh12345'
./.run/dovedev -dir .run/dovecot -imap 127.0.0.1:2144 -pop3 127.0.0.1:2110 \
  -users "$demo_users" > .run/dovecot.log 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do
  (exec 3<>/dev/tcp/127.0.0.1/2144) 2>/dev/null && break
  sleep 0.1
done
# --- end mailbox block ---
./.run/mailaudit sink --addr 127.0.0.1:2526 --dir .run/mail --maildirs .run/dovecot/mail \
  --users 'lhphuc.tttl@tphcm.gov.vn:Demo#Pass2024,ptnanh.tttl@tphcm.gov.vn:anh12345' > .run/sink.log 2>&1 &
pids+=($!)
./.run/mailaudit serve --config configs/dev.yaml 2> >(tee .run/relay.log >&2) &
pids+=($!)
for _ in $(seq 1 100); do
  (exec 3<>/dev/tcp/127.0.0.1/2525) 2>/dev/null && break
  sleep 0.1
done

cat <<'TXT'

mailaudit is running:
  relay       127.0.0.1:2587 (STARTTLS + AUTH), 127.0.0.1:2525 (plain, trusted loopback)
  upstream    127.0.0.1:2526 (mailaudit sink; messages land in .run/mail
              and in the recipients' Maildirs of the demo Dovecot)
  mailbox     IMAP proxy 127.0.0.1:2143 (STARTTLS) / 2993 (TLS), POP3 2111 / 2995
              -> Dovecot 127.0.0.1:2144 / 2110 (.run/dovecot)
  audit       ClickHouse 127.0.0.1:9000, database mailaudit (spool in .run/spool)
  metrics     http://127.0.0.1:9100/metrics
  dashboard   http://127.0.0.1:8088/  (user kiemtoan, password KiemToan#2024)

Send an invitation through the relay, authenticating as a staff member of
configs/roster.example.csv (the sink also knows ptnanh.tttl@tphcm.gov.vn
with the weak password anh12345, which shows up in auth_events):

  swaks --server 127.0.0.1 --port 2587 --tls \
        --auth-user lhphuc.tttl@tphcm.gov.vn --auth-password 'Demo#Pass2024' \
        --from lhphuc.tttl@tphcm.gov.vn --to ptnanh.tttl@tphcm.gov.vn \
        --header 'Subject: [Giấy mời] Họp giao ban tuần 22' \
        --body $'GIẤY MỜI\nSố: 12/GM-TTTL\nKính mời các phòng dự họp giao ban.'

Read it back through the IMAP proxy as the recipient (UID=1 is the first
mail in that mailbox; INBOX?ALL lists them all):

  curl --ssl-reqd -k -u 'ptnanh.tttl@tphcm.gov.vn:anh12345' 'imap://127.0.0.1:2143/INBOX;UID=1'

The login is an auth_events row with service imap, and the session a
mailbox_sessions row when it closes:

  clickhouse-client -q "SELECT ts, user, service, result, weak_password FROM mailaudit.auth_events
                        ORDER BY ts DESC LIMIT 5"

See its audit row (one row per message; FINAL hides replayed duplicates):

  clickhouse-client -q "SELECT ts, auth_user, type, doc_number, flags, action, upstream_code
                        FROM mailaudit.messages FINAL ORDER BY ts DESC LIMIT 5 FORMAT Vertical"

Quarterly usage per person and division (the auditors' report):

  ./.run/mailaudit report usage --config configs/dev.yaml --quarter $(date +%Y)Q$(( ($(date +%-m)-1)/3+1 ))

Press Ctrl-C to stop.
TXT
wait
