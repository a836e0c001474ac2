package mailbox

import (
	"bufio"
	"net"
	"os"
	"path/filepath"
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
	// The POP3 refusal falls in the report period of the IMAP one: it is
	// counted for a later row (guard_test.go), not written on its own.
	waitFor(t, "4 auth records", func() bool { return len(e.sink.authList()) == 4 })
	var results []string
	for _, a := range e.sink.authList() {
		results = append(results, a.Service+":"+a.Result)
	}
	if got := strings.Join(results, ","); got != "imap:failed,imap:failed,imap:locked,imap:ok" {
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

// With forward_client_ip the server logs the client's address, not the
// proxy's: the client dials from 127.0.0.2, the proxy from 127.0.0.1.
func TestForwardClientIP(t *testing.T) {
	e := startEnv(t, func(c *config.Config) {
		c.Routes[0].IMAP.ForwardClientIP = true
		c.Routes[0].POP3.ForwardClientIP = true
	})
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 2)}, Timeout: 5 * time.Second}
	for _, tc := range []struct {
		addr  net.Addr
		login string
		ok    string
	}{
		{e.addrs.IMAP, "a LOGIN " + userA + " " + passA + "\r\n", "a OK"},
		{e.addrs.POP3, "USER " + userB + "\r\nPASS " + passB + "\r\n", "+OK Logged in"},
	} {
		c, err := d.Dial("tcp", tc.addr.String())
		if err != nil {
			t.Fatal(err)
		}
		r := &rawClient{t: t, c: c, br: bufio.NewReader(c)}
		c.SetDeadline(time.Now().Add(20 * time.Second))
		r.line()
		r.send(tc.login)
		r.until(tc.ok)
		c.Close()
	}
	waitFor(t, "Dovecot to log both logins from 127.0.0.2", func() bool {
		log, _ := os.ReadFile(filepath.Join(e.dove.Dir, "dovecot.log"))
		n := 0
		for _, l := range strings.Split(string(log), "\n") {
			if strings.Contains(l, "Login: user=<") && strings.Contains(l, "rip=127.0.0.2") {
				n++
			}
		}
		return n == 2
	})
	for _, a := range e.sink.authList() {
		if a.ClientIP != "127.0.0.2" {
			t.Errorf("audit client_ip %q", a.ClientIP)
		}
	}
}
