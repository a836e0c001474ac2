#!/usr/bin/env bash
# The whole test suite: what CI runs (.ci/run) and what a developer runs.
# Installs missing dependencies first; every test that needs ClickHouse
# starts its own private server (internal/chtest), so no service has to be
# running beforehand.
#   MAILAUDIT_BIG=1 scripts/test.sh   adds the long runs (10k-message audit,
#                                     longer fuzzing)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh

echo "== gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then echo "gofmt would change:"; echo "$unformatted"; exit 1; fi

echo "== go mod tidy"
# go.mod must say which modules the code imports directly; a stale or
# hand-edited go.mod/go.sum fails here rather than in review.
if ! go mod tidy -diff >/tmp/mailaudit-tidy.diff 2>&1; then
  echo "go mod tidy would change go.mod/go.sum:"; cat /tmp/mailaudit-tidy.diff; exit 1
fi

echo "== go vet"
go vet ./...

echo "== deployment: systemd units and the example configuration"
# systemd-analyze verify checks every unit in deploy/ (directives, and that
# the programs exist) against a scratch root holding the freshly built
# binary at its installed path; any message at all fails the run, since
# verify only warns about an unknown or misspelt directive.
deploy_root=$(mktemp -d)
mkdir -p "$deploy_root/usr/local/bin" "$deploy_root/usr/lib/systemd" "$deploy_root/bin" "$deploy_root/etc/systemd/system"
go build -o "$deploy_root/usr/local/bin/mailaudit" ./cmd/mailaudit
cp -r /usr/lib/systemd/system "$deploy_root/usr/lib/systemd/"
cp /bin/kill "$deploy_root/bin/"
cp deploy/*.service "$deploy_root/etc/systemd/system/"
verify=$(systemd-analyze verify --root="$deploy_root" $(cd deploy && ls *.service) 2>&1) || { echo "$verify"; exit 1; }
if [ -n "$verify" ]; then echo "systemd-analyze verify:"; echo "$verify"; exit 1; fi
# The example as shipped must be refused for its placeholders; filled in
# the way an operator fills it in, check-config must pass without warnings.
if "$deploy_root/usr/local/bin/mailaudit" check-config configs/example.yaml 2>"$deploy_root/refused"; then
  echo "configs/example.yaml passed check-config with its placeholders"; exit 1
fi
grep -q "dashboard.session_key" "$deploy_root/refused" || { cat "$deploy_root/refused"; exit 1; }
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=mail-gw.test \
  -keyout "$deploy_root/key.pem" -out "$deploy_root/cert.pem" 2>/dev/null
key=$(openssl rand -base64 32)
dev_hash=$(sed -n 's/^ *bcrypt: "\(.*\)"$/\1/p' configs/dev.yaml)
sed -e "s#/etc/mailaudit/tls/fullchain.pem#$deploy_root/cert.pem#" -e "s#/etc/mailaudit/tls/privkey.pem#$deploy_root/key.pem#" \
    -e "s#/etc/mailaudit/classify-rules.yaml#$PWD/configs/classify-rules.yaml#" -e "s#/etc/mailaudit/roster.csv#$PWD/configs/roster.example.csv#" \
    -e "s#REPLACE-with-the-output-of-openssl-rand-base64-32#$key#" \
    -e "s#\\\$2a\\\$12\\\$REPLACE.WITH.A.REAL.BCRYPT.HASH.FROM.htpasswd.nbBC12xxxx#$dev_hash#" \
    configs/example.yaml > "$deploy_root/example.yaml"
"$deploy_root/usr/local/bin/mailaudit" check-config "$deploy_root/example.yaml" 2>"$deploy_root/checked" || { cat "$deploy_root/checked"; exit 1; }
if [ -s "$deploy_root/checked" ]; then cat "$deploy_root/checked"; exit 1; fi
rm -rf "$deploy_root"

echo "== go test -race (relay, mailbox, policy, sink, audit)"
go test -race -count=1 ./relay/... ./policy/... ./sink/... ./internal/saslogin/... ./internal/authguard/... ./audit/... ./mailbox/...

echo "== go test (all packages)"
go test -count=1 -timeout 40m ./...

fuzztime=${MAILAUDIT_FUZZTIME:-10s}
[ "${MAILAUDIT_BIG:-}" = 1 ] && fuzztime=${MAILAUDIT_FUZZTIME:-5m}
echo "== fuzzing, $fuzztime per target"
for pkg in $(go list ./...); do
  dir=$(go list -f '{{.Dir}}' "$pkg")
  for target in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | sed 's/^func //'); do
    echo "-- $pkg $target"
    if ! go test -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" "$pkg" >/tmp/mailaudit-fuzz.log 2>&1; then
      # The Go fuzzer sometimes ends a clean run with "context deadline
      # exceeded" when -fuzztime runs out mid-minimisation. A real finding
      # always writes its input to testdata and says so.
      if grep -q "context deadline exceeded" /tmp/mailaudit-fuzz.log && ! grep -q "Failing input written to" /tmp/mailaudit-fuzz.log; then
        echo "   (fuzzer stopped at its deadline without a finding)"
      else
        cat /tmp/mailaudit-fuzz.log; exit 1
      fi
    fi
  done
done
echo "== all tests passed"
