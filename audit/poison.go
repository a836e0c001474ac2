package audit

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
)

// A poison batch is one ClickHouse refuses for what is in it, not because
// it is away: retrying it as it is would stall every row behind it for
// ever. After Writer.poisonTries such refusals the shipper splits the batch
// in halves, inserts what goes in and splits what does not, down to single
// rows; a single row still refused is written to a quarantine file in the
// spool folder (one JSON object, the row's columns), counted, alarmed and
// logged with the file's name, and shipping goes on. Every sub-insert is a
// replay (checked against ClickHouse first), so rows that an earlier
// attempt landed are not inserted twice.

// errRowContent marks a row the driver could not encode for the table as
// it is (an unknown Enum value, a value out of a column's range).
var errRowContent = errors.New("row does not fit the table")

// transientCodes are ClickHouse exception codes that say the server is
// busy, short of something or half-configured, not that the rows are bad.
var transientCodes = map[int32]bool{
	3:   true, // UNEXPECTED_END_OF_FILE
	32:  true, // ATTEMPT_TO_READ_AFTER_EOF
	60:  true, // UNKNOWN_TABLE (reconnecting migrates again)
	81:  true, // UNKNOWN_DATABASE
	159: true, // TIMEOUT_EXCEEDED
	164: true, // READONLY
	202: true, // TOO_MANY_SIMULTANEOUS_QUERIES
	203: true, // NO_FREE_CONNECTION
	209: true, // SOCKET_TIMEOUT
	210: true, // NETWORK_ERROR
	241: true, // MEMORY_LIMIT_EXCEEDED
	242: true, // TABLE_IS_READ_ONLY
	252: true, // TOO_MANY_PARTS
	236: true, // ABORTED
	243: true, // NOT_ENOUGH_SPACE
	319: true, // UNKNOWN_STATUS_OF_INSERT
	394: true, // QUERY_WAS_CANCELLED
	425: true, // SYSTEM_ERROR
	999: true, // KEEPER_EXCEPTION
}

// contentError reports whether err is ClickHouse (or the driver, on its
// behalf) refusing the rows themselves.
func contentError(err error) bool {
	var ex *clickhouse.Exception
	if errors.As(err, &ex) {
		return !transientCodes[ex.Code]
	}
	return errors.Is(err, errRowContent)
}

// isolate ships b piece by piece, quarantining the rows that are refused
// on their own. An error other than a content refusal ends it: the batch
// is then retried whole (as a replay) later.
func (w *Writer) isolate(ctx context.Context, conn driver.Conn, b *batch) error {
	w.log.Warn("audit: ClickHouse keeps refusing a batch for its content; splitting it to find the rows it refuses",
		"rows", b.rows(), "attempts", b.refused)
	if err := w.bisect(ctx, conn, b, b.msgs, b.msgDays, nil, nil); err != nil {
		return err
	}
	return w.bisect(ctx, conn, b, nil, nil, b.auths, b.authDay)
}

func (w *Writer) bisect(ctx context.Context, conn driver.Conn, parent *batch, msgs []*Event, mdays []uint32, auths []*AuthEvent, adays []uint32) error {
	n := len(msgs) + len(auths)
	if n == 0 {
		return nil
	}
	sub := batch{msgs: msgs, msgDays: mdays, auths: auths, authDay: adays, end: parent.end, replay: true}
	err := w.insert(ctx, conn, &sub)
	if err == nil || !contentError(err) {
		return err
	}
	if n == 1 {
		return w.quarantine(&sub, err)
	}
	if len(msgs) > 0 {
		h := len(msgs) / 2
		if err := w.bisect(ctx, conn, parent, msgs[:h], mdays[:h], nil, nil); err != nil {
			return err
		}
		return w.bisect(ctx, conn, parent, msgs[h:], mdays[h:], nil, nil)
	}
	h := len(auths) / 2
	if err := w.bisect(ctx, conn, parent, nil, nil, auths[:h], adays[:h]); err != nil {
		return err
	}
	return w.bisect(ctx, conn, parent, nil, nil, auths[h:], adays[h:])
}

// quarantine writes the one row of b to a file in the spool folder and
// makes it durable there; only then is the row dropped from shipping.
func (w *Writer) quarantine(b *batch, cause error) error {
	table, id := "messages", ""
	var row any
	var day uint32
	if len(b.msgs) == 1 {
		row, id, day = b.msgs[0], b.msgs[0].EventID.String(), b.msgDays[0]
	} else {
		table, row, id, day = "auth_events", b.auths[0], b.auths[0].EventID.String(), b.authDay[0]
	}
	doc, err := json.MarshalIndent(struct {
		Table   string    `json:"table"`
		Date    string    `json:"date"`
		Refused string    `json:"refused"`
		At      time.Time `json:"at"`
		Row     any       `json:"row"`
	}{table, dayTime(day).Format("2006-01-02"), cause.Error(), time.Now().UTC(), row}, "", "  ")
	if err != nil {
		return fmt.Errorf("quarantine %s: %w", id, err)
	}
	name := filepath.Join(w.sp.opt.dir, "quarantine-"+table+"-"+id+".json")
	f, err := os.OpenFile(name, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err == nil {
		_, err = f.Write(append(doc, '\n'))
		if err == nil {
			err = f.Sync()
		}
		if e := f.Close(); err == nil {
			err = e
		}
	}
	if err == nil {
		err = syncDir(w.sp.opt.dir)
	}
	if err != nil {
		// Not dropped: the batch is retried (and split again) later.
		return fmt.Errorf("quarantine %s: %w", id, err)
	}
	w.m.quarantined.WithLabelValues(table).Inc()
	w.sp.opt.m.damagedFiles.Inc()
	w.log.Error("audit: ClickHouse refuses a row; written to a quarantine file in the spool folder, the rows behind it go on",
		"file", name, "table", table, "event_id", id, "err", cause)
	return nil
}
