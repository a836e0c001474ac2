package relay

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"strings"
	"sync/atomic"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
	"github.com/google/uuid"

	"mailaudit/audit"
	"mailaudit/internal/saslogin"
)

var (
	errAuthRequired = &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "Authentication required"}
	errAuthLocked   = &smtp.SMTPError{Code: 454, EnhancedCode: smtp.EnhancedCode{4, 7, 0}, Message: "Too many failed logins, try again later"}
	errAuthPlain    = &smtp.SMTPError{Code: 538, EnhancedCode: smtp.EnhancedCode{5, 7, 11}, Message: "Encryption required for requested authentication mechanism"}
	errTooMany      = &smtp.SMTPError{Code: 421, EnhancedCode: smtp.EnhancedCode{4, 7, 0}, Message: "Too many messages in this session, reconnect"}
	errUpstreamGone = &smtp.SMTPError{Code: 421, EnhancedCode: smtp.EnhancedCode{4, 4, 2}, Message: "Upstream session closed, please reconnect"}
	errAuditFull    = &smtp.SMTPError{Code: 452, EnhancedCode: smtp.EnhancedCode{4, 3, 1}, Message: "Audit storage full, try again later"}
	errInternal     = &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Local error in processing, try again later"}
)

// session is one client connection. go-smtp calls its methods from the
// connection's goroutine, one at a time.
type session struct {
	r        *Relay
	rt       *Runtime
	conn     *smtp.Conn
	listener string
	ip       netip.Addr
	tlsVer   string
	trusted  bool

	user   string
	authed bool
	up     *upstream
	pooled bool // up came from the pool (unauthenticated session)
	// lost means the authenticated upstream session broke; it cannot be
	// reopened without the password, which the relay does not keep.
	lost bool

	msgs     int
	mailFrom string
	utf8     bool
	rcpts    []string
	started  time.Time
	buf      spill

	held dataWriter // HoldMessage: the upstream DATA opened after inspection

	busy     atomic.Bool
	draining atomic.Bool
	closed   atomic.Bool
}

func newSession(r *Relay, c *smtp.Conn, listener string) *session {
	rt := r.runtime()
	s := &session{
		r:        r,
		rt:       rt,
		conn:     c,
		listener: listener,
		ip:       addrOf(c.Conn().RemoteAddr()),
		buf:      spill{max: int(rt.Config.Limits.MemoryBuffer), dir: rt.Config.TempDir, pool: &r.spills},
	}
	s.trusted = rt.Config.Trusted(s.ip)
	r.metrics.sessions.Inc()
	return s
}

func (s *session) tlsVersion() string {
	if s.tlsVer != "" {
		return s.tlsVer
	}
	if st, ok := s.conn.TLSConnectionState(); ok {
		s.tlsVer = tls.VersionName(st.Version)
	}
	return s.tlsVer
}

// drain is called at shutdown: an idle session is told goodbye at once,
// a busy one when its transaction ends.
func (s *session) drain() {
	s.draining.Store(true)
	if !s.busy.Load() {
		s.goodbye()
	}
}

func (s *session) endTransaction() {
	s.mailFrom, s.rcpts = "", s.rcpts[:0]
	s.buf.reset()
	s.busy.Store(false)
	if s.draining.Load() {
		s.goodbye()
	}
}

// goodbye ends a session at shutdown once its transaction is over. go-smtp
// renews the read deadline before each command, so the deadline is set
// again (shortly after the reply went out) until the read has given up
// and go-smtp has said 421 and closed.
func (s *session) goodbye() {
	var tick func()
	tick = func() {
		if s.closed.Load() {
			return
		}
		s.conn.Conn().SetReadDeadline(time.Now())
		time.AfterFunc(100*time.Millisecond, tick)
	}
	time.AfterFunc(20*time.Millisecond, tick)
}

// AuthMechanisms implements smtp.AuthSession.
func (s *session) AuthMechanisms() []string { return []string{sasl.Plain, sasl.Login} }

