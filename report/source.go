// Package report answers the auditors' questions from the audit tables in
// ClickHouse: per-person and per-division usage of the city mail system in
// a quarter, the low users the notice's rating rule (item 7) needs, the
// flagged messages, document types over time, and the accounts never
// activated (item 6). The roster (package policy) supplies names and
// divisions; every count is computed by ClickHouse.
//
// Sources of each figure:
//
//   - messages, mandated documents, active days and flagged counts come
//     from messages_daily, the SummingMergeTree the materialized view fills.
//     The view counts every row inserted into messages, so the sums are
//     exact as long as each event id is inserted once: the audit writer
//     sees to that (one row per message, intent and outcome paired; a
//     replay checks before inserting). A duplicate inserted outside the
//     writer (by hand, demo-data twice, an old spool mark restored) is
//     counted until `mailaudit rebuild-daily` reconciles those days with
//     messages FINAL. The GROUP BY sums rows not merged yet (including the
//     rebuild's corrections, which subtract through UInt64 wrap-around).
//   - findings by kind and the findings list need the flags themselves, so
//     they read messages. A replay can leave a duplicate row there until a
//     merge, so those queries first collapse rows by event_id (only the
//     flagged ones, which keeps the work small) before counting.
//   - activation reads auth_events and counts distinct event ids.
//
// One query computes the person, division and grand-total levels at once:
// arrayJoin repeats each row under three group keys ("s:<staff id>",
// "d:<division>", "t:"), an emulation of GROUPING SETS that 18.16 lacks.
// Distinct-day counts therefore stay exact at every level.
package report

import (
	"context"
	"fmt"
	"strings"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"mailaudit/audit"
	"mailaudit/policy"
)

// Source runs reports against one ClickHouse database and one roster.
type Source struct {
	conn   driver.Conn
	schema audit.Schema
	roster *policy.Roster
}

// NewSource returns a Source. roster may be nil (no names, no zero-activity
// members); conn is not closed by the Source.
func NewSource(conn driver.Conn, schema audit.Schema, roster *policy.Roster) *Source {
	return &Source{conn: conn, schema: schema, roster: roster}
}

// Roster is the roster the Source joins.
func (s *Source) Roster() *policy.Roster { return s.roster }

func (s *Source) table(name string) string { return s.schema.Table(name) }

// groupKeys is the arrayJoin expression of the three report levels over
// the given staff id and division columns.
func groupKeys(staff, division string) string {
	return "arrayJoin([concat('s:', " + staff + "), concat('d:', " + division + "), 't:'])"
}

// splitGroup turns a group key back into its level and value.
func splitGroup(g string) (level byte, value string) {
	if len(g) < 2 || g[1] != ':' {
		return 0, g
	}
	return g[0], g[2:]
}

// query runs sql and calls scan for each row.
// Values are inlined as quoted literals rather than bound with "?": the
// driver's client-side binding would also rewrite a "?" inside a literal.
func (s *Source) query(ctx context.Context, name, sql string, scan func(driver.Rows) error) error {
	rows, err := s.conn.Query(ctx, sql)
	if err != nil {
		return fmt.Errorf("report %s: %w", name, err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return fmt.Errorf("report %s: scan: %w", name, err)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("report %s: %w", name, err)
	}
	return nil
}

// quoteList makes a ClickHouse array literal of strings. Values are
// escaped, so ids typed by a user cannot break out of the literal.
func quoteList(l []string) string {
	q := make([]string, len(l))
	for i, s := range l {
		q[i] = quote(s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// quote makes a ClickHouse string literal.
func quote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

// dateRange is the WHERE condition of a period on the `date` column, which
// leads every table's sorting key, so only the period's parts are read.
func dateRange(p Period) string {
	return "date >= toDate('" + p.sqlFrom() + "') AND date <= toDate('" + p.sqlTo() + "')"
}
