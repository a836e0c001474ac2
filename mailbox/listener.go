package mailbox

import (
	"crypto/tls"
	"errors"
	"net"
	"net/netip"
	"time"
)

// accept serves one listener until it is closed. A connection over the
// limits is refused with the protocol's own goodbye before any session
// state exists.
func (p *Proxy) accept(ln net.Listener, service string, implicit bool) {
	var delay time.Duration
	for {
		c, err := ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			// EMFILE and friends: back off instead of spinning.
			delay = min(max(2*delay, 5*time.Millisecond), time.Second)
			p.log.Warn("mailbox accept failed", "service", service, "err", err)
			time.Sleep(delay)
			continue
		}
		delay = 0
		ip := addrOf(c.RemoteAddr())
		rt := p.runtime()
		mb := rt.Config.Mailbox
		if ok, reason := p.conns.Acquire(ip, mb.MaxConnections, mb.MaxConnectionsIP); !ok {
			p.m.refused.WithLabelValues(service).Inc()
			refuse(c, implicit, rt.TLSConfig, goodbye(service, reason))
			continue
		}
		s := &session{p: p, rt: rt, service: service, implicit: implicit, c: c, ip: ip}
		if !p.addSession(s) {
			p.conns.Release(ip)
			refuse(c, implicit, rt.TLSConfig, goodbye(service, "Server shutting down, try again later"))
			continue
		}
		go s.serve()
	}
}

// goodbye is the refusal line of a service.
func goodbye(service, text string) string {
	if service == "imap" {
		return "* BYE [UNAVAILABLE] " + text + "\r\n"
	}
	return "-ERR [SYS/TEMP] " + text + "\r\n"
}

func refuse(c net.Conn, implicit bool, tc *tls.Config, line string) {
	go func() {
		c.SetDeadline(time.Now().Add(5 * time.Second))
		if implicit && tc != nil {
			c = tls.Server(c, tc)
		}
		c.Write([]byte(line))
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
