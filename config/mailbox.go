package config

import (
	"fmt"
	"net"
	"time"
)

// Mailbox is the IMAP and POP3 login proxy (package mailbox). It is off
// unless at least one listener is set. Where a login goes is decided by the
// login's domain, as for SMTP: the route's imap and pop3 upstreams.
type Mailbox struct {
	// IMAP is the port-143 listener: STARTTLS offered when tls is
	// configured, login only after it (or from loopback with
	// allow_insecure_auth).
	IMAP string `yaml:"imap"`
	// IMAPS is the port-993 listener: implicit TLS.
	IMAPS string `yaml:"imaps"`
	// POP3 is the port-110 listener: STLS offered when tls is configured.
	POP3 string `yaml:"pop3"`
	// POP3S is the port-995 listener: implicit TLS.
	POP3S string `yaml:"pop3s"`

	// IdleTimeout closes a session that moved no byte either way for this
	// long, before and after login. RFC 9051 (5.4) asks for at least 30
	// minutes so that IDLE clients stay connected; shorter is refused.
	IdleTimeout Duration `yaml:"idle_timeout"`
	// AuthFailuresPerSession closes a connection after this many refused
	// logins; the per-IP and per-login lockout of limits applies as well.
	AuthFailuresPerSession int `yaml:"auth_failures_per_session"`
	// MaxConnections and MaxConnectionsIP bound open mailbox connections
	// (IMAP and POP3 together), apart from the SMTP limits: mail clients
	// keep several IMAP connections open per account.
	MaxConnections   int `yaml:"max_connections"`
	MaxConnectionsIP int `yaml:"max_connections_per_ip"`
}

// MailboxUpstream is a route's IMAP or POP3 server.
type MailboxUpstream struct {
	Addr string `yaml:"upstream"`
	// TLSMode is starttls, implicit or none (as for SMTP routes).
	TLSMode            string `yaml:"tls"`
	TLSServerName      string `yaml:"tls_server_name"`
	InsecureSkipVerify bool   `yaml:"insecure_skip_verify"`
}

// MinMailboxIdle is RFC 9051's floor for an inactivity timer.
const MinMailboxIdle = 30 * time.Minute

// Enabled reports whether any mailbox listener is configured.
func (m Mailbox) Enabled() bool {
	return m.IMAP != "" || m.IMAPS != "" || m.POP3 != "" || m.POP3S != ""
}

func defaultMailbox() Mailbox {
	return Mailbox{
		IdleTimeout:            Duration(MinMailboxIdle),
		AuthFailuresPerSession: 3,
		MaxConnections:         10000,
		MaxConnectionsIP:       100,
	}
}

// validateMailbox checks the mailbox section against the rest of the
// config (TLS, routes); bad is Validate's error collector.
func (c *Config) validateMailbox(bad func(key, format string, a ...any)) {
	m := &c.Mailbox
	for key, addr := range map[string]string{"mailbox.imap": m.IMAP, "mailbox.imaps": m.IMAPS, "mailbox.pop3": m.POP3, "mailbox.pop3s": m.POP3S} {
		if addr != "" {
			if _, _, err := net.SplitHostPort(addr); err != nil {
				bad(key, "must be host:port: %v", err)
			}
		}
	}
	for i := range c.Routes {
		r := &c.Routes[i]
		for name, u := range map[string]*MailboxUpstream{"imap": r.IMAP, "pop3": r.POP3} {
			if u == nil {
				continue
			}
			key := fmt.Sprintf("routes[%d].%s", i, name)
			if _, _, err := net.SplitHostPort(u.Addr); err != nil {
				bad(key+".upstream", "must be host:port: %v", err)
			}
			switch u.TLSMode {
			case "":
				u.TLSMode = "starttls"
			case "starttls", "implicit", "none":
			default:
				bad(key+".tls", "must be starttls, implicit or none, not %q", u.TLSMode)
			}
		}
	}
	if !m.Enabled() {
		return
	}
	hasTLS := c.TLS.SelfSigned || (c.TLS.Cert != "" && c.TLS.Key != "")
	if (m.IMAPS != "" || m.POP3S != "") && !hasTLS {
		bad("tls", "cert and key are needed for mailbox.imaps and mailbox.pop3s (or self_signed: true for development)")
	}
	if (m.IMAP != "" || m.POP3 != "") && !hasTLS && !c.AllowInsecureAuth {
		bad("mailbox", "imap and pop3 listeners without tls can only serve loopback logins with allow_insecure_auth: true; configure tls")
	}
	need := map[string]bool{"imap": m.IMAP != "" || m.IMAPS != "", "pop3": m.POP3 != "" || m.POP3S != ""}
	for svc, on := range need {
		if !on {
			continue
		}
		found := false
		for i := range c.Routes {
			found = found || (svc == "imap" && c.Routes[i].IMAP != nil) || (svc == "pop3" && c.Routes[i].POP3 != nil)
		}
		if !found {
			bad("routes", "no route has a %s upstream, but a mailbox %s listener is configured", svc, svc)
		}
	}
	if m.IdleTimeout.D() < MinMailboxIdle {
		bad("mailbox.idle_timeout", "must be at least 30m (RFC 9051 5.4: IDLE clients must not be cut), not %s", m.IdleTimeout.D())
	}
	if m.AuthFailuresPerSession <= 0 {
		bad("mailbox.auth_failures_per_session", "must be > 0")
	}
	if m.MaxConnections <= 0 {
		bad("mailbox.max_connections", "must be > 0")
	}
	if m.MaxConnectionsIP <= 0 {
		bad("mailbox.max_connections_per_ip", "must be > 0")
	}
}
