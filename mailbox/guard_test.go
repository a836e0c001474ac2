package mailbox

import (
	"context"
	"errors"
	"log/slog"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"mailaudit/audit"
	"mailaudit/config"
	"mailaudit/internal/authguard"
	"mailaudit/relay"
)

// memSink takes the relay's records too; these tests send no message.
func (m *memSink) Begin(context.Context, *audit.Event) error {
	return errors.New("no message expected in this test")
}

func (m *memSink) Record(context.Context, *audit.Event) error {
	return errors.New("no message expected in this test")
}

// startRelay starts the SMTP relay on e's config and guard, as serve does.
func startRelay(t *testing.T, e *env) relay.Addrs {
	t.Helper()
	tlsConf, err := relay.LoadTLS(e.cfg.TLS, e.cfg.Hostname)
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	r, err := relay.New(&relay.Runtime{Config: e.cfg, TLSConfig: tlsConf}, e.sink, e.guard, log, prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	addrs, err := r.Start(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		r.Shutdown(ctx)
	})
	return addrs
}

// swaksAuth tries one SMTP AUTH PLAIN with swaks over STARTTLS and returns
// its transcript (swaks exits non-zero on a refused AUTH).
func swaksAuth(t *testing.T, addr, user, pass string) string {
	t.Helper()
	if _, err := exec.LookPath("swaks"); err != nil {
		t.Fatalf("swaks is not installed (scripts/deps.sh installs it): %v", err)
	}
	out, _ := exec.Command("swaks", "--server", addr, "--tls", "--auth", "PLAIN",
		"--auth-user", user, "--auth-password", pass, "--quit-after", "AUTH", "--timeout", "20").CombinedOutput()
	return string(out)
}

// One guard for the gateway: failures over SMTP and then IMAP from one
// address add up to the address's limit, and the lock then refuses the
// address on IMAP, POP3 and SMTP alike, the right password included.
func TestSMTPAndIMAPFailuresLockBoth(t *testing.T) {
	e := startEnv(t, func(c *config.Config) {
		c.Limits.AuthFailuresIP = 3
		c.Listeners.Submission = "127.0.0.1:0"
	})
	smtpAddr := startRelay(t, e).Submission.String()
	for i := 0; i < 2; i++ { // two failures over SMTP: a domain the gateway does not serve
		if out := swaksAuth(t, smtpAddr, "someone@example.org", "whatever1"); !strings.Contains(out, "<~* 535 5.7.8") {
			t.Fatalf("SMTP AUTH %d of an unserved login was not refused with 535:\n%s", i+1, out)
		}
	}
	p := dialRaw(t, e.addrs.IMAP)
	p.line()
	p.send("a LOGIN " + userA + " wrong\r\n") // the third failure, over IMAP
	if l := p.until("a "); !strings.HasPrefix(l[len(l)-1], "a NO [AUTHENTICATIONFAILED]") {
		t.Fatalf("wrong password: %q", l)
	}
	p.send("b LOGIN " + userA + " " + passA + "\r\n")
	if l := p.line(); !strings.HasPrefix(l, "b NO [UNAVAILABLE] Too many failed logins") {
		t.Fatalf("IMAP login after 2 SMTP and 1 IMAP failures: %q, want locked", l)
	}
	q := dialRaw(t, e.addrs.POP3)
	q.line()
	q.send("USER " + userB + "\r\nPASS " + passB + "\r\n")
	q.line()
	if l := q.line(); !strings.HasPrefix(l, "-ERR [SYS/TEMP] Too many failed logins") {
		t.Fatalf("POP3 login of another user from the locked address: %q", l)
	}
	if out := swaksAuth(t, smtpAddr, userA, passA); !strings.Contains(out, "<~* 454 4.7.0 Too many failed logins") {
		t.Fatalf("SMTP AUTH from the address locked over IMAP was not refused as locked:\n%s", out)
	}
	waitFor(t, "4 auth records", func() bool { return len(e.sink.authList()) >= 4 })
	var got []string
	for _, a := range e.sink.authList() {
		got = append(got, a.Service+":"+a.Result+":"+a.User)
	}
	// The two later refusals (POP3, SMTP) fall in the same report period as
	// the first: counted for a later row, not written one by one.
	want := "smtp:no_route:(invalid),smtp:no_route:(invalid),imap:failed:" + userA + ",imap:locked:" + userA
	if strings.Join(got, ",") != want {
		t.Fatalf("auth rows\n got %s\nwant %s", strings.Join(got, ","), want)
	}
}

