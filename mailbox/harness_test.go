package mailbox

import (
	"bufio"
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"mailaudit/audit"
	"mailaudit/config"
	"mailaudit/internal/authguard"
	"mailaudit/internal/dovetest"
	"mailaudit/relay"
)

// Test accounts of the private Dovecot.
const (
	userA = "lhphuc.tttl@tphcm.gov.vn"
	passA = "Demo#Pass2024"
	userB = "ptnanh.tttl@tphcm.gov.vn"
	passB = "anh12345"
)

// memSink keeps the proxy's audit records in memory: these tests are about
// the protocols; the audit package's own tests cover ClickHouse.
type memSink struct {
	mu       sync.Mutex
	auths    []audit.AuthEvent
	sessions []audit.MailboxSession
	changed  chan struct{}
}

func newMemSink() *memSink { return &memSink{changed: make(chan struct{}, 1000)} }

func (m *memSink) RecordAuth(_ context.Context, ev *audit.AuthEvent) error {
	m.mu.Lock()
	m.auths = append(m.auths, *ev)
	m.mu.Unlock()
	m.changed <- struct{}{}
	return nil
}

func (m *memSink) RecordMailboxSession(_ context.Context, ev *audit.MailboxSession) error {
	m.mu.Lock()
	m.sessions = append(m.sessions, *ev)
	m.mu.Unlock()
	m.changed <- struct{}{}
	return nil
}

func (m *memSink) authList() []audit.AuthEvent {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]audit.AuthEvent(nil), m.auths...)
}

func (m *memSink) sessionList() []audit.MailboxSession {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]audit.MailboxSession(nil), m.sessions...)
}

// waitFor polls cond until it holds or 10 s pass.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

type env struct {
	dove  *dovetest.Server
	proxy *Proxy
	addrs Addrs
	sink  *memSink
	cfg   *config.Config
	guard *authguard.Guard
	logs  *logBuffer
}

// startEnv starts a Dovecot with the two test users and a proxy in front
// of it; extra YAML lines go into the mailbox section.
func startEnv(t *testing.T, mutate func(*config.Config)) *env {
	t.Helper()
	dove := dovetest.Start(t, dovetest.Options{Users: map[string]string{userA: passA, userB: passB}})
	return startEnvWith(t, dove, mutate)
}

// startEnvWith starts a proxy in front of an already running Dovecot.
func startEnvWith(t *testing.T, dove *dovetest.Server, mutate func(*config.Config)) *env {
	t.Helper()
	yaml := fmt.Sprintf(`
instance: test
hostname: mailaudit.test
tls:
  self_signed: true
allow_insecure_auth: true
routes:
  - name: city
    domains: [tphcm.gov.vn]
    upstream: 127.0.0.1:1
    tls: none
    imap: {upstream: %q, tls: none}
    pop3: {upstream: %q, tls: none}
mailbox:
  imap: 127.0.0.1:0
  imaps: 127.0.0.1:0
  pop3: 127.0.0.1:0
  pop3s: 127.0.0.1:0
log:
  level: debug
`, dove.IMAPAddr, dove.POP3Addr)
	cfg, err := config.Parse([]byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	if mutate != nil {
		mutate(cfg)
		if err := cfg.Validate(); err != nil {
			t.Fatal(err)
		}
	}
	tlsConf, err := relay.LoadTLS(cfg.TLS, cfg.Hostname)
	if err != nil {
		t.Fatal(err)
	}
	sink := newMemSink()
	logs := &logBuffer{t: t}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	// The gateway's guard, as serve builds it for the relay and the proxy.
	guard := authguard.New(relay.GuardLimits(cfg.Limits))
	p, err := New(&Runtime{Config: cfg, TLSConfig: tlsConf, WeakPassword: weak}, sink, guard, log, nil)
	if err != nil {
		t.Fatal(err)
	}
	addrs, err := p.Start(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		p.Shutdown(ctx)
	})
	return &env{dove: dove, proxy: p, addrs: addrs, sink: sink, cfg: cfg, guard: guard, logs: logs}
}

// weak is a stand-in password rule (the real one is policy's): shorter
// than 10 characters.
func weak(pw []byte) bool { return len(pw) < 10 }

// logBuffer passes the proxy's log to the test log and keeps it, so a test
// can check what was (not) logged.
type logBuffer struct {
	t  *testing.T
	mu sync.Mutex
	b  strings.Builder
}

func (w *logBuffer) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	w.mu.Lock()
	w.b.Write(p)
	w.mu.Unlock()
	return len(p), nil
}

func (w *logBuffer) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}

// run runs a command and returns its stdout; it fails the test on error.
func run(t *testing.T, name string, args ...string) []byte {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		t.Fatalf("%s is not installed (scripts/deps.sh installs it): %v", name, err)
	}
	cmd := exec.Command(name, args...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, stderr.String())
	}
	return out
}

// rawClient is a line-level client for protocol checks.
type rawClient struct {
	t  *testing.T
	c  net.Conn
	br *bufio.Reader
}

func dialRaw(t *testing.T, addr net.Addr) *rawClient {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr.String(), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(20 * time.Second))
	return &rawClient{t: t, c: c, br: bufio.NewReader(c)}
}

func (r *rawClient) send(s string) {
	r.t.Helper()
	if _, err := r.c.Write([]byte(s)); err != nil {
		r.t.Fatal(err)
	}
}

func (r *rawClient) line() string {
	r.t.Helper()
	l, err := r.br.ReadString('\n')
	if err != nil {
		r.t.Fatalf("read: %v (got %q)", err, l)
	}
	return strings.TrimRight(l, "\r\n")
}

// until reads lines up to and including the first one with prefix.
func (r *rawClient) until(prefix string) []string {
	r.t.Helper()
	var out []string
	for {
		l := r.line()
		out = append(out, l)
		if strings.HasPrefix(l, prefix) {
			return out
		}
	}
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}
