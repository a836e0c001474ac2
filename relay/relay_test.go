package relay

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"mailaudit/audit"
	"mailaudit/config"
	"mailaudit/sink"
)

func dialPlain(t *testing.T, addr net.Addr) *smtp.Client {
	t.Helper()
	c, err := smtp.Dial(addr.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func dialStartTLS(t *testing.T, addr net.Addr) *smtp.Client {
	t.Helper()
	c, err := smtp.DialStartTLS(addr.String(), &tls.Config{InsecureSkipVerify: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func send(c *smtp.Client, from string, to []string, msg []byte) (string, error) {
	if err := c.Mail(from, nil); err != nil {
		return "", err
	}
	for _, r := range to {
		if err := c.Rcpt(r, nil); err != nil {
			return "", err
		}
	}
	w, err := c.Data()
	if err != nil {
		return "", err
	}
	if _, err := w.Write(msg); err != nil {
		return "", err
	}
	resp, err := w.CloseWithResponse()
	if err != nil {
		return "", err
	}
	return resp.StatusText, nil
}

func code(err error) int {
	var se *smtp.SMTPError
	if errors.As(err, &se) {
		return se.Code
	}
	return 0
}

func hash(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

func TestAuthPassThroughGoClient(t *testing.T) {
	e := newEnv(t, envOpts{})
	c := dialStartTLS(t, e.addrs.Submission)
	if err := c.Auth(sasl.NewPlainClient("", testUser, testPass)); err != nil {
		t.Fatalf("auth: %v", err)
	}
	msg := message("go-client", 5000)
	text, err := send(c, testUser, []string{"b@tphcm.gov.vn", "c@gmail.com"}, msg)
	if err != nil {
		t.Fatalf("send: %v", err)
	}
	if !strings.Contains(text, "queued as SINK") {
		t.Errorf("client did not get the upstream's own reply: %q", text)
	}
	got := e.sink.Messages()
	if len(got) != 1 || got[0].Hash != hash(msg) || got[0].User != testUser {
		t.Fatalf("upstream got %d messages; want the identical bytes from %s", len(got), testUser)
	}
	evs := e.audit.Events()
	if len(evs) != 1 {
		t.Fatalf("audit events = %d, want 1", len(evs))
	}
	ev := evs[0]
	if ev.Action != audit.ActionRelayed || ev.AuthUser != testUser || ev.UpstreamCode != 250 || ev.Size != int64(len(msg)) ||
		ev.TLSVersion != "TLS 1.3" || strings.Join(ev.RcptDomain, ",") != "tphcm.gov.vn,gmail.com" {
		t.Errorf("audit event = %+v", ev)
	}
	auths := e.audit.Auths()
	if len(auths) != 1 || auths[0].Result != "ok" || auths[0].User != testUser || auths[0].WeakPassword {
		t.Errorf("auth events = %+v", auths)
	}
}

func TestWrongPasswordGetsUpstreamReply(t *testing.T) {
	e := newEnv(t, envOpts{})
	c := dialStartTLS(t, e.addrs.Submission)
	err := c.Auth(sasl.NewPlainClient("", testUser, "wrong"))
	var se *smtp.SMTPError
	if !errors.As(err, &se) || se.Code != 535 || !strings.Contains(se.Message, "(sink)") {
		t.Fatalf("auth err = %v, want the upstream's 535", err)
	}
	auths := e.audit.Auths()
	if len(auths) != 1 || auths[0].Result != "failed" || !auths[0].WeakPassword {
		t.Errorf("auth events = %+v", auths)
	}
	for _, a := range auths {
		if strings.Contains(fmt.Sprintf("%+v", a), "wrong") {
			t.Errorf("password leaked into the auth event")
		}
	}
}

func TestLoginMechanism(t *testing.T) {
	e := newEnv(t, envOpts{})
	c := dialStartTLS(t, e.addrs.Submission)
	if err := c.Auth(sasl.NewLoginClient(testUser, testPass)); err != nil {
		t.Fatalf("LOGIN: %v", err)
	}
	if _, err := send(c, testUser, []string{"b@tphcm.gov.vn"}, message("login", 100)); err != nil {
		t.Fatal(err)
	}
}

func TestAuthLockout(t *testing.T) {
	e := newEnv(t, envOpts{yaml: "limits:\n  auth_failures_per_user: 3\n"})
	for i := 0; i < 3; i++ {
		c := dialStartTLS(t, e.addrs.Submission)
		if err := c.Auth(sasl.NewPlainClient("", testUser, "bad")); code(err) != 535 {
			t.Fatalf("attempt %d: %v", i, err)
		}
	}
	// Locked now: even the right password gets a temporary refusal, and
	// the upstream is not asked.
	c := dialStartTLS(t, e.addrs.Submission)
	if err := c.Auth(sasl.NewPlainClient("", testUser, testPass)); code(err) != 454 {
		t.Fatalf("locked login: %v, want 454", err)
	}
}

func TestUnroutedDomainRefused(t *testing.T) {
	e := newEnv(t, envOpts{})
	c := dialStartTLS(t, e.addrs.Submission)
	err := c.Auth(sasl.NewPlainClient("", "someone@gmail.com", "x"))
	if code(err) != 535 || !strings.Contains(err.Error(), "gmail.com") {
		t.Fatalf("err = %v", err)
	}
}

func TestOpenRelayProbeRefused(t *testing.T) {
	// No trusted network covers loopback here.
	e := newEnv(t, envOpts{yaml: "trusted_networks: [192.0.2.0/24]\n"})
	c := dialStartTLS(t, e.addrs.Submission)
	err := c.Mail("spammer@example.com", nil)
	if code(err) != 530 {
		t.Fatalf("MAIL without AUTH: %v, want 530", err)
	}
	// The plain listener does not even greet an untrusted client.
	_, _, line := rawDial(t, e.addrs.Plain)
	if !strings.HasPrefix(line, "554 5.7.1") {
		t.Fatalf("plain listener greeting to untrusted client: %q", line)
	}
	if e.sink.Accepted() != 0 {
		t.Fatal("upstream got mail")
	}
}

func TestNoAuthBeforeTLS(t *testing.T) {
	// allow_insecure_auth is off: the submission port only offers AUTH after STARTTLS.
	e := newEnv(t, envOpts{yaml: "allow_insecure_auth: false\n"})
	c := dialPlain(t, e.addrs.Submission)
	if err := c.Hello("client.test"); err != nil {
		t.Fatal(err)
	}
	if ok, _ := c.Extension("AUTH"); ok {
		t.Fatal("AUTH offered before STARTTLS")
	}
	if ok, _ := c.Extension("STARTTLS"); !ok {
		t.Fatal("STARTTLS not offered")
	}
}

func TestUpstreamDownTempfails(t *testing.T) {
	e := newEnv(t, envOpts{noSink: true})
	c := dialPlain(t, e.addrs.Plain)
	err := c.Mail("a@tphcm.gov.vn", nil)
	if code(err) != 451 {
		t.Fatalf("MAIL with upstream down: %v, want 451", err)
	}
	c2 := dialStartTLS(t, e.addrs.Submission)
	if err := c2.Auth(sasl.NewPlainClient("", testUser, testPass)); code(err) != 454 {
		t.Fatalf("AUTH with upstream down: %v, want 454", err)
	}
}

func TestUpstreamReplyCodesPassThrough(t *testing.T) {
	e := newEnv(t, envOpts{})
	c := dialPlain(t, e.addrs.Plain)
	if err := c.Mail("a@tphcm.gov.vn", nil); code(err) != 502 || !strings.Contains(err.Error(), "Please authenticate first") {
		// The sink requires AUTH; an unauthenticated trusted session gets the
		// upstream's own refusal (go-smtp's 502 5.7.0).
		t.Fatalf("MAIL: %v, want the upstream's 502", err)
	}
	c2 := dialStartTLS(t, e.addrs.Submission)
	if err := c2.Auth(sasl.NewPlainClient("", testUser, testPass)); err != nil {
		t.Fatal(err)
	}
	if err := c2.Mail(testUser, nil); err != nil {
		t.Fatal(err)
	}
	err := c2.Rcpt("reject.me@tphcm.gov.vn", nil)
	var se *smtp.SMTPError
	if !errors.As(err, &se) || se.Code != 550 || se.EnhancedCode != (smtp.EnhancedCode{5, 1, 1}) || !strings.Contains(se.Message, "(sink)") {
		t.Fatalf("RCPT: %v, want the upstream's 550 5.1.1", err)
	}
	if err := c2.Rcpt("defer.me@tphcm.gov.vn", nil); code(err) != 451 {
		t.Fatalf("RCPT: %v, want 451", err)
	}
	if err := c2.Rcpt("ok@tphcm.gov.vn", nil); err != nil {
		t.Fatal(err)
	}
}

// noAuthEnv is a relay whose sink takes mail without AUTH, for the trusted
// plain listener.
func noAuthEnv(t testing.TB, o envOpts) *env {
	t.Helper()
	s, err := startOpenSink(t)
	if err != nil {
		t.Fatal(err)
	}
	return newEnvWithUpstream(t, o, s)
}

func TestPolicyRejectAbortsUpstream(t *testing.T) {
	reject := &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: "Tài liệu mật không được gửi qua thư điện tử / Secret documents must not be emailed"}
	inspect := func(ctx context.Context, msg io.Reader, info MessageInfo, ev *audit.Event) Decision {
		b, _ := io.ReadAll(msg)
		if bytes.Contains(b, []byte("TUYỆT MẬT")) {
			ev.Secrecy, ev.Flags = "tuyet_mat", []string{"secret_document"}
			return Decision{Reject: reject}
		}
		return Decision{}
	}
	e := noAuthEnv(t, envOpts{inspect: inspect})
	c := dialPlain(t, e.addrs.Plain)
	secret := append(message("secret", 3000), []byte("TUYỆT MẬT\r\n")...)
	_, err := send(c, "a@tphcm.gov.vn", []string{"b@tphcm.gov.vn"}, secret)
	var se *smtp.SMTPError
	if !errors.As(err, &se) || se.Code != 550 || !strings.Contains(se.Message, "Tài liệu mật") {
		t.Fatalf("secret message: %v", err)
	}
	if e.sink.Dots() != 0 {
		t.Fatal("upstream saw a final dot for a rejected message")
	}
	// The session goes on: the next, harmless message is relayed.
	if _, err := send(c, "a@tphcm.gov.vn", []string{"b@tphcm.gov.vn"}, message("ok", 300)); err != nil {
		t.Fatalf("next message: %v", err)
	}
	evs := e.audit.Events()
	if len(evs) != 2 || evs[0].Action != audit.ActionRejected || evs[0].Flags[0] != "secret_document" || evs[1].Action != audit.ActionRelayed {
		t.Fatalf("events: %+v", evs)
	}
}

func TestAuditFullDefersBeforeDot(t *testing.T) {
	e := noAuthEnv(t, envOpts{})
	e.audit.admit = errors.New("spool full")
	c := dialPlain(t, e.addrs.Plain)
	_, err := send(c, "a@tphcm.gov.vn", []string{"b@tphcm.gov.vn"}, message("full", 300))
	if code(err) != 452 {
		t.Fatalf("err = %v, want 452", err)
	}
	if e.sink.Dots() != 0 {
		t.Fatal("message left without an audit record")
	}
}

func TestHoldMessageAddsHeaders(t *testing.T) {
	inspect := func(ctx context.Context, msg io.Reader, info MessageInfo, ev *audit.Event) Decision {
		io.Copy(io.Discard, msg)
		ev.Type = "giay_moi"
		return Decision{Tag: "bypass_personal_sender"}
	}
	e := noAuthEnv(t, envOpts{inspect: inspect, hold: true, yaml: "verdict_header: true\n"})
	c := dialPlain(t, e.addrs.Plain)
	msg := message("hold", 2000)
	if _, err := send(c, "a@tphcm.gov.vn", []string{"b@tphcm.gov.vn"}, msg); err != nil {
		t.Fatal(err)
	}
	got := e.sink.Messages()[0].Data
	if !bytes.HasPrefix(got, []byte("X-Mailaudit-Verdict: type=giay_moi;")) || !bytes.Contains(got, []byte("X-Mailaudit-Flags: bypass_personal_sender\r\n")) || !bytes.HasSuffix(got, msg) {
		t.Fatalf("upstream got %q...", got[:200])
	}
}

func TestLimits(t *testing.T) {
	e := noAuthEnv(t, envOpts{yaml: "limits:\n  max_recipients: 2\n  max_message_bytes: 10000\n  max_connections_per_ip: 3\n"})
	c := dialPlain(t, e.addrs.Plain)
	if err := c.Hello("client.test"); err != nil {
		t.Fatal(err)
	}
	if ok, v := c.Extension("SIZE"); !ok || v != "10000" {
		t.Errorf("SIZE = %q", v)
	}
	if err := c.Mail("a@tphcm.gov.vn", nil); err != nil {
		t.Fatal(err)
	}
	c.Rcpt("b@tphcm.gov.vn", nil)
	c.Rcpt("c@tphcm.gov.vn", nil)
	if err := c.Rcpt("d@tphcm.gov.vn", nil); code(err) != 452 {
		t.Errorf("third RCPT: %v, want 452", err)
	}
	c.Reset()
	if _, err := send(c, "a@tphcm.gov.vn", []string{"b@tphcm.gov.vn"}, message("big", 20000)); code(err) != 552 {
		t.Errorf("oversize: %v, want 552", err)
	}
	if e.sink.Dots() != 0 {
		t.Error("oversize message reached the upstream's final dot")
	}
	// Connections per IP: c is one; two more fit, the fourth is refused.
	for i := 0; i < 2; i++ {
		dialPlain(t, e.addrs.Plain)
	}
	_, _, line := rawDial(t, e.addrs.Plain)
	if !strings.HasPrefix(line, "421 4.7.0") {
		t.Errorf("over the per-IP limit: %q", line)
	}
}

func TestLongLineRefused(t *testing.T) {
	e := noAuthEnv(t, envOpts{})
	conn, br, _ := rawDial(t, e.addrs.Plain)
	fmt.Fprintf(conn, "EHLO %s\r\n", strings.Repeat("x", 5000))
	line, _ := br.ReadString('\n')
	if !strings.HasPrefix(line, "500 5.4.0") {
		t.Fatalf("reply to a 5000-byte line: %q", line)
	}
}

func TestBDATClientDataUpstream(t *testing.T) {
	e := noAuthEnv(t, envOpts{})
	conn, br, _ := rawDial(t, e.addrs.Plain)
	readReply := func() string {
		var last string
		for {
			l, err := br.ReadString('\n')
			if err != nil {
				t.Fatalf("read: %v", err)
			}
			last = l
			if len(l) > 3 && l[3] == ' ' {
				return last
			}
		}
	}
	msg := message("bdat", 7000)
	half := len(msg) / 2
	fmt.Fprintf(conn, "EHLO c\r\n")
	if r := readReply(); !strings.HasPrefix(r, "250 ") {
		t.Fatal(r)
	}
	fmt.Fprintf(conn, "MAIL FROM:<a@tphcm.gov.vn>\r\nRCPT TO:<b@tphcm.gov.vn>\r\n")
	readReply()
	readReply()
	fmt.Fprintf(conn, "BDAT %d\r\n%s", half, msg[:half])
	if r := readReply(); !strings.HasPrefix(r, "250") {
		t.Fatal(r)
	}
	fmt.Fprintf(conn, "BDAT %d LAST\r\n%s", len(msg)-half, msg[half:])
	if r := readReply(); !strings.Contains(r, "queued as SINK") {
		t.Fatalf("BDAT LAST reply: %q", r)
	}
	got := e.sink.Messages()
	if len(got) != 1 || got[0].Hash != hash(msg) {
		t.Fatal("upstream did not get the identical bytes")
	}
}

func TestLargeMessageBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("30 MB transfer skipped in -short mode")
	}
	s, err := startOpenSinkOpts(t, false)
	if err != nil {
		t.Fatal(err)
	}
	e := newEnvWithUpstream(t, envOpts{yaml: "limits:\n  max_message_bytes: 64MiB\n  memory_buffer: 1MiB\n"}, s)
	c := dialPlain(t, e.addrs.Plain)
	if err := c.Mail("a@tphcm.gov.vn", nil); err != nil {
		t.Fatal(err)
	}
	c.Rcpt("b@tphcm.gov.vn", nil)
	w, err := c.Data()
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	var peak atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var m runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
				runtime.ReadMemStats(&m)
				if m.HeapInuse > peak.Load() {
					peak.Store(m.HeapInuse)
				}
			}
		}
	}()
	h := sha256.New()
	fmt.Fprintf(io.MultiWriter(w, h), "From: a@tphcm.gov.vn\r\nSubject: big\r\n\r\n")
	line := bytes.Repeat([]byte("0123456789"), 7)
	line = append(line, '\r', '\n')
	const total = 30 << 20
	for n := 0; n < total; n += len(line) {
		w.Write(line)
		h.Write(line)
	}
	if _, err := w.CloseWithResponse(); err != nil {
		t.Fatal(err)
	}
	close(stop)
	wg.Wait()
	growth := int64(peak.Load()) - int64(base.HeapInuse)
	t.Logf("30 MB message: heap grew by at most %.1f MB", float64(growth)/(1<<20))
	// The client, relay and sink share this process; a copy of the message
	// anywhere in memory would show as 30 MB or more.
	if growth > 16<<20 {
		t.Errorf("heap grew by %d bytes while relaying 30 MB", growth)
	}
	if got := s.Messages(); len(got) != 0 || s.Accepted() != 1 {
		t.Fatalf("accepted = %d", s.Accepted())
	}
	if s.LastHash() != hex.EncodeToString(h.Sum(nil)) {
		t.Fatal("upstream got different bytes")
	}
}

