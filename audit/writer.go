package audit

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"
)

// Writer records audit events durably and ships them to ClickHouse.
//
// Record and RecordAuth return once the event is fsynced in the local spool;
// a single shipper goroutine reads the spool back, batches rows, inserts them
// and then trims the spool. ClickHouse being slow or down therefore never
// blocks Record and never loses a recorded event; only a full spool makes
// Record fail (ErrSpoolFull). See README-section.md for the idempotence
// design that keeps replays from duplicating rows.
type Writer struct {
	cfg    Config
	schema Schema
	loc    *time.Location
	log    *slog.Logger
	m      *metrics
	sp     *spool

	bufs sync.Pool // encode buffers for Record

	cancel      context.CancelFunc
	shipperDone chan struct{}
	flushKick   chan struct{}
	flushing    atomic.Int32 // Flush callers waiting: ship without waiting for the interval

	closeOnce sync.Once
	closeErr  error

	// Test hooks for fault injection a real ClickHouse cannot give on cue.
	beforeInsert func(table string) error
	afterSend    func(table string) error
}

// Open opens (or creates) the spool in cfg.Spool.Dir, schedules a replay of
// anything still in it, and starts the shipper. It does not need ClickHouse:
// the shipper connects, migrates the schema and ships whenever ClickHouse is
// reachable. cfg gets WithDefaults applied and must pass Validate. A nil
// reg registers no metrics.
func Open(ctx context.Context, cfg Config, log *slog.Logger, reg prometheus.Registerer) (*Writer, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("audit: invalid configuration: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	log = log.With("component", "audit")
	if cfg.Instance == "" {
		cfg.Instance, _ = os.Hostname()
	}
	loc, err := time.LoadLocation(cfg.Timezone)
	if err != nil {
		return nil, fmt.Errorf("audit: timezone: %w", err)
	}
	m := newMetrics(reg)
	m.spoolMax.Set(float64(cfg.Spool.MaxBytes))
	dir, err := filepath.Abs(cfg.Spool.Dir)
	if err != nil {
		return nil, fmt.Errorf("audit: spool dir: %w", err)
	}
	sp, err := openSpool(spoolOptions{
		dir:          dir,
		maxBytes:     cfg.Spool.MaxBytes,
		segmentBytes: segmentBytesFor(cfg.Spool.MaxBytes),
		log:          log,
		m:            m,
	})
	if err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	if n := sp.unshippedBytes(); n > 0 {
		log.Info("audit spool has records from an earlier run; replaying them", "bytes", n, "dir", dir)
	}
	w := &Writer{
		cfg:         cfg,
		schema:      SchemaFor(cfg),
		loc:         loc,
		log:         log,
		m:           m,
		sp:          sp,
		shipperDone: make(chan struct{}),
		flushKick:   make(chan struct{}, 1),
	}
	w.bufs.New = func() any { b := make([]byte, 0, 1024); return &b }
	sctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	w.cancel = cancel
	go w.ship(sctx)
	return w, nil
}

// segmentBytesFor sizes segments so that the cap spans at least 16 of
// them (trimming frees space in useful steps) and none exceeds 64 MiB.
func segmentBytesFor(maxBytes int64) int64 {
	s := maxBytes / 16
	return min(max(s, 64<<10), 64<<20)
}

// Record makes ev durable in the spool and returns; the row reaches
// ClickHouse later. It fills a zero EventID (UUIDv7), a zero Time (now) and
// an empty Instance (the configured one) in ev, so the caller can log the
// id. ev.Subject is stored as given: pass it through SubjectFor first.
//
// An error means the event is not confirmed (ErrSpoolFull, ErrClosed, a
// disk error, or ctx ended while waiting for fsync) and the relay must not
// give the client a 2xx for it.
func (w *Writer) Record(ctx context.Context, ev *Event) error {
	if ev == nil {
		return errors.New("audit: Record(nil)")
	}
	w.stamp(&ev.EventID, &ev.Time, &ev.Instance)
	return w.append(ctx, "message", ev.EventID, func(b []byte) []byte {
		return appendEvent(b, ev, dayOf(ev.Time, w.loc))
	})
}

// RecordAuth is Record for an AUTH attempt.
func (w *Writer) RecordAuth(ctx context.Context, ev *AuthEvent) error {
	if ev == nil {
		return errors.New("audit: RecordAuth(nil)")
	}
	w.stamp(&ev.EventID, &ev.Time, &ev.Instance)
	return w.append(ctx, "auth", ev.EventID, func(b []byte) []byte {
		return appendAuth(b, ev, dayOf(ev.Time, w.loc))
	})
}

// stamp fills a missing id, time and instance.
func (w *Writer) stamp(id *uuid.UUID, t *time.Time, instance *string) {
	if *id == uuid.Nil {
		*id = newEventID()
	}
	if t.IsZero() {
		*t = time.Now().UTC()
	}
	if *instance == "" {
		*instance = w.cfg.Instance
	}
}

// append encodes one record into a pooled buffer and appends it to the
// spool, returning once it is durable.
func (w *Writer) append(ctx context.Context, kind string, id uuid.UUID, encode func([]byte) []byte) error {
	bp := w.bufs.Get().(*[]byte)
	*bp = encode((*bp)[:0])
	err := w.sp.Append(ctx, *bp)
	w.bufs.Put(bp)
	if err != nil {
		return fmt.Errorf("audit: record %s event %s: %w", kind, id, err)
	}
	w.m.spooled.WithLabelValues(kind).Inc()
	w.m.queued.Inc()
	return nil
}

func newEventID() uuid.UUID {
	// v7 ids sort by time, which keeps ClickHouse's IN lookups local.
	if id, err := uuid.NewV7(); err == nil {
		return id
	}
	return uuid.New()
}

// Flush waits until every event recorded before the call is in ClickHouse,
// or ctx ends.
func (w *Writer) Flush(ctx context.Context) error {
	w.sp.settle(ctx)
	target, _ := w.sp.durableEnd()
	w.flushing.Add(1)
	defer w.flushing.Add(-1)
	select {
	case w.flushKick <- struct{}{}:
	default:
	}
	for {
		acked, moved := w.sp.ackedPos()
		if !acked.less(target) {
			return nil
		}
		select {
		case <-moved:
		case <-w.shipperDone:
			return fmt.Errorf("audit: flush: writer closed with %d bytes unshipped", w.sp.unshippedBytes())
		case <-ctx.Done():
			return fmt.Errorf("audit: flush: %d bytes still unshipped: %w", w.sp.unshippedBytes(), ctx.Err())
		}
	}
}

// Close stops accepting records, ships what it can until ctx ends, then
// stops the shipper and closes the spool. What was not shipped stays in the
// spool for the next Open. It returns an error if anything is left.
func (w *Writer) Close(ctx context.Context) error {
	w.closeOnce.Do(func() {
		w.sp.refuse() // new records get ErrClosed; waiting ones complete
		flushErr := w.Flush(ctx)
		w.cancel()
		<-w.shipperDone
		err := w.sp.close()
		w.closeErr = errors.Join(flushErr, err)
		if left := w.sp.unshippedBytes(); left > 0 {
			w.log.Warn("audit writer closed with records left in the spool; they ship at the next start", "bytes", left)
		}
	})
	return w.closeErr
}

// Pending returns the bytes of durable records not yet in ClickHouse.
func (w *Writer) Pending() int64 { return w.sp.unshippedBytes() }

// batch is the shipper's unit of work: records read from the spool up to
// end, kept in memory across retries.
type batch struct {
	msgs    []*Event
	msgDays []uint32
	auths   []*AuthEvent
	authDay []uint32
	boxes   []*MailboxSession
	boxDays []uint32
	bytes   int64
	end     spos
	first   time.Time // when the first record was read
	replay  bool      // may already be in ClickHouse: check before inserting
	old     bool      // holds records an earlier run may have sent
	cut     bool      // fill stopped at the end of those: ship without waiting
	sent    bool      // an INSERT of it may have reached ClickHouse
	queryID string    // id of the last insert attempt (to wait it out)
}

// backlogFactor bounds how far a batch grows past Batch.Rows while a
// backlog is waiting.
const backlogFactor = 10

func (b *batch) rows() int { return len(b.msgs) + len(b.auths) + len(b.boxes) }

func (b *batch) reset() {
	*b = batch{msgs: b.msgs[:0], msgDays: b.msgDays[:0], auths: b.auths[:0], authDay: b.authDay[:0],
		boxes: b.boxes[:0], boxDays: b.boxDays[:0]}
}

// ship is the shipper goroutine: read, batch, insert, acknowledge.
func (w *Writer) ship(ctx context.Context) {
	defer close(w.shipperDone)
	start, _ := w.sp.ackedPos()
	rd := w.sp.reader(start)
	defer rd.close()
	var conn driver.Conn
	defer func() {
		if conn != nil {
			conn.Close()
		}
	}()
	// With a backlog from an earlier run, connect (and migrate) while the
	// first batch is read and decoded instead of after it.
	var early chan connResult
	if w.sp.unshippedBytes() > 0 {
		early = make(chan connResult, 1)
		go func() {
			c, err := w.connect(ctx)
			early <- connResult{c, err}
		}()
		defer func() {
			if early != nil {
				if r := <-early; r.conn != nil {
					r.conn.Close()
				}
			}
		}()
	}
	// next is the batch after b. During a backlog it is read and decoded
	// while b is being inserted (mostly a wait on the server), so that
	// the next INSERT can start at once. ahead says next holds records;
	// the reader is then past them, so b can only be retried, not grown.
	// Two batches in memory at most.
	var b, next batch
	b.end = start
	ahead := false
	backoff := time.Duration(0)
	for ctx.Err() == nil {
		caughtUp := false
		var err error
		if !ahead {
			caughtUp, err = w.fill(rd, &b)
			if err != nil {
				w.log.Error("audit spool read failed; retrying", "err", err)
				if !sleep(ctx, time.Second) {
					return
				}
				continue
			}
			acked, _ := w.sp.ackedPos()
			if b.rows() == 0 {
				if acked.less(b.end) { // only skipped bytes: acknowledge them
					w.ack(b.end, 0)
				}
				w.wait(ctx, time.Time{})
				continue
			}
			full := b.cut || b.rows() >= w.cfg.Batch.Rows || b.bytes >= w.cfg.Batch.Bytes
			due := time.Since(b.first) >= w.cfg.Batch.Interval || (caughtUp && w.flushing.Load() > 0)
			if !full && !due {
				w.wait(ctx, b.first.Add(w.cfg.Batch.Interval))
				continue
			}
		}
		if conn == nil {
			if early != nil {
				r := <-early
				conn, err, early = r.conn, r.err, nil
			} else {
				conn, err = w.connect(ctx)
			}
		}
		var readDone chan struct{}
		if err == nil && !ahead && !caughtUp {
			// A backlog. A read error here comes back from the next fill.
			next.end, ahead = b.end, true
			readDone = make(chan struct{})
			go func() {
				defer close(readDone)
				w.fill(rd, &next)
			}()
		}
		if err == nil {
			err = w.insert(ctx, conn, &b)
		}
		if readDone != nil {
			<-readDone // rd and next are the shipper's again
		}
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			w.m.failed.Inc()
			w.m.up.Set(0)
			if b.sent {
				// The failed attempt may have landed in part. One that
				// failed before sending (dial, handshake, migration) did
				// not: no check needed, and the sent mark agrees.
				b.replay = true
			}
			if conn != nil {
				conn.Close()
				conn = nil // reconnect, and migrate again: ClickHouse may be new
			}
			backoff = min(max(2*backoff, 200*time.Millisecond), 5*time.Second)
			wait := backoff/2 + rand.N(backoff/2+1)
			w.log.Warn("audit: shipping to ClickHouse failed; rows stay in the spool and are retried",
				"err", err, "rows", b.rows(), "retry_in", wait)
			if !sleep(ctx, wait) {
				return
			}
			continue
		}
		backoff = 0
		w.m.up.Set(1)
		w.ack(b.end, b.rows())
		if ahead {
			// fill goes on with next where the read-ahead stopped.
			b, next = next, b
			next.reset()
			ahead = false
		} else {
			b.reset()
			b.end = rd.pos()
		}
	}
}

