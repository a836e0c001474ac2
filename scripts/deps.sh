#!/usr/bin/env bash
# Installs what mailaudit's demo and tests need on Debian 12, only where it
# is missing: ClickHouse, real SMTP clients (swaks with its TLS modules,
# curl, python3) and
# Postfix's smtp-source/smtp-sink for load comparisons. Go itself must be
# on PATH already.
set -euo pipefail

need=()
have() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ]; }
have clickhouse-server || need+=(clickhouse-server)
have clickhouse-client || need+=(clickhouse-client)
have swaks || need+=(swaks)
# swaks needs these for --tls (STARTTLS) and --tlsc; apt's
# --no-install-recommends leaves them out and swaks then says
# "TLS not available: requires Net::SSLeay".
have_perl() { perl -M"$1" -e 1 >/dev/null 2>&1; }
have_perl Net::SSLeay || need+=(libnet-ssleay-perl)
have_perl IO::Socket::SSL || need+=(libio-socket-ssl-perl)
have curl || need+=(curl)
have python3 || need+=(python3)
have smtp-source || need+=(postfix)
# The dashboard's end-to-end test drives a real headless browser.
have chromium || need+=(chromium)
# CI checks the unit files in deploy/ with systemd-analyze verify, and makes
# test certificates with openssl.
have systemd-analyze || need+=(systemd)
have openssl || need+=(openssl)

# --- mailbox proxy (issue 12): a real Dovecot for its tests and the demo ---
[ -x /usr/sbin/dovecot ] || have dovecot || need+=(dovecot-imapd dovecot-pop3d)
# --- end mailbox proxy ---

if [ ${#need[@]} -gt 0 ]; then
  echo "deps: installing ${need[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  # postfix asks how to configure itself unless told beforehand.
  echo "postfix postfix/main_mailer_type select No configuration" | $SUDO debconf-set-selections
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

if ! command -v go >/dev/null 2>&1; then
  echo "deps: Go is not on PATH (install Go 1.26 or newer, e.g. /usr/local/go/bin)" >&2
  exit 1
fi
