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
	aw, err := audit.Open(ctx, ac, log, reg)
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	r, err := relay.New(rt, auditSink{w: aw, cfg: ac, broken: new(atomic.Pointer[error])}, log.With("component", "relay"), reg)
	if err != nil {
		aw.Close(context.Background())
		return err
	}
	if _, err := r.Start(ctx); err != nil {
		aw.Close(context.Background())
		return err
	}
	var admin *http.Server
	if cfg.Admin.Addr != "" {
		admin, err = startAdmin(cfg.Admin.Addr, reg, log)
		if err != nil {
			r.Shutdown(context.Background())
			aw.Close(context.Background())
			return err
		}
	}
	if cfg.Dashboard != nil {
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
			if pe := reload(r, cfg, cm, log); pe != nil {
				engine.Store(pe)
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
	if err := r.Shutdown(sctx); err != nil {
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

// reload reads the config file again and swaps the runtime; a config that
// does not validate is refused and the running one kept.
func reload(r *relay.Relay, old *config.Config, cm *classify.Metrics, log *slog.Logger) *policy.Engine {
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
			return pe
		}
	}
	log.Error("reload refused; the running configuration stays", "err", oneLine(err))
	return nil
}

func startAdmin(addr string, reg *prometheus.Registry, log *slog.Logger) (*http.Server, error) {
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "ok\n") })
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("admin listener %s: %w", addr, err)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("admin listener stopped", "err", err)
		}
	}()
	return srv, nil
}

// auditSink adapts the audit writer to the relay: it applies the subject
// privacy setting and answers Admit from the spool's fill level.
type auditSink struct {
	w   *audit.Writer
	cfg audit.Config
	// broken remembers a spool write or fsync failure: the spool refuses
	// records until restart, so new mail is deferred before its final dot.
	broken *atomic.Pointer[error]
}

// admitHeadroom keeps room in the spool for the records of messages
// already past Admit.
const admitHeadroom = 4 << 20

// Begin admits the message from the spool's fill level. (The intent
// record itself is not written yet: see issue 14.)
func (a auditSink) Begin(context.Context, *audit.Event) error {
	if p := a.broken.Load(); p != nil {
		return *p
	}
	if a.w.Pending() >= a.cfg.Spool.MaxBytes-admitHeadroom {
		return audit.ErrSpoolFull
	}
	return nil
}

func (a auditSink) Record(ctx context.Context, ev *audit.Event) error {
	ev.Subject = audit.SubjectFor(a.cfg, ev.Subject)
	err := a.w.Record(ctx, ev)
	if err != nil && !errors.Is(err, audit.ErrSpoolFull) && ctx.Err() == nil {
		a.broken.Store(&err)
	}
	return err
}

func (a auditSink) RecordAuth(ctx context.Context, ev *audit.AuthEvent) error {
	return a.w.RecordAuth(ctx, ev)
}