func TestShutdownDrainsInFlight(t *testing.T) {
	e := noAuthEnv(t, envOpts{})
	release := e.sink.Hold()
	defer release()
	c := dialPlain(t, e.addrs.Plain)
	idle := dialPlain(t, e.addrs.Plain)
	if err := idle.Hello("idle.test"); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := send(c, "a@tphcm.gov.vn", []string{"b@tphcm.gov.vn"}, message("drain", 1000))
		done <- err
	}()
	// Wait until the message sits at the upstream's final dot.
	for e.sink.Dots() == 0 {
		time.Sleep(5 * time.Millisecond)
	}
	shut := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		shut <- e.relay.Shutdown(ctx)
	}()
	// New connections are refused once shutdown started.
	for {
		conn, err := net.Dial("tcp", e.addrs.Plain.String())
		if err != nil {
			break
		}
		conn.Close()
		time.Sleep(5 * time.Millisecond)
	}
	// The idle session is told goodbye.
	closed := false
	for i := 0; i < 200 && !closed; i++ {
		closed = idle.Noop() != nil
		time.Sleep(10 * time.Millisecond)
	}
	if !closed {
		t.Error("idle session still open during shutdown")
	}
	release()
	if err := <-done; err != nil {
		t.Fatalf("in-flight message: %v", err)
	}
	if err := <-shut; err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	if e.sink.Accepted() != 1 {
		t.Fatal("in-flight message lost")
	}
}

