package audit

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"mailaudit/internal/chtest"
)

func TestWriterEndToEnd(t *testing.T) {
	srv := chtest.Start(t)
	cfg := testConfig(t, srv.Addr())
	w, _ := openWriter(t, cfg)
	n := sizeN()
	recordN(t, w, 0, n)
	flush(t, w)
	assertExactlyOnce(t, srv, cfg.ClickHouse.Database, n)
	if got := counter(w.m.shipped.WithLabelValues("messages")); got != float64(n) {
		t.Errorf("shipped metric = %v, want %d", got, n)
	}
	if got := counter(w.m.queued); got != 0 {
		t.Errorf("queued metric = %v after flush, want 0", got)
	}
	// Fields survive the round trip.
	ev := sampleEvent(5)
	got := srv.Query(t, "SELECT mail_from, subject, rcpt_to, attach_sizes, mandated, staff_id FROM mailaudit.messages WHERE doc_number = '5/UBND-VP'")
	want := ev.MailFrom + "\t" + ev.Subject + "\t[a@example.vn b5@example.com]\t[" + itoa(ev.AttachSizes[0]) + "]\t0\tS0005"
	if got != want {
		t.Errorf("row 5 = %q\nwant    %q", got, want)
	}
	if err := w.Close(context.Background()); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if w.Pending() != 0 {
		t.Fatalf("Pending after Close = %d", w.Pending())
	}
}

// ClickHouse SIGKILLed in the middle of the stream and started again: every
// row arrives once, and the summary view is not inflated by replays.
func TestClickHouseKilledMidStream(t *testing.T) {
	srv := chtest.Start(t)
	cfg := testConfig(t, srv.Addr())
	w, _ := openWriter(t, cfg)
	n := sizeN()
	recordN(t, w, 0, n/2)
	flush(t, w) // some rows are in, the schema exists
	recordN(t, w, n/2, n*3/4)
	srv.Kill()              // while the shipper is likely mid-batch
	recordN(t, w, n*3/4, n) // Record keeps succeeding with ClickHouse dead
	srv.Start()
	flush(t, w)
	assertExactlyOnce(t, srv, cfg.ClickHouse.Database, n)
}

// ClickHouse down for the whole run: records wait in the spool and arrive
// when it starts; the schema is created then.
func TestClickHouseDownWholeRun(t *testing.T) {
	srv := chtest.New(t) // configured, not running
	cfg := testConfig(t, srv.Addr())
	w, _ := openWriter(t, cfg)
	n := sizeN()
	recordN(t, w, 0, n)
	if w.Pending() == 0 {
		t.Fatal("Pending() = 0 with ClickHouse down: records must wait in the spool")
	}
	srv.Start()
	flush(t, w)
	assertExactlyOnce(t, srv, cfg.ClickHouse.Database, n)
	if counter(w.m.failed) == 0 {
		t.Error("insert failure metric stayed 0 although ClickHouse was down")
	}
	// Every failure came before anything was sent: nothing to check.
	if got := counter(w.m.checked); got != 0 {
		t.Errorf("replay_checked_rows = %v after failures to connect, want 0", got)
	}
}

// An insert that ClickHouse committed but whose acknowledgement was lost
// (the connection broke after the data went out) is retried as a replay:
// the retry must find the rows and insert nothing.
func TestAmbiguousInsertNotDuplicated(t *testing.T) {
	srv := chtest.Start(t)
	cfg := testConfig(t, srv.Addr())
	w, _ := openWriter(t, cfg)
	var lost atomic.Int32
	w.afterSend = func(table string) error {
		if table == "messages" && lost.Add(1) <= 3 {
			return errors.New("injected: acknowledgement lost after commit")
		}
		return nil
	}
	n := sizeN()
	recordN(t, w, 0, n)
	for i := 0; i < 20; i++ {
		ev := &AuthEvent{User: "a@hcm.gov.vn", ClientIP: "10.0.0.1", Mechanism: "PLAIN", Result: "ok", WeakPassword: i%2 == 0, Attempts: i % 3}
		if err := w.RecordAuth(context.Background(), ev); err != nil {
			t.Fatal(err)
		}
	}
	flush(t, w)
	// How many inserts the hook sees depends on batching (a replay that
	// finds every row inserts nothing); one lost acknowledgement is the
	// precondition, the duplicates metric below proves the check ran.
	if lost.Load() < 1 {
		t.Fatalf("fault hook never ran")
	}
	assertExactlyOnce(t, srv, cfg.ClickHouse.Database, n)
	if got := counter(w.m.duplicates); got == 0 {
		t.Error("replayed-duplicates metric is 0: the replay check did not run")
	}
	if got := srv.QueryUint64(t, "SELECT count() FROM mailaudit.auth_events"); got != 20 {
		t.Errorf("auth_events = %d, want 20", got)
	}
	if got := srv.QueryUint64(t, "SELECT sum(weak_password) FROM mailaudit.auth_events"); got != 10 {
		t.Errorf("weak_password sum = %d, want 10", got)
	}
	// Attempts 0 (unset) is stored as 1: 7 rows of 0, 7 of 1, 6 of 2.
	if got := srv.QueryUint64(t, "SELECT sum(attempts) FROM mailaudit.auth_events"); got != 7+7+12 {
		t.Errorf("attempts sum = %d, want 26", got)
	}
}

