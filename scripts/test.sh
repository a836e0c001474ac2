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

echo "== go test -race (relay, policy, sink, audit)"
go test -race -count=1 ./relay/... ./policy/... ./sink/... ./internal/saslogin/... ./internal/authguard/... ./audit/...

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
