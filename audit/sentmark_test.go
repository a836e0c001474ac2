package audit

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"mailaudit/internal/chtest"
)

// The sent mark survives a restart, only moves forward, and bounds what a
// later run checks.
func TestSentMarkPersists(t *testing.T) {
	dir := t.TempDir()
	s := testSpool(t, dir, 64<<20)
	if got, want := s.checkBelow, (spos{s.firstSeq, 0}); got != want {
		t.Fatalf("fresh spool: checkBelow = %v, want %v", got, want)
	}
	appendEvents(t, s, 0, 10)
	mid, _ := s.durableEnd()
	appendEvents(t, s, 10, 20)
	if err := s.markSent(mid); err != nil {
		t.Fatal(err)
	}
	if err := s.markSent(spos{mid.seg, segHeaderSize}); err != nil { // lower: no change
		t.Fatal(err)
	}
	s.close()

	s = testSpool(t, dir, 64<<20)
	if s.sent != mid || s.checkBelow != mid {
		t.Fatalf("after reopen: sent %v, checkBelow %v, want both %v", s.sent, s.checkBelow, mid)
	}
	s.close()

	// A run that never sent anything leaves the mark where it was: the
	// records of both earlier runs past it still need no check.
	s = testSpool(t, dir, 64<<20)
	if s.checkBelow != mid {
		t.Fatalf("third run: checkBelow %v, want %v", s.checkBelow, mid)
	}
}

// A torn, damaged or missing mark next to earlier segments means: check
// every record of the earlier runs. A valid mark is written back at once.
func TestSentMarkDamagedFallsBack(t *testing.T) {
	for _, tc := range []struct {
		name   string
		damage func(path string) error
	}{
		{"torn", func(p string) error { return os.Truncate(p, 11) }},
		{"corrupt", func(p string) error {
			b, err := os.ReadFile(p)
			if err == nil {
				b[3] ^= 0x40
				err = os.WriteFile(p, b, 0o600)
			}
			return err
		}},
		{"long", func(p string) error {
			f, err := os.OpenFile(p, os.O_APPEND|os.O_WRONLY, 0)
			if err == nil {
				_, err = f.Write([]byte{0})
				f.Close()
			}
			return err
		}},
		{"missing", os.Remove},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			s := testSpool(t, dir, 64<<20)
			appendEvents(t, s, 0, 10)
			end, _ := s.durableEnd()
			if err := s.markSent(spos{end.seg, segHeaderSize}); err != nil {
				t.Fatal(err)
			}
			s.close()
			if err := tc.damage(filepath.Join(dir, "sent")); err != nil {
				t.Fatal(err)
			}
			s = testSpool(t, dir, 64<<20)
			if s.checkBelow != end {
				t.Fatalf("checkBelow = %v, want %v (the end of every earlier record)", s.checkBelow, end)
			}
			b, err := os.ReadFile(filepath.Join(dir, "sent"))
			if err != nil {
				t.Fatal(err)
			}
			if p, ok := decodePos(b); !ok || p != s.checkBelow {
				t.Fatalf("mark not rewritten: %x", b)
			}
		})
	}
}

// spoolWhileDown records n events with ClickHouse down and closes the
// writer: every record stays in the spool, none was ever sent.
func spoolWhileDown(t *testing.T, cfg Config, n int) {
	t.Helper()
	w, _ := openWriter(t, cfg)
	recordN(t, w, 0, n)
	time.Sleep(3 * cfg.Batch.Interval) // let the shipper try (and fail to connect)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	if err := w.Close(ctx); err == nil {
		t.Fatal("Close with ClickHouse down reported nothing left behind")
	}
	if counter(w.m.failed) == 0 {
		t.Fatal("the shipper never tried ClickHouse")
	}
}

// Records spooled while ClickHouse was down were never sent: a new Writer
// inserts them without asking ClickHouse which it has (the sent mark says
// so), and each arrives once.
func TestReplayOfUnsentRecordsNotChecked(t *testing.T) {
	srv := chtest.New(t)
	cfg := testConfig(t, srv.Addr())
	n := sizeN()
	spoolWhileDown(t, cfg, n)
	srv.Start()
	w, _ := openWriter(t, cfg)
	flush(t, w)
	assertExactlyOnce(t, srv, cfg.ClickHouse.Database, n)
	if got := counter(w.m.checked); got != 0 {
		t.Errorf("replay_checked_rows = %v, want 0: never-sent records were checked", got)
	}
	if got := counter(w.m.shipped.WithLabelValues("messages")); got != float64(n) {
		t.Errorf("shipped = %v, want %d", got, n)
	}
}

// Without a usable sent mark the new Writer cannot tell: it checks every
// record of the earlier run, as before the mark existed.
func TestReplayWithDamagedSentMarkChecks(t *testing.T) {
	srv := chtest.New(t)
	cfg := testConfig(t, srv.Addr())
	n := sizeN()
	spoolWhileDown(t, cfg, n)
	if err := os.Truncate(filepath.Join(cfg.Spool.Dir, "sent"), 9); err != nil { // torn
		t.Fatal(err)
	}
	srv.Start()
	w, _ := openWriter(t, cfg)
	flush(t, w)
	assertExactlyOnce(t, srv, cfg.ClickHouse.Database, n)
	if got := counter(w.m.checked); got != float64(n) {
		t.Errorf("replay_checked_rows = %v, want %d: every earlier record is checked", got, n)
	}
}

// A batch that reached ClickHouse but whose acknowledgement was lost, and
// then the process stopped: after the restart exactly the records that
// batch covered are checked (and found), the rest is inserted unchecked.
func TestLostAckCheckedAfterRestart(t *testing.T) {
	srv := chtest.Start(t)
	cfg := testConfig(t, srv.Addr())
	w1, _ := openWriter(t, cfg)
	hooked := make(chan struct{})
	w1.afterSend = func(table string) error {
		close(hooked)
		w1.cancel() // the shipper stops as if the process died here
		return errors.New("injected: acknowledgement lost after commit")
	}
	n := sizeN()
	recordN(t, w1, 0, n)
	<-hooked
	<-w1.shipperDone
	w1.Close(context.Background())
	sent := srv.QueryUint64(t, "SELECT count() FROM mailaudit.messages")
	if sent == 0 || sent >= uint64(n) {
		t.Fatalf("%d rows in ClickHouse after the lost acknowledgement, want some of %d", sent, n)
	}

	w2, _ := openWriter(t, cfg)
	flush(t, w2)
	assertExactlyOnce(t, srv, cfg.ClickHouse.Database, n)
	if got := counter(w2.m.checked); got != float64(sent) {
		t.Errorf("replay_checked_rows = %v, want %d (the batch whose acknowledgement was lost)", got, sent)
	}
	if got := counter(w2.m.duplicates); got != float64(sent) {
		t.Errorf("replayed_duplicates = %v, want %d", got, sent)
	}
}
