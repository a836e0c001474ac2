package mailbox

import (
	"bufio"
	"context"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"mailaudit/audit"
	"mailaudit/config"
	"mailaudit/internal/authguard"
)

// session is one client connection, IMAP or POP3: the login part is in
// imap.go and pop3.go, what both share is here.
type session struct {
	p        *Proxy
	rt       *Runtime
	service  string
	implicit bool
	ip       netip.Addr
	br       *bufio.Reader // client reader before login
	fails    int           // refused logins in this session
	// loggedIn is the upstream of a successful login, which serve splices
	// after the login code's frames (parser, buffers) are gone: a session
	// lives for hours and should hold only what the copy needs.
	loggedIn *upConn
	user     string

	mu       sync.Mutex
	c        net.Conn // the client connection (TLS once negotiated)
	sp       *splice  // set once logged in
	draining bool
	drainCtx context.Context
}

// errDraining ends a pre-login session at shutdown.
var errDraining = errors.New("shutting down")

// writeTimeout bounds one reply to a client before login.
const writeTimeout = time.Minute

func (s *session) serve() {
	defer s.p.removeSession(s)
	defer s.p.conns.Release(s.ip)
	defer func() { s.conn().Close() }()
	g := s.p.m.sessions.WithLabelValues(s.service, "login")
	g.Inc()
	defer func() {
		if s.sp == nil {
			g.Dec()
		}
	}()
	if s.implicit {
		tc := tls.Server(s.c, s.rt.TLSConfig)
		s.c.SetDeadline(time.Now().Add(30 * time.Second))
		if err := tc.Handshake(); err != nil {
			s.p.log.Debug("mailbox TLS handshake failed", "service", s.service, "client", s.ip.String(), "err", err)
			return
		}
		s.c.SetDeadline(time.Time{})
		s.setConn(tc)
	}
	s.br = bufio.NewReaderSize(s.c, 4096)
	if s.service == audit.ServiceIMAP {
		s.imap()
	} else {
		s.pop3()
	}
	if up := s.loggedIn; up != nil {
		s.loggedIn = nil
		s.splice(up, s.user)
	}
}

func (s *session) conn() net.Conn {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.c
}

func (s *session) setConn(c net.Conn) {
	s.mu.Lock()
	s.c = c
	s.mu.Unlock()
}

// armRead sets the idle deadline before a client read, unless the proxy
// is shutting down.
func (s *session) armRead() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.draining {
		return errDraining
	}
	return s.c.SetReadDeadline(time.Now().Add(s.rt.Config.Mailbox.IdleTimeout.D()))
}

func (s *session) isDraining() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.draining
}

// drain is Shutdown's call: a session before login stops at its next (or
// current) read, a logged-in one via its splice.
func (s *session) drain(ctx context.Context) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.draining, s.drainCtx = true, ctx
	if s.sp != nil {
		s.sp.drain(ctx, s.bye())
		return
	}
	s.c.SetReadDeadline(time.Now())
}

func (s *session) kill() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.c.Close()
	if s.sp != nil {
		s.sp.up.Close()
	}
}

// bye is what a client hears at shutdown.
func (s *session) bye() []byte {
	if s.service == audit.ServiceIMAP {
		return []byte("* BYE [UNAVAILABLE] Server shutting down, please reconnect\r\n")
	}
	return nil
}

func (s *session) write(line string) error {
	c := s.conn()
	c.SetWriteDeadline(time.Now().Add(writeTimeout))
	_, err := c.Write([]byte(line))
	return err
}

// isTLS reports whether the client connection is encrypted.
func (s *session) isTLS() bool {
	_, ok := s.conn().(*tls.Conn)
	return ok
}

// secure reports whether a plaintext password may be sent now: on TLS, or
// from loopback when allow_insecure_auth says development.
func (s *session) secure() bool {
	return s.isTLS() || (s.rt.Config.AllowInsecureAuth && s.ip.IsLoopback())
}

// canStartTLS reports whether STARTTLS/STLS is offered now.
func (s *session) canStartTLS() bool { return !s.isTLS() && s.rt.TLSConfig != nil }

