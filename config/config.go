// Package config is mailaudit's one configuration struct: loaded from YAML,
// defaulted, and validated as a whole before anything starts. A reload builds
// a new Config; a config that fails validation never replaces a running one.
package config

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"mailaudit/report"
)

// Config is the whole daemon configuration.
type Config struct {
	// Path is the file the config came from (not a YAML key); reload reads it again.
	Path string `yaml:"-"`

	Instance string `yaml:"instance"` // names this relay in logs and audit rows
	Hostname string `yaml:"hostname"` // greeting and EHLO name

	Listeners Listeners `yaml:"listeners"`
	TLS       TLS       `yaml:"tls"`

	// TrustedNetworks may relay without AUTH, to DefaultRoute, on the
	// plain listener only: on submission and submissions every client
	// must AUTH whatever its address (a local process or a TLS proxy on
	// the same host must not send unauthenticated through 587/465). An MTA
	// in front of the relay and loopback benchmarks use it.
	TrustedNetworks []string `yaml:"trusted_networks"`
	// AllowInsecureAuth lets AUTH happen without TLS, and only from
	// loopback clients: for development.
	AllowInsecureAuth bool `yaml:"allow_insecure_auth"`

	Routes       []Route `yaml:"routes"`
	DefaultRoute string  `yaml:"default_route"`

	Limits Limits `yaml:"limits"`

	// Mailbox is the IMAP/POP3 login proxy; off when it has no listener.
	Mailbox Mailbox `yaml:"mailbox"`

	// VerdictHeader adds X-Mailaudit-Verdict upstream. Off by default: the
	// relay is transparent.
	VerdictHeader bool `yaml:"verdict_header"`

	// TempDir holds message spill files past Limits.MemoryBuffer.
	TempDir string `yaml:"temp_dir"`

	Admin Admin `yaml:"admin"`
	Log   Log   `yaml:"log"`

	ShutdownGrace Duration `yaml:"shutdown_grace"`

	Extra `yaml:",inline"`

	trusted []netip.Prefix
}

// Listeners are the SMTP sockets. An empty addr disables one.
type Listeners struct {
	// Submission is the port-587 listener: STARTTLS offered, AUTH only after it.
	Submission string `yaml:"submission"`
	// Submissions is the port-465 listener: implicit TLS.
	Submissions string `yaml:"submissions"`
	// Plain has no TLS and accepts only clients from trusted_networks.
	Plain string `yaml:"plain"`
}

// TLS is the server certificate.
type TLS struct {
	Cert string `yaml:"cert"`
	Key  string `yaml:"key"`
	// SelfSigned generates a throw-away certificate at start: development only.
	SelfSigned bool `yaml:"self_signed"`
}

// Route says where mail of one login domain goes.
type Route struct {
	Name    string   `yaml:"name"`
	Domains []string `yaml:"domains"` // login domains, lower-case
	Addr    string   `yaml:"upstream"`
	// TLSMode is starttls, implicit or none.
	TLSMode            string   `yaml:"tls"`
	TLSServerName      string   `yaml:"tls_server_name"`
	InsecureSkipVerify bool     `yaml:"insecure_skip_verify"`
	DialTimeout        Duration `yaml:"dial_timeout"`
	CommandTimeout     Duration `yaml:"command_timeout"`
	// SubmissionTimeout bounds the wait for the upstream's reply to the final dot.
	SubmissionTimeout Duration `yaml:"submission_timeout"`
	// PoolSize keeps idle upstream sessions for unauthenticated (trusted
	// network) clients; authenticated sessions are never shared.
	PoolSize int `yaml:"pool_size"`
	// IMAP and POP3 are this domain's mailbox servers, for the mailbox
	// proxy; nil when the route has none. Dial and command timeouts are
	// the route's.
	IMAP *MailboxUpstream `yaml:"imap"`
	POP3 *MailboxUpstream `yaml:"pop3"`
}

