package relay

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/textproto"
	"reflect"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-smtp"

	"mailaudit/config"
)

// upstream is one SMTP client session to the route's server.
type upstream struct {
	route *config.Route
	c     *smtp.Client
	conn  net.Conn
	// data is the connection c writes to (under its bufio, over TLS if
	// any), for the fast DATA writer.
	data   net.Conn
	idleAt time.Time
	// dirty means a transaction was started and not finished cleanly; such
	// a session is never handed to another client.
	dirty bool
}

// dialUpstream opens a session to the route's server: TCP, greeting, EHLO
// and STARTTLS or implicit TLS as the route says.
func dialUpstream(ctx context.Context, r *config.Route, helo string, bufs *sync.Pool) (*upstream, error) {
	d := net.Dialer{Timeout: r.DialTimeout.D()}
	host, _, _ := net.SplitHostPort(r.Addr)
	tlsConf := &tls.Config{
		ServerName:         host,
		InsecureSkipVerify: r.InsecureSkipVerify, //nolint:gosec // operator's explicit choice for a private upstream
		MinVersion:         tls.VersionTLS12,
	}
	if r.TLSServerName != "" {
		tlsConf.ServerName = r.TLSServerName
	}
	conn, err := d.DialContext(ctx, "tcp", r.Addr)
	if err != nil {
		return nil, fmt.Errorf("dial upstream %s: %w", r.Addr, err)
	}
	raw := conn // abort resets this one, under any TLS layer
	conn = newCoalesceConn(conn, bufs, nil)
	if r.TLSMode == "implicit" {
		tc := tls.Client(conn, tlsConf)
		tc.SetDeadline(time.Now().Add(r.CommandTimeout.D()))
		if err := tc.HandshakeContext(ctx); err != nil {
			conn.Close()
			return nil, fmt.Errorf("upstream %s: TLS handshake: %w", r.Addr, err)
		}
		tc.SetDeadline(time.Time{})
		conn = tc
	}
	conn.SetDeadline(time.Now().Add(r.CommandTimeout.D()))
	if r.TLSMode == "starttls" {
		conn, err = startTLS(ctx, conn, helo, tlsConf)
		if err != nil {
			conn.Close()
			return nil, fmt.Errorf("upstream %s: STARTTLS: %w", r.Addr, err)
		}
	}
	c := smtp.NewClient(conn)
	c.CommandTimeout = r.CommandTimeout.D()
	c.SubmissionTimeout = r.SubmissionTimeout.D()
	if err := c.Hello(helo); err != nil {
		c.Close()
		return nil, fmt.Errorf("upstream %s: EHLO: %w", r.Addr, err)
	}
	conn.SetDeadline(time.Time{})
	return &upstream{route: r, c: c, conn: raw, data: conn}, nil
}

// startTLS does the plaintext part of an upstream session (greeting, EHLO,
// STARTTLS) and returns the TLS connection, which replays the server's
// greeting to the go-smtp client built on it. The relay does this itself,
// not through smtp.NewClientStartTLS, because it needs the TLS connection
// to write message data to (see upstreamData), and so that the first EHLO
// names the relay rather than "localhost".
func startTLS(ctx context.Context, conn net.Conn, helo string, conf *tls.Config) (net.Conn, error) {
	tp := textproto.NewConn(conn)
	_, greeting, err := tp.ReadResponse(220)
	if err != nil {
		return conn, fmt.Errorf("greeting: %w", err)
	}
	if err := tp.PrintfLine("EHLO %s", helo); err != nil {
		return conn, err
	}
	_, ext, err := tp.ReadResponse(250)
	if err != nil {
		return conn, fmt.Errorf("EHLO: %w", err)
	}
	offered := false
	for _, l := range strings.Split(ext, "\n") {
		if strings.EqualFold(strings.TrimSpace(l), "STARTTLS") {
			offered = true
		}
	}
	if !offered {
		return conn, errors.New("the server does not offer STARTTLS")
	}
	if err := tp.PrintfLine("STARTTLS"); err != nil {
		return conn, err
	}
	if _, _, err := tp.ReadResponse(220); err != nil {
		return conn, err
	}
	if tp.R.Buffered() > 0 {
		// Plaintext sent after "220 Ready to start TLS" would be taken
		// as if it came over TLS (the CVE-2011-0411 injection).
		return conn, errors.New("the server sent data before the TLS handshake")
	}
	tc := tls.Client(conn, conf)
	if err := tc.HandshakeContext(ctx); err != nil {
		return conn, fmt.Errorf("TLS handshake: %w", err)
	}
	return &replayConn{Conn: tc, pending: replyLines(220, greeting)}, nil
}

// replyLines writes a reply as textproto read it (lines joined by "\n")
// back into SMTP's multi-line form.
func replyLines(code int, msg string) []byte {
	lines := strings.Split(msg, "\n")
	var b strings.Builder
	for i, l := range lines {
		sep := "-"
		if i == len(lines)-1 {
			sep = " "
		}
		fmt.Fprintf(&b, "%d%s%s\r\n", code, sep, l)
	}
	return []byte(b.String())
}

// replayConn hands the go-smtp client the greeting that startTLS read, then
// the TLS stream.
type replayConn struct {
	net.Conn
	pending []byte
}

func (c *replayConn) Read(p []byte) (int, error) {
	if len(c.pending) > 0 {
		n := copy(p, c.pending)
		c.pending = c.pending[n:]
		return n, nil
	}
	return c.Conn.Read(p)
}

