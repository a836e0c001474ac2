// Package connlimit counts a server's open connections in total and per
// client address, so that one client (or a crowd) cannot take every
// descriptor a daemon has. The SMTP relay and the mailbox proxy each keep
// one: their limits are configured apart.
package connlimit

import (
	"net/netip"
	"sync"
)

// Limiter counts open connections. The zero value is ready to use.
type Limiter struct {
	mu    sync.Mutex
	total int
	perIP map[netip.Addr]int
}

// Acquire counts a new connection from ip unless that would pass maxTotal
// open connections or maxIP from that address; then it returns false and
// the reason to tell the client.
func (l *Limiter) Acquire(ip netip.Addr, maxTotal, maxIP int) (ok bool, reason string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.total >= maxTotal {
		return false, "Too many connections, try again later"
	}
	if l.perIP[ip] >= maxIP {
		return false, "Too many connections from your address, try again later"
	}
	if l.perIP == nil {
		l.perIP = map[netip.Addr]int{}
	}
	l.total++
	l.perIP[ip]++
	return true, ""
}

// Release forgets a connection Acquire counted.
func (l *Limiter) Release(ip netip.Addr) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.total--
	if l.perIP[ip] <= 1 {
		delete(l.perIP, ip)
	} else {
		l.perIP[ip]--
	}
}
