package mailbox

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"time"

	"mailaudit/config"
)

// upConn is a connection to a route's IMAP or POP3 server, before login.
type upConn struct {
	conn  net.Conn
	br    *bufio.Reader
	addr  string
	route *config.Route
	caps  []string // IMAP capabilities, or POP3 CAPA lines, after any STARTTLS
	// timeout bounds each exchange during login (the route's command timeout).
	timeout time.Duration
}

func (u *upConn) close() { u.conn.Close() }

// line reads one response line (CRLF stripped), bounded by the timeout.
func (u *upConn) line() (string, error) {
	u.conn.SetReadDeadline(time.Now().Add(u.timeout))
	s, err := readLine(u.br, maxLine)
	if err != nil {
		return "", fmt.Errorf("upstream %s: %w", u.addr, err)
	}
	return s, nil
}

func (u *upConn) send(s string) error {
	u.conn.SetWriteDeadline(time.Now().Add(u.timeout))
	if _, err := u.conn.Write([]byte(s)); err != nil {
		return fmt.Errorf("upstream %s: %w", u.addr, err)
	}
	return nil
}

// errLineTooLong is a peer line over the limit.
var errLineTooLong = errors.New("line too long")

// readLine reads up to LF and returns the line without CRLF (or LF).
func readLine(br *bufio.Reader, max int) (string, error) {
	var sb []byte
	for {
		chunk, err := br.ReadSlice('\n')
		sb = append(sb, chunk...)
		if len(sb) > max {
			return "", errLineTooLong
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if err != nil {
			return "", err
		}
		s := string(sb[:len(sb)-1])
		return strings.TrimSuffix(s, "\r"), nil
	}
}

// dialTCP connects to u (implicit TLS when the mode says so).
func dialTCP(ctx context.Context, u *config.MailboxUpstream, timeout time.Duration) (net.Conn, error) {
	d := net.Dialer{Timeout: timeout, KeepAlive: -1}
	c, err := d.DialContext(ctx, "tcp", u.Addr)
	if err != nil {
		return nil, err
	}
	if u.TLSMode == "implicit" {
		tc := tls.Client(c, upstreamTLS(u))
		c.SetDeadline(time.Now().Add(timeout))
		if err := tc.HandshakeContext(ctx); err != nil {
			c.Close()
			return nil, fmt.Errorf("tls handshake: %w", err)
		}
		c.SetDeadline(time.Time{})
		return tc, nil
	}
	return c, nil
}

func upstreamTLS(u *config.MailboxUpstream) *tls.Config {
	name := u.TLSServerName
	if name == "" {
		name, _, _ = net.SplitHostPort(u.Addr)
	}
	return &tls.Config{ServerName: name, InsecureSkipVerify: u.InsecureSkipVerify, MinVersion: tls.VersionTLS12}
}

// startTLS upgrades u after the upstream agreed, refusing bytes that came
// before the handshake (a man in the middle's injected responses).
func (u *upConn) startTLS(cfg *config.MailboxUpstream) error {
	if u.br.Buffered() > 0 {
		return fmt.Errorf("upstream %s: data before the TLS handshake", u.addr)
	}
	tc := tls.Client(u.conn, upstreamTLS(cfg))
	u.conn.SetDeadline(time.Now().Add(u.timeout))
	if err := tc.Handshake(); err != nil {
		return fmt.Errorf("upstream %s: tls handshake: %w", u.addr, err)
	}
	u.conn.SetDeadline(time.Time{})
	u.conn = tc
	u.br.Reset(tc)
	return nil
}

// capCache keeps each route's pre-login capabilities as last seen, per
// service, so the proxy can show them before it knows the client's route.
type capCache struct {
	mu   sync.Mutex
	caps map[string][]string // "imap route" -> capabilities
}

func (c *capCache) put(service, route string, caps []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.caps == nil {
		c.caps = map[string][]string{}
	}
	c.caps[service+" "+route] = caps
}

// get returns the capabilities every route of service has in common
// (normally there is one route), and whether any route was seen.
func (c *capCache) get(service string, cfg *config.Config) ([]string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	seen := false
	for i := range cfg.Routes {
		r := &cfg.Routes[i]
		if (service == "imap" && r.IMAP == nil) || (service == "pop3" && r.POP3 == nil) {
			continue
		}
		caps, ok := c.caps[service+" "+r.Name]
		if !ok {
			continue
		}
		if !seen {
			out, seen = append([]string(nil), caps...), true
			continue
		}
		out = intersect(out, caps)
	}
	return out, seen
}

func intersect(a, b []string) []string {
	var out []string
	for _, x := range a {
		for _, y := range b {
			if strings.EqualFold(x, y) {
				out = append(out, x)
				break
			}
		}
	}
	return out
}

func hasCap(caps []string, want string) bool {
	for _, c := range caps {
		if strings.EqualFold(c, want) {
			return true
		}
	}
	return false
}
