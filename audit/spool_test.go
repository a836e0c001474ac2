package audit

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

func testSpool(t testing.TB, dir string, maxBytes int64) *spool {
	t.Helper()
	s, err := openSpool(spoolOptions{dir: dir, maxBytes: maxBytes, segmentBytes: segmentBytesFor(maxBytes),
		log: testLogger(t), m: newMetrics(prometheus.NewRegistry())})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.close() })
	return s
}

// readAll returns every intact record from the acknowledged position on.
func readAll(t testing.TB, s *spool) []record {
	t.Helper()
	from, _ := s.ackedPos()
	rd := s.reader(from)
	defer rd.close()
	var out []record
	for {
		p, _, ok, err := rd.next()
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			return out
		}
		r, err := decodeRecord(p)
		if err != nil {
			t.Fatalf("decode: %v", err)
		}
		out = append(out, r)
	}
}

func appendEvents(t testing.TB, s *spool, from, to int) {
	t.Helper()
	for i := from; i < to; i++ {
		if err := s.Append(context.Background(), appendEvent(nil, sampleEvent(i), 20000)); err != nil {
			t.Fatalf("Append %d: %v", i, err)
		}
	}
}

func TestCodecRoundTrip(t *testing.T) {
	for i := 0; i < 50; i++ {
		ev := sampleEvent(i)
		ev.Time = ev.Time.Add(123456789) // nanoseconds survive
		ev.Errors = []string{"classify: timeout"}
		r, err := decodeRecord(appendEvent(nil, ev, 20419))
		if err != nil {
			t.Fatal(err)
		}
		if r.day != 20419 || !reflect.DeepEqual(r.ev, ev) {
			t.Fatalf("round trip of event %d:\n got %+v\nwant %+v", i, r.ev, ev)
		}
	}
	a := &AuthEvent{EventID: newEventID(), Time: time.Unix(1700000000, 5).UTC(), Instance: "r1", User: "u",
		ClientIP: "::1", Mechanism: "LOGIN", Result: "locked", UpstreamCode: 454, WeakPassword: true, Attempts: 37}
	r, err := decodeRecord(appendAuth(nil, a, 1))
	if err != nil || !reflect.DeepEqual(r.auth, a) {
		t.Fatalf("auth round trip: %v %+v", err, r.auth)
	}
	// Every truncation is an error, never a panic or a silent short record.
	p := appendEvent(nil, sampleEvent(1), 3)
	for n := 0; n < len(p); n++ {
		if _, err := decodeRecord(p[:n]); err == nil {
			t.Fatalf("truncated to %d of %d bytes: no error", n, len(p))
		}
	}
}

func TestSpoolReopenReplaysAndTrims(t *testing.T) {
	dir := t.TempDir()
	s := testSpool(t, dir, 4<<20)
	appendEvents(t, s, 0, 300)
	if got := len(readAll(t, s)); got != 300 {
		t.Fatalf("read %d records, want 300", got)
	}
	s.close()

	s = testSpool(t, dir, 4<<20)
	recs := readAll(t, s)
	if len(recs) != 300 || recs[299].ev.DocNumber != sampleEvent(299).DocNumber {
		t.Fatalf("after reopen read %d records", len(recs))
	}
	// Acknowledge everything: all segments but the active one go.
	end, _ := s.durableEnd()
	if err := s.ack(end); err != nil {
		t.Fatal(err)
	}
	segs, _ := filepath.Glob(filepath.Join(dir, "seg-*.wal"))
	if len(segs) != 1 {
		t.Fatalf("after full ack %d segments remain: %v", len(segs), segs)
	}
	s.close()
	s = testSpool(t, dir, 4<<20)
	if got := len(readAll(t, s)); got != 0 {
		t.Fatalf("after ack and reopen %d records replayed, want 0", got)
	}
}

