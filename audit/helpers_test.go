package audit

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"mailaudit/internal/chtest"
)

// The big runs (N >= 10,000 through the Writer, longer streams) are one flag
// or variable away: go test ./audit -audit.big, or MAILAUDIT_BIG=1.
var bigFlag = flag.Bool("audit.big", false, "run the big end-to-end sizes (N >= 10000)")

func big() bool { return *bigFlag || os.Getenv("MAILAUDIT_BIG") == "1" }

// sizeN is the stream length for end-to-end tests.
func sizeN() int {
	if big() {
		return 20000
	}
	return 2000
}

func testLogger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(string(p[:len(p)-1]))
	return len(p), nil
}

func testConfig(t testing.TB, addrs ...string) Config {
	cfg := Config{Instance: "test-relay"}
	cfg.ClickHouse.Addr = AddrList(strings.Join(addrs, ","))
	cfg.ClickHouse.Timeout = 5 * time.Second
	cfg.Spool.Dir = t.TempDir()
	cfg.Spool.MaxBytes = 256 << 20
	cfg.Batch.Rows = 500
	cfg.Batch.Interval = 50 * time.Millisecond
	return cfg.WithDefaults()
}

func openWriter(t testing.TB, cfg Config) (*Writer, *prometheus.Registry) {
	t.Helper()
	reg := prometheus.NewRegistry()
	w, err := Open(context.Background(), cfg, testLogger(t), reg)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		w.Close(ctx)
	})
	return w, reg
}

// sampleEvent is a realistic row: Vietnamese text, several recipients,
// attachments, verdict fields.
func sampleEvent(i int) *Event {
	r := rand.New(rand.NewPCG(uint64(i), 7))
	senders := []string{"nguyen.van.a@hcm.gov.vn", "tran.thi.b@hcm.gov.vn", "le.van.c@hcm.gov.vn", "pham.d@hcm.gov.vn"}
	types := []string{"cong_van", "quyet_dinh", "to_trinh", "bao_cao", ""}
	ev := &Event{
		EventID:      uuid.Must(uuid.NewV7()),
		Time:         time.Date(2026, 11, 1+i%28, i%24, i%60, 0, 0, time.UTC),
		ClientIP:     fmt.Sprintf("10.1.%d.%d", i%250, r.IntN(250)),
		TLSVersion:   "TLS1.3",
		AuthUser:     senders[i%len(senders)],
		Route:        "default",
		Upstream:     "smtp.upstream.example:587",
		MailFrom:     senders[i%len(senders)],
		RcptTo:       []string{"a@example.vn", fmt.Sprintf("b%d@example.com", i%17)},
		RcptDomain:   []string{"example.vn", "example.com"},
		HeaderFrom:   "Nguyễn Văn A <" + senders[i%len(senders)] + ">",
		HeaderTo:     []string{"a@example.vn"},
		Subject:      fmt.Sprintf("Về việc triển khai kế hoạch số %d/KH-UBND", i),
		MessageID:    fmt.Sprintf("<%d.%d@hcm.gov.vn>", i, r.Int64()),
		Size:         int64(10_000 + r.IntN(2_000_000)),
		AttachNames:  []string{"cong-van.pdf"},
		AttachTypes:  []string{"application/pdf"},
		AttachSizes:  []int64{int64(r.IntN(1_000_000))},
		AttachKinds:  []string{"cong_van"},
		Type:         types[i%len(types)],
		Confidence:   r.Float64(),
		Secrecy:      "thuong",
		Urgency:      "khan",
		Audience:     "external",
		DocNumber:    fmt.Sprintf("%d/UBND-VP", i),
		Mandated:     i%3 == 0,
		Signals:      []string{"subject: kế hoạch (0.4)"},
		Action:       ActionRelayed,
		UpstreamCode: 250,
		UpstreamText: "2.0.0 OK queued",
		ClassifyMS:   1.5,
		UpstreamMS:   40,
		StaffID:      fmt.Sprintf("S%04d", i%50),
		Division:     "VP",
	}
	if i%7 == 0 {
		ev.Flags = []string{"mandated-external"}
	}
	return ev
}

func recordN(t testing.TB, w *Writer, from, to int) []uuid.UUID {
	t.Helper()
	ids := make([]uuid.UUID, 0, to-from)
	for i := from; i < to; i++ {
		ev := sampleEvent(i)
		if err := w.Record(context.Background(), ev); err != nil {
			t.Fatalf("Record %d: %v", i, err)
		}
		ids = append(ids, ev.EventID)
	}
	return ids
}

func flush(t testing.TB, w *Writer) {
	t.Helper()
	// A safety net, not a speed assertion: a stuck shipper must fail the
	// test instead of hanging until go test's own timeout.
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	if err := w.Flush(ctx); err != nil {
		t.Fatalf("Flush: %v", err)
	}
}

// assertExactlyOnce checks the acceptance query and that no duplicate row
// ever reached the table (count without FINAL) or the daily sums.
func assertExactlyOnce(t testing.TB, srv *chtest.Server, db string, n int) {
	t.Helper()
	q := func(sql string) uint64 { return srv.QueryUint64(t, fmt.Sprintf(sql, db)) }
	if got := q("SELECT count() FROM %s.messages FINAL"); got != uint64(n) {
		t.Errorf("count() FINAL = %d, want %d", got, n)
	}
	if got := q("SELECT uniqExact(event_id) FROM %s.messages"); got != uint64(n) {
		t.Errorf("distinct event_id = %d, want %d", got, n)
	}
	if got := q("SELECT count() FROM %s.messages"); got != uint64(n) {
		t.Errorf("count() without FINAL = %d, want %d: a duplicate reached the table", got, n)
	}
	if got := q("SELECT sum(messages) FROM %s.messages_daily"); got != uint64(n) {
		t.Errorf("sum(messages) in messages_daily = %d, want %d: the view was inflated or missed rows", got, n)
	}
}

// counter reads the value of a counter or gauge (summed over series).
func counter(c prometheus.Collector) float64 {
	ch := make(chan prometheus.Metric, 16)
	c.Collect(ch)
	close(ch)
	var v float64
	for m := range ch {
		var d dto.Metric
		if err := m.Write(&d); err != nil {
			panic(err)
		}
		v += d.GetCounter().GetValue() + d.GetGauge().GetValue()
	}
	return v
}

func itoa(v int64) string { return fmt.Sprint(v) }

type dtoHistogram struct{ count uint64 }

func (h *dtoHistogram) read(c prometheus.Histogram) {
	var d dto.Metric
	if err := c.Write(&d); err != nil {
		panic(err)
	}
	h.count = d.GetHistogram().GetSampleCount()
}