// External clients: the ones staff machines and scripts really use.

func TestRealClients(t *testing.T) {
	e := newEnv(t, envOpts{})
	dir := t.TempDir()
	sub := e.addrs.Submission.String()
	host, port, _ := net.SplitHostPort(sub)
	clients := []struct {
		name string
		tool string
		run  func(msgFile string) *exec.Cmd
	}{
		{"swaks", "swaks", func(f string) *exec.Cmd {
			return exec.Command("swaks", "--server", host, "--port", port, "--tls", "--auth", "PLAIN",
				"--auth-user", testUser, "--auth-password", testPass, "--from", testUser, "--to", "b@tphcm.gov.vn", "--data", f, "--silent", "2")
		}},
		{"curl", "curl", func(f string) *exec.Cmd {
			return exec.Command("curl", "-sS", "--ssl-reqd", "-k", "--url", "smtp://"+sub, "--user", testUser+":"+testPass,
				"--mail-from", testUser, "--mail-rcpt", "b@tphcm.gov.vn", "--upload-file", f)
		}},
		{"python3", "python3", func(f string) *exec.Cmd {
			script := fmt.Sprintf(`import smtplib, ssl
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
s = smtplib.SMTP(%q, %s); s.starttls(context=ctx); s.login(%q, %q)
s.sendmail(%q, ["b@tphcm.gov.vn"], open(%q, "rb").read()); s.quit()`, host, port, testUser, testPass, testUser, f)
			return exec.Command("python3", "-c", script)
		}},
	}
	for _, cl := range clients {
		t.Run(cl.name, func(t *testing.T) {
			if _, err := exec.LookPath(cl.tool); err != nil {
				t.Fatalf("%s is not installed: the test command installs it (scripts/deps.sh)", cl.tool)
			}
			msg := message(cl.name, 4000)
			f := filepath.Join(dir, cl.name+".eml")
			if err := os.WriteFile(f, msg, 0o600); err != nil {
				t.Fatal(err)
			}
			before := len(e.sink.Messages())
			out, err := cl.run(f).CombinedOutput()
			if err != nil {
				t.Fatalf("%s: %v\n%s", cl.name, err, out)
			}
			got := e.sink.Messages()
			if len(got) != before+1 {
				t.Fatalf("upstream has %d messages, want %d", len(got), before+1)
			}
			want := msg
			if cl.name == "swaks" {
				// swaks always ends DATA with its own CRLF before the dot.
				want = append(append([]byte(nil), msg...), '\r', '\n')
			}
			if got[len(got)-1].Hash != hash(want) {
				t.Fatalf("upstream got different bytes from %s:\n%q", cl.name, got[len(got)-1].Data[:200])
			}
		})
	}
}