// Auth implements smtp.AuthSession. Both mechanisms end in authenticate,
// which asks the upstream.
func (s *session) Auth(mech string) (sasl.Server, error) {
	switch mech {
	case sasl.Plain:
		return sasl.NewPlainServer(func(identity, username, password string) error {
			if identity != "" && identity != username {
				return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "Authorization identity must match the login"}
			}
			return s.authenticate(mech, username, password)
		}), nil
	case sasl.Login:
		return saslogin.NewServer(func(u, p string) error { return s.authenticate(mech, u, p) }), nil
	}
	return nil, smtp.ErrAuthUnknownMechanism
}

// authenticate passes the login through: it opens the upstream session of
// the login's route and performs AUTH there with the same credentials. The
// client hears the upstream's verdict. Credentials are never logged or
// stored; the password lives only in this call.
func (s *session) authenticate(mech, username, password string) error {
	cfg := s.rt.Config
	if _, isTLS := s.conn.TLSConnectionState(); !isTLS && !s.ip.IsLoopback() {
		return errAuthPlain
	}
	if s.up != nil {
		return &smtp.SMTPError{Code: 503, EnhancedCode: smtp.EnhancedCode{5, 5, 1}, Message: "Already in a session with the upstream"}
	}
	now := time.Now()
	window := cfg.Limits.AuthLockout.D()
	userKey := strings.ToLower(username)
	ev := &audit.AuthEvent{
		EventID:   uuid.Must(uuid.NewV7()),
		Time:      now.UTC(),
		Instance:  cfg.Instance,
		User:      userKey,
		ClientIP:  s.ip.String(),
		Mechanism: mech,
	}
	if s.rt.WeakPassword != nil {
		ev.WeakPassword = s.rt.WeakPassword([]byte(password))
	}
	defer func() {
		if err := s.r.sink.RecordAuth(context.Background(), ev); err != nil {
			s.r.log.Error("auth audit record lost", "user", userKey, "err", err)
		}
		s.r.metrics.auth.WithLabelValues(ev.Result).Inc()
	}()
	if s.r.authIP.locked(s.ip.String(), now, window) || s.r.authUsr.locked(userKey, now, window) {
		ev.Result = "locked"
		ev.UpstreamCode = errAuthLocked.Code
		return errAuthLocked
	}
	route, ok := cfg.RouteFor(userKey)
	if !ok {
		ev.Result = "no_route"
		ev.UpstreamCode = 535
		_, domain, _ := strings.Cut(userKey, "@")
		return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8},
			Message: fmt.Sprintf("This gateway does not serve logins of domain %q; log in with your full city address", domain)}
	}
	ctx, cancel := context.WithTimeout(context.Background(), route.DialTimeout.D()+route.CommandTimeout.D())
	defer cancel()
	u, err := dialUpstream(ctx, route, cfg.Hostname, &s.r.upWriters)
	if err != nil {
		ev.Result = "tempfail"
		s.r.log.Warn("upstream unavailable for AUTH", "route", route.Name, "client", s.ip.String(), "err", err)
		return &smtp.SMTPError{Code: 454, EnhancedCode: smtp.EnhancedCode{4, 7, 0}, Message: "Temporary authentication failure: upstream unavailable, try again later"}
	}
	var client sasl.Client
	if mech == sasl.Login && u.c.SupportsAuth(sasl.Login) && !u.c.SupportsAuth(sasl.Plain) {
		client = sasl.NewLoginClient(username, password)
	} else {
		client = sasl.NewPlainClient("", username, password)
	}
	if err := u.c.Auth(client); err != nil {
		u.close()
		var se *smtp.SMTPError
		if errors.As(err, &se) {
			ev.UpstreamCode = se.Code
			if se.Code/100 == 5 {
				ev.Result = "failed"
				s.r.authIP.fail(s.ip.String(), now, window, cfg.Limits.AuthFailuresIP)
				s.r.authUsr.fail(userKey, now, window, cfg.Limits.AuthFailuresUser)
			} else {
				ev.Result = "tempfail"
			}
			return se
		}
		ev.Result = "tempfail"
		return upstreamReply(err, "AUTH")
	}
	if s.rt.AuthPolicy != nil {
		if reply := s.rt.AuthPolicy(userKey, ev.WeakPassword); reply != nil {
			u.close()
			ev.Result = "refused"
			ev.UpstreamCode = 235
			return reply
		}
	}
	ev.Result = "ok"
	ev.UpstreamCode = 235
	s.r.authIP.succeed(s.ip.String())
	s.r.authUsr.succeed(userKey)
	s.user, s.authed, s.up = userKey, true, u
	return nil
}

