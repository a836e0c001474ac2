package relay

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"mailaudit/audit"
)

// upTxn is what the strict upstream got in one DATA.
type upTxn struct {
	from string
	data []byte
	dot  bool // the data ended with the final dot (a complete message)
}

// strictUpstream is a real SMTP server over TCP, written out here so that
// it can tell what go-smtp's server would hide: whether each DATA ended
// with its final dot, or the connection went away before it. greeting and
// final are its replies (CRLF-terminated, possibly multi-line).
type strictUpstream struct {
	addr     string
	greeting string
	final    string // reply after the final dot
	dataRply string // reply to DATA ("" = 354)
	mu       sync.Mutex
	txns     []upTxn
}

func startStrictUpstream(t testing.TB, greeting, final string) *strictUpstream {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	u := &strictUpstream{addr: ln.Addr().String(), greeting: greeting, final: final}
	if u.greeting == "" {
		u.greeting = "220 strict ESMTP\r\n"
	}
	if u.final == "" {
		u.final = "250 2.0.0 Ok: queued as STRICT\r\n"
	}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go u.serve(c)
		}
	}()
	return u
}

func (u *strictUpstream) serve(c net.Conn) {
	defer c.Close()
	br := bufio.NewReader(c)
	io.WriteString(c, u.greeting)
	var from string
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return
		}
		cmd := strings.ToUpper(strings.TrimSpace(line))
		switch {
		case strings.HasPrefix(cmd, "EHLO"):
			io.WriteString(c, "250-strict\r\n250-8BITMIME\r\n250-PIPELINING\r\n250 SIZE 100000000\r\n")
		case strings.HasPrefix(cmd, "MAIL FROM:"):
			from = strings.TrimSpace(line[len("MAIL FROM:"):])
			io.WriteString(c, "250 2.1.0 Ok\r\n")
		case cmd == "DATA":
			if u.dataRply != "" {
				io.WriteString(c, u.dataRply)
				continue
			}
			io.WriteString(c, "354 End data with <CR><LF>.<CR><LF>\r\n")
			var data bytes.Buffer
			dot := false
			for {
				l, err := br.ReadString('\n')
				if err != nil {
					data.WriteString(l)
					break
				}
				if l == ".\r\n" {
					dot = true
					break
				}
				data.WriteString(strings.TrimPrefix(l, "."))
			}
			u.mu.Lock()
			u.txns = append(u.txns, upTxn{from: from, data: data.Bytes(), dot: dot})
			u.mu.Unlock()
			if !dot {
				return
			}
			io.WriteString(c, u.final)
		case cmd == "QUIT":
			io.WriteString(c, "221 2.0.0 Bye\r\n")
			return
		default: // RCPT, RSET, NOOP
			io.WriteString(c, "250 2.0.0 Ok\r\n")
		}
	}
}

func (u *strictUpstream) Txns() []upTxn {
	u.mu.Lock()
	defer u.mu.Unlock()
	return append([]upTxn(nil), u.txns...)
}

// strictEnv is a relay whose only route goes to a strict upstream.
func strictEnv(t testing.TB, u *strictUpstream, yaml string) *env {
	t.Helper()
	e := newEnvWithUpstream(t, envOpts{upAddr: u.addr, noSink: true, yaml: yaml}, nil)
	return e
}

// smtpConn is a raw client: what the tests write is exactly what goes on
// the wire.
type smtpConn struct {
	t  testing.TB
	c  net.Conn
	br *bufio.Reader
}

func rawSMTP(t testing.TB, c net.Conn) *smtpConn {
	s := &smtpConn{t: t, c: c, br: bufio.NewReader(c)}
	c.SetDeadline(time.Now().Add(30 * time.Second))
	if r := s.reply(); !strings.HasPrefix(r, "220") {
		t.Errorf("greeting: %q", r)
	}
	return s
}

func (s *smtpConn) send(format string, args ...any) { fmt.Fprintf(s.c, format, args...) }

// reply reads one reply and returns its lines joined by "\n" ("" at EOF).
func (s *smtpConn) reply() string {
	var lines []string
	for {
		l, err := s.br.ReadString('\n')
		if err != nil {
			return strings.Join(lines, "\n")
		}
		lines = append(lines, strings.TrimRight(l, "\r\n"))
		if len(l) < 4 || l[3] != '-' {
			return strings.Join(lines, "\n")
		}
	}
}

