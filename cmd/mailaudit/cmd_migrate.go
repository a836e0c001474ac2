package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

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
	var (
		configFile = fs.String("config", "", "YAML configuration file (only its audit: section is read)")
		addrs      = fs.String("addr", "", "ClickHouse native address(es), comma-separated host:port")
		database   = fs.String("database", "", "database name (default "+audit.DefaultDatabase+")")
		cluster    = fs.String("cluster", "", "cluster name from remote_servers: _local tables + Distributed tables")
		onCluster  = fs.Bool("on-cluster", false, "apply DDL once with ON CLUSTER (needs ZooKeeper/Keeper)")
		replicated = fs.Bool("replicated", false, "use Replicated*MergeTree engines (cluster only; needs ZooKeeper/Keeper)")
		user       = fs.String("user", "", "ClickHouse user")
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

	var cfg audit.Config
	if *configFile != "" {
		data, err := os.ReadFile(*configFile)
		if err != nil {
			fmt.Fprintf(stderr, "migrate: %v\n", err)
			return 1
		}
		var doc struct {
			Audit audit.Config `yaml:"audit"`
		}
		if err := yaml.Unmarshal(data, &doc); err != nil {
			fmt.Fprintf(stderr, "migrate: %s: %v\n", *configFile, err)
			return 1
		}
		cfg = doc.Audit
	}
	if *addrs != "" {
		cfg.ClickHouse.Addr = audit.AddrList(*addrs)
	}
	if *database != "" {
		cfg.ClickHouse.Database = *database
	}
	if *cluster != "" {
		cfg.ClickHouse.Cluster = *cluster
	}
	if *onCluster {
		cfg.ClickHouse.OnCluster = true
	}
	if *user != "" {
		cfg.ClickHouse.User = *user
	}
	passwordFromEnv(&cfg)
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
