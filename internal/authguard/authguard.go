// Package authguard bounds password guessing through a login that is
// passed through to another server: the relay's SMTP AUTH and the mailbox
// proxy's IMAP and POP3 logins. The gateway has one Guard, shared by all
// three, so failures over any of them from one address count together and
// a lock refuses the address on all of them. It knows nothing of the
// protocols; the caller asks before each attempt and tells the outcome.
//
// Three limits, as trusted servers have them:
//   - per connection: after Limits.PerSession failures the caller hangs up
//     (Postfix's smtpd_hard_error_limit), so one connection cannot guess
//     without end;
//   - per client address: Limits.PerIP failures within Limits.Window lock
//     the address for Window;
//   - per (login, client address): Limits.PerUserIP failures lock that
//     login from that address only.
//
// There is deliberately no lock of a login across addresses: it would let
// anyone lock a named colleague out of mail from anywhere by typing wrong
// passwords for them (a denial of service that needs no skill), and a
// guesser spread over many addresses is the upstream server's to stop,
// which sees every attempt of the login. The per-address limits bound what
// any one address can try.
//
// While an address is locked, its refusals are counted rather than each
// reported: Check asks for a report at most once per Limits.ReportEvery per
// address, carrying the number of refusals since the last one, and Sweep
// hands over what is still unreported when the period ends. A flood from a
// locked address therefore costs one audit row a minute, not one per
// attempt. A report names the service (smtp, imap, pop3) of the refusals
// it stands for: of the last of them when they came over several.
//
// A Guard is safe for concurrent use; its state is in memory only (a
// restart forgets locks, which only gives a guesser one more window).
package authguard

import (
	"net/netip"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"

	"mailaudit/audit"
)

// Limits configures a Guard. A zero count disables that limit.
type Limits struct {
	PerSession  int           // failures one connection may have; the next failure ends it
	PerIP       int           // failures from one address within Window that lock the address
	PerUserIP   int           // failures of one login from one address within Window that lock the pair
	Window      time.Duration // how long failures are counted, and how long a lock lasts
	ReportEvery time.Duration // a locked address's refusals are reported at most this often
}

// Guard keeps failure counts and locks.
type Guard struct {
	mu    sync.Mutex
	lim   Limits
	ips   map[netip.Addr]*ipEntry
	pairs map[pair]*entry
	clock func() time.Time
}

type pair struct {
	user string
	ip   netip.Addr
}

// entry is a failure count in a window and, once over the limit, a lock.
type entry struct {
	fails  int
	first  time.Time // first failure of the current window
	locked time.Time // zero: not locked
}

// ipEntry adds the report bookkeeping of refusals, which is per address.
type ipEntry struct {
	entry
	refused    int       // refusals not yet reported
	refUser    string    // the login of those refusals, "" when they named several
	refService string    // the service of the last of those refusals
	reportedAt time.Time // last report
}

// New makes a Guard.
func New(l Limits) *Guard {
	return &Guard{lim: l, ips: map[netip.Addr]*ipEntry{}, pairs: map[pair]*entry{}, clock: time.Now}
}

// SetLimits replaces the limits (a configuration reload). Counts and locks
// in progress are kept.
func (g *Guard) SetLimits(l Limits) {
	g.mu.Lock()
	g.lim = l
	g.mu.Unlock()
}

// Decision is Check's answer.
type Decision struct {
	// Locked: refuse the attempt without asking the server.
	Locked bool
	// Report: record this refusal now, as standing for Refused attempts
	// (this one included). False for a refusal that is only counted.
	Report  bool
	Refused int
}

// Check is asked before an attempt of user from ip over service goes to
// the server. user should already be sanitised (see User).
func (g *Guard) Check(ip netip.Addr, user, service string) Decision {
	now := g.clock()
	g.mu.Lock()
	defer g.mu.Unlock()
	ie := g.ips[ip]
	locked := ie != nil && ie.isLocked(now, g.lim.Window)
	if !locked {
		if pe := g.pairs[pair{user, ip}]; pe != nil && pe.isLocked(now, g.lim.Window) {
			locked = true
		}
	}
	if !locked {
		return Decision{}
	}
	if ie == nil {
		ie = &ipEntry{}
		g.ips[ip] = ie
	}
	if ie.refused == 0 {
		ie.refUser = user
	} else if ie.refUser != user {
		ie.refUser = ""
	}
	ie.refService = service
	ie.refused++
	d := Decision{Locked: true}
	if ie.reportedAt.IsZero() || now.Sub(ie.reportedAt) >= g.lim.ReportEvery {
		d.Report, d.Refused = true, ie.refused
		ie.refused, ie.refUser, ie.reportedAt = 0, "", now
	}
	return d
}

