// Package dashboard is the auditors' read-only web dashboard: overview
// charts, per-division and per-person usage with the low-usage list for a
// quarter, findings with a drill-down to one message's metadata, and every
// report as CSV or XLSX. Pages are server-rendered html/template with
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
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"mailaudit/audit"
	"mailaudit/policy"
	"mailaudit/report"
)

//go:embed assets
var assets embed.FS

// Server serves the dashboard. It holds no mutable state: sessions live
// in signed cookies, the roster comes from a function (the daemon's
// current one after a reload).
type Server struct {
	cfg    report.DashboardConfig
	source func() *report.Source
	key    []byte
	nets   []*net.IPNet
	tmpl   *template.Template
	log    *slog.Logger
	now    func() time.Time
	mux    *http.ServeMux
}

// New builds the handler. source is called once per request.
func New(cfg report.DashboardConfig, source func() *report.Source, log *slog.Logger) (*Server, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Server{cfg: cfg, source: source, log: log.With("component", "dashboard"), now: time.Now}
	if cfg.SessionKey != "" {
		s.key = []byte(cfg.SessionKey)
	} else {
		s.key = make([]byte, 32)
		if _, err := rand.Read(s.key); err != nil {
			return nil, fmt.Errorf("dashboard: session key: %w", err)
		}
	}
	for _, n := range cfg.ProxyNetworks {
		_, ipn, _ := net.ParseCIDR(n) // checked by Validate
		s.nets = append(s.nets, ipn)
	}
	t, err := template.New("").Funcs(s.funcs()).ParseFS(assets, "assets/*.html")
	if err != nil {
		return nil, fmt.Errorf("dashboard: templates: %w", err)
	}
	s.tmpl = t
	static, _ := fs.Sub(assets, "assets")
	m := http.NewServeMux()
	m.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	m.HandleFunc("GET /login", s.loginForm)
	m.HandleFunc("POST /login", s.login)
	m.HandleFunc("POST /logout", s.logout)
	m.HandleFunc("GET /lang/{lang}", s.setLang)
	m.HandleFunc("GET /{$}", s.auth(s.overview))
	m.HandleFunc("GET /usage", s.auth(s.usage))
	m.HandleFunc("GET /findings", s.auth(s.findings))
	m.HandleFunc("GET /message/{id}", s.auth(s.message))
	m.HandleFunc("GET /download/{file}", s.auth(s.download))
	s.mux = m
	return s, nil
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Security-Policy", "default-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Referrer-Policy", "same-origin")
	s.mux.ServeHTTP(w, r)
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
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second, BaseContext: func(net.Listener) context.Context { return ctx }}
	go func() {
		if err := hs.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
			srv.log.Error("dashboard stopped", "err", err)
		}
	}()
	srv.log.Info("dashboard listening", "addr", l.Addr().String())
	return hs.Shutdown, nil
}

// lang is the request's language: the lang cookie, default Vietnamese.
func lang(r *http.Request) string {
	if c, err := r.Cookie("lang"); err == nil && c.Value == report.LangEN {
		return report.LangEN
	}
	return report.LangVI
}

// safeBack keeps a redirect target on this site.
func safeBack(b string) string {
	if !strings.HasPrefix(b, "/") || strings.HasPrefix(b, "//") || strings.HasPrefix(b, "/\\") {
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

func (s *Server) auth(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u, ok := s.user(r)
		if !ok {
			http.Redirect(w, r, "/login?back="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		h(w, r.WithContext(context.WithValue(r.Context(), ctxUser{}, u)))
	}
}

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, "login", map[string]any{"Back": safeBack(r.URL.Query().Get("back"))})
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	name, pass, back := r.PostFormValue("user"), r.PostFormValue("password"), safeBack(r.PostFormValue("back"))
	if !s.checkPassword(name, pass) {
		s.log.Warn("dashboard login failed", "user", name, "remote", r.RemoteAddr)
		w.WriteHeader(http.StatusUnauthorized)
		s.render(w, r, "login", map[string]any{"Back": back, "Failed": true})
		return
	}
	s.log.Info("dashboard login", "user", name, "remote", r.RemoteAddr)
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: s.sign(name, s.now().Add(sessionTTL)), Path: "/",
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil, MaxAge: int(sessionTTL.Seconds())})
	http.Redirect(w, r, back, http.StatusSeeOther)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true})
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