type connResult struct {
	conn driver.Conn
	err  error
}

// fill reads records into b until it is full or nothing durable is left;
// caughtUp reports the latter.
//
// Batch.Rows is reached first when records trickle in; when a backlog is
// waiting (after an outage, or a burst faster than ClickHouse takes small
// inserts) the batch grows to backlogFactor × Batch.Rows, within
// Batch.Bytes. Every INSERT costs ClickHouse a new part of ~80 files
// whatever its size (about 0.1 s on 18.16 here), so big batches are what
// lets a backlog drain at 100k rows/s instead of 30k.
//
// Records of an earlier run before the sent mark (it may have shipped them
// without recording the checkpoint) make the batch a replay; the batch ends
// where they end, so that the records after them, which no process ever
// sent, are not checked along with them.
func (w *Writer) fill(rd *spoolReader, b *batch) (caughtUp bool, err error) {
	for b.rows() < backlogFactor*w.cfg.Batch.Rows && b.bytes < w.cfg.Batch.Bytes {
		if b.old && !rd.pos().less(w.sp.checkBelow) {
			b.cut = true
			return false, nil
		}
		p, end, ok, err := rd.next()
		if err != nil {
			return false, err
		}
		if !ok {
			b.end = rd.pos() // past any skipped damage
			return true, nil
		}
		old := false
		if rd.seg < w.sp.firstSeq {
			w.m.queued.Inc()
			start := spos{end.seg, end.off - int64(len(p)+recHeaderSize)}
			old = start.less(w.sp.checkBelow)
		}
		rec, err := decodeRecord(p)
		if err != nil {
			w.m.corrupt.Inc()
			w.log.Error("audit spool: undecodable record skipped", "segment", segName(rd.seg), "err", err)
			b.end = rd.pos()
			continue
		}
		if b.rows() == 0 {
			b.first = time.Now()
		}
		if old {
			b.replay, b.old = true, true
		}
		if rec.ev != nil {
			b.msgs = append(b.msgs, rec.ev)
			b.msgDays = append(b.msgDays, rec.day)
		} else if rec.box != nil {
			b.boxes = append(b.boxes, rec.box)
			b.boxDays = append(b.boxDays, rec.day)
		} else {
			b.auths = append(b.auths, rec.auth)
			b.authDay = append(b.authDay, rec.day)
		}
		b.bytes += int64(len(p) + recHeaderSize)
		b.end = rd.pos()
	}
	return false, nil
}

