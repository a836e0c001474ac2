package relay

import (
	"context"
	"crypto/tls"
	"io"
	"net"
	"net/netip"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/emersion/go-smtp"
)

var (
	errAuthRequired = &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "Authentication required"}
	errTooMany      = &smtp.SMTPError{Code: 421, EnhancedCode: smtp.EnhancedCode{4, 7, 0}, Message: "Too many messages in this session, reconnect"}
	errUpstreamGone = &smtp.SMTPError{Code: 421, EnhancedCode: smtp.EnhancedCode{4, 4, 2}, Message: "Upstream session closed, please reconnect"}
	errAuditFull    = &smtp.SMTPError{Code: 452, EnhancedCode: smtp.EnhancedCode{4, 3, 1}, Message: "Audit storage full, try again later"}
	errInternal     = &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Local error in processing, try again later"}
)

// session is one client connection. go-smtp calls its methods from the
// connection's goroutine, one at a time, with one exception: a BDAT
// transfer runs Data in a goroutine of its own while the connection
// goroutine goes on reading commands, and a RSET, EHLO, STARTTLS, a chunk
// over the size limit or the end of the connection then calls Reset or
// Logout while Data may still hold the upstream DATA open. The txn below
// is how the two meet; see Reset.
type session struct {
	r        *Relay
	rt       *Runtime
	conn     *smtp.Conn
	listener string
	ip       netip.Addr
	// trusted: the plain listener and a trusted_networks address. On
	// submission and submissions every client must AUTH.
	trusted bool
	// raw is the client connection under any TLS layer (the relay's own
	// wrapper), for the end-of-chunk checks and closing after a 421.
	raw *coalesceConn

	authFails int // failed AUTH in this session, refusals included

	// mu orders a BDAT Data goroutine against Reset, Logout and AUTH on
	// the connection goroutine. While tx.running, Data alone uses up,
	// buf and lost; the others wait for tx.done before touching them.
	mu     sync.Mutex
	tx     *txn
	user   string
	authed bool
	up     *upstream
	pooled bool // up came from the pool (unauthenticated session)
	// lost means the authenticated upstream session broke; it cannot be
	// reopened without the password, which the relay does not keep.
	lost bool
	msgs int
	buf  spill

	busy     atomic.Bool
	draining atomic.Bool
	closed   atomic.Bool
}

// txn is one transaction from MAIL to its end. Everything Data needs from
// the envelope is copied here on the connection goroutine, so that Data
// (possibly on another goroutine) reads nothing the connection goroutine
// may change.
type txn struct {
	mailFrom string
	utf8     bool
	rcpts    []string
	user     string
	tlsVer   string
	started  time.Time
	conn     net.Conn // the client connection as go-smtp reads it (TLS included)

	// Under session.mu:
	running   bool           // a Data call is under way
	finished  bool           // Data has returned
	ended     bool           // Reset or Logout ended the transaction
	endedCh   chan struct{}  // closed when ended is set
	why       abortReason    // why it ended, for the audit record of an unfinished transfer
	done      chan struct{}  // closed when the running Data returns
	upAtStart *upstream      // the upstream Data uses, for Reset to abort
	dataOpen  bool           // Data has sent DATA upstream: only a reset can cancel it
	pipe      *io.PipeReader // BDAT: Data's reader, for Logout to unblock
}

type abortReason int

const (
	notAborted  abortReason = iota
	abortReset              // RSET, EHLO or STARTTLS in the middle of a BDAT transfer
	abortTooBig             // go-smtp refused a BDAT chunk over the size limit (552)
	abortGone               // the connection ended
)

func newSession(r *Relay, c *smtp.Conn, listener string) *session {
	rt := r.runtime()
	s := &session{
		r:        r,
		rt:       rt,
		conn:     c,
		listener: listener,
		ip:       addrOf(c.Conn().RemoteAddr()),
		raw:      rawConn(c.Conn()),
		buf:      spill{max: int(rt.Config.Limits.MemoryBuffer), dir: rt.Config.TempDir, pool: &r.spills},
	}
	s.trusted = listener == "plain" && rt.Config.Trusted(s.ip)
	r.metrics.sessions.Inc()
	return s
}

// rawConn finds the relay's connection wrapper under a TLS layer.
func rawConn(c net.Conn) *coalesceConn {
	if tc, ok := c.(*tls.Conn); ok {
		c = tc.NetConn()
	}
	cc, _ := c.(*coalesceConn)
	return cc
}

func (s *session) tlsVersion() string {
	if st, ok := s.conn.TLSConnectionState(); ok {
		return tls.VersionName(st.Version)
	}
	return ""
}

