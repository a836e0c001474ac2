// Package mailbox is the gateway's IMAP and POP3 login proxy. A mail
// client's login is passed through to the mailbox server of the login's
// domain (the config's routes), and the client hears that server's own
// answer; after a successful login the two connections are spliced and
// nothing more is parsed. Every login attempt becomes an audit AuthEvent
// and every logged-in session an audit MailboxSession at its close: this
// is how the reports see who reads mail, not only who sends it.
//
// Files: proxy.go (lifecycle), listener.go (accept, connection limits),
// session.go (what IMAP and POP3 share: the login checks and audit,
// against the gateway's shared AUTH guard, internal/authguard), imap.go
// and imapparse.go, pop3.go, upstream.go (dialing the server, capability
// cache), splice.go (after login), refusals.go (the rows of refusals
// while an address is locked).
package mailbox

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"mailaudit/internal/connlimit"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"mailaudit/audit"
	"mailaudit/config"
	"mailaudit/internal/authguard"
)

// AuditSink keeps the proxy's audit records. Both calls return once the
// record is durable (or failed); the proxy logs a failure and goes on: a
// mailbox login cannot be taken back like a message can be deferred.
type AuditSink interface {
	RecordAuth(ctx context.Context, ev *audit.AuthEvent) error
	RecordMailboxSession(ctx context.Context, ev *audit.MailboxSession) error
}

// Runtime is what a reload may replace; a session keeps the runtime it
// started with.
type Runtime struct {
	Config    *config.Config
	TLSConfig *tls.Config // nil: no STARTTLS/STLS offered, no implicit-TLS listeners
	// WeakPassword tells whether a password breaks the password rule; nil
	// skips the check. The password is never kept or logged.
	WeakPassword func(password []byte) bool
}

// Addrs are the listener addresses actually bound (nil when not configured).
type Addrs struct{ IMAP, IMAPS, POP3, POP3S net.Addr }

// Proxy is the running mailbox proxy.
type Proxy struct {
	log   *slog.Logger
	sink  AuditSink
	guard *authguard.Guard // the gateway's, shared with the SMTP relay
	m     *metrics

	rt    atomic.Pointer[Runtime]
	conns connlimit.Limiter
	caps  capCache
	bufs  sync.Pool // *[]byte of spliceBuf

	mu        sync.Mutex
	listeners []net.Listener
	sessions  map[*session]struct{}
	draining  bool
	wg        sync.WaitGroup
	stopSweep chan struct{}
}

