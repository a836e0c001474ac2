package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"path/filepath"
	"reflect"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"mailaudit/audit"
	"mailaudit/classify"
	"mailaudit/config"
	"mailaudit/inspect"
	"mailaudit/internal/authguard"
	"mailaudit/mailbox"
	"mailaudit/policy"
	"mailaudit/relay"
	"mailaudit/report/dashboard"
)

func cmdCheckConfig(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) != 1 {
		fmt.Fprintln(stderr, "usage: mailaudit check-config FILE")
		return 2
	}
	cfg, err := config.Load(args[0])
	if err != nil {
		fmt.Fprintln(stderr, "mailaudit: "+oneLine(err))
		return 1
	}
	// The rules file and the roster are read too: a config that names a
	// broken roster is not a good config.
	if _, _, err := buildRuntimePolicy(cfg, nil); err != nil {
		fmt.Fprintln(stderr, "mailaudit: "+oneLine(err))
		return 1
	}
	for _, w := range cfg.Warnings() {
		fmt.Fprintln(stderr, "mailaudit: warning: "+w)
	}
	fmt.Fprintf(stdout, "%s: ok\n", args[0])
	return 0
}

func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("config", "", "configuration file (YAML)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *path == "" {
		fmt.Fprintln(stderr, "mailaudit serve: --config FILE is required")
		return 2
	}
	cfg, err := config.Load(*path)
	if err != nil {
		fmt.Fprintln(stderr, "mailaudit: "+oneLine(err))
		return 1
	}
	log := newLogger(cfg.Log, stderr)
	if err := serve(ctx, cfg, log); err != nil {
		log.Error("mailaudit stopped", "err", err)
		fmt.Fprintln(stderr, "mailaudit: "+oneLine(err))
		return 1
	}
	return 0
}

// oneLine makes a joined error fit the one line an operator reads first.
func oneLine(err error) string {
	s := err.Error()
	out := make([]rune, 0, len(s))
	for _, r := range s {
		if r == '\n' {
			out = append(out, ';', ' ')
			continue
		}
		out = append(out, r)
	}
	return string(out)
}

