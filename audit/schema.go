package audit

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
)

// Schema migrations.
//
// Each Migration is data: its statements are kept verbatim forever, so a
// test can build any earlier version and migrate it to the latest. Every
// step is idempotent (CREATE ... IF NOT EXISTS; columns added only when
// system.columns lacks them, because 18.16 has no ADD COLUMN IF NOT
// EXISTS), so a migration interrupted half-way is simply run again. The
// version reached is recorded in <db>.schema_migrations after all of a
// migration's steps succeeded.
//
// Cluster variant (Schema.Cluster set): the tables that hold data get the
// suffix _local and live on every node; a Distributed table with the plain
// name spans them, sharded by cityHash64(toString(event_id)) so that a
// replayed row lands on the shard that already has it. Writers and reports
// use the plain names in both layouts. The DDL is applied to every node in
// turn (no ZooKeeper needed), or once with ON CLUSTER when Schema.OnCluster
// is set (needs ZooKeeper/ClickHouse Keeper and a server that has ADD
// COLUMN IF NOT EXISTS, i.e. not 18.16). Replicated engines are emitted
// only with Schema.Replicated (also needs ZooKeeper/Keeper and the {shard}
// and {replica} macros); without it each shard keeps one copy.

// Schema names where and how the tables are laid out.
type Schema struct {
	Database   string
	Cluster    string // remote_servers name; "" for a single node
	OnCluster  bool   // emit ON CLUSTER instead of per-node DDL
	Replicated bool   // Replicated*MergeTree engines (cluster only)
}

// SchemaFor derives the layout from a Config.
func SchemaFor(cfg Config) Schema {
	return Schema{Database: cfg.ClickHouse.Database, Cluster: cfg.ClickHouse.Cluster, OnCluster: cfg.ClickHouse.OnCluster}
}

// Migration is one schema version.
type Migration struct {
	Version int
	Name    string
	Steps   []Step
}

// Step is one idempotent change. Exactly one of SQL, AddColumn and
// Backfill is set. SQL may use ${db}, ${oc} (" ON CLUSTER name" or ""),
// ${<table>} (qualified local table name), ${engine:<Engine>:<table>} and
// ${distributed:<table>} (a CREATE of the Distributed table in cluster
// mode, nothing otherwise).
type Step struct {
	SQL       string
	AddColumn *AddColumn
	Backfill  *Backfill
}

// AddColumn adds a column unless it exists.
type AddColumn struct {
	Table, Column, Type, After string
}

// Backfill fills Table from SQL once: when Table is empty and Source is not.
type Backfill struct {
	Table, Source, SQL string
}