func TestImplicitTLSListener(t *testing.T) {
	e := newEnv(t, envOpts{})
	c, err := smtp.DialTLS(e.addrs.Submissions.String(), &tls.Config{InsecureSkipVerify: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Auth(sasl.NewPlainClient("", testUser, testPass)); err != nil {
		t.Fatalf("AUTH on 465: %v", err)
	}
	if _, err := send(c, testUser, []string{"b@tphcm.gov.vn"}, message("465", 500)); err != nil {
		t.Fatal(err)
	}
}

func TestSlowUpstreamTempfails(t *testing.T) {
	s, err := startOpenSink(t)
	if err != nil {
		t.Fatal(err)
	}
	release := s.Hold() // the upstream never answers the final dot in time
	defer release()
	e := newEnvWithUpstream(t, envOpts{route: "    submission_timeout: 300ms\n"}, s)
	c := dialPlain(t, e.addrs.Plain)
	_, err = send(c, "a@tphcm.gov.vn", []string{"b@tphcm.gov.vn"}, message("slow", 500))
	var se *smtp.SMTPError
	if !errors.As(err, &se) || se.Code != 451 || se.EnhancedCode != (smtp.EnhancedCode{4, 4, 2}) {
		t.Fatalf("slow upstream: %v, want 451 4.4.2", err)
	}
	evs := e.audit.Events()
	if len(evs) != 1 || evs[0].Action != audit.ActionTempfailed {
		t.Fatalf("events: %+v", evs)
	}
}

func TestSizeIsTheSmallerOfOursAndUpstreams(t *testing.T) {
	s, err := sink.Start(sink.Options{Addr: "127.0.0.1:0", MaxMessageBytes: 7777})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	e := newEnvWithUpstream(t, envOpts{}, s) // ours: the default 50 MiB
	c := dialPlain(t, e.addrs.Plain)
	if err := c.Hello("client.test"); err != nil {
		t.Fatal(err)
	}
	if _, v := c.Extension("SIZE"); v != "7777" {
		t.Fatalf("SIZE = %q, want the upstream's 7777", v)
	}
}

// scriptedUpstream is a minimal SMTP server for faults a real one does not
// make: it accepts every command, and at DATA answers 354 and hands the
// connection to atData, which decides what happens to the message.
func scriptedUpstream(t *testing.T, atData func(c net.Conn, br *bufio.Reader)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				br := bufio.NewReader(c)
				fmt.Fprintf(c, "220 scripted ESMTP\r\n")
				for {
					line, err := br.ReadString('\n')
					if err != nil {
						return
					}
					switch cmd := strings.ToUpper(strings.TrimSpace(line)); {
					case strings.HasPrefix(cmd, "EHLO"):
						fmt.Fprintf(c, "250-scripted\r\n250 8BITMIME\r\n")
					case cmd == "DATA":
						fmt.Fprintf(c, "354 go ahead\r\n")
						atData(c, br)
						return
					case cmd == "QUIT":
						fmt.Fprintf(c, "221 bye\r\n")
						return
					default:
						fmt.Fprintf(c, "250 ok\r\n")
					}
				}
			}()
		}
	}()
	return ln.Addr().String()
}