// period reads quarter=, or from= and to=; default: the current quarter.
func (s *Server) period(r *http.Request) (report.Period, error) {
	q := r.URL.Query()
	if q.Get("quarter") == "" && q.Get("from") == "" && q.Get("to") == "" {
		return report.QuarterOf(report.Today(s.now())), nil
	}
	return report.ParsePeriod(q.Get("quarter"), q.Get("from"), q.Get("to"))
}

func (s *Server) overview(w http.ResponseWriter, r *http.Request) {
	p, err := s.period(r)
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
		"Period": p, "Usage": u, "Low": len(low.Users), "Weekly": columnChart(weekly), "Mix": barChart(mix),
		"Flagged": columnChart(flagged),
	})
}

func (s *Server) thresholds() report.Thresholds {
	return report.Thresholds{MinMessages: s.cfg.MinMessages, MinActiveDays: s.cfg.MinActiveDays}
}

func (s *Server) usage(w http.ResponseWriter, r *http.Request) {
	p, err := s.period(r)
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

func periodQuery(p report.Period) string {
	if strings.Contains(p.Label, "Q") {
		return "quarter=" + url.QueryEscape(p.Label)
	}
	return "from=" + p.From.Format(time.DateOnly) + "&to=" + p.To.Format(time.DateOnly)
}

func (s *Server) findingsFilter(r *http.Request) (report.FindingsFilter, error) {
	p, err := s.period(r)
	if err != nil {
		return report.FindingsFilter{}, err
	}
	f := report.FindingsFilter{Period: p, StaffID: r.URL.Query().Get("staff"), Division: r.URL.Query().Get("division"), Limit: 2000}
	if k := r.URL.Query().Get("kind"); k != "" {
		f.Kinds = strings.Split(k, ",")
	}
	return f, nil
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
	s.render(w, r, "findings", map[string]any{"Period": f.Period, "Report": rep, "Kind": r.URL.Query().Get("kind"),
		"Kinds": policy.Findings(), "Query": periodQuery(f.Period)})
}

func (s *Server) message(w http.ResponseWriter, r *http.Request) {
	m, err := s.source().Message(r.Context(), r.PathValue("id"), r.URL.Query().Get("date"))
	switch {
	case errors.Is(err, report.ErrNotFound):
		http.NotFound(w, r)
		return
	case err != nil && strings.Contains(err.Error(), "event id"):
		s.badRequest(w, err)
		return
	case err != nil:
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "message", map[string]any{"M": m})
}

// download serves every report as CSV or XLSX: /download/usage.xlsx,
// usage-divisions.csv, low-usage.csv, findings.xlsx, types.csv,
// activation.csv?deadline=2024-05-23 ...
func (s *Server) download(w http.ResponseWriter, r *http.Request) {
	name, ext, _ := strings.Cut(r.PathValue("file"), ".")
	if ext != report.FormatCSV && ext != report.FormatXLSX {
		http.NotFound(w, r)
		return
	}
	src := s.source()
	ctx := r.Context()
	var rep report.Tabler
	var err error
	table := 0
	switch name {
	case "usage", "usage-divisions", "low-usage", "types":
		p, perr := s.period(r)
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
			g := r.URL.Query().Get("by")
			if g == "" {
				g = report.ByMonth
			}
			rep, err = src.Types(ctx, p, g)
		}
	case "findings":
		f, ferr := s.findingsFilter(r)
		if ferr != nil {
			s.badRequest(w, ferr)
			return
		}
		f.Limit = 0
		rep, err = src.Findings(ctx, f)
	case "activation":
		d, derr := report.ParseDay(r.URL.Query().Get("deadline"))
		if derr != nil {
			s.badRequest(w, derr)
			return
		}
		rep, err = src.Activation(ctx, d)
	default:
		http.NotFound(w, r)
		return
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
