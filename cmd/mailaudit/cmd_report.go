package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"gopkg.in/yaml.v3"

	"mailaudit/audit"
	"mailaudit/policy"
	"mailaudit/report"
)

// reportUsage is the help text of `mailaudit report`.
const reportUsage = `usage: mailaudit report KIND [flags]

KIND:
  usage       --quarter 2024Q2 | --from D --to D  [--by person|division]
  low-usage   --quarter 2024Q2 | --from D --to D  --min-messages N --min-active-days D
  findings    --quarter Q | --from D --to D  [--kind K,K] [--staff ID] [--division NAME] [--limit N]
  types       --quarter Q | --from D --to D  [--by day|week|month|quarter]
  activation  --deadline 2024-05-23

Common flags:
  --config FILE      daemon configuration; its audit: and policy: sections are read
  --addr H:P         ClickHouse native address (overrides the config)
  --database DB      database (default mailaudit)
  --user U           ClickHouse user; the password comes from the config
                     (audit.clickhouse.password) or the environment variable
                     MAILAUDIT_CLICKHOUSE_PASSWORD, never from the command
                     line, where every local user could read it in ps
  --roster FILE      staff CSV (overrides policy.roster)
  --format F         table (default), csv, json or xlsx
  --out FILE         write there instead of standard output (xlsx needs it)
  --lang vi|en       language of headers and texts (default vi)

Dates are YYYY-MM-DD days of the agency's calendar (Asia/Ho_Chi_Minh), both
ends included. CSV holds one table (usage: --by person or division); table,
json and xlsx hold all of them.
`

// passwordEnv names the environment variable that carries the ClickHouse
// password to the command-line tools: a --password flag would show in ps
// and in shell history.
const passwordEnv = "MAILAUDIT_CLICKHOUSE_PASSWORD"

// passwordFromEnv sets the ClickHouse password from passwordEnv when set.
func passwordFromEnv(a *audit.Config) {
	if p, ok := os.LookupEnv(passwordEnv); ok {
		a.ClickHouse.Password = p
	}
}

// connFlags are the flags every command that reads ClickHouse shares.
type connFlags struct {
	config, addr, database, user, roster *string
}

func addConnFlags(fs *flag.FlagSet) connFlags {
	return connFlags{
		config:   fs.String("config", "", "daemon configuration file (audit: and policy: sections)"),
		addr:     fs.String("addr", "", "ClickHouse native address(es), comma-separated host:port"),
		database: fs.String("database", "", "database (default "+audit.DefaultDatabase+")"),
		user:     fs.String("user", "", "ClickHouse user"),
		roster:   fs.String("roster", "", "staff roster CSV (overrides policy.roster)"),
	}
}

// thresholds reads the reports: section of --config (defaults without it);
// explicit --min-* flags override it.
func (c connFlags) thresholds() (report.Thresholds, error) {
	doc := struct {
		Reports report.Thresholds `yaml:"reports"`
	}{report.DefaultThresholds()}
	if *c.config != "" {
		data, err := os.ReadFile(*c.config)
		if err != nil {
			return doc.Reports, err
		}
		if err := yaml.Unmarshal(data, &doc); err != nil {
			return doc.Reports, fmt.Errorf("%s: %w", *c.config, err)
		}
	}
	return doc.Reports, nil
}