// startTLS upgrades the client connection after the OK went out. Bytes
// the client sent after the command and before the handshake are an
// injection attempt (CVE-2011-0411 style) and end the session.
func (s *session) startTLS() error {
	if s.br.Buffered() > 0 {
		return errors.New("client sent data before the TLS handshake")
	}
	c := s.conn()
	tc := tls.Server(c, s.rt.TLSConfig)
	c.SetDeadline(time.Now().Add(30 * time.Second))
	if err := tc.Handshake(); err != nil {
		return fmt.Errorf("tls handshake: %w", err)
	}
	c.SetDeadline(time.Time{})
	s.setConn(tc)
	s.br.Reset(tc)
	return nil
}

// authEvent starts the audit record of one login attempt. The login name
// is kept only when it is an address of a served domain (people type their
// password into the name field); the password is looked at once for the
// weak-password verdict and never kept.
func (s *session) authEvent(mech, user, password string) *audit.AuthEvent {
	ev := &audit.AuthEvent{
		EventID:   uuid.Must(uuid.NewV7()),
		Time:      time.Now().UTC(),
		Instance:  s.rt.Config.Instance,
		User:      authguard.User(user, s.rt.Config.Served),
		ClientIP:  s.ip.String(),
		Mechanism: mech,
		Service:   s.service,
		Attempts:  1,
	}
	if s.rt.WeakPassword != nil && password != "" {
		ev.WeakPassword = s.rt.WeakPassword([]byte(password))
	}
	return ev
}

// finishAuth keeps the record and updates the guard and counters. Every
// failure counts, for the guard and for the session, a login of a domain
// the gateway does not serve included; a refusal while locked counts for
// the session, and is written down only when the guard asked for a report
// (Attempts then carries the refusals it stands for).
func (s *session) finishAuth(ev *audit.AuthEvent) {
	record := true
	switch ev.Result {
	case "ok":
		s.p.guard.Succeeded(s.ip, ev.User)
	case "failed", "no_route":
		s.p.guard.Failed(s.ip, ev.User)
		s.fails++
	case "locked":
		s.fails++
		record = ev.Attempts > 0
	}
	s.p.m.logins.WithLabelValues(s.service, ev.Result).Inc()
	if !record {
		return
	}
	if err := s.p.sink.RecordAuth(context.Background(), ev); err != nil {
		s.p.log.Error("mailbox login audit record lost", "service", s.service, "user", ev.User, "err", err)
	}
}

// precheck decides whether a login may go upstream. On refusal it sets
// ev.Result (no_tls, locked, no_route) and returns nil. A locked refusal
// that the guard only counts gets Attempts 0: finishAuth does not write it.
func (s *session) precheck(ev *audit.AuthEvent) (*config.Route, *config.MailboxUpstream) {
	if !s.secure() {
		ev.Result = "no_tls"
		return nil, nil
	}
	if d := s.p.guard.Check(s.ip, ev.User, s.service); d.Locked {
		ev.Result, ev.Attempts = "locked", 0
		if d.Report {
			ev.Attempts = d.Refused
		}
		return nil, nil
	}
	if ev.User == authguard.Invalid {
		ev.Result = "no_route"
		return nil, nil
	}
	r, u, ok := s.rt.Config.MailboxRouteFor(ev.User, s.service)
	if !ok {
		ev.Result = "no_route"
		return nil, nil
	}
	return r, u
}

// noRouteText is the refusal of a login the gateway does not route. It
// names the domain only when the login is an address of a served domain
// (a domain with no route for this service): otherwise what follows the
// "@" may be part of a password.
func noRouteText(user string) string {
	if _, domain, ok := strings.Cut(user, "@"); ok && user != authguard.Invalid {
		return fmt.Sprintf("This gateway does not serve mailbox logins of domain %q", domain)
	}
	return "This gateway does not serve that login; log in with your full city address"
}

// tooManyFailures reports whether the session has used up its logins.
func (s *session) tooManyFailures() bool {
	return s.fails >= s.rt.Config.Mailbox.AuthFailuresPerSession
}

