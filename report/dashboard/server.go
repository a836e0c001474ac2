// Package dashboard is the auditors' read-only web dashboard: overview
// charts, per-division and per-person usage with the low-usage list for a
// quarter, paged findings with a drill-down to one message's metadata, a
// page per person (activity calendar, findings, mailbox sessions) reached
// from every name, and every report as CSV or XLSX. Pages are server-rendered html/template with
// inline SVG charts; the stylesheet is embedded, so nothing is fetched
// from a CDN and no JavaScript build exists. Vietnamese by default, with
// an English switch.
package dashboard

import (
	"bytes"
	"context"
	"crypto/rand"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"github.com/google/uuid"
	"golang.org/x/crypto/bcrypt"

	"mailaudit/audit"
	"mailaudit/policy"
	"mailaudit/report"
)

//go:embed assets
var assets embed.FS

// Server serves the dashboard. Its only mutable state is in memory and
// per process: the session versions (logout), the login throttle and the
// cap on report queries; the roster comes from a function (the daemon's
// current one after a reload).
type Server struct {
	cfg       report.DashboardConfig
	source    func() *report.Source
	sess      *sessions
	dummyHash string
	throttle  *throttle
	queries   chan struct{} // one slot per report query allowed at once
	limits    report.Limits
	nets      []*net.IPNet
	tmpl      *template.Template
	style     []byte
	log       *slog.Logger
	now       func() time.Time
	mux       *http.ServeMux
}

// queryWait is how long a request waits for a report-query slot before it
// gets 503; queryTimeout bounds one page's or download's queries.
const (
	queryWait    = 20 * time.Second
	queryTimeout = 100 * time.Second
)

// New builds the handler. source is called once per request.
func New(cfg report.DashboardConfig, source func() *report.Source, log *slog.Logger) (*Server, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Server{cfg: cfg, source: source, log: log.With("component", "dashboard"), now: time.Now,
		queries: make(chan struct{}, cfg.MaxQueries), limits: report.DashboardLimits()}
	// The clock is read through s.now so that tests can move it.
	now := func() time.Time { return s.now() }
	key := []byte(cfg.SessionKey)
	if len(key) == 0 {
		key = make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			return nil, fmt.Errorf("dashboard: session key: %w", err)
		}
	}
	users := map[string]string{}
	cost := bcrypt.DefaultCost
	for _, u := range cfg.Users {
		users[u.Name] = u.Hash
		if c, err := bcrypt.Cost([]byte(u.Hash)); err == nil {
			cost = c
		}
	}
	sess, err := newSessions(key, users, now)
	if err != nil {
		return nil, fmt.Errorf("dashboard: sessions: %w", err)
	}
	s.sess = sess
	s.throttle = newThrottle(now)
	// An unknown name is checked against this hash, at the users' cost.
	dummy, err := bcrypt.GenerateFromPassword([]byte(rand.Text()), cost)
	if err != nil {
		return nil, fmt.Errorf("dashboard: %w", err)
	}
	s.dummyHash = string(dummy)
	for _, n := range cfg.ProxyNetworks {
		_, ipn, _ := net.ParseCIDR(n) // checked by Validate
		s.nets = append(s.nets, ipn)
	}
	t, err := template.New("").Funcs(s.funcs()).ParseFS(assets, "assets/*.html")
	if err != nil {
		return nil, fmt.Errorf("dashboard: templates: %w", err)
	}
	s.tmpl = t
	if s.style, err = assets.ReadFile("assets/style.css"); err != nil {
		return nil, fmt.Errorf("dashboard: %w", err)
	}
	m := http.NewServeMux()
	// The one static asset, by name: no listing, no template sources.
	m.HandleFunc("GET /static/style.css", s.serveStyle)
	m.HandleFunc("GET /login", s.loginForm)
	m.HandleFunc("POST /login", s.login)
	m.HandleFunc("POST /logout", s.logout)
	m.HandleFunc("GET /lang/{lang}", s.setLang)
	m.HandleFunc("GET /{$}", s.auth(s.limited(s.overview)))
	m.HandleFunc("GET /usage", s.auth(s.limited(s.usage)))
	m.HandleFunc("GET /findings", s.auth(s.limited(s.findings)))
	m.HandleFunc("GET /message/{id}", s.auth(s.limited(s.message)))
	m.HandleFunc("GET /person", s.auth(s.limited(s.person)))
	m.HandleFunc("GET /activation", s.auth(s.limited(s.activation)))
	m.HandleFunc("GET /download/{file}", s.auth(s.limited(s.download)))
	s.mux = m
	return s, nil
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'self'; style-src 'self'; img-src 'self' data:; "+
		"frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("X-Frame-Options", "DENY")
	s.mux.ServeHTTP(w, r)
}