// load reads the configuration sections and applies the overriding flags.
func (c connFlags) load() (audit.Config, policy.Config, error) {
	var doc struct {
		Audit  audit.Config  `yaml:"audit"`
		Policy policy.Config `yaml:"policy"`
	}
	if *c.config != "" {
		data, err := os.ReadFile(*c.config)
		if err != nil {
			return audit.Config{}, policy.Config{}, err
		}
		// Only the two sections are decoded: the daemon's full loader
		// would insist on listeners, TLS files and the rest, which a
		// reporting host need not have.
		if err := yaml.Unmarshal(data, &doc); err != nil {
			return audit.Config{}, policy.Config{}, fmt.Errorf("%s: %w", *c.config, err)
		}
	}
	a, p := doc.Audit, doc.Policy
	// File names in the config are relative to the config's folder, as
	// the daemon reads them.
	p.Roster = relative(*c.config, p.Roster)
	if *c.addr != "" {
		a.ClickHouse.Addr = audit.AddrList(*c.addr)
	}
	if *c.database != "" {
		a.ClickHouse.Database = *c.database
	}
	if *c.user != "" {
		a.ClickHouse.User = *c.user
	}
	passwordFromEnv(&a)
	if *c.roster != "" {
		p.Roster = *c.roster
	}
	a = a.WithDefaults()
	if err := a.Validate(); err != nil {
		return a, p, err
	}
	return a, p, nil
}

// open connects to ClickHouse and loads the roster (nil when none is
// configured and needRoster is false).
func (c connFlags) open(needRoster bool) (driver.Conn, audit.Schema, *policy.Roster, error) {
	acfg, pcfg, err := c.load()
	if err != nil {
		return nil, audit.Schema{}, nil, err
	}
	var roster *policy.Roster
	switch {
	case pcfg.Roster != "":
		eng, err := policy.New(pcfg)
		if err != nil {
			return nil, audit.Schema{}, nil, fmt.Errorf("roster: %w", err)
		}
		roster = eng.Roster()
	case needRoster:
		return nil, audit.Schema{}, nil, errors.New("this report needs the staff roster: --roster FILE or policy.roster in --config")
	}
	conn, err := openFromConfig(acfg)
	if err != nil {
		return nil, audit.Schema{}, nil, fmt.Errorf("cannot reach ClickHouse at %s (%s): start it (scripts/clickhouse.sh) or fix audit.clickhouse in the config",
			strings.Join(acfg.ClickHouse.Addr.List(), ","), oneLine(err))
	}
	return conn, schemaFor(acfg), roster, nil
}

func openFromConfig(acfg audit.Config) (driver.Conn, error) {
	return audit.OpenClickHouse(acfg, acfg.ClickHouse.Addr.List()...)
}

func schemaFor(acfg audit.Config) audit.Schema { return audit.SchemaFor(acfg) }