// Mail implements smtp.Session.
func (s *session) Mail(from string, opts *smtp.MailOptions) error {
	if s.lost {
		return errUpstreamGone
	}
	if !s.authed && !s.trusted {
		return errAuthRequired
	}
	if s.msgs >= s.rt.Config.Limits.MaxMessagesPerSes {
		return errTooMany
	}
	s.busy.Store(true)
	s.started = time.Now()
	err := s.mailUpstream(from, opts)
	if err != nil {
		s.busy.Store(false)
		return err
	}
	s.mailFrom = from
	s.utf8 = opts != nil && opts.UTF8
	return nil
}

func (s *session) mailUpstream(from string, opts *smtp.MailOptions) error {
	for attempt := 0; ; attempt++ {
		if s.up == nil {
			if err := s.openUnauthenticated(); err != nil {
				return err
			}
		}
		s.up.dirty = true
		err := s.up.c.Mail(from, opts)
		if err == nil {
			return nil
		}
		if !isNetErr(err) {
			return upstreamReply(err, "MAIL")
		}
		s.dropUpstream()
		// A pooled session may have been closed by the upstream while idle:
		// one fresh connection is worth a try before the client hears 4xx.
		if s.authed || !s.pooled || attempt > 0 {
			s.r.log.Warn("upstream failed at MAIL", "client", s.ip.String(), "err", err)
			if s.authed {
				s.lost = true
				return errUpstreamGone
			}
			return upstreamReply(err, "MAIL")
		}
	}
}

// openUnauthenticated takes a pooled or new upstream session on the
// default route, for a trusted client without AUTH.
func (s *session) openUnauthenticated() error {
	cfg := s.rt.Config
	route, ok := cfg.Route(cfg.DefaultRoute)
	if !ok {
		return errAuthRequired
	}
	p := s.r.poolFor(route)
	if u := p.get(); u != nil {
		s.up, s.pooled = u, true
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), route.DialTimeout.D()+route.CommandTimeout.D())
	defer cancel()
	u, err := dialUpstream(ctx, route, cfg.Hostname, &s.r.upWriters)
	if err != nil {
		s.r.log.Warn("upstream unavailable", "route", route.Name, "client", s.ip.String(), "err", err)
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 4, 1}, Message: "Upstream unavailable, try again later"}
	}
	s.up, s.pooled = u, false
	return nil
}

// dropUpstream aborts the upstream session.
func (s *session) dropUpstream() {
	if s.up != nil {
		s.up.abort()
		s.up = nil
	}
	if s.authed {
		s.lost = true
	}
}

// Rcpt implements smtp.Session.
func (s *session) Rcpt(to string, opts *smtp.RcptOptions) error {
	if s.up == nil {
		return errUpstreamGone
	}
	if err := s.up.c.Rcpt(to, opts); err != nil {
		if isNetErr(err) {
			s.dropUpstream()
		}
		return upstreamReply(err, "RCPT")
	}
	s.rcpts = append(s.rcpts, to)
	return nil
}

// Reset implements smtp.Session: RSET, a new EHLO, or the end of DATA.
func (s *session) Reset() {
	if s.up != nil && s.up.dirty {
		if err := s.up.c.Reset(); err != nil {
			s.dropUpstream()
		} else {
			s.up.dirty = false
		}
	}
	s.endTransaction()
}

// Logout implements smtp.Session.
func (s *session) Logout() error {
	if s.up != nil {
		if !s.authed {
			s.r.poolFor(s.up.route).put(s.up)
		} else {
			s.up.close()
		}
		s.up = nil
	}
	s.closed.Store(true)
	s.buf.reset()
	s.r.removeSession(s)
	s.r.metrics.sessions.Dec()
	return nil
}

