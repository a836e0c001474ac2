package mailbox

import (
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"mailaudit/config"
)

// Over max_connections_per_ip a client gets the protocol's own goodbye.
func TestConnectionLimitPerIP(t *testing.T) {
	e := startEnv(t, func(c *config.Config) { c.Mailbox.MaxConnectionsIP = 2 })
	a, b := dialRaw(t, e.addrs.IMAP), dialRaw(t, e.addrs.POP3)
	a.line()
	b.line()
	c := dialRaw(t, e.addrs.IMAP)
	if l := c.line(); !strings.HasPrefix(l, "* BYE [UNAVAILABLE] Too many connections from your address") {
		t.Fatalf("third connection: %q", l)
	}
	d := dialRaw(t, e.addrs.POP3)
	if l := d.line(); !strings.HasPrefix(l, "-ERR [SYS/TEMP] Too many connections") {
		t.Fatalf("fourth connection: %q", l)
	}
}

// After limits.auth_failures_per_user failures of one login from one
// address, further attempts are refused without asking the server (result
// locked), even with the right password, across sessions and protocols.
func TestLoginLockout(t *testing.T) {
	e := startEnv(t, func(c *config.Config) { c.Limits.AuthFailuresUser = 2 })
	for i := 0; i < 2; i++ {
		p := dialRaw(t, e.addrs.IMAP)
		p.line()
		p.send("a LOGIN " + userA + " wrong\r\n")
		if l := p.until("a "); !strings.HasPrefix(l[len(l)-1], "a NO [AUTHENTICATIONFAILED]") {
			t.Fatalf("wrong password: %q", l)
		}
	}
	p := dialRaw(t, e.addrs.IMAP)
	p.line()
	p.send("a LOGIN " + userA + " " + passA + "\r\n")
	if l := p.line(); !strings.HasPrefix(l, "a NO [UNAVAILABLE] Too many failed logins") {
		t.Fatalf("locked login: %q", l)
	}
	q := dialRaw(t, e.addrs.POP3)
	q.line()
	q.send("USER " + userA + "\r\nPASS " + passA + "\r\n")
	q.line()
	if l := q.line(); !strings.HasPrefix(l, "-ERR [SYS/TEMP] Too many failed logins") {
		t.Fatalf("locked POP3 login: %q", l)
	}
	// Another login from the same address is not locked.
	r := dialRaw(t, e.addrs.IMAP)
	r.line()
	r.send("a LOGIN " + userB + " " + passB + "\r\n")
	if l := r.until("a "); !strings.HasPrefix(l[len(l)-1], "a OK") {
		t.Fatalf("other login: %q", l)
	}
	waitFor(t, "5 auth records", func() bool { return len(e.sink.authList()) == 5 })
	var results []string
	for _, a := range e.sink.authList() {
		results = append(results, a.Service+":"+a.Result)
	}
	if got := strings.Join(results, ","); got != "imap:failed,imap:failed,imap:locked,pop3:locked,imap:ok" {
		t.Errorf("results %s", got)
	}
}

// tcpPair returns the two ends of a loopback TCP connection.
func tcpPair(t *testing.T) (net.Conn, net.Conn) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	s, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close(); s.Close() })
	return c, s
}

// The splice copies both ways, counts bytes, and ends a session that moved
// nothing for the idle timeout (traffic either way keeps it alive).
func TestSpliceIdleAndCounts(t *testing.T) {
	client, proxyClient := tcpPair(t)
	proxyUp, server := tcpPair(t)
	bufs := &sync.Pool{New: func() any { b := make([]byte, spliceBuf); return &b }}
	sp := newSplice(proxyClient, proxyUp, 300*time.Millisecond, bufs)
	done := make(chan string, 1)
	go func() { done <- sp.run() }()
	// Server-only traffic (like IDLE's "* OK still here") keeps it alive.
	for i := 0; i < 5; i++ {
		server.Write([]byte("* OK Still here\r\n"))
		time.Sleep(100 * time.Millisecond)
	}
	client.Write([]byte("a NOOP\r\n"))
	buf := make([]byte, 100)
	server.SetReadDeadline(time.Now().Add(2 * time.Second))
	if n, err := server.Read(buf); err != nil || string(buf[:n]) != "a NOOP\r\n" {
		t.Fatalf("server got %q %v", buf[:n], err)
	}
	select {
	case r := <-done:
		if r != "idle" {
			t.Fatalf("reason %q", r)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("idle session not closed")
	}
	if sp.in.Load() != 8 || sp.out.Load() != 5*17 {
		t.Errorf("counted in %d out %d", sp.in.Load(), sp.out.Load())
	}
}
