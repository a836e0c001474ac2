package config_test

import (
	"fmt"
	"strings"
	"testing"

	"mailaudit/config"
)

const base = `
listeners: {plain: "127.0.0.1:2525"}
trusted_networks: [127.0.0.0/8]
routes: [{name: city, domains: [tphcm.gov.vn], upstream: "%s", tls: %s}]
default_route: city
`

func parse(t *testing.T, upstream, tls, extra string) (*config.Config, error) {
	t.Helper()
	return config.Parse([]byte(fmt.Sprintf(base, upstream, tls) + extra))
}

func TestConfigWarnings(t *testing.T) {
	for _, c := range []struct {
		upstream, tls, extra string
		warn                 string
	}{
		{"smtp.tphcm.gov.vn:587", "none", "", "routes[0].tls: none sends the users' AUTH credentials"},
		{"192.0.2.1:25", "none", "", "routes[0].tls"},
		{"127.0.0.1:2526", "none", "", ""},
		{"[::1]:2526", "none", "", ""},
		{"localhost:2526", "none", "", ""},
		{"smtp.tphcm.gov.vn:587", "starttls", "", ""},
		{"127.0.0.1:2526", "none", "admin: {addr: \"0.0.0.0:9100\", pprof: true}\n", "admin.pprof"},
		{"127.0.0.1:2526", "none", "admin: {addr: \"127.0.0.1:9100\", pprof: true}\n", ""},
		{"127.0.0.1:2526", "none", "audit: {subject: {privacy: hash, hash_key: change-me-to-a-long-random-secret}}\n", "audit.subject.hash_key"},
		{"127.0.0.1:2526", "none", "audit: {subject: {privacy: hash, hash_key: q7Z0yVn3xS0e5f0l9m1hZb6cU2rT8wK4}}\n", ""},
	} {
		cfg, err := parse(t, c.upstream, c.tls, c.extra)
		if err != nil {
			t.Fatalf("%+v: %v", c, err)
		}
		w := strings.Join(cfg.Warnings(), "\n")
		if (c.warn == "") != (w == "") || !strings.Contains(w, c.warn) {
			t.Errorf("%s tls %s %q: warnings %q, want %q", c.upstream, c.tls, c.extra, w, c.warn)
		}
	}
}

// TestConfigDashboardSection: the dashboard section is validated as part
// of the one config, with the key named.
func TestConfigDashboardSection(t *testing.T) {
	const hash = `$2a$10$cDO.FbdjZRkiXSul8cUQe.c621OQj6ki9Ht3uWAWKnU0a1I5u3Zve`
	for extra, want := range map[string]string{
		"dashboard: {addr: \"127.0.0.1:8088\", proxy_header: X-Remote-User}\n":                                                                             "dashboard.proxy_networks",
		"dashboard: {addr: \"127.0.0.1:8088\", users: [{name: a, bcrypt: \"" + hash + "\"}], session_key: change-me-to-at-least-32-random-bytes-please}\n": "dashboard.session_key",
		"dashboard: {addr: \"127.0.0.1:8088\", users: [{name: a, bcrypt: \"" + hash + "\"}], session_key: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa}\n":         "dashboard.session_key",
		"dashboard: {addr: \"127.0.0.1:8088\", users: [{name: a, bcrypt: \"" + hash + "\"}], max_queries: 0, secure_cookie: false}\n":                      "",
		"dashboard: {addr: \"127.0.0.1:8088\", proxy_header: X-Remote-User, proxy_networks: [10.0.0.5/32]}\n":                                              "",
		"audit: {clickhouse: {tls: {enable: true, cert: /x.pem}}}\n":                                                                                       "audit.clickhouse.tls",
	} {
		cfg, err := parse(t, "127.0.0.1:2526", "none", extra)
		switch {
		case want == "" && err != nil:
			t.Errorf("%q: %v", extra, err)
		case want != "" && (err == nil || !strings.Contains(err.Error(), want)):
			t.Errorf("%q: error %v, want one naming %s", extra, err, want)
		case want == "" && cfg.Dashboard != nil:
			if *cfg.Dashboard.SecureCookie == strings.Contains(extra, "secure_cookie: false") || cfg.Dashboard.MaxQueries != 2 {
				t.Errorf("%q: defaults %+v", extra, cfg.Dashboard)
			}
		}
	}
}

// TestDashboardThresholdsAreTheReports: the dashboard's low-usage list and
// `mailaudit report low-usage` judge by one setting, reports:; the
// dashboard section has no thresholds of its own to disagree with it.
func TestDashboardThresholdsAreTheReports(t *testing.T) {
	const dash = "dashboard: {addr: \"127.0.0.1:8088\", proxy_header: X-Remote-User, proxy_networks: [10.0.0.5/32]}\n"
	cfg, err := parse(t, "127.0.0.1:2526", "none", dash+"reports: {min_messages: 7, min_active_days: 3}\n")
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.Dashboard.Thresholds; got != cfg.Reports || got.MinMessages != 7 || got.MinActiveDays != 3 {
		t.Errorf("dashboard thresholds %+v, reports %+v", got, cfg.Reports)
	}
	if _, err := parse(t, "127.0.0.1:2526", "none", "dashboard: {addr: \"127.0.0.1:8088\", min_messages: 3}\n"); err == nil {
		t.Error("dashboard.min_messages accepted: thresholds belong to reports:")
	}
}