// ConnectionState lets code that asks a connection for its TLS state see
// through the wrapper.
func (c *replayConn) ConnectionState() tls.ConnectionState {
	return c.Conn.(*tls.Conn).ConnectionState()
}

// close ends the session politely when it is clean, abruptly when not.
func (u *upstream) close() {
	if u.dirty {
		u.abort()
		return
	}
	u.conn.SetDeadline(time.Now().Add(2 * time.Second))
	u.c.Quit()
	u.c.Close()
}

// abort drops the TCP connection. In the middle of DATA this is the only
// way SMTP has to cancel a message: without the final dot the server must
// discard what it got (RFC 5321 section 4.1.1.4).
func (u *upstream) abort() {
	if tc, ok := u.conn.(*net.TCPConn); ok {
		// Reset rather than FIN, so the server sees an abort at once.
		tc.SetLinger(0)
	}
	u.conn.Close()
}

// pool keeps idle upstream sessions of one route for unauthenticated
// clients from trusted networks (an MTA in front, or a load test). An
// authenticated session is bound to its login and is never pooled.
type pool struct {
	route   *config.Route
	mu      sync.Mutex
	idle    []*upstream
	max     int
	maxIdle time.Duration
}

func (p *pool) get() *upstream {
	p.mu.Lock()
	defer p.mu.Unlock()
	for len(p.idle) > 0 {
		u := p.idle[len(p.idle)-1]
		p.idle = p.idle[:len(p.idle)-1]
		if time.Since(u.idleAt) < p.maxIdle {
			return u
		}
		go u.close()
	}
	return nil
}

func (p *pool) put(u *upstream) {
	if u.dirty {
		u.abort()
		return
	}
	if u.route != p.route && !reflect.DeepEqual(u.route, p.route) {
		// Dialled under a route a reload has since changed.
		u.close()
		return
	}
	u.idleAt = time.Now()
	p.mu.Lock()
	if len(p.idle) < p.max {
		p.idle = append(p.idle, u)
		u = nil
	}
	p.mu.Unlock()
	if u != nil {
		u.close()
	}
}

func (p *pool) closeAll() {
	p.mu.Lock()
	idle := p.idle
	p.idle = nil
	p.mu.Unlock()
	for _, u := range idle {
		u.close()
	}
}

// isNetErr tells a broken connection from an SMTP reply.
func isNetErr(err error) bool {
	var se *smtp.SMTPError
	return err != nil && !errors.As(err, &se)
}

// upstreamReply turns what the upstream said into what the client hears.
// An SMTP reply passes through with its own code; anything else (a broken
// connection, a timeout) becomes a temporary failure so the client retries.
func upstreamReply(err error, what string) *smtp.SMTPError {
	var se *smtp.SMTPError
	if errors.As(err, &se) {
		if strings.Contains(se.Message, "\n") {
			return &smtp.SMTPError{Code: se.Code, EnhancedCode: se.EnhancedCode, Message: multiline(se.Code, se.EnhancedCode, se.Message)}
		}
		return se
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 4, 2}, Message: "Upstream timed out during " + what + ", try again later"}
	}
	return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 4, 1}, Message: "Upstream unavailable during " + what + ", try again later"}
}

// okReply makes a 2xx reply from the upstream's final answer, so the client
// sees the upstream's own queue id.
func okReply(text string) *smtp.SMTPError {
	code := smtp.EnhancedCode{2, 0, 0}
	if first, rest, ok := strings.Cut(text, " "); ok {
		if ec, ok := parseEnhanced(first); ok {
			code, text = ec, rest
		}
	}
	return &smtp.SMTPError{Code: 250, EnhancedCode: code, Message: multiline(250, code, text)}
}

// multiline prepares the text of a multi-line upstream reply for go-smtp,
// which writes the enhanced code on the last line only: every line keeps
// the code (RFC 2034 section 3), the upstream's copy of it removed, and
// go-smtp's adds it to the last. text's first line has had its code taken
// off already.
func multiline(basic int, code smtp.EnhancedCode, text string) string {
	if !strings.Contains(text, "\n") {
		return text
	}
	if code == smtp.EnhancedCodeNotSet {
		code = smtp.EnhancedCode{basic / 100, 0, 0} // what go-smtp writes then
	}
	lines := strings.Split(text, "\n")
	ec := fmt.Sprintf("%d.%d.%d", code[0], code[1], code[2])
	for i, l := range lines {
		if i > 0 {
			if first, rest, ok := strings.Cut(l, " "); ok {
				if _, ok := parseEnhanced(first); ok {
					l = rest
				}
			} else if _, ok := parseEnhanced(l); ok {
				l = ""
			}
		}
		if i < len(lines)-1 {
			l = ec + " " + l
		}
		lines[i] = l
	}
	return strings.Join(lines, "\n")
}

func parseEnhanced(s string) (smtp.EnhancedCode, bool) {
	parts := strings.Split(s, ".")
	if len(parts) != 3 {
		return smtp.EnhancedCode{}, false
	}
	var ec smtp.EnhancedCode
	for i, p := range parts {
		n := 0
		if p == "" || len(p) > 3 {
			return ec, false
		}
		for _, ch := range p {
			if ch < '0' || ch > '9' {
				return ec, false
			}
			n = n*10 + int(ch-'0')
		}
		ec[i] = n
	}
	return ec, ec[0] >= 2 && ec[0] <= 5
}
