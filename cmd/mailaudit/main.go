// Command mailaudit is the mail-gateway audit daemon and its tools.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"syscall"
)

type command struct {
	run   func(ctx context.Context, args []string, stdout, stderr io.Writer) int
	usage string
}

func commands() map[string]command {
	return map[string]command{
		"serve":         {cmdServe, "serve --config FILE          run the relay daemon"},
		"check-config":  {cmdCheckConfig, "check-config FILE            validate a configuration and exit"},
		"dashboard":     {cmdDashboard, "dashboard --config FILE      run the auditors' web dashboard as its own process"},
		"sink":          {cmdSink, "sink [--addr A] [--dir D]    run a stand-in upstream SMTP server"},
		"bench":         {cmdBench, "bench [flags]                measure direct-to-sink vs via-relay throughput"},
		"classify":      {cmdClassify, "classify [--json] PATH...    label messages with document types"},
		"migrate":       {cmdMigrate, "migrate [--config FILE]      create or upgrade the ClickHouse schema"},
		"rebuild-daily": {cmdRebuildDaily, "rebuild-daily [--from D --to D] make the daily summary equal to the rows again"},
		"report":        {cmdReport, "report KIND [flags]          auditor reports (usage, low-usage, findings, types, activation)"},
		"demo-data":     {cmdDemoData, "demo-data --rows N [flags]   fill ClickHouse with a synthetic agency"},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cmds := commands()
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stderr, cmds)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	c, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "mailaudit: unknown command %q\n", args[0])
		usage(stderr, cmds)
		return 2
	}
	return c.run(ctx, args[1:], stdout, stderr)
}

func usage(w io.Writer, cmds map[string]command) {
	fmt.Fprintln(w, "usage: mailaudit COMMAND [flags]")
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintln(w, "  mailaudit "+cmds[n].usage)
	}
}