// Migrations returns the schema history, oldest first.
func Migrations() []Migration {
	return []Migration{
		{1, "messages", []Step{
			{SQL: "CREATE DATABASE IF NOT EXISTS ${db}${oc}"},
			{SQL: `CREATE TABLE IF NOT EXISTS ${db}.schema_migrations${oc} (
    version UInt32,
    name String,
    applied_at DateTime('UTC') DEFAULT now()
) ENGINE = ReplacingMergeTree ORDER BY version`},
			{SQL: `CREATE TABLE IF NOT EXISTS ${messages}${oc} (
    event_id UUID,
    ts DateTime('UTC'),
    date Date,
    instance String,
    client_ip String,
    tls_version String,
    auth_user String,
    route String,
    upstream String,
    mail_from String,
    rcpt_to Array(String),
    rcpt_domain Array(String),
    header_from String,
    header_to Array(String),
    header_cc Array(String),
    subject String,
    message_id String,
    size UInt64,
    attach_names Array(String),
    attach_types Array(String),
    attach_sizes Array(UInt64),
    attach_kinds Array(String),
    type String,
    confidence Float64,
    secrecy String,
    urgency String,
    audience String,
    doc_number String,
    mandated UInt8,
    signals Array(String),
    flags Array(String),
    action String,
    upstream_code UInt16,
    upstream_text String,
    classify_ms Float64,
    upstream_ms Float64
) ENGINE = ${engine:ReplacingMergeTree:messages}
PARTITION BY toYYYYMM(date)
ORDER BY (date, mail_from, event_id)`},
			{SQL: "${distributed:messages}"},
		}},
		{2, "auth_events", []Step{
			{SQL: `CREATE TABLE IF NOT EXISTS ${auth_events}${oc} (
    event_id UUID,
    ts DateTime('UTC'),
    date Date,
    instance String,
    user String,
    client_ip String,
    mechanism String,
    result String,
    upstream_code UInt16
) ENGINE = ${engine:ReplacingMergeTree:auth_events}
PARTITION BY toYYYYMM(date)
ORDER BY (date, user, event_id)`},
			{SQL: "${distributed:auth_events}"},
		}},
		{3, "roster, errors and password verdict", []Step{
			{AddColumn: &AddColumn{"messages", "staff_id", "String", "upstream_ms"}},
			{AddColumn: &AddColumn{"messages", "division", "String", "staff_id"}},
			{AddColumn: &AddColumn{"messages", "errors", "Array(String)", "division"}},
			{AddColumn: &AddColumn{"auth_events", "weak_password", "UInt8", "upstream_code"}},
		}},
		{4, "per-person daily summaries", []Step{
			{SQL: `CREATE TABLE IF NOT EXISTS ${messages_daily}${oc} (
    date Date,
    sender String,
    staff_id String,
    division String,
    type String,
    action String,
    messages UInt64,
    mandated UInt64,
    flagged UInt64,
    bytes UInt64,
    attachments UInt64
) ENGINE = ${engine:SummingMergeTree:messages_daily}
PARTITION BY toYYYYMM(date)
ORDER BY (date, sender, staff_id, division, type, action)`},
			{SQL: "${distributed:messages_daily}"},
			{SQL: `CREATE MATERIALIZED VIEW IF NOT EXISTS ${db}.messages_daily_mv${oc} TO ${messages_daily} AS
SELECT date, ` + dailySelect + `
FROM ${messages}`},
			{Backfill: &Backfill{Table: "messages_daily", Source: "messages",
				SQL: "INSERT INTO ${messages_daily} SELECT date, " + dailySelect + " FROM ${messages} FINAL"}},
		}},
		// A "locked" row stands for the refusals of a locked address in
		// up to a minute; every other row for one attempt. Rows from
		// before have 0 here: read as 1.
		{5, "auth_events attempts", []Step{
			{AddColumn: &AddColumn{"auth_events", "attempts", "UInt32", "weak_password"}},
		}},
		mailboxMigration(6),
	}
}

// dailySelect is the summary of one message row; the view and the
// backfill must agree on it.
const dailySelect = `lower(mail_from) AS sender, staff_id, division, type, action,
    toUInt64(1) AS messages, toUInt64(mandated) AS mandated,
    toUInt64(notEmpty(flags)) AS flagged, size AS bytes,
    toUInt64(length(attach_names)) AS attachments`

// LatestVersion is the newest schema version this build knows.
func LatestVersion() int { return Migrations()[len(Migrations())-1].Version }

// dataTables are the tables that hold rows: _local in cluster mode.
var dataTables = []string{"messages", "auth_events", "messages_daily", "mailbox_sessions"}

func (s Schema) local(table string) string {
	if s.Cluster != "" {
		return table + "_local"
	}
	return table
}

// Table is the qualified name writers and readers use for table.
func (s Schema) Table(table string) string { return "`" + s.Database + "`.`" + table + "`" }

func (s Schema) onCluster() string {
	if s.OnCluster && s.Cluster != "" {
		return " ON CLUSTER `" + s.Cluster + "`"
	}
	return ""
}

// expand fills the placeholders of one step's SQL.
func (s Schema) expand(sql string) string {
	for {
		i := strings.Index(sql, "${")
		if i < 0 {
			return sql
		}
		j := strings.Index(sql[i:], "}")
		key := sql[i+2 : i+j]
		sql = sql[:i] + s.placeholder(key) + sql[i+j+1:]
	}
}