// Limits bound what one client can make the relay do.
type Limits struct {
	MaxMessageBytes  Size     `yaml:"max_message_bytes"`
	MaxRecipients    int      `yaml:"max_recipients"`
	MaxLineLength    int      `yaml:"max_line_length"`
	CommandTimeout   Duration `yaml:"command_timeout"`
	DataTimeout      Duration `yaml:"data_timeout"`
	MaxConnections   int      `yaml:"max_connections"`
	MaxConnectionsIP int      `yaml:"max_connections_per_ip"`
	// AuthFailuresSession failed AUTH in one connection end it with 421
	// (Postfix's smtpd_hard_error_limit); refusals while locked count.
	AuthFailuresSession int `yaml:"auth_failures_per_session"`
	// AuthFailuresIP failures from one client address within AuthLockout
	// lock the address for AuthLockout.
	AuthFailuresIP int `yaml:"auth_failures_per_ip"`
	// AuthFailuresUser failures of one login from one client address lock
	// that login from that address only; never from other addresses (see
	// internal/authguard for why).
	AuthFailuresUser  int      `yaml:"auth_failures_per_user"`
	AuthLockout       Duration `yaml:"auth_lockout"`
	MemoryBuffer      Size     `yaml:"memory_buffer"`
	MaxMessagesPerSes int      `yaml:"max_messages_per_session"`
}

// Admin is the HTTP listener for /metrics and /healthz. It has no login,
// so it belongs on loopback.
type Admin struct {
	Addr string `yaml:"addr"`
	// Pprof adds /debug/pprof (profiles, goroutine dumps with their
	// arguments) to the listener. Off by default: anyone who reaches the
	// port could read the process's state.
	Pprof bool `yaml:"pprof"`
}

// Log sets the slog handler.
type Log struct {
	Level  string `yaml:"level"`  // debug, info, warn, error
	Format string `yaml:"format"` // json or text
}

// Default is the configuration every file starts from.
func Default() *Config {
	return &Config{
		Instance: "mailaudit",
		Hostname: "localhost",
		Limits: Limits{
			MaxMessageBytes:     50 << 20,
			MaxRecipients:       100,
			MaxLineLength:       2000,
			CommandTimeout:      Duration(5 * time.Minute),
			DataTimeout:         Duration(10 * time.Minute),
			MaxConnections:      2000,
			MaxConnectionsIP:    100,
			AuthFailuresSession: 10,
			AuthFailuresIP:      20,
			AuthFailuresUser:    5,
			AuthLockout:         Duration(15 * time.Minute),
			MemoryBuffer:        1 << 20,
			MaxMessagesPerSes:   1000,
		},
		Mailbox:       defaultMailbox(),
		Log:           Log{Level: "info", Format: "json"},
		ShutdownGrace: Duration(30 * time.Second),
		Extra:         defaultExtra(),
	}
}

