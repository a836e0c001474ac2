package mailbox

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"mailaudit/config"
	"mailaudit/internal/dovetest"
)

func testMessage(subject string, size int) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: %s\r\nTo: %s\r\nSubject: %s\r\nMessage-ID: <%d@test>\r\n\r\n", userB, userA, subject, time.Now().UnixNano())
	line := "Kính gửi các phòng: nội dung thử nghiệm 0123456789 abcdefghij\r\n"
	for b.Len() < size {
		b.WriteString(line)
	}
	return b.Bytes()
}

// curl imap:// through the proxy (plain from loopback, STARTTLS, implicit
// TLS) fetches the same bytes as straight from Dovecot.
func TestIMAPCurlFetchIsByteIdentical(t *testing.T) {
	e := startEnv(t, nil)
	msg := testMessage("Giấy mời họp", 300<<10)
	e.dove.Deliver(t, userA, msg)
	cred := userA + ":" + passA
	direct := run(t, "curl", "-sS", "--max-time", "20", "-u", cred, "imap://"+e.dove.IMAPAddr+"/INBOX;UID=1")
	if !bytes.Equal(direct, msg) {
		t.Fatalf("direct fetch differs from the delivered message (%d vs %d bytes)", len(direct), len(msg))
	}
	for name, args := range map[string][]string{
		"plain":    {"imap://" + e.addrs.IMAP.String() + "/INBOX;UID=1"},
		"starttls": {"--ssl-reqd", "-k", "imap://" + e.addrs.IMAP.String() + "/INBOX;UID=1"},
		"implicit": {"-k", "imaps://" + e.addrs.IMAPS.String() + "/INBOX;UID=1"},
	} {
		got := run(t, "curl", append([]string{"-sS", "--max-time", "20", "-u", cred}, args...)...)
		if !bytes.Equal(got, direct) {
			t.Errorf("%s: proxy fetch differs from direct (%d vs %d bytes)", name, len(got), len(direct))
		}
	}
	waitFor(t, "3 session records", func() bool { return len(e.sink.sessionList()) == 3 })
	for _, s := range e.sink.sessionList() {
		if s.Service != "imap" || s.User != userA || s.BytesOut < int64(len(msg)) || s.BytesIn == 0 || s.Route != "city" {
			t.Errorf("session record %+v", s)
		}
	}
	tlsSeen := map[string]bool{}
	for _, s := range e.sink.sessionList() {
		tlsSeen[s.TLSVersion] = true
	}
	if !tlsSeen[""] || !tlsSeen["TLS 1.3"] {
		t.Errorf("TLS versions recorded: %v", tlsSeen)
	}
	for _, a := range e.sink.authList() {
		if a.Service != "imap" || a.Result != "ok" || a.WeakPassword {
			t.Errorf("auth record %+v", a)
		}
	}
}

// A wrong password gets Dovecot's own refusal, word for word, and an
// auth_events record with result failed; the session is closed after the
// configured number of failures.
func TestIMAPWrongPasswordGetsServerAnswer(t *testing.T) {
	e := startEnv(t, nil)
	d := dialRaw(t, mustTCP(e.dove.IMAPAddr))
	d.line()
	d.send("a1 LOGIN " + userA + " wrong\r\n")
	want := d.until("a1 ")
	p := dialRaw(t, e.addrs.IMAP)
	if g := p.line(); !strings.HasPrefix(g, "* OK [CAPABILITY IMAP4rev1") || !strings.Contains(g, "AUTH=PLAIN") {
		t.Fatalf("greeting %q", g)
	}
	p.send("a1 LOGIN " + userA + " wrong\r\n")
	got := p.until("a1 ")
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("proxy answer %q, Dovecot's %q", got, want)
	}
	p.send("a2 LOGIN " + userA + " wrong2\r\n")
	p.until("a2 ")
	p.send("a3 AUTHENTICATE PLAIN " + encodePlain(userA, "wrong3") + "\r\n")
	p.until("a3 NO")
	if l := p.line(); !strings.HasPrefix(l, "* BYE") {
		t.Fatalf("after 3 failures: %q", l)
	}
	waitFor(t, "3 auth records", func() bool { return len(e.sink.authList()) == 3 })
	for _, a := range e.sink.authList() {
		if a.Service != "imap" || a.Result != "failed" || a.User != userA || !a.WeakPassword {
			t.Errorf("auth record %+v", a)
		}
	}
}