// A password typed into the login name field is stored as (invalid) and
// reaches neither a log line nor the client's reply, over IMAP (python
// imaplib: LOGIN and AUTHENTICATE PLAIN) and POP3.
func TestPasswordAsLoginNameNotKept(t *testing.T) {
	e := startEnv(t, nil)
	secrets := []string{"Hunter2#Secret", "P@ssw0rd.Secret9"}
	script := filepath.Join(t.TempDir(), "login.py")
	writeFile(t, script, []byte(`
import imaplib, sys
host, port, name1, name2 = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
M = imaplib.IMAP4(host, port, timeout=30)
try:
    M.login(name1, "Demo#Pass2024")
    print("login accepted")
except imaplib.IMAP4.error as e:
    print("login refused:", e)
try:
    M.authenticate("PLAIN", lambda _: b"\0" + name2.encode() + b"\0Demo#Pass2024")
    print("authenticate accepted")
except imaplib.IMAP4.error as e:
    print("authenticate refused:", e)
M.logout()
`))
	out := string(run(t, "python3", script, "127.0.0.1", portOf(e.addrs.IMAP), secrets[0], secrets[1]))
	if !strings.Contains(out, "login refused:") || !strings.Contains(out, "authenticate refused:") {
		t.Fatalf("python imaplib:\n%s", out)
	}
	q := dialRaw(t, e.addrs.POP3)
	q.line()
	q.send("USER " + secrets[0] + "\r\nPASS x\r\n")
	q.line()
	popReply := q.line()
	if !strings.HasPrefix(popReply, "-ERR [AUTH]") {
		t.Fatalf("POP3 login named by a password: %q", popReply)
	}
	waitFor(t, "3 auth records", func() bool { return len(e.sink.authList()) == 3 })
	for _, a := range e.sink.authList() {
		if a.User != authguard.Invalid || a.Result != "no_route" {
			t.Errorf("%s row: user %q result %q, want %q no_route", a.Service, a.User, a.Result, authguard.Invalid)
		}
	}
	logs := e.logs.String()
	if !strings.Contains(logs, "listening") {
		t.Fatal("the proxy's log was not captured")
	}
	for _, s := range secrets {
		for where, text := range map[string]string{"log": logs, "IMAP reply": out, "POP3 reply": popReply} {
			if strings.Contains(text, s) || strings.Contains(strings.ToLower(text), strings.ToLower(s)) {
				t.Errorf("the password typed as login name %q is in the %s", s, where)
			}
		}
	}
}

// While an address is locked, its IMAP refusals make at most one row per
// report period, and the next row carries the count of the others. Each
// refusal counts against the session's failure limit, so a locked client
// is hung up on after auth_failures_per_session attempts.
func TestIMAPLockedRowsRateLimited(t *testing.T) {
	e := startEnv(t, nil)
	e.guard.SetLimits(authguard.Limits{PerIP: 2, PerUserIP: 100, Window: time.Hour, ReportEvery: time.Second})
	refused := 0
	for c := 0; c < 4; c++ {
		p := dialRaw(t, e.addrs.IMAP)
		p.line()
		for i := 0; i < e.cfg.Mailbox.AuthFailuresPerSession; i++ {
			tag := string(rune('a' + i))
			p.send(tag + " LOGIN " + userA + " wrong\r\n")
			l := p.until(tag + " ")
			if c == 0 && i < 2 {
				if !strings.HasPrefix(l[len(l)-1], tag+" NO [AUTHENTICATIONFAILED]") {
					t.Fatalf("failure %d: %q", i+1, l)
				}
				continue
			}
			if !strings.HasPrefix(l[len(l)-1], tag+" NO [UNAVAILABLE] Too many failed logins") {
				t.Fatalf("session %d attempt %d: %q, want locked", c+1, i+1, l)
			}
			refused++
		}
		if l := p.line(); l != "* BYE Too many failed logins" {
			t.Fatalf("session %d after %d failures: %q, want BYE", c+1, e.cfg.Mailbox.AuthFailuresPerSession, l)
		}
	}
	rows := e.sink.authList()
	if len(rows) != 3 || rows[2].Result != "locked" || rows[2].Attempts != 1 || rows[2].Service != "imap" {
		t.Fatalf("rows for 2 failures and %d refusals within a second: %+v; want 2 failed + 1 locked", refused, rows)
	}
	time.Sleep(1100 * time.Millisecond)
	e.proxy.reportRefusals()
	rows = e.sink.authList()
	last := rows[len(rows)-1]
	if len(rows) != 4 || last.Result != "locked" || last.Attempts != refused-1 || last.Service != "imap" ||
		last.User != userA || last.ClientIP != "127.0.0.1" {
		t.Fatalf("after the period: %d rows, last %+v; want one row carrying %d refusals", len(rows), last, refused-1)
	}
}
