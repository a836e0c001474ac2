package mailbox

import (
	"net/netip"
	"sync"
	"time"
)

// Guard decides whether a login may be tried and learns from the result.
// It is the seam for the gateway's shared AUTH guard (lockout per client
// address and per login at that address); lockoutGuard is a small
// implementation of the same rules for this package alone.
type Guard interface {
	// Allow reports whether ip may try to log in as user now.
	Allow(ip netip.Addr, user string) bool
	// Fail records a refused login (wrong credentials, not an outage).
	Fail(ip netip.Addr, user string)
	// Succeed records an accepted login.
	Succeed(ip netip.Addr, user string)
}

// Limits of a lockoutGuard.
type GuardLimits struct {
	FailuresIP   int           // failed logins per client address within Window
	FailuresUser int           // failed logins per (login, address) within Window
	Window       time.Duration // counting window and lockout length
}

// NewGuard returns a Guard that counts failures per client address and
// per (login, address) in a window and refuses further attempts for the
// window's length once a count reaches its limit. Keying the login by
// address keeps one attacker from locking a person out everywhere.
func NewGuard(l GuardLimits) Guard {
	return &lockoutGuard{lim: l, now: time.Now, entries: map[string]*lockEntry{}}
}

type lockoutGuard struct {
	lim     GuardLimits
	now     func() time.Time
	mu      sync.Mutex
	entries map[string]*lockEntry
	sweeps  int
}

type lockEntry struct {
	fails  int
	first  time.Time
	locked time.Time
}

func ipKey(ip netip.Addr) string                { return "ip " + ip.String() }
func userKey(ip netip.Addr, user string) string { return "user " + user + " " + ip.String() }

func (g *lockoutGuard) Allow(ip netip.Addr, user string) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.now()
	return !g.lockedLocked(ipKey(ip), now) && !g.lockedLocked(userKey(ip, user), now)
}

func (g *lockoutGuard) lockedLocked(key string, now time.Time) bool {
	e := g.entries[key]
	if e == nil {
		return false
	}
	if !e.locked.IsZero() && now.Sub(e.locked) < g.lim.Window {
		return true
	}
	if now.Sub(e.first) >= g.lim.Window && (e.locked.IsZero() || now.Sub(e.locked) >= g.lim.Window) {
		delete(g.entries, key)
	}
	return false
}

func (g *lockoutGuard) Fail(ip netip.Addr, user string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.now()
	g.failLocked(ipKey(ip), now, g.lim.FailuresIP)
	g.failLocked(userKey(ip, user), now, g.lim.FailuresUser)
	// Forget expired entries now and then, so a scan of many addresses
	// does not grow the map for ever.
	if g.sweeps++; g.sweeps >= 1024 {
		g.sweeps = 0
		for k := range g.entries {
			g.lockedLocked(k, now)
		}
	}
}

func (g *lockoutGuard) failLocked(key string, now time.Time, max int) {
	e := g.entries[key]
	if e == nil || (now.Sub(e.first) >= g.lim.Window && e.locked.IsZero()) {
		e = &lockEntry{first: now}
		g.entries[key] = e
	}
	e.fails++
	if e.fails >= max && e.locked.IsZero() {
		e.locked = now
	}
}

func (g *lockoutGuard) Succeed(ip netip.Addr, user string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	delete(g.entries, userKey(ip, user))
	// The address keeps its count: a guesser that also knows one good
	// password must not reset its budget with it.
}
