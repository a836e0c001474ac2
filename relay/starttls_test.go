package relay

import (
	"bufio"
	"context"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

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