// cmdReport implements `mailaudit report KIND`.
func cmdReport(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stderr, reportUsage)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	kind := args[0]
	fs := flag.NewFlagSet("report "+kind, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, reportUsage) }
	cf := addConnFlags(fs)
	var (
		format   = fs.String("format", report.FormatTable, "table, csv, json or xlsx")
		out      = fs.String("out", "", "output file (default standard output)")
		lang     = fs.String("lang", report.LangVI, "vi or en")
		quarter  = fs.String("quarter", "", "quarter, e.g. 2024Q2")
		from     = fs.String("from", "", "first day YYYY-MM-DD")
		to       = fs.String("to", "", "last day YYYY-MM-DD (included)")
		by       = fs.String("by", "", "usage: person|division (CSV table); types: day|week|month|quarter")
		minMsgs  = fs.Uint64("min-messages", 10, "low-usage: fewest messages through the city system in the period, for people with no mailbox login (default: reports.min_messages of --config)")
		minDays  = fs.Uint64("min-active-days", 5, "low-usage: fewest days with a message sent or a mailbox login in the period (default: reports.min_active_days of --config)")
		kinds    = fs.String("kind", "", "findings: comma-separated finding ids")
		staff    = fs.String("staff", "", "findings: one staff id")
		division = fs.String("division", "", "findings: one division")
		limit    = fs.Int("limit", 0, "findings: at most this many rows (0 = all)")
		deadline = fs.String("deadline", "", "activation: last day to have logged in, YYYY-MM-DD")
	)
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	fail := func(code int, format string, a ...any) int {
		fmt.Fprintf(stderr, "report %s: "+format+"\n", append([]any{kind}, a...)...)
		return code
	}
	if fs.NArg() > 0 {
		return fail(2, "unexpected argument %q", fs.Arg(0))
	}
	switch *format {
	case report.FormatTable, report.FormatCSV, report.FormatJSON, report.FormatXLSX:
	default:
		return fail(2, "--format %q: want table, csv, json or xlsx", *format)
	}
	if *format == report.FormatXLSX && *out == "" {
		return fail(2, "--format xlsx needs --out FILE")
	}
	if *lang != report.LangVI && *lang != report.LangEN {
		return fail(2, "--lang %q: want vi or en", *lang)
	}

	var period report.Period
	var day time.Time
	table := 0
	switch kind {
	case "usage", "low-usage", "findings", "types":
		p, err := report.ParsePeriod(*quarter, *from, *to)
		if err != nil {
			return fail(2, "%v", err)
		}
		period = p
	case "activation":
		if *deadline == "" {
			return fail(2, "--deadline YYYY-MM-DD is required")
		}
		d, err := report.ParseDay(*deadline)
		if err != nil {
			return fail(2, "--deadline: %v", err)
		}
		day = d
	default:
		fmt.Fprintf(stderr, "report: unknown kind %q\n", kind)
		fmt.Fprint(stderr, reportUsage)
		return 2
	}
	switch {
	case kind == "usage" && *by == "division":
		table = 1
	case kind == "usage" && (*by == "" || *by == "person"):
	case kind == "usage":
		return fail(2, "--by %q: want person or division", *by)
	case kind == "types" && *by == "":
		*by = report.ByMonth
	}

	conn, schema, roster, err := cf.open(kind == "low-usage" || kind == "activation")
	if err != nil {
		return fail(1, "%v", err)
	}
	defer conn.Close()
	if v, err := audit.SchemaVersion(ctx, conn, schema); err != nil {
		return fail(1, "cannot read the audit schema in ClickHouse: %s", oneLine(err))
	} else if v == 0 {
		return fail(1, "the audit database %q does not exist yet: start `mailaudit serve` once (it creates the schema) or run `mailaudit migrate --config FILE`", schema.Database)
	}
	if roster == nil {
		fmt.Fprintf(stderr, "report %s: no roster configured: names, divisions and silent staff are missing\n", kind)
	}
	src := report.NewSource(conn, schema, roster)

	var rep report.Tabler
	switch kind {
	case "usage":
		rep, err = src.Usage(ctx, period)
	case "low-usage":
		th, terr := cf.thresholds()
		if terr != nil {
			return fail(1, "%v", terr)
		}
		fs.Visit(func(f *flag.Flag) {
			switch f.Name {
			case "min-messages":
				th.MinMessages = *minMsgs
			case "min-active-days":
				th.MinActiveDays = *minDays
			}
		})
		rep, err = src.LowUsage(ctx, period, th)
	case "findings":
		f := report.FindingsFilter{Period: period, StaffID: *staff, Division: *division, Limit: *limit}
		for _, k := range strings.Split(*kinds, ",") {
			if k = strings.TrimSpace(k); k != "" {
				f.Kinds = append(f.Kinds, k)
			}
		}
		rep, err = src.Findings(ctx, f)
	case "types":
		rep, err = src.Types(ctx, period, *by)
	case "activation":
		rep, err = src.Activation(ctx, day)
	}
	if err != nil {
		return fail(1, "%v", err)
	}
	if err := writeOutput(*out, stdout, func(w io.Writer) error { return report.Write(w, *format, rep, *lang, table) }); err != nil {
		return fail(1, "%v", err)
	}
	return 0
}

// writeOutput writes to path through a temporary file renamed into place,
// so that a failed report never leaves half a spreadsheet behind; with no
// path it writes to stdout.
func writeOutput(path string, stdout io.Writer, write func(io.Writer) error) error {
	if path == "" {
		return write(stdout)
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