// LOGIN with literals (synchronizing and LITERAL+), AUTHENTICATE LOGIN
// with the continuation dance, and commands pipelined behind the login all
// work; the proxy's capabilities are Dovecot's adjusted.
func TestIMAPLiteralsAuthenticateAndPipelining(t *testing.T) {
	e := startEnv(t, nil)
	p := dialRaw(t, e.addrs.IMAP)
	p.line()
	p.send("c CAPABILITY\r\n")
	caps := p.until("c OK")
	if !strings.Contains(caps[0], "STARTTLS") || !strings.Contains(caps[0], "IDLE") || strings.Contains(caps[0], "LOGINDISABLED") {
		t.Fatalf("capabilities %q", caps)
	}
	p.send(fmt.Sprintf("a LOGIN {%d}\r\n", len(userA)))
	if l := p.line(); !strings.HasPrefix(l, "+ ") {
		t.Fatalf("no continuation for a synchronizing literal: %q", l)
	}
	p.send(fmt.Sprintf("%s {%d+}\r\n%s\r\nb SELECT INBOX\r\n", userA, len(passA), passA))
	if l := p.until("a "); !strings.HasPrefix(l[len(l)-1], "a OK [CAPABILITY") {
		t.Fatalf("login: %q", l)
	}
	if l := p.until("b "); !strings.HasPrefix(l[len(l)-1], "b OK [READ-WRITE]") {
		t.Fatalf("pipelined SELECT: %q", l)
	}

	q := dialRaw(t, e.addrs.IMAP)
	q.line()
	q.send("x AUTHENTICATE LOGIN\r\n")
	if l := q.line(); l != "+ VXNlcm5hbWU6" {
		t.Fatalf("username prompt %q", l)
	}
	q.send(b64(userB) + "\r\n")
	if l := q.line(); l != "+ UGFzc3dvcmQ6" {
		t.Fatalf("password prompt %q", l)
	}
	q.send(b64(passB) + "\r\n")
	if l := q.until("x "); !strings.HasPrefix(l[len(l)-1], "x OK") {
		t.Fatalf("AUTHENTICATE LOGIN: %q", l)
	}
	q.send("y LOGOUT\r\n")
	q.until("y OK")
	waitFor(t, "2 session records", func() bool { return len(e.sink.sessionList()) >= 1 })
}

// Without allow_insecure_auth a plaintext connection shows LOGINDISABLED
// and no mechanisms, refuses LOGIN with PRIVACYREQUIRED, and logs in after
// STARTTLS.
func TestIMAPTLSRequiredBeforeLogin(t *testing.T) {
	e := startEnv(t, func(c *config.Config) { c.AllowInsecureAuth = false })
	p := dialRaw(t, e.addrs.IMAP)
	g := p.line()
	if !strings.Contains(g, "LOGINDISABLED") || strings.Contains(g, "AUTH=") || !strings.Contains(g, "STARTTLS") {
		t.Fatalf("greeting %q", g)
	}
	p.send("a LOGIN " + userA + " " + passA + "\r\n")
	if l := p.line(); !strings.HasPrefix(l, "a NO [PRIVACYREQUIRED]") {
		t.Fatalf("plaintext LOGIN: %q", l)
	}
	got := run(t, "curl", "-sS", "--max-time", "20", "--ssl-reqd", "-k", "-u", userA+":"+passA, "imap://"+e.addrs.IMAP.String()+"/INBOX?ALL")
	if !strings.HasPrefix(string(got), "* SEARCH") {
		t.Fatalf("curl over STARTTLS: %q", got)
	}
	waitFor(t, "auth records", func() bool { return len(e.sink.authList()) == 2 })
	if r := e.sink.authList()[0].Result; r != "no_tls" {
		t.Errorf("plaintext login recorded as %q", r)
	}
}

// python3 imaplib logs in through the proxy, SELECTs and IDLEs; a message
// delivered while it idles is announced; then imaplib fetches it and the
// bytes are the delivered ones.
func TestIMAPPythonIdle(t *testing.T) {
	e := startEnv(t, nil)
	dir := t.TempDir()
	script := filepath.Join(dir, "idle.py")
	writeFile(t, script, []byte(`
import imaplib, sys, socket
host, port, user, pw, out = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
M = imaplib.IMAP4(host, port, timeout=30)
M.login(user, pw)
M.select("INBOX")
tag = M._new_tag()
M.send(tag + b" IDLE\r\n")
line = M.readline()
assert line.startswith(b"+"), line
print("idling", flush=True)
while True:
    line = M.readline()
    if b"EXISTS" in line:
        break
M.send(b"DONE\r\n")
while not M.readline().startswith(tag):
    pass
typ, data = M.uid("FETCH", "1", "(BODY.PEEK[])")
open(out, "wb").write(data[0][1])
M.logout()
print("done", flush=True)
`))
	out := filepath.Join(dir, "fetched.eml")
	cmd := exec.Command("python3", script, "127.0.0.1", portOf(e.addrs.IMAP), userA, passA, out)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(stdout)
	if l, err := br.ReadString('\n'); err != nil || l != "idling\n" {
		t.Fatalf("python: %q %v %s", l, err, stderr.String())
	}
	time.Sleep(300 * time.Millisecond)
	msg := testMessage("arrives while idle", 20<<10)
	e.dove.Deliver(t, userA, msg)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("python: %v\n%s", err, stderr.String())
		}
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("python did not see the new message while idling\n%s", stderr.String())
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, msg) {
		t.Fatalf("fetched %d bytes, delivered %d", len(got), len(msg))
	}
}

