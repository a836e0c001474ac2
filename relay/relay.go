// Package relay is the SMTP submission relay in the staff's send path: a
// synchronous proxy with no queue of its own. Every command is answered with
// the upstream's own reply; message bytes stream upstream while a copy feeds
// the inspector (classifier and policy); the final dot is sent only when the
// policy allows and the audit record can be kept.
package relay

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mailaudit/internal/connlimit"
	"net"
	"net/netip"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/prometheus/client_golang/prometheus"

	"mailaudit/audit"
	"mailaudit/config"
	"mailaudit/internal/authguard"
)

// MessageInfo is what the session knows about a message besides its bytes.
type MessageInfo struct {
	AuthUser string
	MailFrom string
	RcptTo   []string
	ClientIP netip.Addr
	UTF8     bool // the client said SMTPUTF8: replies may carry UTF-8 text
}

// Decision is the inspector's answer for one message.
type Decision struct {
	Reject *smtp.SMTPError // non-nil: refuse the message with this reply
	Tag    string          // non-empty: add X-Mailaudit-Flags upstream (needs Runtime.HoldMessage)
}

// Inspector reads one message once, fills the verdict, policy and sender
// fields of its audit event, and decides about it. It is the seam where
// classify and policy plug in (package inspect); a nil Inspector leaves
// the verdict empty and relays everything.
type Inspector func(ctx context.Context, msg io.Reader, info MessageInfo, ev *audit.Event) Decision

// AuditSink keeps audit events. A message that reaches its final dot gets
// two records with one EventID: Begin before the dot goes upstream, Record
// after the upstream answered. Every other attempt gets only Record.
type AuditSink interface {
	// Begin makes the message's intent durable (everything known before
	// the final dot: envelope, verdict, policy decision, size) and
	// reserves room for its outcome. The relay sends the final dot only
	// after Begin returned nil; an error defers the message, so no
	// message leaves unaudited, even if the relay dies before Record.
	Begin(ctx context.Context, ev *audit.Event) error
	// Record keeps the final event; it returns once the event is durable,
	// because the client's final reply follows it.
	Record(ctx context.Context, ev *audit.Event) error
	RecordAuth(ctx context.Context, ev *audit.AuthEvent) error
}

// Runtime is everything a reload may replace. Sessions take the runtime
// current at their start and keep it to their end.
type Runtime struct {
	Config  *config.Config
	Inspect Inspector
	// HoldMessage makes the relay receive the whole message before it
	// opens DATA upstream, so headers can be added (verdict header, tag
	// actions). Off, bytes stream upstream as they arrive.
	HoldMessage bool
	// WeakPassword tells whether a password breaks the password rule; nil
	// skips the check. The password is never kept or logged.
	WeakPassword func(password []byte) bool
	// AuthPolicy decides about a login the upstream accepted; a non-nil
	// reply refuses it (enforce mode with weak_password: reject). Nil
	// accepts every login the upstream accepts.
	AuthPolicy func(user string, weak bool) *smtp.SMTPError
	TLSConfig  *tls.Config
}

// Relay is the running daemon's SMTP side.
type Relay struct {
	log     *slog.Logger
	sink    AuditSink
	metrics *metrics

	rt    atomic.Pointer[Runtime]
	conns connlimit.Limiter
	guard *authguard.Guard // AUTH failure limits, shared with the mailbox proxy

	mu       sync.Mutex
	pools    map[string]*pool // by route name
	servers  []*smtp.Server
	sessions map[*session]struct{}
	draining bool
	maxSize  atomic.Int64

	stopSweep chan struct{}

	// Buffers recycled across messages and connections: io.Copy would
	// allocate 32 KB per message, and every connection a reply buffer.
	copyBufs  sync.Pool // *[]byte of 32 KB
	stuffBufs sync.Pool // *[]byte: dot-stuffed copies of those
	writers   sync.Pool // *bufio.Writer of 4 KB, client connections
	upWriters sync.Pool // *bufio.Writer of 32 KB, upstream connections (message data)
	spills    sync.Pool // *bytes.Buffer, message copies for the classifier
}