// Validate checks the whole config and fills derived fields. Errors name the key.
func (c *Config) Validate() error {
	var errs []error
	bad := func(key, format string, a ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", key, fmt.Sprintf(format, a...)))
	}
	if c.Instance == "" {
		bad("instance", "must not be empty")
	}
	if c.Hostname == "" || strings.ContainsAny(c.Hostname, " \t\r\n") {
		bad("hostname", "must be a host name")
	}
	l := c.Listeners
	if l.Submission == "" && l.Submissions == "" && l.Plain == "" && !c.Mailbox.Enabled() {
		bad("listeners", "at least one of submission, submissions, plain (or a mailbox listener) is needed")
	}
	for key, addr := range map[string]string{"listeners.submission": l.Submission, "listeners.submissions": l.Submissions, "listeners.plain": l.Plain, "admin.addr": c.Admin.Addr} {
		if addr != "" {
			if _, _, err := net.SplitHostPort(addr); err != nil {
				bad(key, "must be host:port: %v", err)
			}
		}
	}
	if l.Submission != "" || l.Submissions != "" {
		if !c.TLS.SelfSigned && (c.TLS.Cert == "" || c.TLS.Key == "") {
			bad("tls", "cert and key are needed for the submission listeners (or self_signed: true for development)")
		}
	}
	c.trusted = c.trusted[:0]
	for i, s := range c.TrustedNetworks {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			if a, aerr := netip.ParseAddr(s); aerr == nil {
				p = netip.PrefixFrom(a, a.BitLen())
			} else {
				bad(fmt.Sprintf("trusted_networks[%d]", i), "%q is not a CIDR: %v", s, err)
				continue
			}
		}
		c.trusted = append(c.trusted, p.Masked())
	}
	if l.Plain != "" && len(c.trusted) == 0 {
		bad("listeners.plain", "needs trusted_networks: the plain listener only serves trusted clients")
	}
	if len(c.Routes) == 0 {
		bad("routes", "at least one route is needed")
	}
	names := map[string]bool{}
	domains := map[string]string{}
	for i := range c.Routes {
		r := &c.Routes[i]
		key := fmt.Sprintf("routes[%d]", i)
		if r.Name == "" {
			bad(key+".name", "must not be empty")
		} else if names[r.Name] {
			bad(key+".name", "%q is used twice", r.Name)
		}
		names[r.Name] = true
		if _, _, err := net.SplitHostPort(r.Addr); err != nil {
			bad(key+".upstream", "must be host:port: %v", err)
		}
		switch r.TLSMode {
		case "":
			r.TLSMode = "starttls"
		case "starttls", "implicit", "none":
		default:
			bad(key+".tls", "must be starttls, implicit or none, not %q", r.TLSMode)
		}
		for j, d := range r.Domains {
			d = strings.ToLower(strings.TrimSpace(d))
			r.Domains[j] = d
			if d == "" || strings.ContainsAny(d, "@ ") {
				bad(fmt.Sprintf("%s.domains[%d]", key, j), "%q is not a domain", d)
			} else if other, dup := domains[d]; dup {
				bad(fmt.Sprintf("%s.domains[%d]", key, j), "%q is already routed by %q", d, other)
			}
			domains[d] = r.Name
		}
		if r.DialTimeout == 0 {
			r.DialTimeout = Duration(10 * time.Second)
		}
		if r.CommandTimeout == 0 {
			r.CommandTimeout = Duration(60 * time.Second)
		}
		if r.SubmissionTimeout == 0 {
			r.SubmissionTimeout = Duration(10 * time.Minute)
		}
		if r.PoolSize < 0 {
			bad(key+".pool_size", "must be >= 0")
		}
	}
	if c.DefaultRoute != "" && !names[c.DefaultRoute] {
		bad("default_route", "no route is named %q", c.DefaultRoute)
	}
	if len(c.trusted) > 0 && c.DefaultRoute == "" {
		bad("default_route", "is needed when trusted_networks is set: unauthenticated trusted clients go there")
	}
	c.validateMailbox(bad)
	lim := &c.Limits
	positive := map[string]int64{
		"limits.max_message_bytes":         int64(lim.MaxMessageBytes),
		"limits.max_recipients":            int64(lim.MaxRecipients),
		"limits.max_line_length":           int64(lim.MaxLineLength),
		"limits.command_timeout":           int64(lim.CommandTimeout),
		"limits.data_timeout":              int64(lim.DataTimeout),
		"limits.max_connections":           int64(lim.MaxConnections),
		"limits.max_connections_per_ip":    int64(lim.MaxConnectionsIP),
		"limits.auth_failures_per_session": int64(lim.AuthFailuresSession),
		"limits.auth_failures_per_ip":      int64(lim.AuthFailuresIP),
		"limits.auth_failures_per_user":    int64(lim.AuthFailuresUser),
		"limits.auth_lockout":              int64(lim.AuthLockout),
		"limits.memory_buffer":             int64(lim.MemoryBuffer),
		"limits.max_messages_per_session":  int64(lim.MaxMessagesPerSes),
	}
	for k, v := range positive {
		if v <= 0 {
			bad(k, "must be > 0")
		}
	}
	if lim.MaxLineLength > 0 && lim.MaxLineLength < 1000 {
		bad("limits.max_line_length", "must be at least 1000 (RFC 5321 allows 998 characters and CRLF)")
	}
	switch c.Log.Level {
	case "debug", "info", "warn", "error":
	default:
		bad("log.level", "must be debug, info, warn or error, not %q", c.Log.Level)
	}
	switch c.Log.Format {
	case "json", "text":
	default:
		bad("log.format", "must be json or text, not %q", c.Log.Format)
	}
	if c.ShutdownGrace <= 0 {
		bad("shutdown_grace", "must be > 0")
	}
	if err := c.Extra.validate(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// Warnings lists what is valid but probably a mistake; check-config prints
// them and serve logs them at start.
func (c *Config) Warnings() []string {
	var w []string
	if len(c.TrustedNetworks) > 0 && c.Listeners.Plain == "" {
		w = append(w, "trusted_networks is set but listeners.plain is not: trusted networks apply only to the plain listener (submission and submissions always require AUTH), so the setting has no effect")
	}
	for i, r := range c.Routes {
		if r.TLSMode == "none" && !loopbackAddr(r.Addr) {
			w = append(w, fmt.Sprintf("routes[%d].tls: none sends the users' AUTH credentials and their mail in clear to %s; "+
				"use starttls or implicit unless the upstream is on this host", i, r.Addr))
		}
	}
	if a := c.Audit; a.Subject.Privacy == "hash" {
		if err := report.CheckSecretKey(a.Subject.HashKey, 16); err != nil {
			w = append(w, "audit.subject.hash_key: "+err.Error()+"; anyone with the key can test guesses against the hashed subjects")
		}
	}
	if c.Admin.Pprof && !loopbackAddr(c.Admin.Addr) {
		w = append(w, fmt.Sprintf("admin.pprof: the profiler is on and admin.addr %s is not loopback; it has no login", c.Admin.Addr))
	}
	return w
}

// loopbackAddr reports whether host:port names this host only.
func loopbackAddr(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.Unmap().IsLoopback()
}

// Trusted reports whether ip is in trusted_networks.
func (c *Config) Trusted(ip netip.Addr) bool {
	ip = ip.Unmap()
	for _, p := range c.trusted {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// Served reports whether domain is a login domain of some route: only
// such names are kept in logs and audit rows.
func (c *Config) Served(domain string) bool {
	_, ok := c.RouteFor("x@" + domain)
	return ok
}

// RouteFor returns the route of a login's domain.
func (c *Config) RouteFor(login string) (*Route, bool) {
	_, domain, ok := strings.Cut(login, "@")
	if !ok {
		return nil, false
	}
	domain = strings.ToLower(domain)
	for i := range c.Routes {
		for _, d := range c.Routes[i].Domains {
			if d == domain {
				return &c.Routes[i], true
			}
		}
	}
	return nil, false
}

// MailboxRouteFor returns the route of a login's domain that has an
// upstream for service ("imap" or "pop3"), and that upstream.
func (c *Config) MailboxRouteFor(login, service string) (*Route, *MailboxUpstream, bool) {
	r, ok := c.RouteFor(login)
	if !ok {
		return nil, nil, false
	}
	u := r.IMAP
	if service == "pop3" {
		u = r.POP3
	}
	return r, u, u != nil
}

// Route returns a route by name.
func (c *Config) Route(name string) (*Route, bool) {
	for i := range c.Routes {
		if c.Routes[i].Name == name {
			return &c.Routes[i], true
		}
	}
	return nil, false
}

// Size is a byte count written as 1048576, "512KiB", "50MiB" or "1GiB".
type Size int64

// UnmarshalYAML accepts plain numbers and KiB/MiB/GiB (also KB/MB/GB, as powers of two).
func (s *Size) UnmarshalYAML(n *yaml.Node) error {
	v := strings.TrimSpace(n.Value)
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		m      int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"KB", 1 << 10}, {"MB", 1 << 20}, {"GB", 1 << 30}, {"B", 1}} {
		if strings.HasSuffix(v, u.suffix) {
			v, mult = strings.TrimSpace(strings.TrimSuffix(v, u.suffix)), u.m
			break
		}
	}
	x, err := strconv.ParseInt(v, 10, 64)
	if err != nil || x < 0 {
		return fmt.Errorf("line %d: %q is not a size (e.g. 1048576, 512KiB, 50MiB)", n.Line, n.Value)
	}
	*s = Size(x * mult)
	return nil
}