func newLogger(c config.Log, w io.Writer) *slog.Logger {
	var lvl slog.Level
	lvl.UnmarshalText([]byte(c.Level))
	opts := &slog.HandlerOptions{Level: lvl}
	if c.Format == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

// buildRuntimePolicy makes everything a reload replaces: TLS, classifier,
// policy with its roster; it also returns the policy engine, whose roster
// the dashboard shows. Relative file names are taken from the config's
// folder. cm (nil: not counted) carries the classifier's counters across
// reloads.
func buildRuntimePolicy(cfg *config.Config, cm *classify.Metrics) (*relay.Runtime, *policy.Engine, error) {
	tlsConf, err := relay.LoadTLS(cfg.TLS, cfg.Hostname)
	if err != nil {
		return nil, nil, err
	}
	cc := cfg.Classify
	cc.Rules = relative(cfg.Path, cc.Rules)
	cl, err := classify.New(cc, classify.WithMetrics(cm))
	if err != nil {
		return nil, nil, fmt.Errorf("classify: %w", err)
	}
	pc := cfg.Policy
	pc.Roster = relative(cfg.Path, pc.Roster)
	pe, err := policy.New(pc)
	if err != nil {
		return nil, nil, err
	}
	hold := cfg.VerdictHeader
	for _, f := range policy.Findings() {
		if pe.Action(f) == policy.ActionTag {
			hold = true
		}
	}
	return &relay.Runtime{
		Config:       cfg,
		Inspect:      inspect.New(cl, pe),
		HoldMessage:  hold,
		WeakPassword: policy.WeakPassword,
		AuthPolicy:   inspect.AuthPolicy(pe),
		TLSConfig:    tlsConf,
	}, pe, nil
}

func relative(cfgPath, p string) string {
	if p == "" || filepath.IsAbs(p) || cfgPath == "" {
		return p
	}
	return filepath.Join(filepath.Dir(cfgPath), p)
}

func tlsConfig(cert tls.Certificate) *tls.Config {
	return &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
}

// serve runs the daemon until ctx ends (SIGTERM), reloading on SIGHUP.
func serve(ctx context.Context, cfg *config.Config, log *slog.Logger) error {
	if os.Getenv("GOGC") == "" {
		// The relay's live heap is small (tens of MB) and its garbage rate
		// high (per-message buffers, go-smtp's per-connection readers):
		// collecting at 3x the live heap instead of 2x cut its CPU per
		// message by ~8% in the load benchmark, and RSS with 1,000 idle
		// sessions stayed ~64 MB. GOGC (and GOMEMLIMIT) still rule when set.
		debug.SetGCPercent(200)
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	cm := classify.NewMetrics(reg)
	rt, pe, err := buildRuntimePolicy(cfg, cm)
	if err != nil {
		return err
	}
	var engine atomic.Pointer[policy.Engine]
	engine.Store(pe)
	ac := cfg.Audit
	ac.Spool.Dir = relative(cfg.Path, ac.Spool.Dir)
	if ac.Instance == "" {
		ac.Instance = cfg.Instance
	}
	for _, w := range cfg.Warnings() {
		log.Warn("configuration: " + w)
	}
	aw, err := audit.Open(ctx, ac, log, reg)
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	// The writer migrates when it first ships a record; reports and the
	// dashboard need the tables before that.
	schemaDone := make(chan struct{})
	defer func() { <-schemaDone }()
	schemaCtx, stopSchema := context.WithCancel(ctx)
	defer stopSchema() // runs before the wait above
	go func() {
		defer close(schemaDone)
		ensureSchema(schemaCtx, ac, log)
	}()
	// One AUTH guard for the whole gateway: failed logins over SMTP, IMAP
	// and POP3 from one address count together, and a lock holds on all
	// three. A reload keeps it (and its counts) and updates its limits.
	guard := authguard.New(relay.GuardLimits(rt.Config.Limits))
	r, err := relay.New(rt, auditSink{w: aw, cfg: ac}, guard, log.With("component", "relay"), reg)
	if err != nil {
		aw.Close(context.Background())
		return err
	}
	if _, err := r.Start(ctx); err != nil {
		aw.Close(context.Background())
		return err
	}
	// The mailbox proxy (IMAP/POP3 logins), when configured.
	var mbox *mailbox.Proxy
	if cfg.Mailbox.Enabled() {
		mbox, err = mailbox.New(mailboxRuntime(rt), auditSink{w: aw, cfg: ac}, guard,
			log.With("component", "mailbox"), reg)
		if err == nil {
			_, err = mbox.Start(ctx)
		}
		if err != nil {
			r.Shutdown(context.Background())
			aw.Close(context.Background())
			return err
		}
	}
	var admin *http.Server
	if cfg.Admin.Addr != "" {
		admin, err = startAdmin(cfg.Admin, reg, log)
		if err != nil {
			r.Shutdown(context.Background())
			if mbox != nil {
				mbox.Shutdown(context.Background())
			}
			aw.Close(context.Background())
			return err
		}
	}
	// The dashboard runs here only when asked (dashboard.in_serve): on its
	// own (mailaudit dashboard) a heavy report cannot take the relay down.
	if cfg.Dashboard != nil && cfg.Dashboard.InServe {
		conn, err := audit.OpenClickHouse(ac)
		if err != nil {
			r.Shutdown(context.Background())
			aw.Close(context.Background())
			return fmt.Errorf("dashboard: %w", err)
		}
		defer conn.Close()
		stopDash, err := dashboard.Start(ctx, *cfg.Dashboard, conn, audit.SchemaFor(ac),
			func() *policy.Roster { return engine.Load().Roster() }, log)
		if err != nil {
			r.Shutdown(context.Background())
			aw.Close(context.Background())
			return err
		}
		defer stopDash(context.Background())
	}
	log.Info("mailaudit started", "instance", cfg.Instance, "config", cfg.Path)

	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	for {
		select {
		case <-hup:
			if pe, rt := reload(r, cfg, cm, log); pe != nil {
				engine.Store(pe)
				if mbox != nil {
					mbox.Swap(mailboxRuntime(rt))
				}
			}
			continue
		case <-ctx.Done():
		}
		break
	}
	log.Info("shutting down", "grace", cfg.ShutdownGrace.D().String())
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownGrace.D())
	defer cancel()
	var errs []error
	mboxDone := make(chan error, 1)
	go func() {
		// IMAP sessions get their BYE while the relay drains.
		if mbox != nil {
			mboxDone <- mbox.Shutdown(sctx)
			return
		}
		mboxDone <- nil
	}()
	if err := r.Shutdown(sctx); err != nil {
		errs = append(errs, err)
	}
	if err := <-mboxDone; err != nil {
		errs = append(errs, err)
	}
	if admin != nil {
		admin.Shutdown(sctx)
	}
	// Whatever the audit writer cannot ship now stays in its spool for
	// the next start.
	actx, acancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer acancel()
	if err := aw.Close(actx); err != nil {
		// Not a failed stop: the records are durable in the spool.
		log.Warn("audit records left in the spool for the next start", "err", err)
	}
	log.Info("mailaudit stopped")
	return errors.Join(errs...)
}

// ensureSchema creates or upgrades the audit schema at start, so that a
// fresh install answers reports before its first message. While ClickHouse
// cannot be reached it tries again with a growing pause (up to a minute)
// until it succeeds or ctx ends; the relay runs meanwhile (records wait in
// the spool).
func ensureSchema(ctx context.Context, ac audit.Config, log *slog.Logger) {
	schema := audit.SchemaFor(ac)
	nodes := [][]string{ac.ClickHouse.Addr.List()}
	if schema.Cluster != "" && !schema.OnCluster {
		// Per-node DDL: every node needs its local tables.
		nodes = nodes[:0]
		for _, a := range ac.ClickHouse.Addr.List() {
			nodes = append(nodes, []string{a})
		}
	}
	pause := time.Second
	for _, addrs := range nodes {
		for attempt := 1; ; attempt++ {
			err := migrateNode(ctx, ac, schema, addrs, log)
			if err == nil {
				break
			}
			if ctx.Err() != nil {
				return
			}
			lvl := slog.LevelWarn
			if attempt > 1 {
				lvl = slog.LevelDebug // said once; the audit writer's metrics show the outage
			}
			log.Log(ctx, lvl, "audit schema not checked yet; retrying in the background", "clickhouse", strings.Join(addrs, ","), "retry_in", pause.String(), "err", oneLine(err))
			select {
			case <-ctx.Done():
				return
			case <-time.After(pause):
			}
			pause = min(2*pause, time.Minute)
		}
	}
}

func migrateNode(ctx context.Context, ac audit.Config, schema audit.Schema, addrs []string, log *slog.Logger) error {
	conn, err := audit.OpenClickHouse(ac, addrs...)
	if err != nil {
		return err
	}
	defer conn.Close()
	mctx, cancel := context.WithTimeout(ctx, 10*ac.ClickHouse.Timeout)
	defer cancel()
	from, to, err := audit.Migrate(mctx, conn, schema, log)
	if err != nil {
		return err
	}
	if from != to {
		log.Info("audit schema ready", "database", schema.Database, "version", to, "was", from)
	}
	return nil
}

// reload reads the config file again and swaps the runtime; a config that
// does not validate is refused and the running one kept.
func reload(r *relay.Relay, old *config.Config, cm *classify.Metrics, log *slog.Logger) (*policy.Engine, *relay.Runtime) {
	cfg, err := config.Load(old.Path)
	if err == nil {
		var rt *relay.Runtime
		var pe *policy.Engine
		if rt, pe, err = buildRuntimePolicy(cfg, cm); err == nil {
			if !reflect.DeepEqual(cfg.Audit, old.Audit) {
				log.Warn("audit settings changed; they take effect at restart")
			}
			if !reflect.DeepEqual(cfg.Dashboard, old.Dashboard) {
				log.Warn("dashboard settings changed; they take effect at restart")
			}
			r.Swap(rt)
			log.Info("configuration reloaded", "config", old.Path)
			return pe, rt
		}
	}
	log.Error("reload refused; the running configuration stays", "err", oneLine(err))
	return nil, nil
}

// mailboxRuntime is the mailbox proxy's part of the relay's runtime: the
// same config, certificate and password rule.
func mailboxRuntime(rt *relay.Runtime) *mailbox.Runtime {
	return &mailbox.Runtime{Config: rt.Config, TLSConfig: rt.TLSConfig, WeakPassword: rt.WeakPassword}
}

func startAdmin(c config.Admin, reg *prometheus.Registry, log *slog.Logger) (*http.Server, error) {
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "ok\n") })
	if c.Pprof {
		mux.HandleFunc("/debug/pprof/", pprof.Index)
		mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
		mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
		mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	}
	ln, err := net.Listen("tcp", c.Addr)
	if err != nil {
		return nil, fmt.Errorf("admin listener %s: %w", c.Addr, err)
	}
	// No write timeout: a CPU profile takes its ?seconds= to answer.
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("admin listener stopped", "err", err)
		}
	}()
	return srv, nil
}

