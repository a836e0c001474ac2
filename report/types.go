package report

import (
	"context"
	"fmt"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"mailaudit/audit"
)

// Granularities of the `types` report.
const (
	ByDay     = "day"
	ByWeek    = "week" // weeks start on Monday
	ByMonth   = "month"
	ByQuarter = "quarter"
)

// bucketSQL is the ClickHouse function that maps a date to its bucket.
func bucketSQL(g string) (string, error) {
	switch g {
	case ByDay:
		return "date", nil
	case ByWeek:
		return "toMonday(date)", nil
	case ByMonth:
		return "toStartOfMonth(date)", nil
	case ByQuarter:
		return "toStartOfQuarter(date)", nil
	}
	return "", fmt.Errorf("granularity %q: want day, week, month or quarter", g)
}

// bucketStart is bucketSQL in Go, for listing the empty buckets too.
func bucketStart(g string, d time.Time) time.Time {
	switch g {
	case ByWeek:
		return d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7))
	case ByMonth:
		return time.Date(d.Year(), d.Month(), 1, 0, 0, 0, 0, time.UTC)
	case ByQuarter:
		return time.Date(d.Year(), time.Month((int(d.Month())-1)/3*3+1), 1, 0, 0, 0, 0, time.UTC)
	}
	return d
}

func bucketNext(g string, d time.Time) time.Time {
	switch g {
	case ByWeek:
		return d.AddDate(0, 0, 7)
	case ByMonth:
		return d.AddDate(0, 1, 0)
	case ByQuarter:
		return d.AddDate(0, 3, 0)
	}
	return d.AddDate(0, 0, 1)
}

// TypesRow is one time bucket.
type TypesRow struct {
	Start    string            `json:"start"` // first day of the bucket, YYYY-MM-DD
	ByType   map[string]uint64 `json:"by_type"`
	Messages uint64            `json:"messages"` // relayed, all types
	Flagged  uint64            `json:"flagged"`  // messages with a finding, any action
}

// TypesReport is the `types` report: relayed messages by document type
// per time bucket. A bucket at either end may cover days outside Period;
// only the period's days are counted in it.
type TypesReport struct {
	Period      Period     `json:"period"`
	Granularity string     `json:"granularity"`
	Types       []string   `json:"types"` // ids with a non-zero total, taxonomy order
	Rows        []TypesRow `json:"rows"`
	Total       TypesRow   `json:"total"`
}

// Types computes the document-type distribution of p by granularity g.
func (s *Source) Types(ctx context.Context, p Period, g string) (*TypesReport, error) {
	bucket, err := bucketSQL(g)
	if err != nil {
		return nil, err
	}
	rep := &TypesReport{Period: p, Granularity: g, Total: TypesRow{Start: "total", ByType: map[string]uint64{}}}
	rows := map[string]*TypesRow{}
	for d := bucketStart(g, p.From); !d.After(p.To); d = bucketNext(g, d) {
		k := d.Format(time.DateOnly)
		rep.Rows = append(rep.Rows, TypesRow{Start: k, ByType: map[string]uint64{}})
	}
	for i := range rep.Rows {
		rows[rep.Rows[i].Start] = &rep.Rows[i]
	}
	rows["total"] = &rep.Total
	types := map[string]bool{}
	relayed := quote(audit.ActionRelayed)
	err = s.query(ctx, "types", `SELECT arrayJoin([toString(`+bucket+`), 'total']) AS b, type,
    sumIf(messages, action = `+relayed+`) AS n, sum(flagged) AS f
FROM `+s.table("messages_daily")+`
WHERE `+dateRange(p)+`
GROUP BY b, type`, func(r driver.Rows) error {
		var b, typ string
		var n, f uint64
		if err := r.Scan(&b, &typ, &n, &f); err != nil {
			return err
		}
		row, ok := rows[b]
		if !ok {
			return fmt.Errorf("bucket %q outside the period", b)
		}
		if n > 0 {
			row.ByType[typ] = n
			types[typ] = true
		}
		// Bucket totals are sums over the bucket's type rows, which the
		// server already aggregated: a handful of additions, no rows.
		row.Messages += n
		row.Flagged += f
		return nil
	})
	if err != nil {
		return nil, err
	}
	for t := range types {
		rep.Types = append(rep.Types, t)
	}
	typeOrder(rep.Types)
	return rep, nil
}