// Failed records a failed attempt (a wrong password, an unknown login, a
// login the gateway does not serve: every failure counts). It reports
// whether the address or the pair is locked from now on.
func (g *Guard) Failed(ip netip.Addr, user string) (locked bool) {
	now := g.clock()
	g.mu.Lock()
	defer g.mu.Unlock()
	ie := g.ips[ip]
	if ie == nil {
		ie = &ipEntry{}
		g.ips[ip] = ie
	}
	locked = ie.fail(now, g.lim.Window, g.lim.PerIP)
	k := pair{user, ip}
	pe := g.pairs[k]
	if pe == nil {
		pe = &entry{}
		g.pairs[k] = pe
	}
	return pe.fail(now, g.lim.Window, g.lim.PerUserIP) || locked
}

// Succeeded records a successful login: the pair's count starts again. The
// address's count is kept, so that knowing one valid password does not
// buy an address fresh guesses at the others.
func (g *Guard) Succeeded(ip netip.Addr, user string) {
	g.mu.Lock()
	delete(g.pairs, pair{user, ip})
	g.mu.Unlock()
}

// SessionOver reports whether a connection that has had fails failures
// (refusals while locked included) must now be closed.
func (g *Guard) SessionOver(fails int) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.lim.PerSession > 0 && fails >= g.lim.PerSession
}

// Pending is a count of refusals whose report period has ended without a
// further attempt to carry it.
type Pending struct {
	IP      netip.Addr
	User    string // the login of all these refusals, "" when they named several
	Service string // the service of the last of them
	Refused int
}

// Event is the auth_events row that reports p: result "locked", the
// refused count in Attempts, "(several)" when the refusals named more than
// one login. The relay and the mailbox proxy both sweep the one Guard and
// write these rows alike; the relay adds the SMTP reply code.
func (p Pending) Event(instance string) *audit.AuthEvent {
	user := p.User
	if user == "" {
		user = "(several)"
	}
	ip := ""
	if p.IP.IsValid() {
		ip = p.IP.String()
	}
	return &audit.AuthEvent{
		EventID:  uuid.Must(uuid.NewV7()),
		Time:     time.Now().UTC(),
		Instance: instance,
		User:     user,
		ClientIP: ip,
		Result:   "locked",
		Attempts: p.Refused,
		Service:  p.Service,
	}
}

// Sweep forgets expired counts and locks and returns the refusals still
// unreported whose period is over. Call it about once a ReportEvery; when
// several callers sweep one Guard, each pending count goes to exactly one
// of them.
func (g *Guard) Sweep() []Pending {
	now := g.clock()
	g.mu.Lock()
	defer g.mu.Unlock()
	var out []Pending
	for ip, e := range g.ips {
		if e.refused > 0 && now.Sub(e.reportedAt) >= g.lim.ReportEvery {
			out = append(out, Pending{IP: ip, User: e.refUser, Service: e.refService, Refused: e.refused})
			e.refused, e.refUser, e.reportedAt = 0, "", now
		}
		if e.refused == 0 && e.expired(now, g.lim.Window) && now.Sub(e.reportedAt) >= g.lim.ReportEvery {
			delete(g.ips, ip)
		}
	}
	for k, e := range g.pairs {
		if e.expired(now, g.lim.Window) {
			delete(g.pairs, k)
		}
	}
	return out
}

func (e *entry) isLocked(now time.Time, window time.Duration) bool {
	return !e.locked.IsZero() && now.Sub(e.locked) < window
}

// fail counts a failure in a sliding window and locks at max.
func (e *entry) fail(now time.Time, window time.Duration, max int) bool {
	if e.isLocked(now, window) {
		return true
	}
	if e.first.IsZero() || now.Sub(e.first) >= window {
		e.fails, e.first, e.locked = 0, now, time.Time{}
	}
	e.fails++
	if max > 0 && e.fails >= max {
		e.locked = now
		return true
	}
	return false
}

func (e *entry) expired(now time.Time, window time.Duration) bool {
	return (e.first.IsZero() || now.Sub(e.first) >= window) && !e.isLocked(now, window)
}

// Invalid stands for a login name that is not an address of a served
// domain: what users type into the name field includes their password.
const Invalid = "(invalid)"

// User returns the login name as it may be stored and logged: the
// address in lower case when it looks like an address (a local part
// without spaces or control characters, of at most 64 bytes) of a domain
// that served accepts, otherwise Invalid. A password typed into the name
// field therefore never reaches a log line or an audit row.
func User(name string, served func(domain string) bool) string {
	if !utf8.ValidString(name) {
		return Invalid
	}
	local, domain, ok := strings.Cut(strings.ToLower(name), "@")
	if !ok || local == "" || len(local) > 64 || domain == "" || len(domain) > 253 || strings.Contains(domain, "@") {
		return Invalid
	}
	for _, r := range local + domain {
		if unicode.IsSpace(r) || unicode.IsControl(r) || r == '"' || r == '\\' {
			return Invalid
		}
	}
	if served == nil || !served(domain) {
		return Invalid
	}
	return local + "@" + domain
}