// New makes a relay; Start opens its listeners. guard is the gateway's
// AUTH guard (see GuardLimits); Swap updates its limits.
func New(rt *Runtime, sink AuditSink, guard *authguard.Guard, log *slog.Logger, reg prometheus.Registerer) (*Relay, error) {
	if rt == nil || rt.Config == nil {
		return nil, errors.New("relay: no configuration")
	}
	if guard == nil {
		return nil, errors.New("relay: no AUTH guard")
	}
	if sink == nil {
		return nil, errors.New("relay: no audit sink")
	}
	r := &Relay{
		log:       log,
		sink:      sink,
		guard:     guard,
		metrics:   newMetrics(reg),
		pools:     map[string]*pool{},
		sessions:  map[*session]struct{}{},
		stopSweep: make(chan struct{}),
	}
	r.copyBufs.New = func() any { b := make([]byte, 32<<10); return &b }
	r.stuffBufs.New = func() any { b := make([]byte, 0, 34<<10); return &b }
	r.writers.New = func() any { return bufio.NewWriterSize(nil, 4096) }
	r.upWriters.New = func() any { return bufio.NewWriterSize(nil, 32<<10) }
	r.spills.New = func() any { return new(bytes.Buffer) }
	r.rt.Store(rt)
	r.maxSize.Store(int64(rt.Config.Limits.MaxMessageBytes))
	return r, nil
}

func (r *Relay) runtime() *Runtime { return r.rt.Load() }

// Swap installs a new runtime (a reload). Listener addresses are not
// changed by a reload; sessions in flight finish on the runtime they
// started with.
func (r *Relay) Swap(rt *Runtime) {
	old := r.rt.Swap(rt)
	r.guard.SetLimits(GuardLimits(rt.Config.Limits))
	if old.Config.Listeners != rt.Config.Listeners {
		r.log.Warn("listener addresses changed in the new config; they take effect at restart")
	}
	r.mu.Lock()
	for name, p := range r.pools {
		// Pools of changed or removed routes are emptied; the next message
		// dials with the new settings.
		if nr, ok := rt.Config.Route(name); !ok || !reflect.DeepEqual(nr, p.route) {
			go p.closeAll()
			delete(r.pools, name)
		}
	}
	r.mu.Unlock()
}

// Listener addresses actually bound, for tests and logs.
type Addrs struct{ Submission, Submissions, Plain net.Addr }

// Start binds the listeners and serves them until Shutdown. It probes the
// upstreams once for their SIZE limit, so the relay never advertises more
// than the upstream takes.
func (r *Relay) Start(ctx context.Context) (Addrs, error) {
	rt := r.runtime()
	cfg := rt.Config
	r.probeSize(ctx, cfg)
	var addrs Addrs
	type lst struct {
		addr  string
		kind  string
		out   *net.Addr
		tls   bool // implicit
		start bool // STARTTLS offered
	}
	for _, l := range []lst{
		{cfg.Listeners.Submission, "submission", &addrs.Submission, false, true},
		{cfg.Listeners.Submissions, "submissions", &addrs.Submissions, true, false},
		{cfg.Listeners.Plain, "plain", &addrs.Plain, false, false},
	} {
		if l.addr == "" {
			continue
		}
		// No TCP keepalive: every session is bounded by the command and
		// data timeouts already, and Go's default keepalive costs four
		// setsockopt calls per accepted connection.
		lc := net.ListenConfig{KeepAlive: -1}
		ln, err := lc.Listen(ctx, "tcp", l.addr)
		if err != nil {
			r.closeServers()
			return addrs, fmt.Errorf("listen %s on %s: %w", l.kind, l.addr, err)
		}
		*l.out = ln.Addr()
		var wrapped net.Listener = &limitedListener{Listener: ln, r: r, plain: l.kind == "plain"}
		s := smtp.NewServer(backend{r: r, kind: l.kind})
		s.Domain = cfg.Hostname
		s.MaxMessageBytes = r.maxSize.Load()
		s.MaxRecipients = cfg.Limits.MaxRecipients
		// go-smtp applies this to commands and DATA, but to BDAT content
		// only when it arrived in the same read as the command; the
		// session applies the same limit to all message content
		// (lineLimiter), so a BDAT chunk's long line is refused however
		// TCP split it.
		s.MaxLineLength = cfg.Limits.MaxLineLength
		s.ReadTimeout = cfg.Limits.CommandTimeout.D()
		s.WriteTimeout = cfg.Limits.CommandTimeout.D()
		s.EnableSMTPUTF8 = true
		s.ErrorLog = slogPrintf{r.log.With("listener", l.kind)}
		if l.start {
			s.TLSConfig = rt.TLSConfig
		}
		if l.tls {
			s.TLSConfig = rt.TLSConfig
			wrapped = tls.NewListener(wrapped, rt.TLSConfig)
		}
		// go-smtp only offers AUTH on TLS or when insecure AUTH is allowed;
		// the session itself still refuses plain-text AUTH from anything but
		// loopback.
		s.AllowInsecureAuth = cfg.AllowInsecureAuth
		r.mu.Lock()
		r.servers = append(r.servers, s)
		r.mu.Unlock()
		go func() {
			if err := s.Serve(wrapped); err != nil && !errors.Is(err, smtp.ErrServerClosed) {
				r.log.Error("listener stopped", "listener", l.kind, "err", err)
			}
		}()
		r.log.Info("listening", "listener", l.kind, "addr", ln.Addr().String())
	}
	go r.sweepLoop()
	return addrs, nil
}

