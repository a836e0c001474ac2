package report

import (
	"errors"
	"fmt"
	"math"
	"net"
	"strings"
	"unicode"

	"golang.org/x/crypto/bcrypt"
)

// DashboardConfig is the `dashboard:` section of the daemon's configuration.
// The dashboard is off when the section is absent (Addr empty).
type DashboardConfig struct {
	// Addr is the dashboard's own listener, e.g. "127.0.0.1:8088". Put it
	// behind a TLS-terminating reverse proxy; it speaks plain HTTP.
	Addr string `yaml:"addr"`
	// InServe runs the dashboard inside `mailaudit serve`, for small
	// installs. Off by default: the dashboard then runs as its own process
	// (`mailaudit dashboard --config FILE`, deploy/mailaudit-dashboard.service),
	// so that a heavy report can never take the mail relay down with it.
	InServe bool `yaml:"in_serve"`
	// Users may log in with a password; Hash is a bcrypt hash
	// (htpasswd -nbBC 12 user pass, the part after the colon).
	Users []DashboardUser `yaml:"users"`
	// ProxyHeader, when set, trusts a reverse proxy that has already
	// authenticated the user and names them in this request header (e.g.
	// X-Remote-User). Only requests from ProxyNetworks are trusted, and
	// ProxyNetworks must be listed explicitly: a default (say loopback)
	// would let any local process name itself anyone.
	ProxyHeader   string   `yaml:"proxy_header"`
	ProxyNetworks []string `yaml:"proxy_networks"` // CIDRs of the reverse proxy
	// SessionKey signs login cookies: at least 32 random bytes, e.g. the
	// output of `openssl rand -base64 32`. Empty: a random key per start.
	// Either way a restart ends every session (see report/dashboard).
	SessionKey string `yaml:"session_key"`
	// SecureCookie marks the session cookie Secure (sent over HTTPS only).
	// Default true: the dashboard is meant to sit behind a TLS proxy, where
	// the Go server itself never sees TLS. Browsers treat 127.0.0.1 and
	// localhost as secure, so local use works either way.
	SecureCookie *bool `yaml:"secure_cookie"`
	// MaxQueries caps the report queries running at once (default 2);
	// more requests wait, then get 503.
	MaxQueries int `yaml:"max_queries"`
	// Thresholds are the low-usage thresholds of the config's reports:
	// section, so the dashboard and the report command never disagree on
	// who is a low user (set by config validation, not a key of its own).
	Thresholds Thresholds `yaml:"-"`
}

// DashboardUser is one login.
type DashboardUser struct {
	Name string `yaml:"name"`
	Hash string `yaml:"bcrypt"`
}

// WithDefaults fills unset thresholds, the query cap and the cookie flag.
// Proxy networks get no default (see ProxyHeader).
func (c DashboardConfig) WithDefaults() DashboardConfig {
	if c.Thresholds == (Thresholds{}) {
		c.Thresholds = DefaultThresholds()
	}
	if c.MaxQueries == 0 {
		c.MaxQueries = 2
	}
	if c.SecureCookie == nil {
		on := true
		c.SecureCookie = &on
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
		case strings.TrimSpace(u.Name) == "" || strings.ContainsAny(u.Name, "|\r\n") || len(u.Name) > 256:
			bad(fmt.Sprintf("users[%d].name", i), "empty or invalid")
		case seen[u.Name]:
			bad(fmt.Sprintf("users[%d].name", i), "%q listed twice", u.Name)
		}
		seen[u.Name] = true
		key := fmt.Sprintf("users[%d].bcrypt", i)
		if _, err := bcrypt.Cost([]byte(u.Hash)); err != nil {
			bad(key, "not a bcrypt hash (%v)", err)
		} else if strings.Contains(strings.ToLower(u.Hash), "replace") {
			bad(key, "is the example's placeholder: htpasswd -nbBC 12 NAME PASSWORD gives a hash")
		} else if len(u.Hash) != 60 {
			bad(key, "not a bcrypt hash (%d characters, want 60)", len(u.Hash))
		}
	}
	if c.ProxyHeader != "" && len(c.ProxyNetworks) == 0 {
		bad("proxy_networks", "must list the reverse proxy's addresses (CIDRs) when proxy_header is set")
	}
	for i, n := range c.ProxyNetworks {
		if _, _, err := net.ParseCIDR(n); err != nil {
			bad(fmt.Sprintf("proxy_networks[%d]", i), "%q: not a CIDR", n)
		}
	}
	if c.SessionKey != "" {
		if err := CheckSecretKey(c.SessionKey, 32); err != nil {
			bad("session_key", "%v", err)
		}
	}
	if c.MaxQueries < 1 || c.MaxQueries > 64 {
		bad("max_queries", "must be 1-64, got %d", c.MaxQueries)
	}
	return errors.Join(errs...)
}

// placeholderWords mark a key someone copied from an example instead of
// generating.
var placeholderWords = []string{"change", "replace", "example", "placeholder", "secret", "password", "random", "please", "xxxx"}

// CheckSecretKey refuses a key that is short, a copied placeholder or of
// low entropy. The entropy estimate is the string's own symbol statistics
// (Shannon entropy per character times its length): a generated key
// (openssl rand -base64 32: ~5 bits a character, ~220 bits) passes; a
// repeated pattern or a sentence does not reach 3.5 bits a character.
func CheckSecretKey(key string, minBytes int) error {
	if len(key) < minBytes {
		return fmt.Errorf("must be at least %d bytes (generate one: openssl rand -base64 32)", minBytes)
	}
	lower := strings.ToLower(key)
	for _, w := range placeholderWords {
		if strings.Contains(lower, w) {
			return fmt.Errorf("looks like a placeholder (contains %q): generate one with openssl rand -base64 32", w)
		}
	}
	freq := map[rune]float64{}
	n := 0.0
	for _, r := range key {
		if unicode.IsSpace(r) {
			return errors.New("must not contain spaces (generate one: openssl rand -base64 32)")
		}
		freq[r]++
		n++
	}
	h := 0.0
	for _, f := range freq {
		p := f / n
		h -= p * math.Log2(p)
	}
	if h < 3.5 || h*n < 128 {
		return fmt.Errorf("too little entropy (~%.0f bits): generate one with openssl rand -base64 32", h*n)
	}
	return nil
}
