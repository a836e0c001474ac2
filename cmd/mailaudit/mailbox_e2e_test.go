package main

import (
	"bufio"
	"crypto/tls"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"mailaudit/internal/chtest"
	"mailaudit/internal/dovetest"
)

// The real binary with the mailbox proxy in front of a real Dovecot and a
// private ClickHouse: curl's IMAP and POP3 logins and an SMTP login land in
// auth_events with their service and result, logged-in sessions in
// mailbox_sessions, SIGTERM tells an idling IMAP client "* BYE", and the
// password is in no row and no log line.
func TestMailboxProxyAudited(t *testing.T) {
	const user, pass = "nguyen.van.an@tphcm.gov.vn", "Xuan#Mai2024"
	ch := chtest.Start(t)
	dove := dovetest.Start(t, dovetest.Options{Users: map[string]string{user: pass}})
	dove.Deliver(t, user, []byte("Subject: thu\r\n\r\nNoi dung\r\n"))
	up := startSink(t, map[string]string{user: pass})
	plain, sub, imapAddr, pop3Addr := freeAddr(t), freeAddr(t), freeAddr(t), freeAddr(t)
	cfg := fmt.Sprintf(`
instance: e2e
hostname: relay.e2e
listeners:
  plain: %s
  submission: %s
tls:
  self_signed: true
trusted_networks: [127.0.0.0/8]
allow_insecure_auth: true
routes:
  - name: city
    domains: [tphcm.gov.vn]
    upstream: %s
    tls: none
    imap: {upstream: %q, tls: none}
    pop3: {upstream: %q, tls: none}
default_route: city
mailbox:
  imap: %s
  pop3: %s
shutdown_grace: 10s
classify:
  rules: %s
policy:
  roster: %s
audit:
  clickhouse:
    addr: %s
    database: mailaudit
  spool:
    dir: %s
  batch:
    interval: 200ms
`, plain, sub, up.Addr(), dove.IMAPAddr, dove.POP3Addr, imapAddr, pop3Addr,
		repoFile(t, "configs/classify-rules.yaml"), repoFile(t, "configs/roster.example.csv"), ch.Addr(), t.TempDir())
	path := filepath.Join(t.TempDir(), "mailaudit.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	d := startDaemon(t, path, plain, sub)
	// The mailbox listeners open after the SMTP ones startDaemon waits for.
	for _, a := range []string{imapAddr, pop3Addr} {
		for i := 0; ; i++ {
			c, err := net.Dial("tcp", a)
			if err == nil {
				c.Close()
				break
			}
			if i > 250 {
				t.Fatalf("mailbox listener %s did not open:\n%s", a, d.stderr.String())
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	wrong, err := curlOut("-u", user+":wrong-"+pass, "imap://"+imapAddr+"/INBOX;UID=1")
	if err == nil || !strings.Contains(wrong, "Login denied") && !strings.Contains(wrong, "(67)") {
		t.Fatalf("wrong password: %v %s", err, wrong)
	}

	curl := curlOut
	if out, err := curl("-u", user+":"+pass, "imap://"+imapAddr+"/INBOX;UID=1"); err != nil || !strings.Contains(out, "Noi dung") {
		t.Fatalf("imap fetch: %v %s", err, out)
	}
	if out, err := curl("-u", user+":"+pass, "pop3://"+pop3Addr+"/1"); err != nil || !strings.Contains(out, "Noi dung") {
		t.Fatalf("pop3 retr: %v %s", err, out)
	}
	c, err := smtp.DialStartTLS(sub, &tls.Config{InsecureSkipVerify: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Auth(sasl.NewPlainClient("", user, pass)); err != nil {
		t.Fatalf("smtp auth: %v", err)
	}
	c.Quit()

	// An IDLE session that SIGTERM must say goodbye to.
	ic, err := net.Dial("tcp", imapAddr)
	if err != nil {
		t.Fatal(err)
	}
	defer ic.Close()
	ic.SetDeadline(time.Now().Add(30 * time.Second))
	br := bufio.NewReader(ic)
	br.ReadString('\n')
	fmt.Fprintf(ic, "a LOGIN %s %s\r\nb SELECT INBOX\r\nc IDLE\r\n", user, pass)
	for {
		l, err := br.ReadString('\n')
		if err != nil {
			t.Fatalf("idle: %v", err)
		}
		if strings.HasPrefix(l, "+ ") {
			break
		}
	}
	stopped := make(chan error, 1)
	go func() { stopped <- d.stop(syscall.SIGTERM) }()
	if l, err := br.ReadString('\n'); err != nil || !strings.HasPrefix(l, "* BYE") {
		t.Fatalf("after SIGTERM: %q %v", l, err)
	}
	if err := <-stopped; err != nil {
		t.Fatalf("daemon exit: %v\n%s", err, d.stderr.String())
	}

	// The daemon flushed what it could at exit; start it again to ship the rest.
	logs := d.stderr.String()
	d = startDaemon(t, path, plain, sub)
	defer d.stop(syscall.SIGTERM)
	q := "SELECT service, result FROM mailaudit.auth_events WHERE user = '" + user + "' ORDER BY ts, service, result"
	want := map[string]int{"imap failed": 1, "imap ok": 2, "pop3 ok": 1, "smtp ok": 1}
	deadline := time.Now().Add(30 * time.Second)
	var got map[string]int
	for time.Now().Before(deadline) {
		got = map[string]int{}
		for _, l := range strings.Split(strings.TrimSpace(ch.Query(t, q)), "\n") {
			if l != "" {
				got[strings.ReplaceAll(l, "\t", " ")]++
			}
		}
		if fmt.Sprint(got) == fmt.Sprint(want) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("auth_events %v, want %v", got, want)
	}
	sessions := waitCount(t, ch, "SELECT count() FROM mailaudit.mailbox_sessions WHERE user = '"+user+"' AND bytes_out > 0 AND bytes_in > 0", 3)
	if sessions != 3 {
		t.Fatalf("mailbox_sessions rows: %d", sessions)
	}
	if n := ch.QueryUint64(t, "SELECT count() FROM mailaudit.mailbox_sessions WHERE reason = 'shutdown'"); n != 1 {
		t.Errorf("shutdown sessions: %d", n)
	}
	leak := ch.QueryUint64(t, "SELECT count() FROM mailaudit.auth_events WHERE positionCaseInsensitive(concat(user, client_ip, result, mechanism), '"+pass+"') > 0")
	if leak != 0 || strings.Contains(logs+d.stderr.String(), pass) {
		t.Fatal("the password appears in a row or a log line")
	}
}

func curlOut(args ...string) (string, error) {
	out, err := exec.Command("curl", append([]string{"-sS", "--max-time", "20"}, args...)...).CombinedOutput()
	return string(out), err
}

// serve gives the relay and the mailbox proxy one AUTH guard: SMTP AUTH
// failures from an address lock it for IMAP too, the right password
// included. (ClickHouse is configured but not started: the spool keeps
// the rows, and this test is about the lock.)
func TestMailboxServeSharesOneGuard(t *testing.T) {
	const user, pass = "nguyen.van.an@tphcm.gov.vn", "Xuan#Mai2024"
	ch := chtest.New(t)
	dove := dovetest.Start(t, dovetest.Options{Users: map[string]string{user: pass}})
	up := startSink(t, map[string]string{user: pass})
	plain, sub, imapAddr := freeAddr(t), freeAddr(t), freeAddr(t)
	cfg := fmt.Sprintf(`
instance: e2e
hostname: relay.e2e
listeners:
  plain: %s
  submission: %s
tls:
  self_signed: true
trusted_networks: [127.0.0.0/8]
allow_insecure_auth: true
limits:
  auth_failures_per_ip: 2
routes:
  - name: city
    domains: [tphcm.gov.vn]
    upstream: %s
    tls: none
    imap: {upstream: %q, tls: none}
default_route: city
mailbox:
  imap: %s
audit:
  clickhouse:
    addr: %s
    database: mailaudit
  spool:
    dir: %s
`, plain, sub, up.Addr(), dove.IMAPAddr, imapAddr, ch.Addr(), t.TempDir())
	path := filepath.Join(t.TempDir(), "mailaudit.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	d := startDaemon(t, path, plain, sub)
	defer d.stop(syscall.SIGTERM)
	for i := 0; i < 2; i++ {
		c, err := smtp.DialStartTLS(sub, &tls.Config{InsecureSkipVerify: true})
		if err != nil {
			t.Fatal(err)
		}
		err = c.Auth(sasl.NewPlainClient("", user, "wrong-"+pass))
		c.Close()
		if err == nil || !strings.Contains(err.Error(), "535") {
			t.Fatalf("SMTP AUTH %d with a wrong password: %v, want 535", i+1, err)
		}
	}
	var ic net.Conn
	for i := 0; ; i++ { // the mailbox listener opens after the SMTP ones
		var err error
		if ic, err = net.Dial("tcp", imapAddr); err == nil {
			break
		}
		if i > 250 {
			t.Fatalf("IMAP listener did not open:\n%s", d.stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	defer ic.Close()
	ic.SetDeadline(time.Now().Add(20 * time.Second))
	br := bufio.NewReader(ic)
	br.ReadString('\n')
	fmt.Fprintf(ic, "a LOGIN %s %s\r\n", user, pass)
	if l, err := br.ReadString('\n'); err != nil || !strings.HasPrefix(l, "a NO [UNAVAILABLE] Too many failed logins") {
		t.Fatalf("IMAP login after 2 SMTP failures (limit 2): %q %v, want locked", l, err)
	}
}