// Data implements smtp.Session. The whole transaction's fate is decided
// here; see the package comment for the order of events.
func (s *session) Data(r io.Reader) error {
	growStack(0)
	rt := s.rt
	cfg := rt.Config
	s.msgs++
	ev := &audit.Event{
		EventID:    uuid.Must(uuid.NewV7()),
		Instance:   cfg.Instance,
		ClientIP:   s.ip.String(),
		TLSVersion: s.tlsVersion(),
		AuthUser:   s.user,
		MailFrom:   s.mailFrom,
		RcptTo:     append([]string(nil), s.rcpts...),
	}
	if s.up != nil {
		ev.Route, ev.Upstream = s.up.route.Name, s.up.route.Addr
	}
	reply := s.transfer(r, ev)
	if ev.UpstreamText == "" {
		// No final answer from the upstream: record what the client heard.
		ev.UpstreamText = fmt.Sprintf("local %d %d.%d.%d %s", reply.Code, reply.EnhancedCode[0], reply.EnhancedCode[1], reply.EnhancedCode[2], reply.Message)
	}
	// Every attempt gets its row, durable before the client hears the
	// reply: a crash after this line loses no row of a message the client
	// thinks was sent.
	ev.Time = time.Now().UTC()
	if err := s.r.sink.Record(context.Background(), ev); err != nil {
		// For a relayed message the upstream has it; answering 4xx now
		// would make the client send it twice. Keep the upstream's answer
		// and say so loudly (Admit deferred new mail before the dot).
		s.r.metrics.auditFail.Inc()
		s.r.log.Error("audit record lost", "event_id", ev.EventID.String(), "action", ev.Action, "err", err)
	}
	s.r.metrics.messages.WithLabelValues(ev.Action).Inc()
	s.logMessage(ev, reply)
	return reply
}

