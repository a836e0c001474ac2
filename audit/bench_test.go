package audit

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"

	"mailaudit/internal/chtest"
)

// BenchmarkClickHouseInsert measures the insert path alone: one batch of
// 5000 realistic rows per iteration into a private ClickHouse.
func BenchmarkClickHouseInsert(b *testing.B) {
	for _, tc := range []struct {
		comp string
		rows int
	}{{"lz4", 5000}, {"none", 5000}, {"lz4", 50000}, {"lz4", 200000}} {
		b.Run(fmt.Sprintf("%s/rows=%d", tc.comp, tc.rows), func(b *testing.B) { benchInsert(b, tc.comp, tc.rows) })
	}
}

func benchInsert(b *testing.B, comp string, rows int) {
	srv := chtest.Start(b)
	cfg := testConfig(b, srv.Addr())
	cfg.ClickHouse.Compression = comp
	w, _ := openWriter(b, cfg)
	conn, err := w.connect(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	var bt batch
	for i := 0; i < rows; i++ {
		bt.msgs = append(bt.msgs, sampleEvent(i))
		bt.msgDays = append(bt.msgDays, dayOf(bt.msgs[i].Time, time.UTC))
	}
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		for _, e := range bt.msgs {
			e.EventID = uuid.New()
		}
		if err := w.insert(context.Background(), conn, &bt); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*rows)/time.Since(start).Seconds(), "rows/s")
}

// BenchmarkWriterEndToEnd: Record from 16 goroutines (spool, group commit)
// and Flush into ClickHouse: the whole pipeline's rows per second.
func BenchmarkWriterEndToEnd(b *testing.B) {
	srv := chtest.Start(b)
	cfg := testConfig(b, srv.Addr())
	cfg.Batch.Rows = DefaultBatchRows
	cfg.Batch.Interval = DefaultBatchInterval
	w, _ := openWriter(b, cfg)
	tmpl := sampleEvent(1)
	b.SetParallelism(16)
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			ev := *tmpl
			ev.EventID = uuid.Nil
			if err := w.Record(context.Background(), &ev); err != nil {
				b.Fatal(err)
			}
		}
	})
	flush(b, w)
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "rows/s")
}

// BenchmarkSpoolAppendParallel: durable appends per second with 64
// concurrent appenders sharing fsyncs.
func BenchmarkSpoolAppendParallel(b *testing.B) {
	s := testSpool(b, b.TempDir(), 8<<30)
	p := appendEvent(nil, sampleEvent(1), 20000)
	b.SetParallelism(64)
	b.SetBytes(int64(len(p) + recHeaderSize))
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := s.Append(context.Background(), p); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "appends/s")
	h := &dtoHistogram{}
	h.read(s.opt.m.fsyncSeconds)
	b.ReportMetric(float64(b.N)/float64(max(h.count, 1)), "records/fsync")
}

// BenchmarkSpoolMessage: messages per second through the spool with 64
// concurrent sessions, as the relay writes them: one outcome record per
// message (what the relay wrote before the intent record existed), or an
// intent with its reservation and then the outcome (what it writes now).
// Group commit lets the two fsync waits of a message share their fsyncs
// with the other sessions.
func BenchmarkSpoolMessage(b *testing.B) {
	for _, mode := range []string{"outcome-only", "intent+outcome"} {
		b.Run(mode, func(b *testing.B) {
			s := testSpool(b, b.TempDir(), 8<<30)
			p := appendEvent(nil, sampleEvent(1), 20000)
			ip := appendEventKind(nil, kindIntent, sampleEvent(1), 20000)
			reserve := int64(len(ip)+recHeaderSize) + outcomeSlack
			b.SetParallelism(64)
			b.ResetTimer()
			start := time.Now()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if mode == "intent+outcome" {
						if err := s.appendWith(context.Background(), ip, admit{reserve: reserve}); err != nil {
							b.Fatal(err)
						}
						if err := s.appendWith(context.Background(), p, admit{release: reserve}); err != nil {
							b.Fatal(err)
						}
						continue
					}
					if err := s.Append(context.Background(), p); err != nil {
						b.Fatal(err)
					}
				}
			})
			secs := time.Since(start).Seconds()
			b.ReportMetric(float64(b.N)/secs, "msgs/s")
			h := &dtoHistogram{}
			h.read(s.opt.m.fsyncSeconds)
			appends := b.N
			if mode == "intent+outcome" {
				appends *= 2
			}
			b.ReportMetric(float64(appends)/secs, "appends/s")
			b.ReportMetric(float64(appends)/float64(max(h.count, 1)), "records/fsync")
		})
	}
}

