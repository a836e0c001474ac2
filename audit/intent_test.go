package audit

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"mailaudit/internal/chtest"
)

// Intent and outcome of one message pair up in the shipper: a message with
// both ships its outcome, one whose process stopped after Begin ships as
// interrupted, an attempt without Begin ships as is; one row each, daily
// sums exact.
func TestIntentPairing(t *testing.T) {
	srv := chtest.New(t) // down while the first writer runs
	cfg := testConfig(t, srv.Addr())
	w1, err := Open(context.Background(), cfg, testLogger(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	const n = 300
	for i := 0; i < n; i++ {
		ev := sampleEvent(i)
		ev.MessageID = fmt.Sprintf("pair-%d", i)
		switch i % 3 {
		case 0: // intent only: the process dies before Record
			if err := w1.Begin(ctx, ev); err != nil {
				t.Fatal(err)
			}
		case 1: // intent and outcome
			if err := w1.Begin(ctx, ev); err != nil {
				t.Fatal(err)
			}
			ev.Action = ActionRelayed
			if err := w1.Record(ctx, ev); err != nil {
				t.Fatal(err)
			}
		case 2: // refused before the dot: outcome only
			ev.Action = ActionRejected
			if err := w1.Record(ctx, ev); err != nil {
				t.Fatal(err)
			}
		}
	}
	cctx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	w1.Close(cctx) // ClickHouse is down: everything stays in the spool
	cancel()

	srv.Start()
	w2, reg := openWriter(t, cfg)
	flush(t, w2)
	got := srv.Query(t, "SELECT action, count(), uniqExact(event_id), uniqExact(message_id) FROM mailaudit.messages WHERE startsWith(message_id, 'pair-') GROUP BY action ORDER BY action FORMAT TabSeparated")
	want := "interrupted\t100\t100\t100\nrejected\t100\t100\t100\nrelayed\t100\t100\t100"
	if strings.TrimSpace(got) != want {
		t.Fatalf("rows by action:\n%s\nwant:\n%s", got, want)
	}
	daily := srv.Query(t, "SELECT action, sum(messages) FROM mailaudit.messages_daily GROUP BY action ORDER BY action FORMAT TabSeparated")
	if strings.TrimSpace(daily) != "interrupted\t100\nrejected\t100\nrelayed\t100" {
		t.Fatalf("daily summary by action:\n%s", daily)
	}
	if v := metricValue(t, reg, "mailaudit_audit_interrupted_total"); v != 100 {
		t.Errorf("interrupted metric %v", v)
	}
}

// Admission reserves the outcome's room: once Begin refuses, every
// admitted message's Record still succeeds; nothing an admission covered
// is refused.
func TestAdmissionReservesOutcome(t *testing.T) {
	cfg := testConfig(t, "127.0.0.1:1") // nothing listens: records stay
	cfg.Spool.MaxBytes = MinSpoolMaxBytes
	w, reg := openWriter(t, cfg)
	ctx := context.Background()
	var begun []*Event
	var err error
	for i := 0; i < 100000; i++ {
		ev := sampleEvent(i)
		if err = w.Begin(ctx, ev); err != nil {
			break
		}
		begun = append(begun, ev)
	}
	if !errors.Is(err, ErrSpoolFull) {
		t.Fatalf("after %d admissions: %v", len(begun), err)
	}
	// The headroom scales with the cap: admission stops near 15/16 of it,
	// after the 80% alarm, not at half of a small spool.
	if used, limit := w.sp.usedBytes(), cfg.Spool.MaxBytes-headroomFor(cfg.Spool.MaxBytes); used < limit-8<<10 || used > limit {
		t.Errorf("admission stopped at %d bytes used, want just under %d", used, limit)
	}
	if v := metricValue(t, reg, "mailaudit_audit_spool_alarm"); v != 1 {
		t.Errorf("80%% alarm not raised before admission stopped")
	}
	for _, ev := range begun {
		ev.Action = ActionRelayed
		ev.UpstreamText = "2.0.0 Ok: queued as ABCDEF0123"
		if err := w.Record(ctx, ev); err != nil {
			t.Fatalf("outcome of an admitted message refused: %v", err)
		}
	}
	if v := metricValue(t, reg, "mailaudit_audit_spool_full_total"); v != 0 {
		t.Errorf("spool_full_total = %v: a record was refused", v)
	}
	if v := metricValue(t, reg, "mailaudit_audit_admission_refused_total"); v != 1 {
		t.Errorf("admission refusals = %v, want 1", v)
	}
	// The headroom still takes records of refused attempts.
	ev := sampleEvent(0)
	ev.Action = ActionTempfailed
	if err := w.Record(ctx, ev); err != nil {
		t.Errorf("record of a refused attempt: %v", err)
	}
	t.Logf("1 MiB spool: %d messages admitted, all outcomes kept", len(begun))
	closeNow(w)
}

// An AUTH flood while ClickHouse is down fills only the auth events'
// share: mail is still admitted, and the drop is counted.
func TestAuthShareKeepsRoomForMail(t *testing.T) {
	cfg := testConfig(t, "127.0.0.1:1")
	cfg.Spool.MaxBytes = 4 << 20
	w, reg := openWriter(t, cfg)
	ctx := context.Background()
	var kept int
	const attempts = 20000
	for i := 0; i < attempts; i++ {
		ev := &AuthEvent{User: "flood@example.com", ClientIP: "192.0.2.7", Mechanism: "PLAIN", Result: "failed", UpstreamCode: 535}
		if err := w.RecordAuth(ctx, ev); err != nil {
			if !errors.Is(err, ErrSpoolFull) {
				t.Fatal(err)
			}
			continue
		}
		kept++
	}
	dropped := metricValue(t, reg, "mailaudit_audit_auth_dropped_total")
	if dropped == 0 || int(dropped)+kept != attempts {
		t.Fatalf("auth kept %d, dropped metric %v", kept, dropped)
	}
	if used := w.sp.usedBytes(); used > authShareFor(cfg.Spool.MaxBytes)+(64<<10) {
		t.Errorf("auth events hold %d bytes, share %d", used, authShareFor(cfg.Spool.MaxBytes))
	}
	for i := 0; i < 1000; i++ {
		ev := sampleEvent(i)
		if err := w.Begin(ctx, ev); err != nil {
			t.Fatalf("mail refused after an AUTH flood (message %d): %v", i, err)
		}
		ev.Action = ActionRelayed
		if err := w.Record(ctx, ev); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("AUTH flood: %d auth events kept, %v dropped; 1000 messages admitted after it", kept, dropped)
	closeNow(w)
}

// metricValue sums every series of the named metric in reg.
func metricValue(t *testing.T, reg *prometheus.Registry, name string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var v float64
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			v += m.GetCounter().GetValue() + m.GetGauge().GetValue()
		}
	}
	return v
}

// closeNow closes a writer whose ClickHouse is unreachable without waiting
// for a flush that cannot happen.
func closeNow(w *Writer) {
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	w.Close(ctx)
}