func (s *smtpConn) expect(prefix string) {
	s.t.Helper()
	if r := s.reply(); !strings.HasPrefix(r, prefix) {
		s.t.Errorf("reply %q, want %s", r, prefix)
	}
}

func (s *smtpConn) envelope(from string) {
	s.t.Helper()
	s.send("MAIL FROM:<%s>\r\nRCPT TO:<b@tphcm.gov.vn>\r\n", from)
	s.expect("250")
	s.expect("250")
}

// waitEvents waits until the relay has recorded n events.
func waitEvents(t testing.TB, e *env, n int) []*audit.Event {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		evs := e.audit.Events()
		if len(evs) >= n || time.Now().After(deadline) {
			return evs
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// bdatAbort runs one abandoned BDAT transfer of the given kind on a new
// plain connection; it reports whether the session is still usable.
func bdatAbort(t testing.TB, e *env, kind string, id int) {
	conn, err := net.Dial("tcp", e.addrs.Plain.String())
	if err != nil {
		t.Error(err)
		return
	}
	defer conn.Close()
	s := rawSMTP(t, conn)
	s.send("EHLO c\r\n")
	s.expect("250")
	from := fmt.Sprintf("abort-%s-%d@tphcm.gov.vn", kind, id)
	s.envelope(from)
	msg := message(from, 6000)
	half := len(msg) / 2
	switch kind {
	case "short-last":
		// The declared chunk is longer than what comes before the close.
		s.send("BDAT %d LAST\r\n%s", len(msg)+1000, msg[:40])
		conn.Close()
		return
	}
	s.send("BDAT %d\r\n%s", half, msg[:half])
	s.expect("250")
	switch kind {
	case "rset":
		s.send("RSET\r\n")
		s.expect("250")
	case "ehlo":
		s.send("EHLO c\r\n")
		s.expect("250")
	case "too-big":
		big := bytes.Repeat([]byte("a line of an attachment, base64 or so\r\n"), 1000)
		s.send("BDAT %d LAST\r\n%s", len(big), big)
		s.expect("552")
	case "quit":
		s.send("QUIT\r\n")
		s.expect("221")
		return
	case "close":
		conn.Close()
		return
	}
	// The session goes on: a complete message by DATA gets through whole.
	ok := fmt.Sprintf("after-%s-%d@tphcm.gov.vn", kind, id)
	s.envelope(ok)
	s.send("DATA\r\n")
	s.expect("354")
	s.send("%s.\r\n", stuff(message(ok, 3000)))
	s.expect("250 2.0.0")
	s.send("QUIT\r\n")
	s.expect("221")
}

// checkNothingPartial fails if the upstream completed (got the final dot
// of) anything but a whole message sent by DATA after an abort.
func checkNothingPartial(t *testing.T, u *strictUpstream) (completed int) {
	t.Helper()
	for _, tx := range u.Txns() {
		if !tx.dot {
			continue
		}
		from, _, _ := strings.Cut(strings.TrimPrefix(tx.from, "<"), ">")
		if !strings.HasPrefix(from, "after-") || !bytes.Equal(tx.data, message(from, 3000)) {
			t.Errorf("upstream completed a message from %s (%d bytes) that the client abandoned", tx.from, len(tx.data))
			continue
		}
		completed++
	}
	return completed
}

var abortKinds = []string{"rset", "ehlo", "too-big", "quit", "close", "short-last"}

// followUp: the kinds after which the test sends a whole message by DATA.
func followUp(kind string) bool { return kind == "rset" || kind == "ehlo" || kind == "too-big" }

func TestBDATAbortsDeliverNothing(t *testing.T) {
	for _, hold := range []bool{false, true} {
		t.Run(fmt.Sprintf("hold=%v", hold), func(t *testing.T) { testBDATAborts(t, hold) })
	}
}

// testBDATAborts: hold=false streams upstream during the transfer (the
// upstream DATA is open when the client abandons it); hold=true opens it
// only after the last chunk.
func testBDATAborts(t *testing.T, hold bool) {
	u := startStrictUpstream(t, "", "")
	e := newEnvWithUpstream(t, envOpts{upAddr: u.addr, noSink: true, hold: hold, yaml: "limits:\n  max_message_bytes: 20000\n"}, nil)
	wantEvents, wantOK := 0, 0
	for _, kind := range abortKinds {
		for i := 0; i < 5; i++ {
			bdatAbort(t, e, kind, i)
			wantEvents++
			if followUp(kind) {
				wantEvents++
				wantOK++
			}
		}
	}
	evs := waitEvents(t, e, wantEvents)
	if got := checkNothingPartial(t, u); got != wantOK {
		t.Errorf("upstream completed %d whole follow-up messages, want %d", got, wantOK)
	}
	if len(evs) != wantEvents {
		t.Fatalf("%d audit events, want %d (one per attempt)", len(evs), wantEvents)
	}
	for _, ev := range evs {
		if strings.HasPrefix(ev.MailFrom, "after-") {
			if ev.Action != audit.ActionRelayed {
				t.Errorf("follow-up %s: action %s", ev.MailFrom, ev.Action)
			}
			continue
		}
		switch {
		case ev.Action == audit.ActionRelayed:
			t.Errorf("abandoned %s recorded as relayed", ev.MailFrom)
		case strings.Contains(ev.MailFrom, "too-big") && (ev.Action != audit.ActionBounced || ev.UpstreamCode != 552):
			t.Errorf("oversize chunk of %s recorded as %s %d %q; the client heard 552", ev.MailFrom, ev.Action, ev.UpstreamCode, ev.UpstreamText)
		case strings.Contains(ev.MailFrom, "-rset-") && !strings.Contains(ev.UpstreamText, "RSET"):
			t.Errorf("RSET abort of %s recorded as %q", ev.MailFrom, ev.UpstreamText)
		}
	}
}

// Many sessions abandoning transfers at once, sharing the upstream pool:
// nothing partial, no envelope mixing (the race detector watches the
// session's BDAT goroutine against Reset and Logout).
func TestBDATAbortsConcurrent(t *testing.T) {
	u := startStrictUpstream(t, "", "")
	e := strictEnv(t, u, "limits:\n  max_message_bytes: 20000\n")
	var wg sync.WaitGroup
	wantEvents, wantOK := 0, 0
	for i := 0; i < 36; i++ {
		kind := abortKinds[i%len(abortKinds)]
		wantEvents++
		if followUp(kind) {
			wantEvents++
			wantOK++
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			bdatAbort(t, e, kind, i)
		}()
	}
	wg.Wait()
	evs := waitEvents(t, e, wantEvents)
	if got := checkNothingPartial(t, u); got != wantOK {
		t.Errorf("upstream completed %d whole follow-up messages, want %d", got, wantOK)
	}
	if len(evs) != wantEvents {
		t.Errorf("%d audit events, want %d", len(evs), wantEvents)
	}
	for _, ev := range evs {
		if ev.Action == audit.ActionRelayed && !strings.HasPrefix(ev.MailFrom, "after-") {
			t.Errorf("abandoned %s recorded as relayed", ev.MailFrom)
		}
	}
}

// A LAST chunk cut short by a TLS close (close_notify, then FIN):
// crypto/tls takes the close_notify as the end of the stream and hides it
// from the relay's connection wrapper; the peek at the socket sees the FIN.
// TLS means submissions, so AUTH, against the sink (which keeps only
// messages that got their final dot).
func TestBDATShortLastChunkOverTLS(t *testing.T) {
	e := newEnv(t, envOpts{})
	for i := 0; i < 5; i++ {
		conn, err := tls.Dial("tcp", e.addrs.Submissions.String(), &tls.Config{InsecureSkipVerify: true})
		if err != nil {
			t.Fatal(err)
		}
		s := rawSMTP(t, conn)
		s.send("EHLO c\r\n")
		s.expect("250")
		s.send("AUTH PLAIN %s\r\n", plainIR(testUser, testPass))
		s.expect("235")
		s.envelope(testUser)
		msg := message("short-tls", 3000)
		s.send("BDAT %d LAST\r\n%s", len(msg)+500, msg)
		conn.Close() // close_notify, then FIN
	}
	waitEvents(t, e, 5)
	if n := len(e.sink.Messages()); n != 0 {
		t.Fatalf("upstream accepted %d messages cut short by a TLS close", n)
	}
	for _, ev := range e.audit.Events() {
		if ev.Action == audit.ActionRelayed {
			t.Errorf("cut-short message recorded as relayed")
		}
	}
}

// One line limit for BDAT content, however TCP splits command and chunk.
func TestBDATLongLineRefusedAnySplit(t *testing.T) {
	u := startStrictUpstream(t, "", "")
	e := strictEnv(t, u, "")
	long := "Subject: x\r\n\r\n" + strings.Repeat("y", 3000) + "\r\nend\r\n"
	for _, split := range []bool{false, true} {
		conn, err := net.Dial("tcp", e.addrs.Plain.String())
		if err != nil {
			t.Fatal(err)
		}
		s := rawSMTP(t, conn)
		s.send("EHLO c\r\n")
		s.expect("250")
		s.envelope(fmt.Sprintf("long-%v@tphcm.gov.vn", split))
		if split {
			s.send("BDAT %d LAST\r\n", len(long))
			time.Sleep(50 * time.Millisecond)
			s.send("%s", long)
		} else {
			s.send("BDAT %d LAST\r\n%s", len(long), long)
		}
		if r := s.reply(); !strings.HasPrefix(r, "500") {
			t.Errorf("split=%v: reply %q, want 500", split, r)
		}
		conn.Close()
	}
	// When the line came in the same read as the command, go-smtp refused
	// it while reading the command (and closed): no transfer, no row.
	// Otherwise the relay refused it: one row, bounced with the 500.
	evs := waitEvents(t, e, 1)
	if len(evs) != 1 || evs[0].Action != audit.ActionBounced || evs[0].UpstreamCode != 500 {
		t.Errorf("events: %+v", evs)
	}
	for _, tx := range u.Txns() {
		if tx.dot {
			t.Errorf("a message with a 3,000-byte line was relayed")
		}
	}
}

// The upstream's replies reach the client and the audit row as they were.
func TestUpstreamRepliesRecordedAsHeard(t *testing.T) {
	for _, tc := range []struct {
		name, dataReply, final string
		wantClient             []string
		wantAction             string
		wantCode               int
	}{
		{name: "multi-line 250", final: "250-2.0.0 first line\r\n250 2.0.0 Ok: queued as MULTI\r\n",
			wantClient: []string{"250-2.0.0 first line", "250 2.0.0 Ok: queued as MULTI"}, wantAction: audit.ActionRelayed, wantCode: 250},
		{name: "554 after the dot", final: "554 5.7.1 Rejected by upstream policy\r\n",
			wantClient: []string{"554 5.7.1 Rejected by upstream policy"}, wantAction: audit.ActionBounced, wantCode: 554},
		{name: "452 to DATA", dataReply: "452 4.3.1 Insufficient system storage\r\n",
			wantClient: []string{"452 4.3.1 Insufficient system storage"}, wantAction: audit.ActionTempfailed, wantCode: 452},
		{name: "554 to DATA", dataReply: "554 5.5.1 No valid recipients\r\n",
			wantClient: []string{"554 5.5.1 No valid recipients"}, wantAction: audit.ActionBounced, wantCode: 554},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u := startStrictUpstream(t, "", tc.final)
			u.dataRply = tc.dataReply
			e := strictEnv(t, u, "")
			conn, err := net.Dial("tcp", e.addrs.Plain.String())
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			s := rawSMTP(t, conn)
			s.send("EHLO c\r\n")
			s.expect("250")
			s.envelope("replies@tphcm.gov.vn")
			s.send("DATA\r\n")
			s.expect("354")
			s.send("%s.\r\n", stuff(message("replies", 500)))
			if got := s.reply(); got != strings.Join(tc.wantClient, "\n") {
				t.Errorf("client heard %q, want %q", got, tc.wantClient)
			}
			evs := waitEvents(t, e, 1)
			if len(evs) != 1 || evs[0].Action != tc.wantAction || evs[0].UpstreamCode != tc.wantCode {
				t.Fatalf("event: %+v", evs)
			}
			last := tc.wantClient[len(tc.wantClient)-1][4:]
			if !strings.Contains(evs[0].UpstreamText, last) {
				t.Errorf("recorded text %q, client heard %q", evs[0].UpstreamText, last)
			}
		})
	}
}

