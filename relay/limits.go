package relay

import (
	"net"
	"net/netip"
	"time"
)

// limitedListener refuses connections over the limits with a 421 before
// go-smtp sees them, so an overloaded relay costs a refused client almost
// nothing.
type limitedListener struct {
	net.Listener
	r     *Relay
	plain bool // only trusted networks may connect
}

func (l *limitedListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		ip := addrOf(c.RemoteAddr())
		rt := l.r.runtime()
		if l.plain && !rt.Config.Trusted(ip) {
			l.r.metrics.refused.WithLabelValues("untrusted").Inc()
			refuse(c, "554 5.7.1 This listener serves trusted networks only\r\n")
			continue
		}
		lim := rt.Config.Limits
		if ok, reason := l.r.conns.Acquire(ip, lim.MaxConnections, lim.MaxConnectionsIP); !ok {
			l.r.metrics.refused.WithLabelValues("limit").Inc()
			refuse(c, "421 4.7.0 "+reason+"\r\n")
			continue
		}
		return newCoalesceConn(c, &l.r.writers, func() { l.r.conns.Release(ip) }), nil
	}
}

func refuse(c net.Conn, reply string) {
	go func() {
		c.SetDeadline(time.Now().Add(5 * time.Second))
		c.Write([]byte(reply))
		c.Close()
	}()
}

func addrOf(a net.Addr) netip.Addr {
	if ta, ok := a.(*net.TCPAddr); ok {
		ip, _ := netip.AddrFromSlice(ta.IP)
		return ip.Unmap()
	}
	ap, err := netip.ParseAddrPort(a.String())
	if err != nil {
		return netip.Addr{}
	}
	return ap.Addr().Unmap()
}
