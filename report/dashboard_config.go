package report

import (
	"errors"
	"fmt"
	"net"
	"strings"

	"golang.org/x/crypto/bcrypt"
)

// DashboardConfig is the `dashboard:` section of the daemon's configuration.
// The dashboard is off when the section is absent (Addr empty).
type DashboardConfig struct {
	// Addr is the dashboard's own listener, e.g. "127.0.0.1:8088". Put it
	// behind a TLS-terminating reverse proxy; it speaks plain HTTP.
	Addr string `yaml:"addr"`
	// Users may log in with a password; Hash is a bcrypt hash
	// (htpasswd -nbBC 12 user pass, the part after the colon).
	Users []DashboardUser `yaml:"users"`
	// ProxyHeader, when set, trusts a reverse proxy that has already
	// authenticated the user and names them in this request header (e.g.
	// X-Remote-User). Only requests from ProxyNetworks are trusted;
	// anyone else gets the login form. Leave empty without such a proxy.
	ProxyHeader   string   `yaml:"proxy_header"`
	ProxyNetworks []string `yaml:"proxy_networks"` // CIDRs; default 127.0.0.1/32, ::1/128
	// SessionKey signs login cookies (at least 32 bytes). Empty: a random
	// key per start, so a restart logs everyone out.
	SessionKey string `yaml:"session_key"`
	// Low-usage thresholds shown on the usage page, per quarter.
	MinMessages   uint64 `yaml:"min_messages"`    // default 10
	MinActiveDays uint64 `yaml:"min_active_days"` // default 5
}

// DashboardUser is one login.
type DashboardUser struct {
	Name string `yaml:"name"`
	Hash string `yaml:"bcrypt"`
}

// WithDefaults fills unset thresholds and proxy networks.
func (c DashboardConfig) WithDefaults() DashboardConfig {
	if c.MinMessages == 0 {
		c.MinMessages = 10
	}
	if c.MinActiveDays == 0 {
		c.MinActiveDays = 5
	}
	if c.ProxyHeader != "" && len(c.ProxyNetworks) == 0 {
		c.ProxyNetworks = []string{"127.0.0.1/32", "::1/128"}
	}
	return c
}

// Validate checks c and names the offending key.
func (c DashboardConfig) Validate() error {
	var errs []error
	bad := func(key, format string, a ...any) {
		errs = append(errs, fmt.Errorf("dashboard.%s: %s", key, fmt.Sprintf(format, a...)))
	}
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		bad("addr", "must be host:port, got %q", c.Addr)
	}
	if len(c.Users) == 0 && c.ProxyHeader == "" {
		bad("users", "no way to log in: list users (name + bcrypt) or set proxy_header")
	}
	seen := map[string]bool{}
	for i, u := range c.Users {
		switch {
		case strings.TrimSpace(u.Name) == "" || strings.ContainsAny(u.Name, "|\r\n"):
			bad(fmt.Sprintf("users[%d].name", i), "empty or invalid")
		case seen[u.Name]:
			bad(fmt.Sprintf("users[%d].name", i), "%q listed twice", u.Name)
		}
		seen[u.Name] = true
		if _, err := bcrypt.Cost([]byte(u.Hash)); err != nil {
			bad(fmt.Sprintf("users[%d].bcrypt", i), "not a bcrypt hash (%v)", err)
		}
	}
	for i, n := range c.ProxyNetworks {
		if _, _, err := net.ParseCIDR(n); err != nil {
			bad(fmt.Sprintf("proxy_networks[%d]", i), "%q: not a CIDR", n)
		}
	}
	if c.SessionKey != "" && len(c.SessionKey) < 32 {
		bad("session_key", "must be at least 32 bytes")
	}
	return errors.Join(errs...)
}