// BenchmarkSpoolReplay: reading and decoding spooled records, as at
// start-up after an outage.
func BenchmarkSpoolReplay(b *testing.B) {
	dir := b.TempDir()
	s := testSpool(b, dir, 8<<30)
	const n = 100000
	p := appendEvent(nil, sampleEvent(1), 20000)
	// One big group: filling is not what is measured.
	for i := 0; i < n; i++ {
		s.mu.Lock()
		s.pending = append(s.pending, make([]byte, recHeaderSize)...)
		h := s.pending[len(s.pending)-recHeaderSize:]
		putHeader(h, p)
		s.pending = append(s.pending, p...)
		s.total += int64(recHeaderSize + len(p))
		s.mu.Unlock()
	}
	s.flushOnce()
	s.close()
	s = testSpool(b, dir, 8<<30)
	b.SetBytes(int64(n * (len(p) + recHeaderSize)))
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		rd := s.reader(spos{})
		got := 0
		for {
			q, _, ok, err := rd.next()
			if err != nil {
				b.Fatal(err)
			}
			if !ok {
				break
			}
			if _, err := decodeRecord(q); err != nil {
				b.Fatal(err)
			}
			got++
		}
		rd.close()
		if got != n {
			b.Fatalf("replayed %d of %d", got, n)
		}
	}
	b.ReportMetric(float64(b.N*n)/time.Since(start).Seconds(), "records/s")
}

// BenchmarkBacklogDrain: rows per second into ClickHouse when a backlog
// ships, the case where insert speed matters: records spooled while
// ClickHouse was down are replayed by a new Writer at start-up (batches
// grow to 10x batch.rows; the sent mark shows that no batch was ever
// sent, so none is checked for ids already in the table).
func BenchmarkBacklogDrain(b *testing.B) {
	const n = 100000
	srv := chtest.New(b) // configured, not running
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		cfg := testConfig(b, srv.Addr())
		cfg.Batch.Rows = DefaultBatchRows
		cfg.Batch.Interval = DefaultBatchInterval
		cfg.Spool.MaxBytes = 1 << 30
		if srv.Running() {
			srv.Stop()
		}
		w, err := Open(context.Background(), cfg, testLogger(b), prometheus.NewRegistry())
		if err != nil {
			b.Fatal(err)
		}
		tmpl := sampleEvent(i)
		var wg sync.WaitGroup
		for g := 0; g < 64; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for j := g; j < n; j += 64 {
					ev := *tmpl
					ev.EventID = uuid.Nil
					if err := w.Record(context.Background(), &ev); err != nil {
						b.Error(err)
						return
					}
				}
			}()
		}
		wg.Wait()
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		w.Close(ctx) // ClickHouse is down: everything stays in the spool
		cancel()
		srv.Start()
		b.StartTimer()
		start := time.Now()
		w2, err := Open(context.Background(), cfg, testLogger(b), prometheus.NewRegistry())
		if err != nil {
			b.Fatal(err)
		}
		flush(b, w2)
		b.ReportMetric(float64(n)/time.Since(start).Seconds(), "rows/s")
		b.StopTimer()
		ctx, cancel = context.WithTimeout(context.Background(), 10*time.Second)
		w2.Close(ctx)
		cancel()
	}
}
