package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
	"time"

	"mailaudit/audit"
	"mailaudit/config"
	"mailaudit/policy"
	"mailaudit/report/dashboard"
)

// cmdDashboard implements `mailaudit dashboard --config FILE`: the
// auditors' dashboard as its own process, reading the same configuration
// file as serve (its dashboard:, audit: and policy: sections). A report
// that eats memory or CPU then costs this process, never the mail relay
// (deploy/mailaudit-dashboard.service also caps it with cgroup limits).
// SIGHUP reloads the roster.
func cmdDashboard(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("dashboard", flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("config", "", "configuration file (YAML)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *path == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "usage: mailaudit dashboard --config FILE")
		return 2
	}
	cfg, err := config.Load(*path)
	if err != nil {
		fmt.Fprintln(stderr, "mailaudit: "+oneLine(err))
		return 1
	}
	switch {
	case cfg.Dashboard == nil:
		fmt.Fprintf(stderr, "mailaudit dashboard: %s has no dashboard: section\n", *path)
		return 1
	case cfg.Dashboard.InServe:
		fmt.Fprintf(stderr, "mailaudit dashboard: %s sets dashboard.in_serve, so serve runs the dashboard; "+
			"set it to false to run the dashboard as its own process\n", *path)
		return 1
	}
	log := newLogger(cfg.Log, stderr)
	if err := runDashboard(ctx, cfg, log); err != nil {
		log.Error("dashboard stopped", "err", err)
		fmt.Fprintln(stderr, "mailaudit dashboard: "+oneLine(err))
		return 1
	}
	return 0
}

func loadRoster(cfg *config.Config) (*policy.Roster, error) {
	pc := cfg.Policy
	pc.Roster = relative(cfg.Path, pc.Roster)
	pe, err := policy.New(pc)
	if err != nil {
		return nil, err
	}
	return pe.Roster(), nil
}

func runDashboard(ctx context.Context, cfg *config.Config, log *slog.Logger) error {
	roster, err := loadRoster(cfg)
	if err != nil {
		return err
	}
	var current atomic.Pointer[policy.Roster]
	current.Store(roster)
	ac := cfg.Audit
	passwordFromEnv(&ac)
	conn, err := audit.OpenClickHouse(ac)
	if err != nil {
		return err
	}
	defer conn.Close()
	stop, err := dashboard.Start(ctx, *cfg.Dashboard, conn, audit.SchemaFor(ac), current.Load, log)
	if err != nil {
		return err
	}
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	for {
		select {
		case <-hup:
			// Only the roster is reloaded: users, keys and the listener
			// need a restart (which also ends every session).
			next, err := config.Load(cfg.Path)
			if err == nil {
				var r *policy.Roster
				if r, err = loadRoster(next); err == nil {
					current.Store(r)
					log.Info("roster reloaded", "config", cfg.Path)
					continue
				}
			}
			log.Error("reload refused; the running roster stays", "err", oneLine(err))
			continue
		case <-ctx.Done():
		}
		break
	}
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := stop(sctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return nil
}
