package relay

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"mailaudit/audit"
	"mailaudit/config"
)

// fakeUpstream answers the plaintext part of a session from a script and
// records what the relay said.
func fakeUpstream(t *testing.T, afterStartTLS string) (addr string, heard func() []string) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	var mu sync.Mutex
	var lines []string
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		br := bufio.NewReader(c)
		c.Write([]byte("220 fake ESMTP\r\n"))
		for {
			l, err := br.ReadString('\n')
			if err != nil {
				return
			}
			mu.Lock()
			lines = append(lines, strings.TrimSpace(l))
			mu.Unlock()
			switch {
			case strings.HasPrefix(l, "EHLO"):
				c.Write([]byte("250-fake\r\n250 STARTTLS\r\n"))
			case strings.HasPrefix(l, "STARTTLS"):
				c.Write([]byte("220 go ahead\r\n" + afterStartTLS))
				time.Sleep(100 * time.Millisecond)
				return
			}
		}
	}()
	return ln.Addr().String(), func() []string { mu.Lock(); defer mu.Unlock(); return append([]string(nil), lines...) }
}

// Plaintext injected after "220 go ahead" must not be read as if it came
// over TLS (CVE-2011-0411); the first EHLO names the relay.
func TestStartTLSRefusesInjectedPlaintext(t *testing.T) {
	addr, heard := fakeUpstream(t, "250 injected\r\n")
	r := &config.Route{Addr: addr, TLSMode: "starttls", DialTimeout: config.Duration(2 * time.Second),
		CommandTimeout: config.Duration(2 * time.Second)}
	bufs := &sync.Pool{New: func() any { return bufio.NewWriterSize(nil, 4096) }}
	_, err := dialUpstream(context.Background(), r, "relay.example", bufs)
	if err == nil || !strings.Contains(err.Error(), "before the TLS handshake") {
		t.Fatalf("dialUpstream = %v, want the injection refused", err)
	}
	if h := heard(); len(h) == 0 || h[0] != "EHLO relay.example" {
		t.Fatalf("upstream heard %q, want EHLO relay.example first", h)
	}
}

// stalledUpstream takes a transaction up to 354 and then stops reading.
func stalledUpstream(t *testing.T) string {
	done := make(chan struct{})
	t.Cleanup(func() { close(done) })
	return scriptedUpstream(t, func(net.Conn, *bufio.Reader) {
		<-done // and read nothing more
	})
}

// An upstream that stops reading in the middle of DATA costs the client a
// 451 after the route's command timeout, not a session hung for ever.
func TestStalledUpstreamDuringDataTempfails(t *testing.T) {
	e := newEnvWithUpstream(t, envOpts{upAddr: stalledUpstream(t), route: "    command_timeout: 1s\n",
		yaml: "limits:\n  max_message_bytes: 64MB\n"}, nil)
	c := dialPlain(t, e.addrs.Plain)
	res := make(chan error, 1)
	go func() {
		_, err := send(c, "a@tphcm.gov.vn", []string{"b@tphcm.gov.vn"}, message("stall", 32<<20))
		res <- err
	}()
	var err error
	select {
	case err = <-res:
	case <-time.After(time.Minute): // a hang guard, not a speed check
		t.Fatal("the relay is still blocked on the stalled upstream after a minute")
	}
	var se *smtp.SMTPError
	if !errors.As(err, &se) || se.Code != 451 {
		t.Fatalf("stalled upstream: %v, want 451", err)
	}
	if evs := e.audit.Events(); len(evs) != 1 || evs[0].Action != audit.ActionTempfailed {
		t.Fatalf("events: %+v", evs)
	}
}

// A multi-line greeting read before STARTTLS is replayed whole to the
// go-smtp client over TLS.
func TestStartTLSReplaysWholeGreeting(t *testing.T) {
	cert, err := SelfSigned("up.test")
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		br := bufio.NewReader(c)
		c.Write([]byte("220-up.test ESMTP\r\n220-second line of the banner\r\n220 third\r\n"))
		for {
			l, err := br.ReadString('\n')
			if err != nil {
				return
			}
			switch {
			case strings.HasPrefix(l, "EHLO"):
				c.Write([]byte("250-up.test\r\n250 STARTTLS\r\n"))
			case strings.HasPrefix(l, "STARTTLS"):
				c.Write([]byte("220 go ahead\r\n"))
				tc := tls.Server(c, &tls.Config{Certificates: []tls.Certificate{cert}})
				tc.Handshake()
				time.Sleep(200 * time.Millisecond)
				return
			}
		}
	}()
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	out, err := startTLS(context.Background(), conn, "relay.test", &tls.Config{InsecureSkipVerify: true})
	if err != nil {
		t.Fatal(err)
	}
	got := make([]byte, 200)
	n, _ := out.Read(got)
	if want := "220-up.test ESMTP\r\n220-second line of the banner\r\n220 third\r\n"; string(got[:n]) != want {
		t.Fatalf("replayed %q, want %q", got[:n], want)
	}
}