func (s *Server) serveStyle(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Write(s.style)
}

// Start serves the dashboard on cfg.Addr until ctx ends or stop is called.
// roster is asked for the current roster on every request, so a reloaded
// roster shows at once.
func Start(ctx context.Context, cfg report.DashboardConfig, conn driver.Conn, schema audit.Schema,
	roster func() *policy.Roster, log *slog.Logger) (stop func(context.Context) error, err error) {
	srv, err := New(cfg, func() *report.Source { return report.NewSource(conn, schema, roster()) }, log)
	if err != nil {
		return nil, err
	}
	l, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("dashboard: %w", err)
	}
	hs := NewHTTPServer(srv)
	hs.BaseContext = func(net.Listener) context.Context { return ctx }
	go func() {
		if err := hs.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
			srv.log.Error("dashboard stopped", "err", err)
		}
	}()
	srv.log.Info("dashboard listening", "addr", l.Addr().String())
	return hs.Shutdown, nil
}

// NewHTTPServer wraps h with the timeouts a public-facing listener needs:
// a slow client can hold a connection for seconds, not forever. The write
// timeout leaves room for the largest download (queryTimeout).
func NewHTTPServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      queryTimeout + 20*time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
}

// lang is the request's language: the lang cookie, default Vietnamese.
func lang(r *http.Request) string {
	if c, err := r.Cookie("lang"); err == nil && c.Value == report.LangEN {
		return report.LangEN
	}
	return report.LangVI
}

// safeBack keeps a redirect target on this site: a path that url.Parse
// reads with no scheme and no host, starting with a single "/", with no
// backslash (browsers read it as "/") and no control character (browsers
// drop tabs and newlines, so "/\t/host" would become "//host").
func safeBack(b string) string {
	if b == "" || b[0] != '/' || strings.HasPrefix(b, "//") || strings.ContainsRune(b, '\\') ||
		strings.ContainsFunc(b, unicode.IsControl) || len(b) > 2048 {
		return "/"
	}
	u, err := url.Parse(b)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" || !strings.HasPrefix(u.Path, "/") ||
		strings.HasPrefix(u.Path, "//") || strings.ContainsFunc(u.Path, unicode.IsControl) || strings.ContainsRune(u.Path, '\\') {
		return "/"
	}
	return b
}

func (s *Server) setLang(w http.ResponseWriter, r *http.Request) {
	l := r.PathValue("lang")
	if l != report.LangEN {
		l = report.LangVI
	}
	http.SetCookie(w, &http.Cookie{Name: "lang", Value: l, Path: "/", MaxAge: 365 * 86400, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, safeBack(r.URL.Query().Get("back")), http.StatusSeeOther)
}

type ctxUser struct{}

// auth lets logged-in users through. Every page behind it shows personal
// data, so none of it may be kept in a cache.
func (s *Server) auth(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u, ok := s.user(r)
		if !ok {
			http.Redirect(w, r, "/login?back="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		h(w, r.WithContext(context.WithValue(r.Context(), ctxUser{}, u)))
	}
}

// limited takes one of the MaxQueries report-query slots for the request,
// so that a few heavy pages cannot make ClickHouse and this process work
// on unbounded numbers of reports at once.
func (s *Server) limited(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		wait, cancel := context.WithTimeout(r.Context(), queryWait)
		defer cancel()
		select {
		case s.queries <- struct{}{}:
		case <-wait.Done():
			w.Header().Set("Retry-After", "10")
			http.Error(w, "too many reports running; try again shortly", http.StatusServiceUnavailable)
			return
		}
		defer func() { <-s.queries }()
		ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
		defer cancel()
		h(w, r.WithContext(ctx))
	}
}

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, "login", map[string]any{"Back": safeBack(r.URL.Query().Get("back"))})
}

