package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"mailaudit/audit"
)

// cmdMigrate implements `mailaudit migrate`: it brings the audit schema in
// ClickHouse to the latest version (the Writer does the same at start-up),
// or with --print writes the DDL instead of applying it.
//
// The audit settings come from the `audit:` section of --config; --addr,
// --database and --cluster override them, so the command also works without
// a configuration file. With a cluster and several addresses the DDL is
// applied to each node in turn; --on-cluster sends it once with ON CLUSTER
// (needs ZooKeeper/Keeper), and --replicated chooses Replicated engines.
func cmdMigrate(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	conn := clickhouseFlags(fs, "cluster name from remote_servers: _local tables + Distributed tables")
	var (
		onCluster  = fs.Bool("on-cluster", false, "apply DDL once with ON CLUSTER (needs ZooKeeper/Keeper)")
		replicated = fs.Bool("replicated", false, "use Replicated*MergeTree engines (cluster only; needs ZooKeeper/Keeper)")
		print      = fs.Bool("print", false, "print the DDL of all versions instead of applying it")
	)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: mailaudit migrate [--config FILE] [--addr H:P[,H:P]] [--database DB] [--cluster NAME [--on-cluster] [--replicated]] [--print]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "migrate: unexpected argument %q\n", fs.Arg(0))
		return 2
	}

	cfg, err := conn.config()
	if err != nil {
		fmt.Fprintf(stderr, "migrate: %v\n", err)
		return 1
	}
	if *onCluster {
		cfg.ClickHouse.OnCluster = true
	}
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		fmt.Fprintf(stderr, "migrate: %v\n", err)
		return 1
	}
	schema := audit.SchemaFor(cfg)
	schema.Replicated = *replicated
	if schema.Replicated && schema.Cluster == "" {
		fmt.Fprintln(stderr, "migrate: --replicated needs --cluster")
		return 2
	}

	if *print {
		for _, s := range schema.Statements(0, audit.LatestVersion()) {
			if strings.HasPrefix(s, "--") {
				fmt.Fprintf(stdout, "\n%s\n", s)
				continue
			}
			fmt.Fprintf(stdout, "%s;\n", s)
		}
		return 0
	}

	log := slog.New(slog.NewTextHandler(stderr, nil))
	// Per-node DDL for a cluster without ON CLUSTER; otherwise one node
	// (the first that answers) is enough.
	nodes := [][]string{cfg.ClickHouse.Addr.List()}
	if schema.Cluster != "" && !schema.OnCluster {
		nodes = nodes[:0]
		for _, a := range cfg.ClickHouse.Addr.List() {
			nodes = append(nodes, []string{a})
		}
	}
	for _, addrs := range nodes {
		conn, err := audit.OpenClickHouse(cfg, addrs...)
		if err != nil {
			fmt.Fprintf(stderr, "migrate: %v\n", err)
			return 1
		}
		from, to, err := audit.Migrate(ctx, conn, schema, log)
		conn.Close()
		if err != nil {
			fmt.Fprintf(stderr, "migrate: %s: %v\n", strings.Join(addrs, ","), err)
			return 1
		}
		fmt.Fprintf(stdout, "%s: database %s at version %d (was %d)\n", strings.Join(addrs, ","), schema.Database, to, from)
	}
	return 0
}