// Records spooled by a writer that never shipped them (ClickHouse down,
// then the writer stops) ship on the next Open, once.
func TestReopenReplaysWithoutDuplicates(t *testing.T) {
	srv := chtest.Start(t)
	cfg := testConfig(t, srv.Addr())
	w, _ := openWriter(t, cfg)
	n := sizeN()
	recordN(t, w, 0, n/2)
	flush(t, w)
	srv.Stop()
	recordN(t, w, n/2, n)
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	if err := w.Close(ctx); err == nil {
		t.Fatal("Close with ClickHouse down reported nothing left behind")
	}
	cancel()
	// Forget the checkpoint too, as if the crash came before it was
	// written: the whole spool is replayed and the check must hold.
	os.Remove(filepath.Join(cfg.Spool.Dir, "checkpoint"))
	srv.Start()
	w2, _ := openWriter(t, cfg)
	flush(t, w2)
	assertExactlyOnce(t, srv, cfg.ClickHouse.Database, n)
}

// A ClickHouse that dies between writing messages and the view's rows
// keeps the rows and loses their daily counts; the replay then finds the
// rows and skips them. repairDaily (run after every replay batch) must add
// exactly the missing counts, and nothing when none are missing.
func TestRepairDailyRestoresLostViewRows(t *testing.T) {
	srv := chtest.Start(t)
	cfg := testConfig(t, srv.Addr())
	w, _ := openWriter(t, cfg)
	// One row in another month keeps the summary from being empty (the
	// schema's one-time backfill would refill an empty one).
	old := sampleEvent(0)
	old.Time = time.Date(2025, 1, 15, 8, 0, 0, 0, time.UTC)
	if err := w.Record(context.Background(), old); err != nil {
		t.Fatal(err)
	}
	n := 300
	recordN(t, w, 1, n)
	flush(t, w)
	db := cfg.ClickHouse.Database
	daily := func() uint64 { return srv.QueryUint64(t, "SELECT sum(messages) FROM "+db+".messages_daily") }
	if got := daily(); got != uint64(n) {
		t.Fatalf("daily before the loss = %d, want %d", got, n)
	}
	// The loss: November's view rows are gone, the table rows stay.
	srv.Exec(t, "ALTER TABLE "+db+".messages_daily DROP PARTITION 202611")
	if got := daily(); got != 1 {
		t.Fatalf("daily after the loss = %d, want 1", got)
	}
	conn, err := OpenClickHouse(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var days []uint32
	for i := 1; i < n; i++ {
		days = append(days, dayOf(sampleEvent(i).Time, w.loc))
	}
	for round := 0; round < 2; round++ { // the second repair must add nothing
		if err := repairDaily(context.Background(), conn, w.schema, days); err != nil {
			t.Fatal(err)
		}
		if got := daily(); got != uint64(n) {
			t.Fatalf("round %d: daily after repair = %d, want %d", round, got, n)
		}
	}
	if got := srv.QueryUint64(t, "SELECT sum(mandated) FROM "+db+".messages_daily"); got != srv.QueryUint64(t, "SELECT sum(mandated) FROM "+db+".messages FINAL") {
		t.Fatalf("mandated sum after repair = %d, differs from the table", got)
	}
}