// setSession sets (or with value "" clears) the session cookie.
func (s *Server) setSession(w http.ResponseWriter, r *http.Request, value string) {
	age := int(sessionTTL.Seconds())
	if value == "" {
		age = -1
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: value, Path: "/", MaxAge: age,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil || *s.cfg.SecureCookie})
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	name, pass, back := r.PostFormValue("user"), r.PostFormValue("password"), safeBack(r.PostFormValue("back"))
	_, known := s.sess.users[name]
	// A name that is no user is never logged: people type passwords there.
	logName := "(unknown)"
	userKey := ""
	if known {
		logName, userKey = name, "user:"+name
	}
	ipKey := clientKey(r.RemoteAddr)
	if wait := s.throttle.admit(ipKey, userKey); wait > 0 {
		s.log.Warn("dashboard login refused: too many failures", "user", logName, "remote", r.RemoteAddr)
		w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
		w.WriteHeader(http.StatusTooManyRequests)
		s.render(w, r, "login", map[string]any{"Back": back, "Throttled": true})
		return
	}
	if !s.throttle.acquire(r.Context()) {
		return // the client went away while waiting
	}
	ok := s.checkPassword(name, pass)
	s.throttle.release()
	if !ok {
		s.log.Warn("dashboard login failed", "user", logName, "remote", r.RemoteAddr)
		w.WriteHeader(http.StatusUnauthorized)
		s.render(w, r, "login", map[string]any{"Back": back, "Failed": true})
		return
	}
	s.throttle.success(ipKey, userKey)
	s.log.Info("dashboard login", "user", name, "remote", r.RemoteAddr)
	s.setSession(w, r, s.sess.issue(name))
	http.Redirect(w, r, back, http.StatusSeeOther)
}

// logout ends every session of the user, not just this cookie.
func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		if u, ok := s.sess.verify(c.Value); ok {
			s.sess.end(u)
			s.log.Info("dashboard logout", "user", u, "remote", r.RemoteAddr)
		}
	}
	s.setSession(w, r, "")
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// render executes a page template into a buffer first, so a template
// error becomes a 500 instead of half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, page string, data map[string]any) {
	data["Lang"] = lang(r)
	data["Page"] = page
	data["Path"] = r.URL.RequestURI()
	if u, ok := r.Context().Value(ctxUser{}).(string); ok {
		data["User"] = u
	}
	var b bytes.Buffer
	if err := s.tmpl.ExecuteTemplate(&b, page, data); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write(b.Bytes())
}

func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	s.log.Error("dashboard request failed", "path", r.URL.Path, "err", err)
	http.Error(w, "internal error (see the server log)", http.StatusInternalServerError)
}

func (s *Server) badRequest(w http.ResponseWriter, err error) {
	http.Error(w, err.Error(), http.StatusBadRequest)
}

// period reads quarter=, or from= and to=; a page without them shows the
// current quarter. The period must lie within the dashboard's limits for
// the breakdown g ("" = none).
func (s *Server) period(r *http.Request, g string) (report.Period, error) {
	q := r.URL.Query()
	p := report.QuarterOf(report.Today(s.now()))
	if q.Has("quarter") || q.Has("from") || q.Has("to") {
		var err error
		if p, err = report.ParsePeriod(q.Get("quarter"), q.Get("from"), q.Get("to")); err != nil {
			return report.Period{}, err
		}
	}
	return p, s.limits.Check(p, g)
}