// cmdRebuildDaily implements `mailaudit rebuild-daily`: it makes the daily
// summary (messages_daily, which usage, low-usage and types read) equal to
// what the rows of messages FINAL count for, on a day range or on every
// day. It adds what is missing and subtracts what is counted too often
// (a duplicate inserted outside the writer: a hand re-insert, demo-data
// run twice, an old spool "sent" file restored). Running it again changes
// nothing. It takes the same connection flags as migrate (the password
// from the config or MAILAUDIT_CLICKHOUSE_PASSWORD, never a flag) and, in
// a cluster, runs on each node.
func cmdRebuildDaily(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("rebuild-daily", flag.ContinueOnError)
	fs.SetOutput(stderr)
	conn := clickhouseFlags(fs, "cluster name from remote_servers (runs on every --addr node)")
	var (
		fromS = fs.String("from", "", "first day, YYYY-MM-DD (default: every day)")
		toS   = fs.String("to", "", "last day, YYYY-MM-DD (default: --from, or every day)")
	)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: mailaudit rebuild-daily [--config FILE] [--addr H:P[,H:P]] [--database DB] [--from YYYY-MM-DD [--to YYYY-MM-DD]]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "rebuild-daily: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	var from, to time.Time
	var err error
	if *fromS != "" {
		if from, err = time.Parse("2006-01-02", *fromS); err != nil {
			fmt.Fprintf(stderr, "rebuild-daily: --from: want YYYY-MM-DD, got %q\n", *fromS)
			return 2
		}
		to = from
	}
	if *toS != "" {
		if to, err = time.Parse("2006-01-02", *toS); err != nil {
			fmt.Fprintf(stderr, "rebuild-daily: --to: want YYYY-MM-DD, got %q\n", *toS)
			return 2
		}
		if from.IsZero() {
			fmt.Fprintln(stderr, "rebuild-daily: --to needs --from")
			return 2
		}
	}
	if !from.IsZero() && to.Before(from) {
		fmt.Fprintln(stderr, "rebuild-daily: --to is before --from")
		return 2
	}
	cfg, err := conn.config()
	if err != nil {
		fmt.Fprintf(stderr, "rebuild-daily: %v\n", err)
		return 1
	}
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		fmt.Fprintf(stderr, "rebuild-daily: %v\n", err)
		return 1
	}
	schema := audit.SchemaFor(cfg)
	nodes := [][]string{cfg.ClickHouse.Addr.List()}
	if schema.Cluster != "" {
		nodes = nodes[:0]
		for _, a := range cfg.ClickHouse.Addr.List() {
			nodes = append(nodes, []string{a})
		}
	}
	span := "every day"
	if !from.IsZero() {
		span = from.Format("2006-01-02") + " to " + to.Format("2006-01-02")
	}
	for _, addrs := range nodes {
		conn, err := audit.OpenClickHouse(cfg, addrs...)
		if err != nil {
			fmt.Fprintf(stderr, "rebuild-daily: %v\n", err)
			return 1
		}
		n, err := audit.ReconcileDaily(ctx, conn, schema, from, to)
		conn.Close()
		if err != nil {
			fmt.Fprintf(stderr, "rebuild-daily: %s: %v\n", strings.Join(addrs, ","), err)
			return 1
		}
		fmt.Fprintf(stdout, "%s: %s.messages_daily, %s: %d summary keys corrected\n", strings.Join(addrs, ","), schema.Database, span, n)
	}
	return 0
}

// loadAuditConfig reads the audit: section of a configuration file; an
// empty path gives the zero Config (defaults apply later).
func loadAuditConfig(path string) (audit.Config, error) {
	if path == "" {
		return audit.Config{}, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return audit.Config{}, err
	}
	var doc struct {
		Audit audit.Config `yaml:"audit"`
	}
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return audit.Config{}, fmt.Errorf("%s: %w", path, err)
	}
	return doc.Audit, nil
}

// chFlags are the ClickHouse connection flags migrate and rebuild-daily
// share: the config's audit: section, overridden by the flags, so the
// commands also work without a configuration file. The password comes
// from the config or MAILAUDIT_CLICKHOUSE_PASSWORD, never a flag (ps).
type chFlags struct {
	configFile, addrs, database, cluster, user *string
}

func clickhouseFlags(fs *flag.FlagSet, clusterUsage string) chFlags {
	return chFlags{
		configFile: fs.String("config", "", "YAML configuration file (only its audit: section is read)"),
		addrs:      fs.String("addr", "", "ClickHouse native address(es), comma-separated host:port"),
		database:   fs.String("database", "", "database name (default "+audit.DefaultDatabase+")"),
		cluster:    fs.String("cluster", "", clusterUsage),
		user:       fs.String("user", "", "ClickHouse user"),
	}
}

// config loads the audit settings and applies the flags.
func (f chFlags) config() (audit.Config, error) {
	cfg, err := loadAuditConfig(*f.configFile)
	if err != nil {
		return cfg, err
	}
	if *f.addrs != "" {
		cfg.ClickHouse.Addr = audit.AddrList(*f.addrs)
	}
	if *f.database != "" {
		cfg.ClickHouse.Database = *f.database
	}
	if *f.cluster != "" {
		cfg.ClickHouse.Cluster = *f.cluster
	}
	if *f.user != "" {
		cfg.ClickHouse.User = *f.user
	}
	passwordFromEnv(&cfg)
	return cfg, nil
}
