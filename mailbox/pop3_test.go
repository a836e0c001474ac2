package mailbox

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"mailaudit/config"
)

// curl pop3:// and python3 poplib through the proxy get the same bytes as
// straight from Dovecot; a wrong password gets Dovecot's own answer.
func TestPOP3CurlAndPoplib(t *testing.T) {
	e := startEnv(t, nil)
	msg := testMessage("Báo cáo tháng", 120<<10)
	e.dove.Deliver(t, userA, msg)
	cred := userA + ":" + passA
	direct := run(t, "curl", "-sS", "--max-time", "20", "-u", cred, "pop3://"+e.dove.POP3Addr+"/1")
	if len(direct) < len(msg) {
		t.Fatalf("direct RETR %d bytes", len(direct))
	}
	for name, args := range map[string][]string{
		"plain":    {"pop3://" + e.addrs.POP3.String() + "/1"},
		"stls":     {"--ssl-reqd", "-k", "pop3://" + e.addrs.POP3.String() + "/1"},
		"implicit": {"-k", "pop3s://" + e.addrs.POP3S.String() + "/1"},
		"sasl":     {"--login-options", "AUTH=PLAIN", "pop3://" + e.addrs.POP3.String() + "/1"},
	} {
		got := run(t, "curl", append([]string{"-sS", "--max-time", "20", "-u", cred}, args...)...)
		if !bytes.Equal(got, direct) {
			t.Errorf("%s: proxy RETR differs from direct (%d vs %d bytes)", name, len(got), len(direct))
		}
	}
	dir := t.TempDir()
	script := filepath.Join(dir, "pop.py")
	writeFile(t, script, []byte(`
import poplib, sys
host, port, user, pw = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
P = poplib.POP3(host, port, timeout=30)
try:
    P.user(user); P.pass_("wrong-password")
except poplib.error_proto as e:
    sys.stdout.buffer.write(b"REFUSED " + e.args[0] + b"\n")
P = poplib.POP3(host, port, timeout=30)
P.user(user); P.pass_(pw)
resp, lines, octets = P.retr(1)
sys.stdout.buffer.write(b"\r\n".join(lines) + b"\r\n")
P.quit()
`))
	viaDirect := run(t, "python3", script, "127.0.0.1", strings.Split(e.dove.POP3Addr, ":")[1], userA, passA)
	viaProxy := run(t, "python3", script, "127.0.0.1", portOf(e.addrs.POP3), userA, passA)
	if !bytes.Equal(viaProxy, viaDirect) {
		t.Fatalf("poplib through the proxy:\n%.300q\ndirect:\n%.300q", viaProxy, viaDirect)
	}
	if !bytes.HasPrefix(viaProxy, []byte("REFUSED -ERR [AUTH]")) {
		t.Fatalf("wrong password answer: %.100q", viaProxy)
	}
	results := map[string]int{}
	for _, a := range e.sink.authList() {
		if a.Service != "pop3" {
			t.Errorf("service %q", a.Service)
		}
		results[a.Mechanism+" "+a.Result]++
	}
	if results["USER-PASS ok"] != 1 || results["PLAIN ok"] != 4 || results["USER-PASS failed"] != 1 {
		t.Errorf("auth results %v", results)
	}
}

// STLS is offered on the plain listener and the capabilities are
// Dovecot's adjusted: USER and SASL PLAIN only where login is allowed.
func TestPOP3Capabilities(t *testing.T) {
	e := startEnv(t, func(c *config.Config) { c.AllowInsecureAuth = false })
	p := dialRaw(t, e.addrs.POP3)
	p.line()
	p.send("CAPA\r\n")
	caps := strings.Join(p.until("."), "\n")
	if !strings.Contains(caps, "STLS") || strings.Contains(caps, "USER") || strings.Contains(caps, "SASL") || !strings.Contains(caps, "UIDL") {
		t.Fatalf("plaintext CAPA: %q", caps)
	}
	p.send("USER " + userA + "\r\n")
	if l := p.line(); !strings.HasPrefix(l, "-ERR [AUTH]") {
		t.Fatalf("USER before TLS: %q", l)
	}
	p.send("QUIT\r\n")
	if l := p.line(); !strings.HasPrefix(l, "+OK") {
		t.Fatalf("QUIT: %q", l)
	}
}