// After a 421 the relay closes the connection: no DATA gets a 354.
func TestCloseAfter421(t *testing.T) {
	u := startStrictUpstream(t, "", "")
	e := strictEnv(t, u, "limits:\n  max_messages_per_session: 1\n")
	conn, err := net.Dial("tcp", e.addrs.Plain.String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	s := rawSMTP(t, conn)
	s.send("EHLO c\r\n")
	s.expect("250")
	s.envelope("first@tphcm.gov.vn")
	s.send("DATA\r\n")
	s.expect("354")
	s.send("%s.\r\n", stuff(message("first", 300)))
	s.expect("250")
	// Pipelined: MAIL, RCPT, DATA. Only the 421 may come back.
	s.send("MAIL FROM:<second@tphcm.gov.vn>\r\nRCPT TO:<b@tphcm.gov.vn>\r\nDATA\r\n")
	s.expect("421 4.7.0")
	if r := s.reply(); r != "" {
		t.Fatalf("after 421 the relay said %q; want the connection closed", r)
	}
}

// A client that stops sending in the middle of DATA hears 451 at
// data_timeout, counted from its last byte, not at command_timeout.
func TestStalledClientGetsDataTimeout(t *testing.T) {
	u := startStrictUpstream(t, "", "")
	for _, tc := range []struct {
		yaml     string
		min, max time.Duration
	}{
		{"limits:\n  data_timeout: 1s\n  command_timeout: 20s\n", 900 * time.Millisecond, 10 * time.Second},
		{"limits:\n  data_timeout: 3s\n  command_timeout: 1s\n", 2900 * time.Millisecond, 15 * time.Second},
	} {
		e := strictEnv(t, u, tc.yaml)
		conn, err := net.Dial("tcp", e.addrs.Plain.String())
		if err != nil {
			t.Fatal(err)
		}
		s := rawSMTP(t, conn)
		s.send("EHLO c\r\n")
		s.expect("250")
		s.envelope("stall@tphcm.gov.vn")
		s.send("DATA\r\n")
		s.expect("354")
		s.send("Subject: stall\r\n\r\npart of it")
		start := time.Now()
		r := s.reply()
		took := time.Since(start)
		if !strings.HasPrefix(r, "451") || took < tc.min || took > tc.max {
			t.Errorf("%s: %q after %v, want 451 between %v and %v", strings.ReplaceAll(tc.yaml, "\n", " "), r, took, tc.min, tc.max)
		}
		conn.Close()
	}
	for _, tx := range u.Txns() {
		if tx.dot {
			t.Error("stalled message completed upstream")
		}
	}
}

// On submission and submissions, MAIL without AUTH is refused whatever the
// client's address; the plain listener still takes trusted clients.
func TestTrustedOnlyOnPlainListener(t *testing.T) {
	u := startStrictUpstream(t, "", "")
	e := strictEnv(t, u, "")
	if !e.cfg.Trusted(mustAddr("127.0.0.1")) {
		t.Fatal("harness should trust loopback")
	}
	c := dialStartTLS(t, e.addrs.Submission)
	var se *smtp.SMTPError
	if err := c.Mail("a@tphcm.gov.vn", nil); !errors.As(err, &se) || se.Code != 530 || se.EnhancedCode != (smtp.EnhancedCode{5, 7, 0}) {
		t.Errorf("submission, trusted address, no AUTH: %v, want 530 5.7.0", err)
	}
	tc, err := tls.Dial("tcp", e.addrs.Submissions.String(), &tls.Config{InsecureSkipVerify: true})
	if err != nil {
		t.Fatal(err)
	}
	defer tc.Close()
	s := rawSMTP(t, tc)
	s.send("EHLO c\r\nMAIL FROM:<a@tphcm.gov.vn>\r\n")
	s.expect("250")
	s.expect("530 5.7.0")
	p := dialPlain(t, e.addrs.Plain)
	if _, err := send(p, "a@tphcm.gov.vn", []string{"b@tphcm.gov.vn"}, message("plain", 100)); err != nil {
		t.Errorf("plain listener, trusted: %v", err)
	}
}

func plainIR(user, pass string) string {
	return base64.StdEncoding.EncodeToString([]byte("\x00" + user + "\x00" + pass))
}

func mustAddr(s string) netip.Addr { return netip.MustParseAddr(s) }

// stuff dot-stuffs a message for DATA, as a client must.
func stuff(msg []byte) []byte {
	out := bytes.ReplaceAll(msg, []byte("\r\n."), []byte("\r\n.."))
	if bytes.HasPrefix(out, []byte(".")) {
		out = append([]byte("."), out...)
	}
	return out
}
