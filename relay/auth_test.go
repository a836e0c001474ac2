package relay

import (
	"bytes"
	"crypto/tls"
	"errors"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"mailaudit/internal/authguard"
)

// dialFrom opens a STARTTLS session from a given loopback address.
func dialFrom(t *testing.T, local string, addr net.Addr) *smtp.Client {
	t.Helper()
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}}
	conn, err := d.Dial("tcp", addr.String())
	if err != nil {
		t.Fatal(err)
	}
	c, err := smtp.NewClientStartTLS(conn, &tls.Config{InsecureSkipVerify: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// Ten failed AUTH in one session, no_route ones included: the tenth gets
// 421 4.7.0 and the connection closes.
func TestAuthFloodClosesSession(t *testing.T) {
	e := newEnv(t, envOpts{yaml: "limits:\n  auth_failures_per_ip: 1000\n  auth_failures_per_user: 1000\n"})
	conn, err := tls.Dial("tcp", e.addrs.Submissions.String(), &tls.Config{InsecureSkipVerify: true})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	s := rawSMTP(t, conn)
	s.send("EHLO c\r\n")
	s.expect("250")
	for i := 1; i <= 10; i++ {
		user := testUser
		if i%2 == 0 {
			user = "someone@gmail.com" // no_route
		}
		s.send("AUTH PLAIN %s\r\n", plainIR(user, "wrong-"+user))
		r := s.reply()
		want := "535"
		if i == 10 {
			want = "421 4.7.0"
		}
		if !strings.HasPrefix(r, want) {
			t.Fatalf("attempt %d: %q, want %s", i, r, want)
		}
	}
	s.send("AUTH PLAIN %s\r\n", plainIR(testUser, testPass))
	if r := s.reply(); r != "" {
		t.Fatalf("after the 421 the relay answered %q", r)
	}
	auths := e.audit.Auths()
	results := map[string]int{}
	for _, a := range auths {
		results[a.Result]++
	}
	if len(auths) != 10 || results["failed"] != 5 || results["no_route"] != 5 {
		t.Fatalf("auth rows: %v", results)
	}
}

// Lockout per address: once an address is locked, its refusals are not
// each a row: one row when the lock starts refusing, then one per period
// carrying the count.
func TestAuthAddressLockRateLimitsRows(t *testing.T) {
	e := newEnv(t, envOpts{yaml: "limits:\n  auth_failures_per_ip: 3\n  auth_failures_per_user: 1000\n"})
	e.relay.guard.SetLimits(authguard.Limits{PerSession: 10, PerIP: 3, PerUserIP: 1000, Window: time.Hour, ReportEvery: 500 * time.Millisecond})
	for _, u := range []string{"a@tphcm.gov.vn", "b@tphcm.gov.vn", "someone@gmail.com"} {
		c := dialStartTLS(t, e.addrs.Submission)
		if err := c.Auth(sasl.NewPlainClient("", u, "bad")); code(err) != 535 {
			t.Fatalf("%s: %v", u, err)
		}
	}
	// 40 attempts, the right password among them, in sessions of 5.
	refused := 0
	for i := 0; i < 8; i++ {
		conn, err := tls.Dial("tcp", e.addrs.Submissions.String(), &tls.Config{InsecureSkipVerify: true})
		if err != nil {
			t.Fatal(err)
		}
		s := rawSMTP(t, conn)
		s.send("EHLO c\r\n")
		s.expect("250")
		for j := 0; j < 5; j++ {
			s.send("AUTH PLAIN %s\r\n", plainIR(testUser, testPass))
			s.expect("454 4.7.0")
			refused++
		}
		conn.Close()
	}
	rows := e.audit.Auths()
	locked := 0
	for _, a := range rows {
		if a.Service != "smtp" {
			t.Errorf("row %s/%s has service %q, want smtp", a.Result, a.User, a.Service)
		}
		if a.Result == "locked" {
			locked++
			if a.Attempts != 1 {
				t.Errorf("first locked row carries %d attempts, want 1", a.Attempts)
			}
		}
	}
	if len(rows) != 4 || locked != 1 {
		t.Fatalf("%d rows (%d locked) for 3 failures and %d refusals; want 3 + 1", len(rows), locked, refused)
	}
	time.Sleep(600 * time.Millisecond)
	e.relay.reportRefusals()
	rows = e.audit.Auths()
	last := rows[len(rows)-1]
	if len(rows) != 5 || last.Result != "locked" || last.Attempts != refused-1 || last.ClientIP != "127.0.0.1" || last.User != testUser || last.Service != "smtp" {
		t.Fatalf("report after the period: %d rows, last %+v; want one row carrying %d refusals", len(rows), last, refused-1)
	}
}

// A login is locked out only at the address its failures came from: typing
// wrong passwords for a colleague elsewhere cannot lock them out.
func TestAuthPairLockLeavesOtherAddresses(t *testing.T) {
	e := newEnv(t, envOpts{yaml: "limits:\n  auth_failures_per_user: 3\n  auth_failures_per_ip: 1000\n"})
	for i := 0; i < 3; i++ {
		c := dialFrom(t, "127.0.0.2", e.addrs.Submission)
		if err := c.Auth(sasl.NewPlainClient("", testUser, "bad")); code(err) != 535 {
			t.Fatalf("attempt %d: %v", i, err)
		}
	}
	c := dialFrom(t, "127.0.0.2", e.addrs.Submission)
	if err := c.Auth(sasl.NewPlainClient("", testUser, testPass)); code(err) != 454 {
		t.Fatalf("the guessing address: %v, want 454", err)
	}
	c = dialFrom(t, "127.0.0.3", e.addrs.Submission)
	if err := c.Auth(sasl.NewPlainClient("", testUser, testPass)); err != nil {
		t.Fatalf("the owner at another address was locked out: %v", err)
	}
}

// A password typed into the name field reaches neither the audit row nor
// the log.
func TestAuthUserNameSanitised(t *testing.T) {
	var logBuf syncBuffer
	e := newEnv(t, envOpts{logTo: &logBuf})
	for _, mech := range []sasl.Client{
		sasl.NewPlainClient("", "secr3t#pass9", "secr3t#pass9"),
		sasl.NewLoginClient("secr3t#pass9", "x"),
		sasl.NewPlainClient("", "secr3t#pass9@gmail.com", "x"),
	} {
		c := dialStartTLS(t, e.addrs.Submission)
		var se *smtp.SMTPError
		if err := c.Auth(mech); !errors.As(err, &se) || se.Code != 535 {
			t.Fatalf("auth: %v", err)
		}
	}
	c := dialStartTLS(t, e.addrs.Submission)
	if err := c.Auth(sasl.NewPlainClient("", strings.ToUpper(testUser), "wrong")); code(err) != 535 {
		t.Fatal(err)
	}
	auths := e.audit.Auths()
	if len(auths) != 4 {
		t.Fatalf("%d auth rows", len(auths))
	}
	for _, a := range auths[:3] {
		if a.User != authguard.Invalid || a.Result != "no_route" {
			t.Errorf("row for a password-like name: user %q result %q", a.User, a.Result)
		}
	}
	if auths[3].User != testUser {
		t.Errorf("a served address is kept (lower case): %q", auths[3].User)
	}
	if strings.Contains(logBuf.String(), "secr3t") {
		t.Errorf("the log holds the typed name: %s", logBuf.String())
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// A reload keeps the gateway's guard (the mailbox proxy holds it too) and
// applies the new limits to it.
func TestSwapUpdatesGuardLimits(t *testing.T) {
	e := newEnv(t, envOpts{})
	guard := e.relay.guard
	cfg := *e.cfg
	cfg.Limits.AuthFailuresIP = 1
	e.relay.Swap(&Runtime{Config: &cfg, TLSConfig: e.relay.runtime().TLSConfig})
	if e.relay.guard != guard {
		t.Fatal("Swap replaced the shared guard")
	}
	c := dialStartTLS(t, e.addrs.Submission)
	if err := c.Auth(sasl.NewPlainClient("", testUser, "wrong")); code(err) != 535 {
		t.Fatalf("wrong password: %v", err)
	}
	c = dialStartTLS(t, e.addrs.Submission)
	if err := c.Auth(sasl.NewPlainClient("", testUser, testPass)); code(err) != 454 {
		t.Fatalf("after 1 failure with auth_failures_per_ip reloaded to 1: %v, want 454 locked", err)
	}
}