// hangUp makes the connection close once the reply now being written has
// gone out: after a 421 the client must reconnect (RFC 5321 3.8), and a
// session that said 421 must not take more commands.
func (s *session) hangUp(err error) error {
	if se, ok := err.(*smtp.SMTPError); ok && se.Code == 421 && s.raw != nil {
		s.raw.closeAfterReply()
	}
	return err
}

// drain is called at shutdown: an idle session is told goodbye at once,
// a busy one when its transaction ends.
func (s *session) drain() {
	s.draining.Store(true)
	if !s.busy.Load() {
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

// Mail implements smtp.Session.
func (s *session) Mail(from string, opts *smtp.MailOptions) error {
	if s.lost {
		return s.hangUp(errUpstreamGone)
	}
	if !s.authed && !s.trusted {
		return errAuthRequired
	}
	if s.msgs >= s.rt.Config.Limits.MaxMessagesPerSes {
		return s.hangUp(errTooMany)
	}
	s.busy.Store(true)
	if err := s.mailUpstream(from, opts); err != nil {
		s.busy.Store(false)
		return s.hangUp(err)
	}
	t := &txn{
		mailFrom: from,
		utf8:     opts != nil && opts.UTF8,
		user:     s.user,
		tlsVer:   s.tlsVersion(),
		started:  time.Now(),
		conn:     s.conn.Conn(),
		done:     make(chan struct{}),
		endedCh:  make(chan struct{}),
	}
	s.mu.Lock()
	s.tx = t
	s.mu.Unlock()
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

// dropUpstream aborts the upstream session. An authenticated session
// cannot get another one (the relay keeps no password): its next MAIL
// gets 421.
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
		return s.hangUp(errUpstreamGone)
	}
	if err := s.up.c.Rcpt(to, opts); err != nil {
		if isNetErr(err) {
			s.dropUpstream()
		}
		return upstreamReply(err, "RCPT")
	}
	s.mu.Lock()
	if s.tx != nil && !s.tx.ended {
		s.tx.rcpts = append(s.tx.rcpts, to)
	}
	s.mu.Unlock()
	return nil
}

// endTx ends the current transaction on the connection goroutine. If a
// BDAT Data is still running and has opened the upstream DATA, that is
// aborted (the TCP connection is reset: without the final dot the server
// discards the message, RFC 5321 4.1.1.4), and endTx waits for Data to
// return, so that nothing is sent through the open DATA writer (a RSET
// there would first write the final dot) and the spill copy is not reset
// under Data's feet. A Data that has not started yet sees ended and
// touches nothing.
func (s *session) endTx(why func() abortReason) {
	s.mu.Lock()
	t := s.tx
	running := false
	if t != nil && !t.ended {
		t.ended = true
		close(t.endedCh)
		if !t.finished {
			t.why = why()
		}
		running = t.running
	}
	s.mu.Unlock()
	if running {
		s.mu.Lock()
		abort := t.dataOpen
		s.mu.Unlock()
		if u := t.upAtStart; abort && u != nil {
			// Data may be blocked writing to it; a DATA cannot be
			// cancelled any other way. Before DATA (hold mode), the
			// upstream stays and gets a RSET below once Data is done.
			u.abort()
		}
		if t.pipe != nil {
			// STARTTLS calls Logout before it closes the BDAT pipe: Data
			// may be waiting for the next chunk.
			t.pipe.CloseWithError(smtp.ErrDataReset)
		}
		<-t.done
	}
}

// Reset implements smtp.Session: RSET, a new EHLO, STARTTLS, a refused
// BDAT chunk, or the end of DATA.
func (s *session) Reset() {
	s.endTx(func() abortReason {
		if s.raw != nil && s.raw.readFailed() {
			return abortGone // a chunk's read failed (stall, reset)
		}
		return resetReason()
	})
	if s.up != nil && s.up.dirty {
		if err := s.up.c.Reset(); err != nil {
			s.dropUpstream()
		} else {
			s.up.dirty = false
		}
	}
	s.buf.reset()
	s.busy.Store(false)
	if s.draining.Load() {
		s.goodbye()
	}
}

// resetReason tells, for a BDAT transfer Reset interrupts, whether go-smtp
// refused a chunk over the size limit (it has answered 552 and calls
// Reset from handleBdat) or the client moved on (RSET, EHLO). go-smtp
// gives the session no other way to know, and the audit record must say
// what the client heard. Only asked when Reset is called, a few frames
// deep: cheap.
func resetReason() abortReason {
	var pcs [12]uintptr
	n := runtime.Callers(2, pcs[:])
	frames := runtime.CallersFrames(pcs[:n])
	for {
		f, more := frames.Next()
		if strings.HasSuffix(f.Function, "go-smtp.(*Conn).handleBdat") {
			return abortTooBig
		}
		if !more {
			return abortReset
		}
	}
}

// Logout implements smtp.Session.
func (s *session) Logout() error {
	s.endTx(func() abortReason { return abortGone })
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
