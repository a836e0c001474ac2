// Package freeport finds free loopback ports for the servers the test
// harnesses start (internal/chtest's ClickHouse, internal/dovetest's
// Dovecot).
//
// The ports are taken below the kernel's ephemeral range
// (net.ipv4.ip_local_port_range). A port from that range, as ":0" hands
// out, can be taken by any outgoing connection of the many tests running
// in parallel in the moment between choosing it and the server binding
// it; the server then dies with "Address already in use" (seen in CI).
// Below the range only another harness choosing ports can collide, and
// each port is held until all n are chosen.
package freeport

import (
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"strconv"
	"strings"
)

// Loopback returns n distinct ports that were free on 127.0.0.1 a moment
// ago.
func Loopback(n int) ([]int, error) {
	lo, hi := 15000, ephemeralLow()-1
	ls := make([]net.Listener, 0, n)
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	ports := make([]int, 0, n)
	for tries := 0; len(ports) < n; tries++ {
		if tries > 1000 {
			return nil, fmt.Errorf("freeport: no free port between %d and %d", lo, hi)
		}
		p := lo + rand.IntN(hi-lo+1)
		l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(p))
		if err != nil {
			continue
		}
		ls = append(ls, l)
		ports = append(ports, p)
	}
	return ports, nil
}

// ephemeralLow is the first port of the kernel's ephemeral range (Linux's
// default when it cannot be read).
func ephemeralLow() int {
	b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range")
	if err == nil {
		if f := strings.Fields(string(b)); len(f) == 2 {
			if lo, err := strconv.Atoi(f[0]); err == nil && lo > 16000 {
				return lo
			}
		}
	}
	return 32768
}