// wait sleeps until new records are durable, a Flush starts, until (if
// set) or ctx ends.
func (w *Writer) wait(ctx context.Context, until time.Time) {
	_, moved := w.sp.durableEnd()
	var timer <-chan time.Time
	if !until.IsZero() {
		t := time.NewTimer(time.Until(until))
		defer t.Stop()
		timer = t.C
	}
	select {
	case <-moved:
	case <-w.flushKick:
	case <-timer:
	case <-ctx.Done():
	}
}

func (w *Writer) ack(end spos, rows int) {
	if err := w.sp.ack(end); err != nil {
		w.log.Warn("audit: spool checkpoint not saved; a restart will re-check these rows", "err", err)
	}
	w.m.queued.Sub(float64(rows))
}

func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// connect opens a connection and brings the schema up to date on every
// node. It runs at start and after every failure, so a ClickHouse that was
// reinstalled or restored empty gets its tables back before rows arrive.
func (w *Writer) connect(ctx context.Context) (driver.Conn, error) {
	conn, err := OpenClickHouse(w.cfg, w.cfg.ClickHouse.Addr.List()...)
	if err != nil {
		return nil, err
	}
	if err := w.migrate(ctx, conn); err != nil {
		conn.Close()
		return nil, err
	}
	return conn, nil
}