// transfer runs DATA and returns the reply for the client. It fills ev and
// writes the audit record whenever the message reached a decision.
func (s *session) transfer(r io.Reader, ev *audit.Event) *smtp.SMTPError {
	rt := s.rt
	cfg := rt.Config
	if s.up == nil {
		ev.Action = audit.ActionTempfailed
		return errUpstreamGone
	}
	// go-smtp's read deadline covers one command; a message may take
	// longer, so reads get the data timeout, renewed per read.
	conn := s.conn.Conn()
	dr := &deadlineReader{r: r, conn: conn, d: cfg.Limits.DataTimeout.D()}
	defer conn.SetReadDeadline(time.Now().Add(cfg.Limits.CommandTimeout.D()))

	var w dataWriter
	var upErr error
	if !rt.HoldMessage {
		w, upErr = openData(s.up, &s.r.stuffBufs)
		if upErr != nil {
			// Still read the message: the client is sending it regardless.
			io.Copy(io.Discard, r)
			if isNetErr(upErr) {
				s.dropUpstream()
			}
			ev.Action = audit.ActionTempfailed
			return upstreamReply(upErr, "DATA")
		}
	}
	// Stream: every chunk goes to the upstream and to the spill copy.
	var sink io.Writer = &s.buf
	if w != nil {
		sink = &teeWriter{up: w, copy: &s.buf}
	}
	bp := s.r.copyBufs.Get().(*[]byte)
	n, err := io.CopyBuffer(sink, dr, *bp)
	s.r.copyBufs.Put(bp)
	ev.Size = n
	s.r.metrics.bytes.Add(float64(n))
	if err != nil {
		ev.Action = audit.ActionTempfailed
		var se *smtp.SMTPError
		var tw *teeErr
		switch {
		case errors.As(err, &tw) && tw.upstream:
			s.dropUpstream()
			io.Copy(io.Discard, r)
			ev.UpstreamText = tw.err.Error()
			return upstreamReply(tw.err, "DATA")
		case errors.As(err, &se):
			// Too large (552) from go-smtp's reader: cancel the upstream copy.
			s.dropUpstream()
			ev.Action = audit.ActionBounced
			return se
		case errors.Is(err, smtp.ErrTooLongLine):
			// go-smtp closes the connection after this reply: the rest of
			// the line cannot be told apart from the next command.
			s.dropUpstream()
			ev.Action = audit.ActionBounced
			return &smtp.SMTPError{Code: 500, EnhancedCode: smtp.EnhancedCode{5, 5, 2},
				Message: fmt.Sprintf("Line too long (the limit is %d bytes)", cfg.Limits.MaxLineLength)}
		case errors.Is(err, smtp.ErrDataReset):
			s.dropUpstream()
			return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Message transfer aborted"}
		default:
			s.dropUpstream()
			s.r.log.Warn("message read failed", "client", s.ip.String(), "err", err)
			return errInternal
		}
	}

	// Inspect the copy: classify and apply policy.
	body, err := s.buf.reader()
	if err != nil {
		s.dropUpstream()
		ev.Action = audit.ActionTempfailed
		return errInternal
	}
	info := MessageInfo{AuthUser: s.user, MailFrom: s.mailFrom, RcptTo: ev.RcptTo, ClientIP: s.ip, UTF8: s.utf8}
	ins := s.inspect(body, info, ev)
	ev.RcptDomain = audit.Domains(ev.RcptTo)

	if ins.Reject != nil {
		// The upstream never sees the final dot.
		s.dropUpstream()
		ev.Action = audit.ActionRejected
		ev.UpstreamText = "aborted by policy"
		return ins.Reject
	}
	ev.Time = time.Now().UTC()
	if err := s.r.sink.Begin(context.Background(), ev); err != nil {
		// No message leaves unaudited: refuse before the final dot.
		s.dropUpstream()
		ev.Action = audit.ActionTempfailed
		s.r.log.Error("audit cannot keep records; message deferred", "err", err)
		return errAuditFull
	}

	if rt.HoldMessage {
		if reply := s.sendHeld(ev, &ins); reply != nil {
			return reply
		}
	}
	// The final dot and the upstream's own verdict.
	upStart := time.Now()
	var resp *smtp.DataResponse
	if rt.HoldMessage {
		resp, upErr = s.held.Close()
		s.held = nil
	} else {
		resp, upErr = w.Close()
	}
	ev.UpstreamMS = msSince(upStart)
	s.r.metrics.upstreamMS.Observe(time.Since(upStart).Seconds())
	var reply *smtp.SMTPError
	if upErr != nil {
		reply = upstreamReply(upErr, "end of data")
		if isNetErr(upErr) {
			s.dropUpstream()
			ev.Action = audit.ActionTempfailed
		} else if reply.Code/100 == 4 {
			ev.Action = audit.ActionTempfailed
		} else {
			ev.Action = audit.ActionBounced
		}
	} else {
		reply = okReply(resp.StatusText)
		ev.Action = audit.ActionRelayed
	}
	if s.up != nil {
		s.up.dirty = false
	}
	ev.UpstreamCode = reply.Code
	if ev.UpstreamText == "" {
		ev.UpstreamText = fmt.Sprintf("%d.%d.%d %s", reply.EnhancedCode[0], reply.EnhancedCode[1], reply.EnhancedCode[2], reply.Message)
	}
	return reply
}

// sendHeld opens DATA upstream for a message that was held for inspection,
// adds the headers the runtime asks for, and copies the message. The final
// dot is left to the caller.
func (s *session) sendHeld(ev *audit.Event, ins *Decision) *smtp.SMTPError {
	w, err := openData(s.up, &s.r.stuffBufs)
	if err != nil {
		if isNetErr(err) {
			s.dropUpstream()
		}
		ev.Action = audit.ActionTempfailed
		return upstreamReply(err, "DATA")
	}
	var hdr strings.Builder
	if s.rt.Config.VerdictHeader {
		fmt.Fprintf(&hdr, "X-Mailaudit-Verdict: type=%s; secrecy=%s; urgency=%s; confidence=%.2f\r\n",
			ev.Type, ev.Secrecy, ev.Urgency, ev.Confidence)
	}
	if ins.Tag != "" {
		fmt.Fprintf(&hdr, "X-Mailaudit-Flags: %s\r\n", ins.Tag)
	}
	body, err := s.buf.reader()
	if err == nil {
		if _, err = io.WriteString(w, hdr.String()); err == nil {
			_, err = io.Copy(w, body)
		}
	}
	if err != nil {
		s.dropUpstream()
		ev.Action = audit.ActionTempfailed
		return upstreamReply(err, "DATA")
	}
	s.held = w
	return nil
}

