package dashboard

import (
	"context"
	"net"
	"net/netip"
	"sync"
	"time"
)

// Login throttling. Every attempt counts as a failure the moment it is
// let through (a success clears the count), so a burst of parallel
// guesses cannot all pass the gate before the first one fails. After
// `free` attempts a key is locked for a delay that doubles with each
// further failure, up to maxLock; while locked, attempts are refused
// without running bcrypt. Keys are the client address (IPv6 by /64) and
// the user name, the latter only for configured users so that invented
// names cannot fill the table.
const (
	freeAttemptsIP   = 10
	freeAttemptsUser = 5
	firstLock        = 2 * time.Second
	maxLock          = 15 * time.Minute
	forgetAfter      = time.Hour // a key quiet this long starts over
	maxThrottleKeys  = 100_000   // beyond it the oldest quiet keys go first
	// maxBcrypt bounds the password checks running at once: each costs
	// 50-250 ms of one core at bcrypt cost 10-12, so guesses spread over
	// many addresses (which the per-address limit cannot stop) get at most
	// one core, and a relay running the dashboard in serve keeps the rest.
	// One check at a time still serves ~4-14 logins a second.
	maxBcrypt = 1
)

type attempts struct {
	n     int
	until time.Time // locked until
	last  time.Time
}

type throttle struct {
	now    func() time.Time
	mu     sync.Mutex
	keys   map[string]*attempts
	bcrypt chan struct{}
}

func newThrottle(now func() time.Time) *throttle {
	return &throttle{now: now, keys: map[string]*attempts{}, bcrypt: make(chan struct{}, maxBcrypt)}
}

// clientKey is the throttling key of a remote address.
func clientKey(remote string) string {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		host = remote
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return "ip:" + host
	}
	a = a.Unmap()
	if a.Is6() {
		p, _ := a.Prefix(64)
		return "ip:" + p.String()
	}
	return "ip:" + a.String()
}

// admit counts an attempt for ipKey and userKey ("" = not counted per
// user). It returns how long to wait when either is locked; the attempt
// is then not counted.
func (t *throttle) admit(ipKey, userKey string) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	var wait time.Duration
	for _, k := range []string{ipKey, userKey} {
		if a := t.keys[k]; k != "" && a != nil && now.Before(a.until) {
			wait = max(wait, a.until.Sub(now))
		}
	}
	if wait > 0 {
		return wait
	}
	t.count(ipKey, freeAttemptsIP, now)
	if userKey != "" {
		t.count(userKey, freeAttemptsUser, now)
	}
	return 0
}

func (t *throttle) count(k string, free int, now time.Time) {
	a := t.keys[k]
	if a == nil || now.Sub(a.last) > forgetAfter {
		if a == nil && len(t.keys) >= maxThrottleKeys {
			t.prune(now)
		}
		a = &attempts{}
		t.keys[k] = a
	}
	a.n++
	a.last = now
	if a.n >= free {
		d := firstLock << min(a.n-free, 20)
		a.until = now.Add(min(d, maxLock))
	}
}

// prune drops the keys not used for forgetAfter, or failing that the
// older half, so the table stays bounded under a spray of addresses.
func (t *throttle) prune(now time.Time) {
	for k, a := range t.keys {
		if now.Sub(a.last) > forgetAfter {
			delete(t.keys, k)
		}
	}
	if len(t.keys) < maxThrottleKeys {
		return
	}
	cut := now.Add(-forgetAfter / 2)
	for k, a := range t.keys {
		if a.last.Before(cut) || len(t.keys) >= maxThrottleKeys {
			delete(t.keys, k)
		}
	}
}

// success clears both keys after a correct password.
func (t *throttle) success(ipKey, userKey string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.keys, ipKey)
	delete(t.keys, userKey)
}

// acquire takes one of the bcrypt slots; false when ctx ends first.
func (t *throttle) acquire(ctx context.Context) bool {
	select {
	case t.bcrypt <- struct{}{}:
		return true
	case <-ctx.Done():
		return false
	}
}

func (t *throttle) release() { <-t.bcrypt }