func (s Schema) placeholder(key string) string {
	db := "`" + s.Database + "`"
	switch {
	case key == "db":
		return db
	case key == "oc":
		return s.onCluster()
	case strings.HasPrefix(key, "engine:"):
		parts := strings.SplitN(key, ":", 3)
		if s.Replicated && s.Cluster != "" {
			// {shard} and {replica} are server macros, kept literally.
			return fmt.Sprintf("Replicated%s('/clickhouse/tables/{shard}/%s/%s', '{replica}')",
				parts[1], s.Database, s.local(parts[2]))
		}
		return parts[1]
	case strings.HasPrefix(key, "distributed:"):
		t := strings.TrimPrefix(key, "distributed:")
		if s.Cluster == "" {
			return ""
		}
		return fmt.Sprintf("CREATE TABLE IF NOT EXISTS %s.`%s`%s AS %s.`%s` ENGINE = Distributed(`%s`, `%s`, `%s`, %s)",
			db, t, s.onCluster(), db, s.local(t), s.Cluster, s.Database, s.local(t), shardKey(t))
	default:
		return db + ".`" + s.local(key) + "`"
	}
}

// shardKey keeps every copy of an event on one shard, where the
// ReplacingMergeTree and the replay check can see it. The summary table is
// sharded by sender so that each shard sums its own senders.
func shardKey(table string) string {
	if table == "messages_daily" {
		return "cityHash64(sender)"
	}
	return "cityHash64(toString(event_id))"
}

// Statements returns the DDL of migrations (from, to] as it would be
// applied to one node, for `mailaudit migrate --print`. Column additions
// are shown unconditionally and backfills as their INSERT.
func (s Schema) Statements(from, to int) []string {
	var out []string
	for _, m := range Migrations() {
		if m.Version <= from || m.Version > to {
			continue
		}
		out = append(out, fmt.Sprintf("-- version %d: %s", m.Version, m.Name))
		for _, st := range m.Steps {
			switch {
			case st.AddColumn != nil:
				for _, t := range s.alterTargets(st.AddColumn.Table) {
					out = append(out, s.addColumnSQL(t, st.AddColumn))
				}
			case st.Backfill != nil:
				out = append(out, s.expand(st.Backfill.SQL))
			default:
				if sql := s.expand(st.SQL); sql != "" {
					out = append(out, sql)
				}
			}
		}
		out = append(out, fmt.Sprintf("INSERT INTO %s (version, name) VALUES (%d, '%s')",
			s.Table("schema_migrations"), m.Version, m.Name))
	}
	return out
}

// alterTargets are the tables a column must be added to: the local table,
// and in cluster mode the Distributed table over it.
func (s Schema) alterTargets(table string) []string {
	if s.Cluster != "" {
		return []string{s.local(table), table}
	}
	return []string{table}
}

func (s Schema) addColumnSQL(table string, a *AddColumn) string {
	ifNot := ""
	if s.onCluster() != "" {
		ifNot = "IF NOT EXISTS "
	}
	sql := fmt.Sprintf("ALTER TABLE %s%s ADD COLUMN %s%s %s", s.Table(table), s.onCluster(), ifNot, a.Column, a.Type)
	if a.After != "" {
		sql += " AFTER " + a.After
	}
	return sql
}

// SchemaVersion returns the version recorded on the node conn talks to; 0
// when the database or the table does not exist.
func SchemaVersion(ctx context.Context, conn driver.Conn, s Schema) (int, error) {
	n, err := queryUint(ctx, conn, fmt.Sprintf(
		"SELECT count() FROM system.tables WHERE database = %s AND name = 'schema_migrations'", quote(s.Database)))
	if err != nil || n == 0 {
		return 0, err
	}
	v, err := queryUint(ctx, conn, "SELECT max(version) FROM "+s.Table("schema_migrations"))
	return int(v), err
}

// Migrate brings the node conn talks to up to the latest version.
func Migrate(ctx context.Context, conn driver.Conn, s Schema, log *slog.Logger) (from, to int, err error) {
	return MigrateTo(ctx, conn, s, LatestVersion(), log)
}