func (s *Server) overview(w http.ResponseWriter, r *http.Request) {
	p, err := s.period(r, report.ByWeek)
	if err != nil {
		s.badRequest(w, err)
		return
	}
	src := s.source()
	weeks, err := src.Types(r.Context(), p, report.ByWeek)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	u, err := src.Usage(r.Context(), p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	l := lang(r)
	var weekly, flagged []bar
	for _, row := range weeks.Rows {
		weekly = append(weekly, bar{row.Start[5:], row.Messages})
		flagged = append(flagged, bar{row.Start[5:], row.Flagged})
	}
	var mix []bar
	for _, t := range weeks.Types {
		mix = append(mix, bar{report.TypeLabel(t, l), weeks.Total.ByType[t]})
	}
	low := report.LowUsageFrom(u, s.thresholds())
	s.render(w, r, "overview", map[string]any{
		"Period": p, "Usage": u, "Low": len(low.Users), "Weekly": columnChart(weekly, l), "Mix": barChart(mix, l),
		"Flagged": columnChart(flagged, l), "Query": periodQuery(p),
	})
}

func (s *Server) thresholds() report.Thresholds {
	return s.cfg.Thresholds
}

func (s *Server) usage(w http.ResponseWriter, r *http.Request) {
	p, err := s.period(r, "")
	if err != nil {
		s.badRequest(w, err)
		return
	}
	u, err := s.source().Usage(r.Context(), p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	low := report.LowUsageFrom(u, s.thresholds())
	l := lang(r)
	var reasons [][]string
	for _, lu := range low.Users {
		var why []string
		for _, c := range lu.Reasons {
			why = append(why, report.ReasonText(c, lu.PersonUsage, low.Thresholds, l))
		}
		reasons = append(reasons, why)
	}
	s.render(w, r, "usage", map[string]any{"Period": p, "Usage": u, "Low": low, "Reasons": reasons, "Query": periodQuery(p)})
}

// periodQuery is the query string that selects p again. It is typed as a
// URL so that html/template keeps its "=" and "&" (it escapes a plain
// string in a query, which made every download link lose its period).
func periodQuery(p report.Period) template.URL {
	v := url.Values{}
	if strings.Contains(p.Label, "Q") {
		v.Set("quarter", p.Label)
	} else {
		v.Set("from", p.From.Format(time.DateOnly))
		v.Set("to", p.To.Format(time.DateOnly))
	}
	return template.URL(v.Encode())
}

// findingsPage is how many findings one page of the findings list shows.
const findingsPage = 100

func (s *Server) findingsFilter(r *http.Request) (report.FindingsFilter, error) {
	p, err := s.period(r, "")
	if err != nil {
		return report.FindingsFilter{}, err
	}
	q := r.URL.Query()
	f := report.FindingsFilter{Period: p, StaffID: q.Get("staff"), Division: q.Get("division"), Limit: findingsPage}
	if k := q.Get("kind"); k != "" {
		known := map[string]bool{}
		for _, id := range policy.Findings() {
			known[id] = true
		}
		for _, id := range strings.Split(k, ",") {
			if !known[id] {
				return f, fmt.Errorf("kind %q: no such finding", id)
			}
			f.Kinds = append(f.Kinds, id)
		}
	}
	if v := q.Get("page"); v != "" || q.Has("page") {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1_000_000 {
			return f, fmt.Errorf("page %q: want a page number from 1", v)
		}
		f.Offset = (n - 1) * findingsPage
	}
	return f, nil
}

// pageLink is one link of a paged list.
type pageLink struct {
	N       int
	Current bool
	Gap     bool // "…" between distant pages
}

// pageLinks lists the first, last and nearby pages of n pages.
func pageLinks(cur, n int) []pageLink {
	var out []pageLink
	for i := 1; i <= n; i++ {
		if i == 1 || i == n || (i >= cur-3 && i <= cur+3) {
			out = append(out, pageLink{N: i, Current: i == cur})
		} else if len(out) > 0 && !out[len(out)-1].Gap {
			out = append(out, pageLink{Gap: true})
		}
	}
	return out
}

func (s *Server) findings(w http.ResponseWriter, r *http.Request) {
	f, err := s.findingsFilter(r)
	if err != nil {
		s.badRequest(w, err)
		return
	}
	rep, err := s.source().Findings(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	page, pages := f.Offset/findingsPage+1, int((rep.Total+findingsPage-1)/findingsPage)
	if page > max(pages, 1) {
		s.badRequest(w, fmt.Errorf("page %d: there are %d pages", page, pages))
		return
	}
	// Page links keep every filter of this page.
	q := r.URL.Query()
	q.Del("page")
	s.render(w, r, "findings", map[string]any{"Period": f.Period, "Report": rep, "Kind": q.Get("kind"),
		"Kinds": policy.Findings(), "Query": periodQuery(f.Period), "Filter": template.URL(q.Encode()),
		"PageN": page, "Pages": pages, "Links": pageLinks(page, pages), "First": f.Offset + 1, "Last": f.Offset + len(rep.Rows)})
}

// activation lists the roster members without a login through the
// gateway by the deadline (deadline=YYYY-MM-DD, default today), each
// linked to their page for the deadline's quarter.
func (s *Server) activation(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	for k, v := range q {
		if k != "deadline" || len(v) != 1 {
			s.badRequest(w, fmt.Errorf("parameter %q: this page takes deadline=YYYY-MM-DD once", k))
			return
		}
	}
	d := report.Today(s.now())
	if q.Has("deadline") {
		var err error
		if d, err = report.ParseDay(q.Get("deadline")); err != nil {
			s.badRequest(w, fmt.Errorf("deadline: %w", err))
			return
		}
	}
	rep, err := s.source().Activation(r.Context(), d)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "activation", map[string]any{"A": rep, "Deadline": d.Format(time.DateOnly),
		"Query": periodQuery(report.QuarterOf(d))})
}

// personParams are the person page's parameters, each at most once.
func personParams(q url.Values) (report.PersonRef, error) {
	for k, v := range q {
		switch k {
		case "staff", "address", "quarter", "from", "to":
		default:
			return report.PersonRef{}, fmt.Errorf("parameter %q is not one of this page's", k)
		}
		if len(v) != 1 {
			return report.PersonRef{}, fmt.Errorf("parameter %q given %d times", k, len(v))
		}
	}
	ref := report.PersonRef{StaffID: q.Get("staff"), Address: q.Get("address")}
	return ref, ref.Check()
}

// person is one person's page: the activity calendar of the period, the
// findings behind their marks and their mailbox sessions.
func (s *Server) person(w http.ResponseWriter, r *http.Request) {
	ref, err := personParams(r.URL.Query())
	if err != nil {
		s.badRequest(w, err)
		return
	}
	p, err := s.period(r, report.ByDay)
	if err != nil {
		s.badRequest(w, err)
		return
	}
	src := s.source()
	if ref.Address != "" {
		// An address the roster knows is that member's: show their page,
		// where their messages and logins are.
		if st, ok := src.Roster().ByAddress(ref.Address); ok {
			v := url.Values{"staff": {st.ID}}
			q, _ := url.ParseQuery(string(periodQuery(p)))
			for k, x := range q {
				v[k] = x
			}
			http.Redirect(w, r, "/person?"+v.Encode(), http.StatusSeeOther)
			return
		}
	}
	rep, err := src.Person(r.Context(), ref, p)
	switch {
	case errors.Is(err, report.ErrUnknownPerson):
		http.NotFound(w, r)
		return
	case err != nil:
		s.fail(w, r, err)
		return
	}
	l := lang(r)
	var reasons []string
	low := false
	// Rated as the low-usage list rates: members on the roster during p.
	rated := rep.OnRoster && rep.RosterDays > 0
	if rated {
		u := &report.UsageReport{Period: p, PeriodDays: p.Days(), Persons: []report.PersonUsage{rep.PersonUsage}}
		lr := report.LowUsageFrom(u, s.thresholds())
		for _, lu := range lr.Users {
			low = true
			for _, c := range lu.Reasons {
				reasons = append(reasons, report.ReasonText(c, lu.PersonUsage, lr.Thresholds, l))
			}
		}
	}
	s.render(w, r, "person", map[string]any{"Period": p, "P": rep, "Calendar": calendar(rep.Days, l), "Low": low,
		"Reasons": reasons, "Rated": rated, "Thresholds": s.thresholds(), "Query": periodQuery(p),
		"Symbols": daySymbols(), "MaxSessions": report.MaxPersonSessions})
}

func (s *Server) message(w http.ResponseWriter, r *http.Request) {
	id, day := r.PathValue("id"), r.URL.Query().Get("date")
	if _, err := uuid.Parse(id); err != nil {
		s.badRequest(w, fmt.Errorf("event id %q: not a UUID", id))
		return
	}
	if day != "" {
		if _, err := report.ParseDay(day); err != nil {
			s.badRequest(w, fmt.Errorf("date: %w", err))
			return
		}
	}
	m, err := s.source().Message(r.Context(), id, day)
	switch {
	case errors.Is(err, report.ErrNotFound):
		http.NotFound(w, r)
		return
	case err != nil:
		s.fail(w, r, err)
		return
	}
	// The sender's page opens on the message's quarter.
	var quarter template.URL
	if d, err := report.ParseDay(m.Date); err == nil {
		quarter = periodQuery(report.QuarterOf(d))
	}
	s.render(w, r, "message", map[string]any{"M": m, "Quarter": quarter})
}

// downloadParams are the query parameters each download takes; required
// ones must be present. A download answers exactly what was asked or 400:
// a spreadsheet for a silently different period is worse than an error.
func downloadParams() map[string]struct{ required, optional []string } {
	return map[string]struct{ required, optional []string }{
		"usage":           {[]string{"period"}, nil},
		"usage-divisions": {[]string{"period"}, nil},
		"low-usage":       {[]string{"period"}, nil},
		"types":           {[]string{"period", "by"}, nil},
		"findings":        {[]string{"period"}, []string{"kind", "staff", "division"}},
		"activation":      {[]string{"deadline"}, nil},
	}
}

// checkDownload refuses unknown and missing parameters of a download.
func checkDownload(name string, q url.Values) error {
	spec := downloadParams()[name]
	allowed := map[string]bool{}
	for _, k := range append(append([]string{}, spec.required...), spec.optional...) {
		if k == "period" {
			allowed["quarter"], allowed["from"], allowed["to"] = true, true, true
			continue
		}
		allowed[k] = true
	}
	for k, v := range q {
		if !allowed[k] {
			return fmt.Errorf("parameter %q is not one of this download's", k)
		}
		if len(v) != 1 {
			return fmt.Errorf("parameter %q given %d times", k, len(v))
		}
	}
	for _, k := range spec.required {
		if k == "period" {
			if !q.Has("quarter") && !(q.Has("from") && q.Has("to")) {
				return errors.New("a period is needed: quarter=2024Q2 or from=YYYY-MM-DD&to=YYYY-MM-DD")
			}
			continue
		}
		if !q.Has(k) || q.Get(k) == "" {
			return fmt.Errorf("parameter %q is needed", k)
		}
	}
	return nil
}

// download serves every report as CSV or XLSX: /download/usage.xlsx,
// usage-divisions.csv, low-usage.csv, findings.xlsx, types.csv?by=month,
// activation.csv?deadline=2024-05-23 ...
func (s *Server) download(w http.ResponseWriter, r *http.Request) {
	name, ext, _ := strings.Cut(r.PathValue("file"), ".")
	if _, ok := downloadParams()[name]; !ok || (ext != report.FormatCSV && ext != report.FormatXLSX) {
		http.NotFound(w, r)
		return
	}
	if err := checkDownload(name, r.URL.Query()); err != nil {
		s.badRequest(w, err)
		return
	}
	src := s.source()
	ctx := r.Context()
	var rep report.Tabler
	var err error
	table := 0
	switch name {
	case "usage", "usage-divisions", "low-usage", "types":
		g := r.URL.Query().Get("by")
		if name == "types" {
			switch g {
			case report.ByDay, report.ByWeek, report.ByMonth, report.ByQuarter:
			default:
				s.badRequest(w, fmt.Errorf("by %q: want day, week, month or quarter", g))
				return
			}
		}
		p, perr := s.period(r, g)
		if perr != nil {
			s.badRequest(w, perr)
			return
		}
		switch name {
		case "usage", "usage-divisions":
			if name == "usage-divisions" {
				table = 1
			}
			rep, err = src.Usage(ctx, p)
		case "low-usage":
			rep, err = src.LowUsage(ctx, p, s.thresholds())
		case "types":
			rep, err = src.Types(ctx, p, g)
		}
	case "findings":
		f, ferr := s.findingsFilter(r)
		if ferr != nil {
			s.badRequest(w, ferr)
			return
		}
		f.Limit, f.Offset = 0, 0 // a download is complete
		rep, err = src.Findings(ctx, f)
	case "activation":
		d, derr := report.ParseDay(r.URL.Query().Get("deadline"))
		if derr != nil {
			s.badRequest(w, derr)
			return
		}
		rep, err = src.Activation(ctx, d)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var b bytes.Buffer
	if err := report.Write(&b, ext, rep, lang(r), table); err != nil {
		s.fail(w, r, err)
		return
	}
	ct := "text/csv; charset=utf-8"
	if ext == report.FormatXLSX {
		ct = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="mailaudit-%s.%s"`, name, ext))
	w.Write(b.Bytes())
}
