package dashboard_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"mailaudit/report"
	"mailaudit/report/dashboard"
)

// client is a browser stand-in: a cookie jar, redirects not followed.
type client struct {
	t    *testing.T
	base string
	c    *http.Client
}

func newClient(t *testing.T, base string) *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: t, base: base, c: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (c *client) do(req *http.Request) (*http.Response, string) {
	c.t.Helper()
	resp, err := c.c.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func (c *client) get(path string, hdr ...string) (*http.Response, string) {
	c.t.Helper()
	req, _ := http.NewRequest("GET", c.base+path, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	return c.do(req)
}

// login posts the form; the response's cookies keep their attributes
// (the jar's copies do not).
func (c *client) login(user, pass, back string) *http.Response {
	c.t.Helper()
	req, _ := http.NewRequest("POST", c.base+"/login", strings.NewReader(url.Values{"user": {user}, "password": {pass}, "back": {back}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, _ := c.do(req)
	return resp
}

func (c *client) session() *http.Cookie {
	u, _ := url.Parse(c.base)
	for _, k := range c.c.Jar.Cookies(u) {
		if k.Name == "mailaudit_session" {
			return k
		}
	}
	return nil
}

// forge signs a session payload with the configured key, as someone who
// has read the configuration file could. bcryptHash is the named user's
// hash from the same file ("" for a name that is no user).
func forge(payload, bcryptHash string) string {
	m := hmac.New(sha256.New, []byte(testKey))
	m.Write([]byte(payload))
	m.Write([]byte{0})
	m.Write([]byte(bcryptHash))
	return base64.RawURLEncoding.EncodeToString([]byte(payload)) + "." + base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

func TestDashboardSecurity(t *testing.T) {
	var hash string
	ts, src := startDashboard(t, func(c *report.DashboardConfig) { hash = c.Users[0].Hash })

	t.Run("forged session cookies", func(t *testing.T) {
		c := newClient(t, ts.URL)
		r := c.login(testUser, testPass, "/")
		if r.StatusCode != http.StatusSeeOther {
			t.Fatalf("login: %d", r.StatusCode)
		}
		var real *http.Cookie
		for _, k := range r.Cookies() {
			if k.Name == "mailaudit_session" {
				real = k
			}
		}
		if real == nil || !real.Secure || !real.HttpOnly || real.SameSite != http.SameSiteStrictMode {
			t.Fatalf("session cookie %+v: want Secure (secure_cookie defaults on), HttpOnly, SameSite=Strict", real)
		}
		if jarred := c.session(); jarred == nil || jarred.Value != real.Value {
			t.Fatal("the jar did not keep the session cookie")
		}
		raw, _ := base64.RawURLEncoding.DecodeString(strings.Split(real.Value, ".")[0])
		f := strings.Split(string(raw), "|")
		if len(f) != 4 || f[0] != testUser {
			t.Fatalf("cookie payload %q", raw)
		}
		epoch, version := f[2], f[3]
		now := time.Now().Unix()
		tenYears := strconv.FormatInt(now+10*365*86400, 10)
		soon := strconv.FormatInt(now+3600, 10)
		for name, v := range map[string]string{
			// The attack: the old cookie format for a made-up name, ten years.
			"old format, nobody":     forge("nobody-attacker|"+tenYears, ""),
			"no such user":           forge("nobody-attacker|"+soon+"|"+epoch+"|"+version, ""),
			"ten-year expiry":        forge(testUser+"|"+tenYears+"|"+epoch+"|"+version, hash),
			"expired":                forge(testUser+"|"+strconv.FormatInt(now-1, 10)+"|"+epoch+"|"+version, hash),
			"other process (epoch)":  forge(testUser+"|"+soon+"|zz"+epoch+"|"+version, hash),
			"next version":           forge(testUser+"|"+soon+"|"+epoch+"|"+version+"1", hash),
			"tampered signature":     real.Value[:len(real.Value)-2] + "AA",
			"garbage":                "x.y",
			"old format, known user": forge(testUser+"|"+soon, hash),
		} {
			a := newClient(t, ts.URL)
			req, _ := http.NewRequest("GET", ts.URL+"/findings?quarter=2024Q2", nil)
			req.AddCookie(&http.Cookie{Name: "mailaudit_session", Value: v})
			if resp, _ := a.do(req); resp.StatusCode != http.StatusSeeOther {
				t.Errorf("%s: %d, want a redirect to the login", name, resp.StatusCode)
			}
		}
		// The positive control: with the key, a cookie built exactly like
		// the server's is accepted, so the refusals above are about the
		// fields, not about the test's signing.
		a := newClient(t, ts.URL)
		req, _ := http.NewRequest("GET", ts.URL+"/findings?quarter=2024Q2", nil)
		req.AddCookie(&http.Cookie{Name: "mailaudit_session", Value: forge(testUser+"|"+soon+"|"+epoch+"|"+version, hash)})
		if resp, _ := a.do(req); resp.StatusCode != http.StatusOK {
			t.Errorf("well-formed cookie: %d", resp.StatusCode)
		}

		// Logout ends every session of the user, also a copy of the cookie
		// kept elsewhere.
		other := newClient(t, ts.URL)
		if r := other.login(testUser, testPass, "/"); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("second login: %d", r.StatusCode)
		}
		if resp, _ := other.get("/usage?quarter=2024Q2"); resp.StatusCode != 200 {
			t.Fatalf("second session: %d", resp.StatusCode)
		}
		req, _ = http.NewRequest("POST", ts.URL+"/logout", nil)
		c.do(req)
		stolen := newClient(t, ts.URL)
		req, _ = http.NewRequest("GET", ts.URL+"/usage?quarter=2024Q2", nil)
		req.AddCookie(real)
		if resp, _ := stolen.do(req); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("cookie after logout: %d", resp.StatusCode)
		}
		if resp, _ := other.get("/usage?quarter=2024Q2"); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("the user's other session after logout: %d", resp.StatusCode)
		}
	})

	t.Run("open redirects", func(t *testing.T) {
		c := newClient(t, ts.URL)
		for _, back := range []string{"/%09/evil.example/pwned", "/\t/evil.example", "//evil.example", "/\\evil.example",
			"https://evil.example/", "/%5Cevil.example", "/\n/evil.example", "javascript:alert(1)", "evil.example", "/%2F/evil.example"} {
			resp, _ := c.get("/lang/en?back=" + url.QueryEscape(back))
			if loc := resp.Header.Get("Location"); loc != "/" {
				t.Errorf("lang back=%q: redirect to %q", back, loc)
			}
			if resp, _ := c.get("/login?back=" + url.QueryEscape(back)); strings.Contains(resp.Header.Get("Location"), "evil") {
				t.Errorf("login form back=%q", back)
			}
		}
		// The exact request, as the browser sent it.
		if resp, _ := c.get("/lang/en?back=/%09/host/pwned"); resp.Header.Get("Location") != "/" {
			t.Errorf("/%%09/host: redirect to %q", resp.Header.Get("Location"))
		}
		if resp, _ := c.get("/lang/en?back=" + url.QueryEscape("/usage?quarter=2024Q2")); resp.Header.Get("Location") != "/usage?quarter=2024Q2" {
			t.Errorf("a local path was not kept: %q", resp.Header.Get("Location"))
		}
		for _, back := range []string{"/%09/evil.example", "//evil.example"} {
			n := newClient(t, ts.URL)
			if r := n.login(testUser, testPass, back); r.Header.Get("Location") != "/" {
				t.Errorf("login back=%q: redirect to %q", back, r.Header.Get("Location"))
			}
		}
	})

	c := newClient(t, ts.URL)
	if r := c.login(testUser, testPass, "/"); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("login: %d", r.StatusCode)
	}

	t.Run("headers", func(t *testing.T) {
		resp, _ := c.get("/usage?quarter=2024Q2")
		csp := resp.Header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "form-action 'self'") || !strings.Contains(csp, "base-uri 'none'") || !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("CSP %q", csp)
		}
		for _, p := range []string{"/usage?quarter=2024Q2", "/findings?quarter=2024Q2", "/?quarter=2024Q2",
			"/person?staff=T01&quarter=2024Q2", "/findings?quarter=2024Q2&page=1", "/activation?deadline=2024-05-23", "/download/usage.csv?quarter=2024Q2", "/download/findings.xlsx?quarter=2024Q2&kind="} {
			if resp, _ := c.get(p); resp.StatusCode != 200 || resp.Header.Get("Cache-Control") != "no-store" {
				t.Errorf("%s: %d, Cache-Control %q", p, resp.StatusCode, resp.Header.Get("Cache-Control"))
			}
		}
	})

	t.Run("static serves only the stylesheet", func(t *testing.T) {
		if resp, body := c.get("/static/style.css"); resp.StatusCode != 200 || !strings.Contains(body, "font-family") {
			t.Errorf("style.css: %d", resp.StatusCode)
		}
		for _, p := range []string{"/static/", "/static/layout.html", "/static/login.html", "/static/usage.html", "/static/../assets/usage.html", "/static/assets"} {
			if resp, body := c.get(p); resp.StatusCode == 200 || strings.Contains(body, "{{") {
				t.Errorf("%s: %d %.80q", p, resp.StatusCode, body)
			}
		}
	})

	t.Run("bad input is 400", func(t *testing.T) {
		for p, want := range map[string]int{
			"/message/00000000-0000-4000-8000-000000000009?date=2024-13-45": 400,
			"/message/00000000-0000-4000-8000-000000000009?date=yesterday":  400,
			"/message/00000000-0000-4000-8000-000000000009?date=0000-01-01": 400,
			"/message/00000000-0000-4000-8000-000000000009?date=2024-05-05": 404,
			"/download/types.csv?quarter=2024Q2&by=fortnight":               400,
			"/download/types.csv?quarter=2024Q2&by=":                        400,
			"/download/types.csv?quarter=2024Q2":                            400, // by is needed
			"/download/types.csv?quarter=2024Q2&by=month":                   200,
			"/download/usage.xlsx":                                          400, // no period: no silent current quarter
			"/download/usage.xlsx?quarter%3d2024Q2":                         400, // the old escaped link
			"/download/usage.csv?quarter=2024Q2&quater=2024Q1":              400, // unknown parameter
			"/download/usage.csv?quarter=2024Q2&quarter=2024Q1":             400, // twice
			"/download/low-usage.csv?from=2024-04-01":                       400,
			"/download/findings.csv?quarter=2024Q2&kind=nonsense":           400,
			"/download/activation.csv":                                      400,
			"/download/activation.csv?deadline=2024-05-23&quarter=2024Q2":   400,
			"/findings?quarter=2024Q2&kind=secret_document":                 200,
		} {
			if resp, body := c.get(p); resp.StatusCode != want {
				t.Errorf("%s: %d, want %d (%.100s)", p, resp.StatusCode, want, body)
			}
		}
	})

	t.Run("period cap", func(t *testing.T) {
		for p, want := range map[string]int{
			"/download/types.csv?from=0000-01-01&to=9999-12-31&by=day":  400, // the probe
			"/?from=0000-01-01&to=9999-12-31":                           400,
			"/usage?from=1900-01-01&to=2024-01-01":                      400, // before ClickHouse's dates
			"/usage?from=2020-01-01&to=2024-12-31":                      400, // five years
			"/download/types.csv?from=2024-01-01&to=2024-12-31&by=day":  400, // by day over a year
			"/download/types.csv?from=2024-04-01&to=2024-06-30&by=day":  200, // a quarter by day
			"/download/types.csv?from=2023-01-01&to=2024-12-31&by=week": 200,
			"/?from=2023-01-01&to=2024-12-31":                           200, // two years
			"/usage?quarter=2024Q2":                                     200,
		} {
			if resp, body := c.get(p); resp.StatusCode != want {
				t.Errorf("%s: %d, want %d (%.120s)", p, resp.StatusCode, want, body)
			}
		}
	})

	t.Run("download links keep the period", func(t *testing.T) {
		_, body := c.get("/usage?from=2024-04-01&to=2024-06-30")
		if strings.Contains(body, "/download/usage.csv?from%3d") || !strings.Contains(body, `href="/download/usage.csv?from=2024-04-01&amp;to=2024-06-30"`) {
			t.Errorf("usage page links:\n%s", between(body, `class="downloads"`, "</p>"))
		}
		_, body = c.get("/findings?quarter=2024Q2&kind=secret_document")
		if !strings.Contains(body, `href="/download/findings.csv?quarter=2024Q2&amp;kind=secret_document"`) {
			t.Errorf("findings page links:\n%s", between(body, `class="downloads"`, "</p>"))
		}
	})

	t.Run("throttling", func(t *testing.T) {
		a := newClient(t, ts.URL)
		codes := map[int]int{}
		for i := 0; i < 8; i++ {
			codes[a.login(testUser, fmt.Sprintf("wrong-%d", i), "/").StatusCode]++
		}
		if codes[http.StatusUnauthorized] != 5 || codes[http.StatusTooManyRequests] != 3 {
			t.Errorf("8 wrong passwords in a row: %v, want 5×401 then 429", codes)
		}
		r := a.login(testUser, testPass, "/")
		if r.StatusCode != http.StatusTooManyRequests || r.Header.Get("Retry-After") == "" {
			t.Errorf("the right password during the lockout: %d (Retry-After %q)", r.StatusCode, r.Header.Get("Retry-After"))
		}
		// Parallel guesses at an unknown name from one address: the gate
		// counts each attempt when it lets it through, so a burst cannot
		// slip past before the first failure lands.
		var mu sync.Mutex
		par := map[int]int{}
		var wg sync.WaitGroup
		for i := 0; i < 64; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				code := a.login("someone-else", "guess", "/").StatusCode
				mu.Lock()
				par[code]++
				mu.Unlock()
			}()
		}
		wg.Wait()
		if par[http.StatusUnauthorized] > 10 || par[http.StatusTooManyRequests] < 54 {
			t.Errorf("64 parallel guesses from one address: %v; at most 10 may reach bcrypt", par)
		}
	})

	t.Run("proxy header only from proxy_networks, set explicitly", func(t *testing.T) {
		if _, err := dashboard.New(report.DashboardConfig{Addr: ":0", ProxyHeader: "X-Remote-User"}, nil, nil); err == nil {
			t.Error("proxy_header without proxy_networks accepted")
		}
		mk := func(nets ...string) *httptest.Server {
			srv, err := dashboard.New(report.DashboardConfig{Addr: ":0", ProxyHeader: "X-Remote-User", ProxyNetworks: nets},
				func() *report.Source { return src }, nil)
			if err != nil {
				t.Fatal(err)
			}
			h := httptest.NewServer(srv)
			t.Cleanup(h.Close)
			return h
		}
		trusted := newClient(t, mk("127.0.0.0/8").URL)
		if resp, _ := trusted.get("/usage?quarter=2024Q2", "X-Remote-User", "kiemtoan@sso"); resp.StatusCode != 200 {
			t.Errorf("header from the proxy network: %d", resp.StatusCode)
		}
		if resp, _ := trusted.get("/usage?quarter=2024Q2"); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("no header from the proxy network: %d", resp.StatusCode)
		}
		untrusted := newClient(t, mk("192.0.2.0/24").URL)
		if resp, _ := untrusted.get("/usage?quarter=2024Q2", "X-Remote-User", "anyone"); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("header from outside proxy_networks: %d", resp.StatusCode)
		}
	})
}

func between(s, from, to string) string {
	i := strings.Index(s, from)
	if i < 0 {
		return s
	}
	s = s[i:]
	if j := strings.Index(s, to); j >= 0 {
		return s[:j]
	}
	return s
}
