package report_test

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"mailaudit/audit"
	"mailaudit/internal/chtest"
	"mailaudit/policy"
	"mailaudit/report"
	"mailaudit/report/demodata"
)

// BenchmarkUsageQuarter measures the quarterly usage report (all three
// queries, roster join included) on the demo agency's year of rows: 10
// million by default, MAILAUDIT_BENCH_ROWS to change it. Filling takes a
// few minutes, so it only happens under -bench. Run:
//
//	go test -run '^$' -bench UsageQuarter -benchtime 20x ./report/
func BenchmarkUsageQuarter(b *testing.B) {
	rows := 10_000_000
	if s := os.Getenv("MAILAUDIT_BENCH_ROWS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			b.Fatalf("MAILAUDIT_BENCH_ROWS: %v", err)
		}
		rows = n
	}
	// MAILAUDIT_BENCH_ADDR (+ MAILAUDIT_BENCH_ROSTER) reuses a ClickHouse
	// already filled by `mailaudit demo-data --rows N --roster-out FILE`
	// instead of filling a private one: the fill takes minutes.
	addr, rosterPath := os.Getenv("MAILAUDIT_BENCH_ADDR"), os.Getenv("MAILAUDIT_BENCH_ROSTER")
	ctx := context.Background()
	if addr == "" {
		addr = chtest.Start(b).Addr()
	}
	cfg := audit.Config{ClickHouse: audit.ClickHouseConfig{Addr: audit.AddrList(addr)}}.WithDefaults()
	conn, err := audit.OpenClickHouse(cfg, addr)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	if rosterPath == "" {
		start, _ := report.ParseDay("2024-01-01")
		ag := demodata.NewAgency(1, start, 366)
		t0 := time.Now()
		if err := ag.Fill(ctx, conn, audit.SchemaFor(cfg), rows, 500_000, slog.New(slog.DiscardHandler)); err != nil {
			b.Fatal(err)
		}
		b.Logf("filled %d rows in %v", rows, time.Since(t0).Round(time.Second))
		rosterPath = filepath.Join(b.TempDir(), "roster.csv")
		if err := os.WriteFile(rosterPath, ag.RosterCSV(), 0o600); err != nil {
			b.Fatal(err)
		}
	}
	eng, err := policy.New(policy.Config{Roster: rosterPath})
	if err != nil {
		b.Fatal(err)
	}
	var total uint64
	if err := conn.QueryRow(ctx, "SELECT count() FROM "+audit.SchemaFor(cfg).Table("messages")).Scan(&total); err != nil {
		b.Fatal(err)
	}
	src := report.NewSource(conn, audit.SchemaFor(cfg), eng.Roster())
	p, _ := report.ParseQuarter("2024Q2")
	b.ResetTimer()
	var u *report.UsageReport
	for b.Loop() {
		if u, err = src.Usage(ctx, p); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	if u.Total.Messages == 0 || len(u.Persons) < 190 {
		b.Fatalf("implausible report: %d messages, %d persons", u.Total.Messages, len(u.Persons))
	}
	b.ReportMetric(float64(total), "rows")
}