// auditSink adapts the audit writer to the relay: it applies the subject
// privacy setting and makes Begin the writer's admission (intent record
// plus room reserved for the outcome). A spool that failed a write or
// fsync refuses everything until restart, so Begin then defers all mail.
type auditSink struct {
	w   *audit.Writer
	cfg audit.Config
}

// Begin writes the message's intent record; an error defers the message.
// The intent carries the subject as the privacy setting says, like the
// row it may become; ev keeps the raw subject for Record.
func (a auditSink) Begin(ctx context.Context, ev *audit.Event) error {
	iv := *ev
	iv.Subject = audit.SubjectFor(a.cfg, ev.Subject)
	err := a.w.Begin(ctx, &iv)
	ev.EventID, ev.Time, ev.Instance = iv.EventID, iv.Time, iv.Instance
	return err
}

func (a auditSink) Record(ctx context.Context, ev *audit.Event) error {
	ev.Subject = audit.SubjectFor(a.cfg, ev.Subject)
	return a.w.Record(ctx, ev)
}

func (a auditSink) RecordAuth(ctx context.Context, ev *audit.AuthEvent) error {
	return a.w.RecordAuth(ctx, ev)
}

// RecordMailboxSession keeps a closed IMAP/POP3 session (mailbox proxy).
func (a auditSink) RecordMailboxSession(ctx context.Context, ev *audit.MailboxSession) error {
	return a.w.RecordMailboxSession(ctx, ev)
}