func (s *session) inspect(body io.Reader, info MessageInfo, ev *audit.Event) Decision {
	ev.Type, ev.Secrecy, ev.Urgency, ev.Audience = "khong_xac_dinh", "none", "none", "unknown"
	if s.rt.Inspect == nil {
		return Decision{}
	}
	start := time.Now()
	var d Decision
	func() {
		defer func() {
			// An inspector bug must not cost the user their mail.
			if p := recover(); p != nil {
				s.r.log.Error("inspector panicked", "event_id", ev.EventID.String(), "panic", fmt.Sprint(p))
				ev.Errors = append(ev.Errors, "internal:inspector panic")
				d = Decision{}
			}
		}()
		d = s.rt.Inspect(context.Background(), body, info, ev)
	}()
	s.r.metrics.inspectMS.Observe(time.Since(start).Seconds())
	if ev.ClassifyMS == 0 {
		ev.ClassifyMS = msSince(start)
	}
	return d
}

func (s *session) logMessage(ev *audit.Event, reply *smtp.SMTPError) {
	s.r.log.Info("message",
		"event_id", ev.EventID.String(),
		"client", ev.ClientIP,
		"user", ev.AuthUser,
		"route", ev.Route,
		"from", ev.MailFrom,
		"rcpts", len(ev.RcptTo),
		"size", ev.Size,
		"type", ev.Type,
		"flags", ev.Flags,
		"action", ev.Action,
		"reply", fmt.Sprintf("%d %d.%d.%d %s", reply.Code, reply.EnhancedCode[0], reply.EnhancedCode[1], reply.EnhancedCode[2], reply.Message),
		"classify_ms", ev.ClassifyMS,
		"upstream_ms", ev.UpstreamMS,
		"total_ms", msSince(s.started),
	)
}

func msSince(t time.Time) float64 { return float64(time.Since(t).Microseconds()) / 1000 }

// teeWriter writes to the upstream and the spill copy, telling which failed.
type teeWriter struct {
	up   io.Writer
	copy io.Writer
}

type teeErr struct {
	upstream bool
	err      error
}

func (e *teeErr) Error() string { return e.err.Error() }
func (e *teeErr) Unwrap() error { return e.err }

func (t *teeWriter) Write(p []byte) (int, error) {
	if _, err := t.copy.Write(p); err != nil {
		return 0, &teeErr{err: err}
	}
	if _, err := t.up.Write(p); err != nil {
		return 0, &teeErr{upstream: true, err: err}
	}
	return len(p), nil
}

type deadlineReader struct {
	r    io.Reader
	conn interface{ SetReadDeadline(time.Time) error }
	d    time.Duration
	last time.Time
}

func (d *deadlineReader) Read(p []byte) (int, error) {
	// Renewing a deadline costs a syscall-free timer update, but not on
	// every small read: once a second is precise enough for a timeout
	// counted in minutes.
	if now := time.Now(); now.Sub(d.last) > time.Second {
		d.conn.SetReadDeadline(now.Add(d.d))
		d.last = now
	}
	return d.r.Read(p)
}

// growStack makes the session goroutine's stack big enough for the message
// path (reader chain, classifier) in one step, here where the stack is
// still shallow. go-smtp starts a goroutine per connection with the
// runtime's small initial stack; left alone it grew twice per message, deep
// in the copy loop and the classifier, and each growth walks and copies
// every frame: 4% of the relay's CPU at 5 KB.
//
//go:noinline
func growStack(i int) byte {
	var pad [20 << 10]byte
	return pad[i]
}