func (w *Writer) migrate(ctx context.Context, conn driver.Conn) error {
	mctx, cancel := context.WithTimeout(ctx, 10*w.cfg.ClickHouse.Timeout)
	defer cancel()
	nodes := []driver.Conn{conn}
	if w.schema.Cluster != "" && !w.schema.OnCluster && len(w.cfg.ClickHouse.Addr.List()) > 1 {
		// Per-node DDL: every node needs its local tables.
		nodes = nodes[:0]
		for _, a := range w.cfg.ClickHouse.Addr.List() {
			c, err := OpenClickHouse(w.cfg, a)
			if err != nil {
				return err
			}
			defer c.Close()
			nodes = append(nodes, c)
		}
	}
	for _, c := range nodes {
		from, to, err := Migrate(mctx, c, w.schema, w.log)
		if err != nil {
			return fmt.Errorf("audit: %w", err)
		}
		if from > LatestVersion() {
			w.log.Info("audit schema is newer than this build; continuing", "version", from)
		}
		w.m.schema.Set(float64(max(from, to)))
	}
	return nil
}

// OpenClickHouse opens a native-protocol connection pool to addrs with the
// credentials of cfg and checks that it answers. The database is not
// selected: it may not exist yet, and every statement names it.
func OpenClickHouse(cfg Config, addrs ...string) (driver.Conn, error) {
	cfg = cfg.WithDefaults()
	if len(addrs) == 0 {
		// Without this the driver would quietly dial localhost:9000.
		addrs = cfg.ClickHouse.Addr.List()
	}
	comp := &clickhouse.Compression{Method: clickhouse.CompressionLZ4}
	switch cfg.ClickHouse.Compression {
	case "zstd":
		comp.Method = clickhouse.CompressionZSTD
	case "none":
		comp.Method = clickhouse.CompressionNone
	}
	tlsConf, err := cfg.ClickHouse.TLS.Config()
	if err != nil {
		return nil, err
	}
	conn, err := clickhouse.Open(&clickhouse.Options{
		Addr:             addrs,
		TLS:              tlsConf,
		Auth:             clickhouse.Auth{Username: cfg.ClickHouse.User, Password: cfg.ClickHouse.Password},
		DialTimeout:      cfg.ClickHouse.Timeout,
		ReadTimeout:      6 * cfg.ClickHouse.Timeout,
		Compression:      comp,
		MaxOpenConns:     4,
		MaxIdleConns:     2,
		ConnMaxLifetime:  time.Hour,
		ConnOpenStrategy: clickhouse.ConnOpenInOrder,
	})
	if err != nil {
		return nil, fmt.Errorf("audit: clickhouse %v: %w", addrs, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), cfg.ClickHouse.Timeout)
	defer cancel()
	if err := conn.Ping(ctx); err != nil {
		conn.Close()
		return nil, fmt.Errorf("audit: clickhouse %v: %w", addrs, err)
	}
	return conn, nil
}