// New makes a proxy; Start opens its listeners. guard is the gateway's
// AUTH guard, the one the SMTP relay has too: failed logins over SMTP,
// IMAP and POP3 from one address count together, and a lock refuses all
// three. Its limits are the relay's to update on a reload.
func New(rt *Runtime, sink AuditSink, guard *authguard.Guard, log *slog.Logger, reg prometheus.Registerer) (*Proxy, error) {
	if rt == nil || rt.Config == nil {
		return nil, errors.New("mailbox: no configuration")
	}
	if sink == nil {
		return nil, errors.New("mailbox: no audit sink")
	}
	if guard == nil {
		return nil, errors.New("mailbox: no AUTH guard")
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	p := &Proxy{log: log, sink: sink, guard: guard, m: newMetrics(reg), sessions: map[*session]struct{}{},
		stopSweep: make(chan struct{})}
	p.bufs.New = func() any { b := make([]byte, spliceBuf); return &b }
	p.rt.Store(rt)
	return p, nil
}

func (p *Proxy) runtime() *Runtime { return p.rt.Load() }

// Swap installs a new runtime (a reload). Listener addresses change only
// at restart.
func (p *Proxy) Swap(rt *Runtime) {
	old := p.rt.Swap(rt)
	o, n := old.Config.Mailbox, rt.Config.Mailbox
	if o.IMAP != n.IMAP || o.IMAPS != n.IMAPS || o.POP3 != n.POP3 || o.POP3S != n.POP3S {
		p.log.Warn("mailbox listener addresses changed in the new config; they take effect at restart")
	}
}

// Start asks each route's servers for their capabilities (so the first
// client sees them), then binds the listeners and serves until Shutdown.
// An unreachable server is not fatal: the proxy comes up and answers
// logins for it with a temporary failure.
func (p *Proxy) Start(ctx context.Context) (Addrs, error) {
	rt := p.runtime()
	cfg := rt.Config
	p.probe(ctx, cfg)
	var addrs Addrs
	for _, l := range []struct {
		addr, service string
		implicit      bool
		out           *net.Addr
	}{
		{cfg.Mailbox.IMAP, audit.ServiceIMAP, false, &addrs.IMAP},
		{cfg.Mailbox.IMAPS, audit.ServiceIMAP, true, &addrs.IMAPS},
		{cfg.Mailbox.POP3, audit.ServicePOP3, false, &addrs.POP3},
		{cfg.Mailbox.POP3S, audit.ServicePOP3, true, &addrs.POP3S},
	} {
		if l.addr == "" {
			continue
		}
		if l.implicit && rt.TLSConfig == nil {
			p.closeListeners()
			return addrs, fmt.Errorf("mailbox: %s on %s needs a TLS certificate", l.service, l.addr)
		}
		lc := net.ListenConfig{KeepAlive: -1}
		ln, err := lc.Listen(ctx, "tcp", l.addr)
		if err != nil {
			p.closeListeners()
			return addrs, fmt.Errorf("mailbox: listen %s on %s: %w", l.service, l.addr, err)
		}
		*l.out = ln.Addr()
		p.mu.Lock()
		p.listeners = append(p.listeners, ln)
		p.mu.Unlock()
		go p.accept(ln, l.service, l.implicit)
		p.log.Info("listening", "service", l.service, "implicit_tls", l.implicit, "addr", ln.Addr().String())
	}
	go p.sweepLoop()
	return addrs, nil
}

// probe reads every route's pre-login capabilities once.
func (p *Proxy) probe(ctx context.Context, cfg *config.Config) {
	for i := range cfg.Routes {
		r := &cfg.Routes[i]
		if r.IMAP != nil && (cfg.Mailbox.IMAP != "" || cfg.Mailbox.IMAPS != "") {
			pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			u, err := dialIMAP(pctx, r, r.IMAP)
			cancel()
			if err != nil {
				p.log.Warn("IMAP upstream not reachable at start; capabilities not known yet", "route", r.Name, "err", err)
			} else {
				p.caps.put(audit.ServiceIMAP, r.Name, u.caps)
				u.send("P1 LOGOUT\r\n")
				u.close()
			}
		}
		if r.POP3 != nil && (cfg.Mailbox.POP3 != "" || cfg.Mailbox.POP3S != "") {
			pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			u, err := dialPOP3(pctx, r, r.POP3)
			cancel()
			if err != nil {
				p.log.Warn("POP3 upstream not reachable at start; capabilities not known yet", "route", r.Name, "err", err)
			} else {
				p.caps.put(audit.ServicePOP3, r.Name, u.caps)
				u.send("QUIT\r\n")
				u.close()
			}
		}
	}
}

// Shutdown stops accepting, tells every session goodbye (IMAP: "* BYE"
// after the upstream's answer in flight) and waits for them until ctx
// ends; what is left then is cut.
func (p *Proxy) Shutdown(ctx context.Context) error {
	p.mu.Lock()
	if p.draining {
		p.mu.Unlock()
		return nil
	}
	p.draining = true
	close(p.stopSweep)
	for _, ln := range p.listeners {
		ln.Close()
	}
	for s := range p.sessions {
		s.drain(ctx)
	}
	p.mu.Unlock()
	done := make(chan struct{})
	go func() { p.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
	}
	p.mu.Lock()
	n := len(p.sessions)
	for s := range p.sessions {
		s.kill()
	}
	p.mu.Unlock()
	<-done
	return fmt.Errorf("mailbox shutdown: %d sessions cut at the deadline", n)
}

func (p *Proxy) closeListeners() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, ln := range p.listeners {
		ln.Close()
	}
}

func (p *Proxy) addSession(s *session) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.draining {
		return false
	}
	p.sessions[s] = struct{}{}
	p.wg.Add(1)
	return true
}

func (p *Proxy) removeSession(s *session) {
	p.mu.Lock()
	delete(p.sessions, s)
	p.mu.Unlock()
	p.wg.Done()
}
