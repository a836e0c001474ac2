package relay

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"mailaudit/audit"
	"mailaudit/config"
	"mailaudit/internal/authguard"
	"mailaudit/sink"
)

// memSink keeps audit events in memory. It stands in for the ClickHouse
// writer only in this package's tests, which are about SMTP behaviour; the
// end-to-end tests in cmd/mailaudit use the real writer and server.
type memSink struct {
	mu      sync.Mutex
	events  []*audit.Event
	auths   []*audit.AuthEvent
	admit   error
	recErr  error
	onEvent func(*audit.Event)
}

func (m *memSink) Begin(context.Context, *audit.Event) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.admit
}

func (m *memSink) Record(_ context.Context, ev *audit.Event) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.events = append(m.events, ev)
	return m.recErr
}

func (m *memSink) RecordAuth(_ context.Context, ev *audit.AuthEvent) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.auths = append(m.auths, ev)
	return nil
}

func (m *memSink) Events() []*audit.Event {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]*audit.Event(nil), m.events...)
}

func (m *memSink) Auths() []*audit.AuthEvent {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]*audit.AuthEvent(nil), m.auths...)
}

// env is one relay in front of one sink, both on loopback.
type env struct {
	t     testing.TB
	sink  *sink.Sink
	relay *Relay
	addrs Addrs
	audit *memSink
	cfg   *config.Config
}

const testUser, testPass = "nguyen.van.a@tphcm.gov.vn", "Mat-khau#2024"

type envOpts struct {
	yaml    string // extra YAML appended to the base config
	inspect Inspector
	hold    bool
	noSink  bool   // the upstream address points at nothing
	route   string // extra keys of the route, each line indented by four spaces
	upAddr  string // the route's upstream when there is no sink
	logTo   io.Writer
}

// newEnv puts a relay in front of a sink that requires AUTH.
func newEnv(t testing.TB, o envOpts) *env {
	t.Helper()
	if o.noSink {
		return newEnvWithUpstream(t, o, nil)
	}
	s, err := sink.Start(sink.Options{Addr: "127.0.0.1:0", Users: map[string]string{testUser: testPass}, Keep: true, MaxMessageBytes: 64 << 20})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return newEnvWithUpstream(t, o, s)
}

// startOpenSink starts a sink that takes mail without AUTH.
func startOpenSink(t testing.TB) (*sink.Sink, error) { return startOpenSinkOpts(t, true) }

func startOpenSinkOpts(t testing.TB, keep bool) (*sink.Sink, error) {
	s, err := sink.Start(sink.Options{Addr: "127.0.0.1:0", Keep: keep, MaxMessageBytes: 64 << 20})
	if err == nil {
		t.Cleanup(func() { s.Close() })
	}
	return s, err
}

func newEnvWithUpstream(t testing.TB, o envOpts, s *sink.Sink) *env {
	t.Helper()
	e := &env{t: t, audit: &memSink{}, sink: s}
	upAddr := "127.0.0.1:1" // nothing listens on port 1
	if o.upAddr != "" {
		upAddr = o.upAddr
	}
	if s != nil {
		upAddr = s.Addr()
	}
	base := fmt.Sprintf(`
instance: test
hostname: relay.test
listeners:
  submission: 127.0.0.1:0
  submissions: 127.0.0.1:0
  plain: 127.0.0.1:0
tls:
  self_signed: true
routes:
  - name: city
    domains: [tphcm.gov.vn]
    upstream: %s
    tls: none
    dial_timeout: 2s
    pool_size: 4
%sdefault_route: city
log:
  level: error
`, upAddr, o.route)
	if !strings.Contains(o.yaml, "allow_insecure_auth") {
		base += "allow_insecure_auth: true\n"
	}
	if !strings.Contains(o.yaml, "trusted_networks") {
		base += "trusted_networks: [127.0.0.0/8]\n"
	}
	cfg, err := config.Parse([]byte(base + o.yaml))
	if err != nil {
		t.Fatal(err)
	}
	e.cfg = cfg
	tlsConf, err := LoadTLS(cfg.TLS, cfg.Hostname)
	if err != nil {
		t.Fatal(err)
	}
	rt := &Runtime{Config: cfg, Inspect: o.inspect, HoldMessage: o.hold, TLSConfig: tlsConf,
		WeakPassword: func(p []byte) bool { return len(p) < 8 }}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if o.logTo != nil {
		log = slog.New(slog.NewTextHandler(o.logTo, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	r, err := New(rt, e.audit, authguard.New(GuardLimits(cfg.Limits)), log, prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	addrs, err := r.Start(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	e.relay, e.addrs = r, addrs
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		r.Shutdown(ctx)
	})
	return e
}

// message builds a CRLF message of about size bytes with a unique marker.
func message(marker string, size int) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "From: Nguyen Van A <%s>\r\nTo: <b@tphcm.gov.vn>\r\nSubject: test %s\r\nMessage-ID: <%s@test>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n", testUser, marker, marker)
	line := "Thông báo họp giao ban tuần: kính mời các phòng tham dự đầy đủ.\r\n"
	for b.Len() < size {
		b.WriteString(line)
	}
	b.WriteString(".leading dot line\r\n")
	return []byte(b.String())
}