// dialCtx bounds connecting to and logging in at an upstream.
func dialCtx(r *config.Route) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), r.DialTimeout.D()+2*r.CommandTimeout.D())
}

// splice hands the logged-in session over to the byte copy and records
// it at its end. Bytes either side sent past the login (pipelined
// commands, the server's first untagged data) are in the readers and go
// first.
func (s *session) splice(up *upConn, user string) {
	c := s.conn()
	var in, out int64
	if n := s.br.Buffered(); n > 0 {
		b, _ := s.br.Peek(n)
		up.conn.SetWriteDeadline(time.Now().Add(writeTimeout))
		if _, err := up.conn.Write(b); err != nil {
			up.close()
			return
		}
		in += int64(n)
	}
	if n := up.br.Buffered(); n > 0 {
		b, _ := up.br.Peek(n)
		c.SetWriteDeadline(time.Now().Add(writeTimeout))
		if _, err := c.Write(b); err != nil {
			up.close()
			return
		}
		out += int64(n)
	}
	c.SetReadDeadline(time.Time{})
	up.conn.SetDeadline(time.Time{})
	route, upAddr := up.route.Name, up.addr
	s.br, up.br = nil, nil
	sp := newSplice(c, up.conn, s.rt.Config.Mailbox.IdleTimeout.D(), &s.p.bufs)
	s.mu.Lock()
	s.sp = sp
	if s.draining {
		sp.drain(s.drainCtx, s.bye())
	}
	s.mu.Unlock()
	s.p.m.sessions.WithLabelValues(s.service, "login").Dec()
	g := s.p.m.sessions.WithLabelValues(s.service, "logged_in")
	g.Inc()
	start := time.Now()
	reason := sp.run()
	g.Dec()
	end := time.Now()
	in += sp.in.Load()
	out += sp.out.Load()
	s.p.m.bytes.WithLabelValues(s.service, "in").Add(float64(in))
	s.p.m.bytes.WithLabelValues(s.service, "out").Add(float64(out))
	ev := &audit.MailboxSession{
		EventID:    uuid.Must(uuid.NewV7()),
		Time:       end.UTC(),
		Instance:   s.rt.Config.Instance,
		Service:    s.service,
		User:       user,
		ClientIP:   s.ip.String(),
		TLSVersion: tlsName(c),
		Route:      route,
		Upstream:   upAddr,
		Started:    start.UTC(),
		DurationMS: end.Sub(start).Milliseconds(),
		BytesIn:    in,
		BytesOut:   out,
		Reason:     reason,
	}
	if err := s.p.sink.RecordMailboxSession(context.Background(), ev); err != nil {
		s.p.log.Error("mailbox session audit record lost", "service", s.service, "user", user, "err", err)
	}
}

func tlsName(c net.Conn) string {
	if tc, ok := c.(*tls.Conn); ok {
		return tls.VersionName(tc.ConnectionState().Version)
	}
	return ""
}

// decodePlain splits a SASL PLAIN response (RFC 4616). An authorization
// identity other than the login itself is refused: the gateway does not
// pass master-user logins.
func decodePlain(b64 string) (user, pass string, err error) {
	if b64 == "=" {
		b64 = ""
	}
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return "", "", errors.New("invalid base64")
	}
	parts := strings.Split(string(raw), "\x00")
	if len(parts) != 3 || parts[1] == "" {
		return "", "", errors.New("invalid PLAIN response")
	}
	if parts[0] != "" && parts[0] != parts[1] {
		return "", "", errors.New("authorization identity must match the login")
	}
	return parts[1], parts[2], nil
}

func encodePlain(user, pass string) string {
	return base64.StdEncoding.EncodeToString([]byte("\x00" + user + "\x00" + pass))
}

// decodeB64Line decodes one SASL line ("=" is empty).
func decodeB64Line(s string) (string, error) {
	if s == "=" {
		return "", nil
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return "", errors.New("invalid base64")
	}
	return string(b), nil
}