// MigrateTo applies the migrations after the recorded version up to target.
// It never goes down: a node at a newer version than target is left alone.
func MigrateTo(ctx context.Context, conn driver.Conn, s Schema, target int, log *slog.Logger) (from, to int, err error) {
	from, err = SchemaVersion(ctx, conn, s)
	if err != nil {
		return 0, 0, fmt.Errorf("migrate: read schema version: %w", err)
	}
	to = from
	for _, m := range Migrations() {
		if m.Version <= from || m.Version > target {
			continue
		}
		for i, st := range m.Steps {
			if err := s.apply(ctx, conn, st, log); err != nil {
				return from, to, fmt.Errorf("migrate: version %d (%s) step %d: %w", m.Version, m.Name, i+1, err)
			}
		}
		if err := conn.Exec(ctx, fmt.Sprintf("INSERT INTO %s (version, name) SELECT %d, %s",
			s.Table("schema_migrations"), m.Version, quote(m.Name))); err != nil {
			return from, to, fmt.Errorf("migrate: record version %d: %w", m.Version, err)
		}
		to = m.Version
		log.Info("audit schema migrated", "database", s.Database, "version", m.Version, "name", m.Name)
	}
	return from, to, nil
}

func (s Schema) apply(ctx context.Context, conn driver.Conn, st Step, log *slog.Logger) error {
	switch {
	case st.AddColumn != nil:
		for _, t := range s.alterTargets(st.AddColumn.Table) {
			if err := s.addColumn(ctx, conn, t, st.AddColumn); err != nil {
				return err
			}
		}
		return nil
	case st.Backfill != nil:
		return s.backfill(ctx, conn, st.Backfill, log)
	default:
		sql := s.expand(st.SQL)
		if sql == "" {
			return nil
		}
		if err := conn.Exec(ctx, sql); err != nil {
			return fmt.Errorf("%s: %w", firstLine(sql), err)
		}
		return nil
	}
}

func (s Schema) hasColumn(ctx context.Context, conn driver.Conn, table, column string) (bool, error) {
	n, err := queryUint(ctx, conn, fmt.Sprintf(
		"SELECT count() FROM system.columns WHERE database = %s AND table = %s AND name = %s",
		quote(s.Database), quote(table), quote(column)))
	return n > 0, err
}

func (s Schema) addColumn(ctx context.Context, conn driver.Conn, table string, a *AddColumn) error {
	if s.onCluster() == "" {
		ok, err := s.hasColumn(ctx, conn, table, a.Column)
		if err != nil || ok {
			return err
		}
	}
	sql := s.addColumnSQL(table, a)
	if err := conn.Exec(ctx, sql); err != nil {
		// Another migrator may have added it since we looked.
		if ok, e := s.hasColumn(ctx, conn, table, a.Column); e == nil && ok {
			return nil
		}
		return fmt.Errorf("%s: %w", sql, err)
	}
	return nil
}

// backfill runs once, when the summary table is still empty: the view only
// sees rows inserted after it was created, so rows that predate version 4
// are summarised here. Run migrations before writers start (the Writer
// does), or rows inserted between the view's creation and this step would
// be counted twice. ON CLUSTER mode cannot INSERT on every node and skips
// it with a warning.
func (s Schema) backfill(ctx context.Context, conn driver.Conn, b *Backfill, log *slog.Logger) error {
	if s.onCluster() != "" {
		log.Warn("audit schema: backfill of the summary table skipped in ON CLUSTER mode; run it on each node",
			"sql", s.expand(b.SQL))
		return nil
	}
	dst, err := queryUint(ctx, conn, "SELECT count() FROM "+s.Table(s.local(b.Table)))
	if err != nil || dst > 0 {
		return err
	}
	src, err := queryUint(ctx, conn, "SELECT count() FROM "+s.Table(s.local(b.Source)))
	if err != nil || src == 0 {
		return err
	}
	if err := conn.Exec(ctx, s.expand(b.SQL)); err != nil {
		return fmt.Errorf("backfill %s: %w", b.Table, err)
	}
	log.Info("audit schema: summary table backfilled", "table", b.Table, "source_rows", src)
	return nil
}

func queryUint(ctx context.Context, conn driver.Conn, sql string) (uint64, error) {
	var n uint64
	// A scalar subquery lets every caller scan into one uint64, whatever
	// the inner type (count() is UInt64, max(version) UInt32).
	if err := conn.QueryRow(ctx, "SELECT toUInt64(("+sql+"))").Scan(&n); err != nil {
		return 0, fmt.Errorf("%s: %w", sql, err)
	}
	return n, nil
}

// quote makes a ClickHouse string literal.
func quote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i] + " ..."
	}
	return s
}
