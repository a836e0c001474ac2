package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	fixture "mailaudit/report/reporttest"
)

// TestCmdReport runs every report kind through the command line against
// the fixture (figures are checked in package report; here: flags, config
// reading, formats and files).
func TestCmdReport(t *testing.T) {
	env := fixture.Start(t)
	dir := t.TempDir()
	cfgFile := filepath.Join(dir, "mailaudit.yaml")
	// The roster is named relative to the config file, as the daemon reads it.
	rosterCSV, err := os.ReadFile(env.RosterPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "roster.csv"), rosterCSV, 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := "listeners: {submission: ':587'}\naudit:\n  clickhouse:\n    addr: " + env.Server.Addr() +
		"\npolicy:\n  roster: roster.csv\n"
	if err := os.WriteFile(cfgFile, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) (string, string, int) {
		var out, errb bytes.Buffer
		code := cmdReport(context.Background(), args, &out, &errb)
		return out.String(), errb.String(), code
	}

	out, errs, code := run("low-usage", "--config", cfgFile, "--quarter", "2024Q2", "--min-messages", "3", "--min-active-days", "2", "--format", "csv")
	if code != 0 {
		t.Fatalf("low-usage: %d %s", code, errs)
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(out, "\uFEFF"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range recs[1:] {
		ids = append(ids, r[0])
	}
	if strings.Join(ids, ",") != "T02,T04,T06,T07" {
		t.Errorf("low users %v", ids)
	}

	// --addr and --roster instead of the config; JSON.
	out, errs, code = run("usage", "--addr", env.Server.Addr(), "--roster", env.RosterPath, "--from", "2024-04-01", "--to", "2024-06-30", "--format", "json")
	if code != 0 {
		t.Fatalf("usage: %d %s", code, errs)
	}
	var u struct {
		Total struct {
			Messages uint64 `json:"messages"`
		} `json:"total"`
	}
	if err := json.Unmarshal([]byte(out), &u); err != nil || u.Total.Messages != 14 {
		t.Errorf("usage json: %v %+v", err, u)
	}

	xlsx := filepath.Join(dir, "findings.xlsx")
	if _, errs, code = run("findings", "--config", cfgFile, "--quarter", "2024Q2", "--kind", "secret_document,personal_use", "--format", "xlsx", "--out", xlsx, "--lang", "en"); code != 0 {
		t.Fatalf("findings: %d %s", code, errs)
	}
	f, err := excelize.OpenFile(xlsx)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows("findings")
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) < 4 || rows[0][0] != "Event id" || rows[1][9] != "Secret document; Sent to a personal address" || rows[2][9] != "Personal use" || rows[3][0] != "2 messages" {
		t.Errorf("findings xlsx: %q", rows)
	}

	out, errs, code = run("types", "--config", cfgFile, "--quarter", "2024Q2", "--lang", "en")
	if code != 0 || !strings.Contains(out, "2024-05-01") {
		t.Errorf("types: %d %s\n%s", code, errs, out)
	}
	out, errs, code = run("activation", "--config", cfgFile, "--deadline", "2024-05-23", "--format", "csv")
	if code != 0 || !strings.Contains(out, "T03,Lê Hoàng Phúc") || !strings.Contains(out, "T04,Phạm Thị Ngọc Ánh") || strings.Count(out, "\n") != 3 {
		t.Errorf("activation: %d %s\n%s", code, errs, out)
	}
	out, errs, code = run("usage", "--config", cfgFile, "--quarter", "2024Q2", "--by", "division", "--format", "csv")
	if code != 0 || !strings.Contains(out, "Ban Giám đốc,2,8,6,4,4,0,3,9") {
		t.Errorf("usage by division: %d %s\n%s", code, errs, out)
	}

	// Usage errors are exit code 2 with a message.
	for _, args := range [][]string{
		{"usage", "--config", cfgFile},
		{"usage", "--config", cfgFile, "--quarter", "2024Q5"},
		{"findings", "--config", cfgFile, "--quarter", "2024Q2", "--format", "xlsx"},
		{"activation", "--config", cfgFile},
		{"nonsense"},
	} {
		if _, errs, code := run(args...); code != 2 || errs == "" {
			t.Errorf("%v: code %d, stderr %q", args, code, errs)
		}
	}
	if _, errs, code := run("low-usage", "--addr", env.Server.Addr(), "--quarter", "2024Q2"); code != 1 || !strings.Contains(errs, "roster") {
		t.Errorf("low-usage without roster: %d %q", code, errs)
	}
}