// dropper is an upstream that accepts a transaction and drops the
// connection in the middle of the message.
func dropper(t *testing.T) string {
	return scriptedUpstream(t, func(_ net.Conn, br *bufio.Reader) {
		br.ReadString('\n') // one line of the message, then gone
	})
}

func TestUpstreamDroppingMidMessageTempfails(t *testing.T) {
	up := dropper(t)
	e := newEnvWithUpstream(t, envOpts{}, nil)
	// Point the default route at the dropper.
	cfg := *e.cfg
	cfg.Routes = append([]config.Route(nil), e.cfg.Routes...)
	cfg.Routes[0].Addr = up
	e.relay.Swap(&Runtime{Config: &cfg, TLSConfig: e.relay.runtime().TLSConfig})
	c := dialPlain(t, e.addrs.Plain)
	_, err := send(c, "a@tphcm.gov.vn", []string{"b@tphcm.gov.vn"}, message("drop", 200000))
	if code(err)/100 != 4 {
		t.Fatalf("upstream dropped mid-message: %v, want a 4xx", err)
	}
	evs := e.audit.Events()
	if len(evs) != 1 || evs[0].Action != audit.ActionTempfailed {
		t.Fatalf("events: %+v", evs)
	}
}

// rawDial connects without an SMTP client and returns the first line the
// server sent (the greeting, or a refusal).
func rawDial(t *testing.T, addr net.Addr) (net.Conn, *bufio.Reader, string) {
	t.Helper()
	conn, err := net.Dial("tcp", addr.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	br := bufio.NewReader(conn)
	line, _ := br.ReadString('\n')
	return conn, br, line
}

func TestStartTLSUpstream(t *testing.T) {
	cert, err := SelfSigned("sink.test")
	if err != nil {
		t.Fatal(err)
	}
	s, err := sink.Start(sink.Options{Addr: "127.0.0.1:0", Keep: true, Users: map[string]string{testUser: testPass},
		TLS: &tls.Config{Certificates: []tls.Certificate{cert}}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	e := newEnvWithUpstream(t, envOpts{route: "    insecure_skip_verify: true\n"}, s)
	// The route of the harness says tls: none; this one wants STARTTLS.
	cfg := *e.cfg
	cfg.Routes = append([]config.Route(nil), e.cfg.Routes...)
	cfg.Routes[0].TLSMode = "starttls"
	e.relay.Swap(&Runtime{Config: &cfg, TLSConfig: e.relay.runtime().TLSConfig})
	c := dialStartTLS(t, e.addrs.Submission)
	if err := c.Auth(sasl.NewPlainClient("", testUser, testPass)); err != nil {
		t.Fatalf("AUTH through a STARTTLS upstream: %v", err)
	}
	msg := message("starttls", 40000)
	if _, err := send(c, testUser, []string{"b@tphcm.gov.vn"}, msg); err != nil {
		t.Fatal(err)
	}
	if got := s.Messages(); len(got) != 1 || got[0].Hash != hash(msg) || !got[0].TLS {
		t.Fatal("upstream did not get the identical bytes over STARTTLS")
	}
}