func TestSpoolCorruptRecordSkipped(t *testing.T) {
	dir := t.TempDir()
	s := testSpool(t, dir, 64<<20)
	appendEvents(t, s, 0, 100)
	s.close()

	// Flip one byte inside record 50's payload and tear the last record.
	segs, _ := filepath.Glob(filepath.Join(dir, "seg-*.wal"))
	sort.Strings(segs)
	data, err := os.ReadFile(segs[0])
	if err != nil {
		t.Fatal(err)
	}
	off := int(segHeaderSize)
	for i := 0; i < 50; i++ {
		off += recHeaderSize + len(appendEvent(nil, sampleEvent(i), 20000))
	}
	data[off+recHeaderSize+20] ^= 0xff
	data = data[:len(data)-7]
	if err := os.WriteFile(segs[0], data, 0o600); err != nil {
		t.Fatal(err)
	}

	s = testSpool(t, dir, 64<<20)
	recs := readAll(t, s)
	if len(recs) != 98 {
		t.Fatalf("read %d records, want 98 (100 minus one corrupt, one torn)", len(recs))
	}
	if recs[49].ev.DocNumber != sampleEvent(49).DocNumber || recs[50].ev.DocNumber != sampleEvent(51).DocNumber {
		t.Fatalf("records around the damage: %q, %q", recs[49].ev.DocNumber, recs[50].ev.DocNumber)
	}
	if got := counter(s.opt.m.corrupt); got != 2 {
		t.Fatalf("corrupt counter = %v, want 2", got)
	}
}

func TestSpoolFull(t *testing.T) {
	s := testSpool(t, t.TempDir(), MinSpoolMaxBytes)
	var err error
	n := 0
	for ; n < 100000 && err == nil; n++ {
		err = s.Append(context.Background(), appendEvent(nil, sampleEvent(n), 1))
	}
	if !errors.Is(err, ErrSpoolFull) {
		t.Fatalf("after %d appends: err = %v, want ErrSpoolFull", n, err)
	}
	if counter(s.opt.m.spoolAlarm) != 1 {
		t.Error("80% alarm gauge not raised")
	}
	if counter(s.opt.m.spoolFull) != 1 {
		t.Errorf("spool full counter = %v", counter(s.opt.m.spoolFull))
	}
	// Shipping frees space: after an ack and trim, appends succeed again.
	end, _ := s.durableEnd()
	for i := 0; i < 2; i++ { // the first append after rotation seals a segment
		s.ack(end)
		s.Append(context.Background(), appendEvent(nil, sampleEvent(0), 1))
		end, _ = s.durableEnd()
	}
	if err := s.Append(context.Background(), appendEvent(nil, sampleEvent(0), 1)); err != nil {
		t.Fatalf("after trim: %v", err)
	}
	if counter(s.opt.m.spoolAlarm) != 0 {
		t.Error("alarm not cleared after trim")
	}
}

// Concurrent appenders: every record lands once, and fsyncs are shared
// (group commit) rather than one per record.
func TestSpoolGroupCommit(t *testing.T) {
	s := testSpool(t, t.TempDir(), 256<<20)
	const workers, each = 32, 100
	var wg sync.WaitGroup
	for g := 0; g < workers; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			appendEvents(t, s, g*each, (g+1)*each)
		}()
	}
	wg.Wait()
	recs := readAll(t, s)
	seen := map[string]bool{}
	for _, r := range recs {
		seen[r.ev.DocNumber] = true
	}
	if len(recs) != workers*each || len(seen) != workers*each {
		t.Fatalf("read %d records (%d distinct), want %d", len(recs), len(seen), workers*each)
	}
	h := &dtoHistogram{}
	h.read(s.opt.m.fsyncSeconds)
	if h.count >= workers*each {
		t.Fatalf("%d fsyncs for %d appends: no group commit", h.count, workers*each)
	}
	t.Logf("%d appends, %d fsyncs", workers*each, h.count)
}

func TestSpoolLocked(t *testing.T) {
	dir := t.TempDir()
	testSpool(t, dir, 4<<20)
	_, err := openSpool(spoolOptions{dir: dir, maxBytes: 4 << 20, segmentBytes: 1 << 20,
		log: testLogger(t), m: newMetrics(nil)})
	if err == nil {
		t.Fatal("a second open of the same spool succeeded")
	}
}
