// Package audit records one ClickHouse row per relayed message (and per
// AUTH attempt) without ever losing one.
//
// The relay calls Writer.Begin before the final dot goes upstream (an
// intent record, with room reserved for the outcome) and Writer.Record
// before its final reply (the outcome, same event id); attempts that never
// reach the dot get only Record. Each record is appended to a local
// write-ahead spool and fsynced (group commit across sessions) before the
// call returns. A shipper goroutine reads the spool back, pairs intents
// with outcomes (one row per event id: the outcome, or the intent with
// action interrupted when the outcome never came; see writer.go), inserts
// batches into ClickHouse over the native protocol, and trims the spool
// after ClickHouse acknowledged them. When ClickHouse is down the records
// wait in the spool; when the spool or its disk is full Begin returns
// ErrSpoolFull or ErrDiskFull and the relay answers 452 4.3.1 before the
// dot (spool.go: one space figure for admission and writing).
//
// Replays (records an earlier run may have sent, which lie before the
// durable "sent mark" in the spool; batches whose previous insert failed
// after data may have gone out) first ask ClickHouse which event_ids it
// already has and insert only the others, so neither messages nor the
// materialized per-person daily sums see a duplicate. Records spooled while
// ClickHouse was down lie past the mark and ship without that check.
// The README's audit section has the full design; schema.go the tables
// and migrations; daily.go the summary's reconciliation; poison.go what
// happens to rows ClickHouse refuses.
package audit
