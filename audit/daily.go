package audit

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
)

// The daily summary (messages_daily) is exact as long as every event id
// reaches messages once: the writer's replay check sees to that, and the
// materialized view then counts each row once. Two things break it: a
// duplicate inserted outside the writer (a hand re-insert, demo-data run
// twice, an old sent mark restored), which the view counts although
// messages FINAL shows one row; and rows that commit while migration 4
// creates the view and backfills the summary. ReconcileDaily repairs both.

// reconcilePasses bounds ReconcileDaily's passes.
const reconcilePasses = 20

// ErrInsertsRunning is returned by ReconcileDaily when writers kept
// inserting into messages during every pass: no reading could be trusted.
var ErrInsertsRunning = errors.New("inserts into messages kept running; run it again when they pause")

// ReconcileDaily makes messages_daily equal, key by key, to what the rows
// of messages FINAL count for on the days from..to (both zero: every day).
// Per summary key it inserts the difference: what is missing is added,
// what is counted too often is subtracted (inserted as its two's
// complement, which the UInt64 sums of the SummingMergeTree and of every
// report wrap back to the right figure).
//
// One query reads both tables, so both are read as of one moment, and the
// difference it finds stays right whatever is inserted afterwards (later
// rows are counted by the table and the view alike). Only an INSERT caught
// between writing its rows and writing their summary rows makes a pass
// "correct" a difference that closes a moment later; the next pass undoes
// that. So passes repeat until one finds nothing to correct: relays insert
// in batches (every second by default), so a clean pass comes quickly;
// writers that are caught mid-insert on every pass get ErrInsertsRunning.
// corrected is the number of keys changed.
//
// It works on the node conn talks to: in a cluster, on that node's local
// tables (the view fills each node's summary from that node's rows), so it
// is run on every node, like the migrations.
func ReconcileDaily(ctx context.Context, conn driver.Conn, s Schema, from, to time.Time) (corrected int, err error) {
	where := ""
	if !from.IsZero() || !to.IsZero() {
		if to.IsZero() {
			to = time.Date(2105, 12, 31, 0, 0, 0, 0, time.UTC)
		}
		where = fmt.Sprintf(" WHERE date BETWEEN '%s' AND '%s'", from.Format("2006-01-02"), to.Format("2006-01-02"))
	}
	msgs, daily := s.Table(s.local("messages")), s.Table(s.local("messages_daily"))
	// The grouping and the columns must match dailySelect, the view's.
	diff := `SELECT date, sender, staff_id, division, type, action,
    toUInt64(sum(m)), toUInt64(sum(md)), toUInt64(sum(fl)), toUInt64(sum(b)), toUInt64(sum(a))
FROM (
    SELECT date, lower(mail_from) AS sender, staff_id, division, type, action,
        toInt64(1) AS m, toInt64(mandated) AS md, toInt64(notEmpty(flags)) AS fl,
        toInt64(size) AS b, toInt64(length(attach_names)) AS a
    FROM ` + msgs + ` FINAL` + where + `
    UNION ALL
    SELECT date, sender, staff_id, division, type, action,
        -toInt64(messages) AS m, -toInt64(mandated) AS md, -toInt64(flagged) AS fl,
        -toInt64(bytes) AS b, -toInt64(attachments) AS a
    FROM ` + daily + where + `
)
GROUP BY date, sender, staff_id, division, type, action
HAVING sum(m) != 0 OR sum(md) != 0 OR sum(fl) != 0 OR sum(b) != 0 OR sum(a) != 0`
	for pass := 0; pass < reconcilePasses; pass++ {
		if pass > 0 && !sleep(ctx, 100*time.Millisecond) {
			return corrected, ctx.Err()
		}
		rows, err := readDiff(ctx, conn, diff)
		if err != nil {
			return corrected, fmt.Errorf("reconcile daily summary: %w", err)
		}
		if len(rows) == 0 {
			return corrected, nil
		}
		bt, err := conn.PrepareBatch(ctx, "INSERT INTO "+daily+
			" (date, sender, staff_id, division, type, action, messages, mandated, flagged, bytes, attachments)")
		if err != nil {
			return corrected, fmt.Errorf("reconcile daily summary: %w", err)
		}
		for _, r := range rows {
			if err := bt.Append(r.date, r.sender, r.staff, r.division, r.typ, r.action, r.v[0], r.v[1], r.v[2], r.v[3], r.v[4]); err != nil {
				bt.Abort()
				return corrected, fmt.Errorf("reconcile daily summary: %w", err)
			}
		}
		if err := bt.Send(); err != nil {
			return corrected, fmt.Errorf("reconcile daily summary: %w", err)
		}
		corrected += len(rows)
	}
	return corrected, fmt.Errorf("reconcile daily summary: %w", ErrInsertsRunning)
}

type dailyRow struct {
	date                                 time.Time
	sender, staff, division, typ, action string
	v                                    [5]uint64
}

func readDiff(ctx context.Context, conn driver.Conn, q string) ([]dailyRow, error) {
	rs, err := conn.Query(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	var out []dailyRow
	for rs.Next() {
		var r dailyRow
		if err := rs.Scan(&r.date, &r.sender, &r.staff, &r.division, &r.typ, &r.action, &r.v[0], &r.v[1], &r.v[2], &r.v[3], &r.v[4]); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rs.Err()
}

// waitOlderInserts waits (up to bound) until no INSERT into a messages
// table that started before `since` is still running on the node: its
// rows may have missed a materialized view created since.
func waitOlderInserts(ctx context.Context, conn driver.Conn, since time.Time, bound time.Duration, log *slog.Logger) error {
	deadline := time.Now().Add(bound)
	for {
		age := time.Since(since).Seconds()
		n, err := queryUint(ctx, conn, fmt.Sprintf(
			"SELECT count() FROM system.processes WHERE positionCaseInsensitive(query, 'INSERT INTO') = 1 AND position(query, 'messages') > 0 AND elapsed >= %f", age))
		if err != nil {
			return err
		}
		if n == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			log.Warn("audit schema: inserts older than the summary view still run; reconciling anyway (run `mailaudit rebuild-daily` later if reports disagree)", "inserts", n)
			return nil
		}
		if !sleep(ctx, 50*time.Millisecond) {
			return ctx.Err()
		}
	}
}