// probeSize asks each route's upstream for its SIZE and keeps the smallest,
// never above our own limit. An unreachable upstream is not fatal here: the
// relay must come up and answer 4xx, not refuse to start.
func (r *Relay) probeSize(ctx context.Context, cfg *config.Config) {
	max := int64(cfg.Limits.MaxMessageBytes)
	for i := range cfg.Routes {
		route := &cfg.Routes[i]
		pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		u, err := dialUpstream(pctx, route, cfg.Hostname, &r.upWriters)
		cancel()
		if err != nil {
			r.log.Warn("upstream not reachable at start; SIZE not probed", "route", route.Name, "err", err)
			continue
		}
		if n, ok := u.c.MaxMessageSize(); ok && n > 0 && int64(n) < max {
			max = int64(n)
		}
		u.close()
	}
	r.maxSize.Store(max)
}

func (r *Relay) sweepLoop() {
	t := time.NewTicker(reportEvery / 4)
	defer t.Stop()
	for {
		select {
		case <-r.stopSweep:
			return
		case <-t.C:
			r.reportRefusals()
		}
	}
}

// Shutdown stops accepting, closes idle sessions, lets sessions in a
// transaction finish until ctx ends, then closes what is left.
func (r *Relay) Shutdown(ctx context.Context) error {
	r.mu.Lock()
	if r.draining {
		r.mu.Unlock()
		return nil
	}
	r.draining = true
	servers := r.servers
	for s := range r.sessions {
		s.drain()
	}
	r.mu.Unlock()
	close(r.stopSweep)

	var wg sync.WaitGroup
	errs := make(chan error, len(servers))
	for _, s := range servers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := s.Shutdown(ctx); err != nil {
				errs <- err
				s.Close()
			}
		}()
	}
	wg.Wait()
	close(errs)
	r.mu.Lock()
	for _, p := range r.pools {
		p.closeAll()
	}
	r.mu.Unlock()
	var err error
	for e := range errs {
		err = errors.Join(err, e)
	}
	if err != nil {
		return fmt.Errorf("relay shutdown: sessions cut at the deadline: %w", err)
	}
	return nil
}

func (r *Relay) closeServers() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, s := range r.servers {
		s.Close()
	}
}

func (r *Relay) poolFor(route *config.Route) *pool {
	r.mu.Lock()
	defer r.mu.Unlock()
	p := r.pools[route.Name]
	if p == nil {
		p = &pool{max: route.PoolSize, maxIdle: 30 * time.Second, route: route}
		r.pools[route.Name] = p
	}
	return p
}

func (r *Relay) addSession(s *session) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.draining {
		return false
	}
	r.sessions[s] = struct{}{}
	return true
}

func (r *Relay) removeSession(s *session) {
	r.mu.Lock()
	delete(r.sessions, s)
	r.mu.Unlock()
}

func (r *Relay) isDraining() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.draining
}

// backend creates sessions for one listener.
type backend struct {
	r    *Relay
	kind string
}

func (b backend) NewSession(c *smtp.Conn) (smtp.Session, error) {
	s := newSession(b.r, c, b.kind)
	if !b.r.addSession(s) {
		return nil, &smtp.SMTPError{Code: 421, EnhancedCode: smtp.EnhancedCode{4, 3, 2}, Message: "Service shutting down, try again later"}
	}
	return s, nil
}

// slogPrintf adapts go-smtp's logger to slog.
type slogPrintf struct{ l *slog.Logger }

func (p slogPrintf) Printf(format string, v ...any) { p.log(fmt.Sprintf(format, v...)) }
func (p slogPrintf) Println(v ...any)               { p.log(fmt.Sprint(v...)) }

// log keeps clients that hang up without QUIT out of the warnings: it is
// what phones and load tools do all day.
func (p slogPrintf) log(msg string) {
	if strings.Contains(msg, "connection reset by peer") || strings.Contains(msg, "broken pipe") {
		p.l.Debug(msg)
		return
	}
	p.l.Warn(msg)
}