// SIGTERM's Shutdown tells an idling IMAP client "* BYE" and records the
// session with reason shutdown.
func TestIMAPShutdownSaysBye(t *testing.T) {
	e := startEnv(t, nil)
	p := dialRaw(t, e.addrs.IMAP)
	p.line()
	p.send("a LOGIN " + userA + " " + passA + "\r\nb SELECT INBOX\r\nc IDLE\r\n")
	p.until("b OK")
	if l := p.line(); !strings.HasPrefix(l, "+ ") {
		t.Fatalf("IDLE: %q", l)
	}
	pre := dialRaw(t, e.addrs.IMAP)
	pre.line()
	// A POP3 session with a deletion pending: shutdown closes it without
	// QUIT, so the server never enters UPDATE and keeps the message.
	e.dove.Deliver(t, userB, testMessage("keep me", 1024))
	pop := dialRaw(t, e.addrs.POP3)
	pop.line()
	pop.send("USER " + userB + "\r\nPASS " + passB + "\r\nDELE 1\r\n")
	pop.line()
	if l := pop.line(); !strings.HasPrefix(l, "+OK") {
		t.Fatalf("POP3 login: %q", l)
	}
	if l := pop.line(); !strings.HasPrefix(l, "+OK") {
		t.Fatalf("DELE: %q", l)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := e.proxy.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	if l := p.line(); !strings.HasPrefix(l, "* BYE") {
		t.Fatalf("logged-in session got %q", l)
	}
	if l := pre.line(); !strings.HasPrefix(l, "* BYE") {
		t.Fatalf("session before login got %q", l)
	}
	if l, err := pop.br.ReadString('\n'); err == nil {
		t.Fatalf("POP3 session after shutdown: %q", l)
	}
	d := dialRaw(t, mustTCP(e.dove.POP3Addr))
	d.line()
	d.send("USER " + userB + "\r\nPASS " + passB + "\r\nSTAT\r\n")
	d.line()
	d.line()
	if l := d.line(); !strings.HasPrefix(l, "+OK 1 ") {
		t.Fatalf("after shutdown the mailbox has %q, want the message kept", l)
	}
	waitFor(t, "session records", func() bool { return len(e.sink.sessionList()) == 2 })
	for _, s := range e.sink.sessionList() {
		if s.Reason != "shutdown" {
			t.Errorf("%s session reason %q", s.Service, s.Reason)
		}
	}
}

func mustTCP(addr string) net.Addr {
	a, err := net.ResolveTCPAddr("tcp", addr)
	if err != nil {
		panic(err)
	}
	return a
}

func portOf(a net.Addr) string { return strconv.Itoa(a.(*net.TCPAddr).Port) }

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// The proxy reaches servers over implicit TLS and STARTTLS/STLS too.
func TestUpstreamTLSModes(t *testing.T) {
	dove := dovetest.Start(t, dovetest.Options{Users: map[string]string{userA: passA}, TLS: true})
	dove.Deliver(t, userA, testMessage("over TLS", 4096))
	for _, mode := range []string{"implicit", "starttls"} {
		t.Run(mode, func(t *testing.T) {
			e := startEnvWith(t, dove, func(c *config.Config) {
				r := &c.Routes[0]
				r.IMAP = &config.MailboxUpstream{Addr: dove.IMAPAddr, TLSMode: mode, InsecureSkipVerify: true}
				r.POP3 = &config.MailboxUpstream{Addr: dove.POP3Addr, TLSMode: mode, InsecureSkipVerify: true}
				if mode == "implicit" {
					r.IMAP.Addr, r.POP3.Addr = dove.IMAPSAddr, dove.POP3SAddr
				}
			})
			cred := userA + ":" + passA
			imap := run(t, "curl", "-sS", "--max-time", "20", "-u", cred, "imap://"+e.addrs.IMAP.String()+"/INBOX;UID=1")
			pop := run(t, "curl", "-sS", "--max-time", "20", "-u", cred, "pop3://"+e.addrs.POP3.String()+"/1")
			if !bytes.Contains(imap, []byte("over TLS")) || !bytes.Contains(pop, []byte("over TLS")) {
				t.Fatalf("imap %d bytes, pop3 %d bytes", len(imap), len(pop))
			}
		})
	}
}
