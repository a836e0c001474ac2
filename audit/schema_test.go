package audit

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"mailaudit/internal/chtest"
)

func chConn(t testing.TB, addr string) driver.Conn {
	t.Helper()
	cfg := Config{}
	cfg.ClickHouse.Addr = AddrList(addr)
	c, err := OpenClickHouse(cfg, addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func columns(t testing.TB, srv *chtest.Server, db string) string {
	return srv.Query(t, fmt.Sprintf("SELECT table, name, type FROM system.columns WHERE database = '%s'", db))
}

func tables(t testing.TB, srv *chtest.Server, db string) string {
	return srv.Query(t, fmt.Sprintf("SELECT name, engine FROM system.tables WHERE database = '%s' ORDER BY name", db))
}

// Every earlier version (0 = empty server) migrates to the latest schema,
// ends up identical to a fresh install, keeps its rows, backfills the
// summary table, and then takes writes exactly once.
func TestMigrationsFromEveryVersion(t *testing.T) {
	srv := chtest.Start(t)
	conn := chConn(t, srv.Addr())
	ctx := context.Background()
	log := testLogger(t)

	fresh := Schema{Database: "fresh"}
	if from, to, err := Migrate(ctx, conn, fresh, log); err != nil || from != 0 || to != LatestVersion() {
		t.Fatalf("fresh: %d -> %d, %v", from, to, err)
	}
	// Idempotent: a second run changes nothing and errs not.
	if from, to, err := Migrate(ctx, conn, fresh, log); err != nil || from != LatestVersion() || to != from {
		t.Fatalf("second run: %d -> %d, %v", from, to, err)
	}
	wantCols, wantTables := columns(t, srv, "fresh"), tables(t, srv, "fresh")
	if !strings.Contains(wantTables, "messages_daily_mv\tMaterializedView") {
		t.Fatalf("fresh tables:\n%s", wantTables)
	}

	for k := 0; k < LatestVersion(); k++ {
		t.Run(fmt.Sprintf("from_v%d", k), func(t *testing.T) {
			db := fmt.Sprintf("from_v%d", k)
			s := Schema{Database: db}
			if _, to, err := MigrateTo(ctx, conn, s, k, log); err != nil || to != k {
				t.Fatalf("build v%d: %d, %v", k, to, err)
			}
			const old = 100
			if k >= 1 { // rows written by a build at version k
				srv.Exec(t, fmt.Sprintf(`INSERT INTO %s.messages (event_id, ts, date, mail_from, type, mandated, flags, size)
					SELECT generateUUIDv4(), toDateTime('2026-11-02 03:04:05'), toDate('2026-11-02'), 'old@hcm.gov.vn', 'cong_van', number %% 2, [], 10
					FROM system.numbers LIMIT %d`, db, old))
			}
			// A migration interrupted half-way: its first step applied,
			// its version not recorded.
			if k+1 <= LatestVersion() {
				next := Migrations()[k]
				if err := s.apply(ctx, conn, next.Steps[0], log); err != nil {
					t.Fatal(err)
				}
			}
			from, to, err := Migrate(ctx, conn, s, log)
			if err != nil || from != k || to != LatestVersion() {
				t.Fatalf("migrate: %d -> %d, %v", from, to, err)
			}
			if got := strings.ReplaceAll(columns(t, srv, db), db, "fresh"); got != wantCols {
				t.Fatalf("columns differ from a fresh install:\n%s\nwant\n%s", got, wantCols)
			}
			if got := tables(t, srv, db); got != wantTables {
				t.Fatalf("tables differ from a fresh install:\n%s\nwant\n%s", got, wantTables)
			}
			if v, _ := SchemaVersion(ctx, conn, s); v != LatestVersion() {
				t.Fatalf("recorded version %d", v)
			}
			before := 0
			if k >= 1 {
				before = old
			}
			// New rows through the Writer on top of the old ones.
			cfg := testConfig(t, srv.Addr())
			cfg.ClickHouse.Database = db
			w, _ := openWriter(t, cfg)
			recordN(t, w, 0, 200)
			flush(t, w)
			assertExactlyOnce(t, srv, db, before+200)
			if k >= 1 {
				if got := srv.QueryUint64(t, "SELECT sum(mandated) FROM "+db+".messages_daily WHERE sender = 'old@hcm.gov.vn'"); got != old/2 {
					t.Errorf("backfilled mandated = %d, want %d", got, old/2)
				}
			}
		})
	}
}

func TestStatementsPrint(t *testing.T) {
	single := strings.Join(Schema{Database: "mailaudit"}.Statements(0, LatestVersion()), ";\n")
	for _, want := range []string{"ENGINE = ReplacingMergeTree", "ORDER BY (date, mail_from, event_id)",
		"ENGINE = SummingMergeTree", "MATERIALIZED VIEW IF NOT EXISTS `mailaudit`.messages_daily_mv TO `mailaudit`.`messages_daily`"} {
		if !strings.Contains(single, want) {
			t.Errorf("single-node DDL lacks %q", want)
		}
	}
	if strings.Contains(single, "Distributed") || strings.Contains(single, "_local") {
		t.Error("single-node DDL mentions cluster tables")
	}
	oc := strings.Join(Schema{Database: "mailaudit", Cluster: "c1", OnCluster: true, Replicated: true}.Statements(0, LatestVersion()), ";\n")
	for _, want := range []string{"`mailaudit`.`messages_local` ON CLUSTER `c1`", "ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/mailaudit/messages_local', '{replica}')",
		"ENGINE = Distributed(`c1`, `mailaudit`, `messages_local`, cityHash64(toString(event_id)))", "ADD COLUMN IF NOT EXISTS staff_id"} {
		if !strings.Contains(oc, want) {
			t.Errorf("ON CLUSTER DDL lacks %q", want)
		}
	}
}
