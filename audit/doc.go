// Package audit records one ClickHouse row per relayed message (and per
// AUTH attempt) without ever losing one.
//
// The relay calls Writer.Record before its final reply: the event is
// appended to a local write-ahead spool and fsynced (group commit across
// sessions) before Record returns. A shipper goroutine reads the spool
// back, inserts batches into ClickHouse over the native protocol, and trims
// the spool after ClickHouse acknowledged them. When ClickHouse is down the
// records wait in the spool; when the spool is full Record returns
// ErrSpoolFull and the relay answers 452 4.3.1.
//
// Replays (records an earlier run may have sent, which lie before the
// durable "sent mark" in the spool; batches whose previous insert failed
// after data may have gone out) first ask ClickHouse which event_ids it
// already has and insert only the others, so neither messages nor the
// materialized per-person daily sums see a duplicate. Records spooled while
// ClickHouse was down lie past the mark and ship without that check.
// README-section.md has the full design; schema.go the tables and
// migrations.
package audit
