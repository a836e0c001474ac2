package authguard

import (
	"net/netip"
	"testing"
	"time"
)

type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time      { return c.t }
func (c *fakeClock) add(d time.Duration) { c.t = c.t.Add(d) }
func newTestGuard(l Limits) (*Guard, *fakeClock) {
	c := &fakeClock{t: time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)}
	g := New(l)
	g.clock = c.now
	return g, c
}

var (
	ipA = netip.MustParseAddr("192.0.2.10")
	ipB = netip.MustParseAddr("192.0.2.20")
)

const alice = "alice@tphcm.gov.vn"

func TestPairLockDoesNotLockOtherAddresses(t *testing.T) {
	g, _ := newTestGuard(Limits{PerIP: 20, PerUserIP: 5, Window: 15 * time.Minute, ReportEvery: time.Minute})
	for i := 0; i < 5; i++ {
		if d := g.Check(ipA, alice, "smtp"); d.Locked {
			t.Fatalf("attempt %d locked too early", i+1)
		}
		locked := g.Failed(ipA, alice)
		if locked != (i == 4) {
			t.Fatalf("failure %d: locked=%v", i+1, locked)
		}
	}
	if !g.Check(ipA, alice, "smtp").Locked {
		t.Fatal("alice from A not locked after 5 failures")
	}
	if g.Check(ipB, alice, "smtp").Locked {
		t.Fatal("alice locked out from another address by failures at A")
	}
	if g.Check(ipA, "bob@tphcm.gov.vn", "smtp").Locked {
		t.Fatal("another login from A locked by the pair limit")
	}
}

func TestIPLockAndExpiry(t *testing.T) {
	g, clk := newTestGuard(Limits{PerIP: 3, PerUserIP: 100, Window: 10 * time.Minute, ReportEvery: time.Minute})
	for _, u := range []string{"a@x", "b@x", "c@x"} {
		g.Failed(ipA, u)
	}
	if !g.Check(ipA, "d@x", "smtp").Locked {
		t.Fatal("address not locked after 3 failures with different logins")
	}
	if g.Check(ipB, "d@x", "smtp").Locked {
		t.Fatal("other address locked")
	}
	clk.add(10 * time.Minute)
	if g.Check(ipA, "d@x", "smtp").Locked {
		t.Fatal("lock outlived its window")
	}
}

func TestSuccessKeepsAddressCount(t *testing.T) {
	g, _ := newTestGuard(Limits{PerIP: 3, PerUserIP: 2, Window: time.Hour, ReportEvery: time.Minute})
	g.Failed(ipA, alice)
	g.Failed(ipA, "bob@x")
	g.Succeeded(ipA, alice)
	g.Failed(ipA, alice) // pair count restarted: 1 of 2
	if g.Check(ipA, "carol@x", "smtp").Locked == false {
		t.Fatal("a success reset the address count (3 failures happened)")
	}
}

func TestRefusalsReportedOncePerPeriod(t *testing.T) {
	g, clk := newTestGuard(Limits{PerIP: 1, Window: time.Hour, ReportEvery: time.Minute})
	g.Failed(ipA, alice)
	var reports []int
	for i := 0; i < 40; i++ { // 40 refusals over 20 s
		d := g.Check(ipA, alice, "smtp")
		if !d.Locked {
			t.Fatal("not locked")
		}
		if d.Report {
			reports = append(reports, d.Refused)
		}
		clk.add(500 * time.Millisecond)
	}
	if len(reports) != 1 || reports[0] != 1 {
		t.Fatalf("reports during the first minute = %v, want [1]", reports)
	}
	if p := g.Sweep(); len(p) != 0 {
		t.Fatalf("sweep reported %v before the period ended", p)
	}
	clk.add(41 * time.Second)
	p := g.Sweep()
	if len(p) != 1 || p[0].Refused != 39 || p[0].IP != ipA || p[0].User != alice {
		t.Fatalf("sweep = %+v, want 39 refusals of alice from A", p)
	}
	// The next refusal after a report period is reported at once.
	clk.add(time.Minute)
	if d := g.Check(ipA, "bob@x", "smtp"); !d.Report || d.Refused != 1 {
		t.Fatalf("refusal after a quiet minute: %+v", d)
	}
}

func TestSessionOver(t *testing.T) {
	g, _ := newTestGuard(Limits{PerSession: 10})
	if g.SessionOver(9) || !g.SessionOver(10) {
		t.Fatal("session limit of 10 not applied at the 10th failure")
	}
	if New(Limits{}).SessionOver(1000) {
		t.Fatal("zero limit should disable")
	}
}

func TestSweepForgets(t *testing.T) {
	g, clk := newTestGuard(Limits{PerIP: 5, PerUserIP: 5, Window: time.Minute, ReportEvery: time.Minute})
	for i := 0; i < 100; i++ {
		g.Failed(netip.AddrFrom4([4]byte{10, 0, byte(i / 256), byte(i)}), alice)
	}
	clk.add(2 * time.Minute)
	g.Sweep()
	if len(g.ips) != 0 || len(g.pairs) != 0 {
		t.Fatalf("after the window: %d addresses, %d pairs kept", len(g.ips), len(g.pairs))
	}
}

func TestUser(t *testing.T) {
	served := func(d string) bool { return d == "tphcm.gov.vn" }
	for in, want := range map[string]string{
		"Nguyen.Van.A@TPHCM.gov.vn": "nguyen.van.a@tphcm.gov.vn",
		"secr3t#pass9":              Invalid,
		"P@ssw0rd":                  Invalid,
		"a@gmail.com":               Invalid,
		"a b@tphcm.gov.vn":          Invalid,
		"a\r\nX@tphcm.gov.vn":       Invalid,
		"@tphcm.gov.vn":             Invalid,
		"a@b@tphcm.gov.vn":          Invalid,
		"":                          Invalid,
		"thành@tphcm.gov.vn":        "thành@tphcm.gov.vn",
		"\xff@tphcm.gov.vn":         Invalid,
	} {
		if got := User(in, served); got != want {
			t.Errorf("User(%q) = %q, want %q", in, got, want)
		}
	}
	if User("a@tphcm.gov.vn", nil) != Invalid {
		t.Error("nil served func must refuse every domain")
	}
}

// One Guard serves SMTP, IMAP and POP3: failures over any of them count
// together, and a locked address's refusals over all of them make one
// report a period, naming the service of the last.
func TestServicesShareCountsAndReports(t *testing.T) {
	g, clk := newTestGuard(Limits{PerIP: 3, Window: time.Hour, ReportEvery: time.Minute})
	g.Failed(ipA, alice) // over SMTP
	g.Failed(ipA, alice) // over IMAP
	g.Failed(ipA, "bob@x")
	reports := 0
	for i, svc := range []string{"smtp", "imap", "pop3", "imap", "smtp", "imap"} {
		d := g.Check(ipA, alice, svc)
		if !d.Locked {
			t.Fatalf("refusal %d over %s: not locked", i+1, svc)
		}
		if d.Report {
			reports++
		}
	}
	if reports != 1 {
		t.Fatalf("%d reports in one period, want 1", reports)
	}
	clk.add(time.Minute)
	p := g.Sweep()
	if len(p) != 1 || p[0].Refused != 5 || p[0].Service != "imap" || p[0].User != alice {
		t.Fatalf("sweep = %+v, want 5 refusals of alice, last over imap", p)
	}
	if p := g.Sweep(); len(p) != 0 {
		t.Fatalf("a second sweep got the same refusals again: %+v", p)
	}
}
