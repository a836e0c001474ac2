package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"mailaudit/report"
	"mailaudit/report/demodata"
)

// cmdDemoData implements `mailaudit demo-data`: it fills ClickHouse with
// a synthetic 200-person agency's year of audit rows (Vietnamese names,
// eight divisions, the taxonomy's type mix, findings, a few low users and
// silent members) and writes the matching roster CSV, for demos and for
// the 10-million-row benchmark. The same --seed gives the same data.
func cmdDemoData(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("demo-data", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cf := addConnFlags(fs)
	var (
		rows      = fs.Int("rows", 100_000, "number of message rows")
		batch     = fs.Int("batch", 200_000, "rows per INSERT")
		start     = fs.String("start", "2024-01-01", "first day of the data (YYYY-MM-DD)")
		days      = fs.Int("days", 366, "number of days")
		seed      = fs.Uint64("seed", 1, "random seed")
		rosterOut = fs.String("roster-out", "", "write the synthetic roster CSV here (reports need it)")
	)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: mailaudit demo-data [--rows N] [--roster-out FILE] [--config FILE | --addr H:P] [--database DB] [--start D --days N] [--seed S]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 || *rows < 0 || *batch < 1 || *days < 1 {
		fs.Usage()
		return 2
	}
	from, err := report.ParseDay(*start)
	if err != nil {
		fmt.Fprintf(stderr, "demo-data: --start: %v\n", err)
		return 2
	}
	// The roster flag is about reading a roster; demo-data writes one.
	*cf.roster = ""
	acfg, _, err := cf.load()
	if err != nil {
		fmt.Fprintf(stderr, "demo-data: %v\n", err)
		return 1
	}
	ag := demodata.NewAgency(*seed, from, *days)
	if *rosterOut != "" {
		if err := writeOutput(*rosterOut, nil, func(w io.Writer) error { _, err := w.Write(ag.RosterCSV()); return err }); err != nil {
			fmt.Fprintf(stderr, "demo-data: %v\n", err)
			return 1
		}
	}
	conn, err := openFromConfig(acfg)
	if err != nil {
		fmt.Fprintf(stderr, "demo-data: %v\n", err)
		return 1
	}
	defer conn.Close()
	log := slog.New(slog.NewTextHandler(stderr, nil))
	t0 := time.Now()
	if err := ag.Fill(ctx, conn, schemaFor(acfg), *rows, *batch, log); err != nil {
		fmt.Fprintf(stderr, "demo-data: %v\n", err)
		return 1
	}
	el := time.Since(t0)
	fmt.Fprintf(stdout, "demo-data: %d message rows and %d AUTH rows for %d staff in %s (%.0f rows/s) into %s\n",
		*rows, len(ag.Auths()), len(ag.Staff), el.Round(time.Millisecond), float64(*rows)/el.Seconds(), acfg.ClickHouse.Database)
	if *rosterOut != "" {
		fmt.Fprintf(stdout, "roster: %s\n", *rosterOut)
	} else {
		fmt.Fprintln(stdout, "no --roster-out: reports will lack names; run again with it (same --seed) to get the roster")
	}
	return 0
}
