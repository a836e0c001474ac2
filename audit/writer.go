package audit

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
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
// Begin, Record and RecordAuth return once the record is fsynced in the
// local spool; a single shipper goroutine reads the spool back, pairs
// intents with outcomes, batches rows, inserts them and then trims the
// spool. ClickHouse being slow or down therefore never blocks Record and
// never loses a recorded event; only a full spool or disk makes them fail
// (ErrSpoolFull, ErrDiskFull). See the README's audit section for the
// idempotence design that keeps replays from duplicating rows.
type Writer struct {
	cfg    Config
	schema Schema
	loc    *time.Location
	log    *slog.Logger
	m      *metrics
	sp     *spool

	bufs sync.Pool // encode buffers for Record

	// resv maps the event id of each admitted message (Begin) to the room
	// reserved for its outcome; Record uses it up. abandoned holds ids
	// whose outcome could not be written: the shipper resolves their
	// intents as interrupted without waiting for a restart.
	resvMu    sync.Mutex
	resv      map[uuid.UUID]int64
	abandoned map[uuid.UUID]bool
	nAbandon  atomic.Int32

	// open is the shipper's: intents read from the spool whose outcome it
	// has not read yet, by event id.
	open map[uuid.UUID]*openIntent
	// oldDone: every record of earlier runs has been read, so their
	// intents still open will never get an outcome.
	oldDone bool

	// poisonTries is how many times one batch may fail for its content
	// before it is split to find the rows ClickHouse refuses.
	poisonTries int

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
		resv:        map[uuid.UUID]int64{},
		abandoned:   map[uuid.UUID]bool{},
		open:        map[uuid.UUID]*openIntent{},
		poisonTries: 5,
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
	w.resvMu.Lock()
	r, begun := w.resv[ev.EventID]
	delete(w.resv, ev.EventID)
	w.resvMu.Unlock()
	err := w.append(ctx, "message", ev.EventID, admit{release: r}, func(b []byte) []byte {
		return appendEvent(b, ev, dayOf(ev.Time, w.loc))
	})
	if err != nil && begun {
		// Its intent is in the spool and no outcome will follow: let the
		// shipper give it its row (interrupted) now rather than hold the
		// checkpoint back until a restart.
		w.resvMu.Lock()
		w.abandoned[ev.EventID] = true
		w.nAbandon.Add(1)
		w.resvMu.Unlock()
	}
	return err
}

// outcomeSlack is what an outcome may add to its intent: the upstream's
// reply text and code, the action, a later time.
const outcomeSlack = 2 << 10

// Begin admits a message before its final dot goes upstream: it makes an
// intent record durable (ev as known then: envelope, verdict, policy
// decision, size) and reserves room for the outcome that Record writes
// later with the same EventID. It fills EventID, Time and Instance like
// Record. An error (ErrSpoolFull, ErrDiskFull, a disk error, ErrClosed)
// means the message must be deferred; no room is held then.
//
// If the process dies between Begin and Record, the intent alone is in
// the spool and ships as one row with action interrupted; when both are
// there only the outcome ships (see the notes on pairing at ship).
func (w *Writer) Begin(ctx context.Context, ev *Event) error {
	if ev == nil {
		return errors.New("audit: Begin(nil)")
	}
	w.stamp(&ev.EventID, &ev.Time, &ev.Instance)
	if ev.RcptDomain == nil && len(ev.RcptTo) > 0 {
		// The relay fills it with the outcome; an interrupted row needs it too.
		ev.RcptDomain = Domains(ev.RcptTo)
	}
	var reserve int64
	err := w.append(ctx, "intent", ev.EventID, admit{}, func(b []byte) []byte {
		b = appendEventKind(b, kindIntent, ev, dayOf(ev.Time, w.loc))
		return b
	}, func(n int) admit {
		reserve = int64(n+recHeaderSize) + outcomeSlack
		return admit{reserve: reserve}
	})
	if err != nil {
		reason := "broken"
		switch {
		case errors.Is(err, ErrSpoolFull):
			reason = "spool_full"
		case errors.Is(err, ErrDiskFull):
			reason = "disk_full"
		}
		w.m.admissionRefused.WithLabelValues(reason).Inc()
		return err
	}
	w.resvMu.Lock()
	w.resv[ev.EventID] = reserve
	w.resvMu.Unlock()
	return nil
}

// RecordAuth is Record for an AUTH attempt.
func (w *Writer) RecordAuth(ctx context.Context, ev *AuthEvent) error {
	if ev == nil {
		return errors.New("audit: RecordAuth(nil)")
	}
	w.stamp(&ev.EventID, &ev.Time, &ev.Instance)
	return w.append(ctx, "auth", ev.EventID, admit{auth: true}, func(b []byte) []byte {
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
// spool under a, returning once it is durable. sized, when given, derives
// the admission from the encoded length.
func (w *Writer) append(ctx context.Context, kind string, id uuid.UUID, a admit, encode func([]byte) []byte, sized ...func(int) admit) error {
	bp := w.bufs.Get().(*[]byte)
	*bp = encode((*bp)[:0])
	if len(sized) > 0 {
		a = sized[0](len(*bp))
	}
	err := w.sp.appendWith(ctx, *bp, a)
	w.bufs.Put(bp)
	if err != nil {
		return fmt.Errorf("audit: record %s event %s: %w", kind, id, err)
	}
	w.m.spooled.WithLabelValues(kind).Inc()
	if kind != "intent" { // an intent becomes a row only if its outcome never comes
		w.m.queued.Inc()
	}
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
	// holds are the spool positions of the intents behind this batch's
	// interrupted rows: the checkpoint may not pass them before the batch
	// is in ClickHouse.
	holds []spos
	// refused counts attempts ClickHouse refused for the batch's content.
	refused int
}

// openIntent is an intent record the shipper has read and whose outcome
// it has not (yet) read.
type openIntent struct {
	ev      *Event
	day     uint32
	pos     spos // where the intent record starts
	earlier bool // written by an earlier run: its outcome can only be in earlier segments
	old     bool // before the sent mark: its interrupted row may be in ClickHouse already
}

// backlogFactor bounds how far a batch grows past Batch.Rows while a
// backlog is waiting.
const backlogFactor = 10

func (b *batch) rows() int { return len(b.msgs) + len(b.auths) + len(b.boxes) }

func (b *batch) reset() {
	*b = batch{msgs: b.msgs[:0], msgDays: b.msgDays[:0], auths: b.auths[:0], authDay: b.authDay[:0],
		boxes: b.boxes[:0], boxDays: b.boxDays[:0], holds: b.holds[:0]}
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
			if b.rows() == 0 {
				// Only skipped bytes or intents: acknowledge what may be.
				w.ack(w.ackPos(b.end, nil), 0)
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
			if err != nil && ctx.Err() == nil && contentError(err) {
				b.refused++
				if b.refused >= w.poisonTries {
					// The batch fails for what is in it, not for ClickHouse
					// being away: find the rows it refuses and set them
					// aside, so that the rows behind them keep flowing.
					b.replay = b.replay || b.sent
					err = w.isolate(ctx, conn, &b)
				}
			}
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
		if ahead {
			w.ack(w.ackPos(b.end, &next), b.rows())
		} else {
			w.ack(w.ackPos(b.end, nil), b.rows())
		}
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
	w.resolveAbandoned(b)
	for b.rows() < backlogFactor*w.cfg.Batch.Rows && b.bytes < w.cfg.Batch.Bytes {
		w.resolveEarlier(rd, b)
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
			w.resolveEarlier(rd, b)
			return true, nil
		}
		start := spos{end.seg, end.off - int64(len(p)+recHeaderSize)}
		earlier := rd.seg < w.sp.firstSeq
		old := earlier && start.less(w.sp.checkBelow)
		rec, err := decodeRecord(p)
		if err != nil {
			w.m.corrupt.Inc()
			w.log.Error("audit spool: undecodable record skipped", "segment", segName(rd.seg), "err", err)
			b.end = rd.pos()
			continue
		}
		if rec.intent {
			oi := &openIntent{ev: rec.ev, day: rec.day, pos: start, earlier: earlier, old: old}
			if w.takeAbandoned(rec.ev.EventID) {
				w.interrupt(b, oi)
			} else {
				w.open[rec.ev.EventID] = oi
			}
			b.end = rd.pos()
			continue
		}
		if earlier {
			w.m.queued.Inc()
		}
		if rec.ev != nil {
			delete(w.open, rec.ev.EventID) // its outcome: the intent is settled
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

// Pairing intents with outcomes.
//
// Begin writes an intent record before the final dot, Record the outcome
// after the upstream answered, both with one event id; only one of them may
// become a row, or the daily summary (a materialized view that counts every
// inserted row) would count the message twice. The shipper therefore never
// inserts an intent as such. It keeps each intent it reads in w.open until
// it reads the outcome with the same id, and then drops it: the outcome is
// the row. An intent whose outcome can no longer come becomes the row
// itself, with action interrupted:
//
//   - an intent written by an earlier run, once every earlier segment has
//     been read (outcomes follow their intents in the same process's
//     segments, so a dead process's outcome is before this run's first);
//   - an intent of this run whose Record failed (w.abandoned).
//
// The checkpoint never passes an intent that is still open, nor the intent
// behind an interrupted row not yet inserted (ackPos): after a crash the
// intent is read again. Rows re-read after a crash are covered by the sent
// mark and the replay check as before, interrupted rows included (they
// are checked when their intent lies before the mark), so an event id
// reaches ClickHouse at most once, and at least once as long as either of
// its records is readable.

// ackPos is how far the checkpoint may move after a batch ending at end:
// not past an open intent, nor past an intent behind an interrupted row of
// the batch read ahead (ahead, when set).
func (w *Writer) ackPos(end spos, ahead *batch) spos {
	p := end
	for _, oi := range w.open {
		if oi.pos.less(p) {
			p = oi.pos
		}
	}
	if ahead != nil {
		for _, h := range ahead.holds {
			if h.less(p) {
				p = h
			}
		}
	}
	return p
}

// interrupt adds the row of an intent without an outcome to b.
func (w *Writer) interrupt(b *batch, oi *openIntent) {
	ev := oi.ev
	ev.Action = ActionInterrupted
	ev.UpstreamCode = 0
	ev.UpstreamText = "no outcome recorded: the relay stopped after admitting the message; the upstream may have accepted it"
	if b.rows() == 0 {
		b.first = time.Now()
	}
	b.msgs = append(b.msgs, ev)
	b.msgDays = append(b.msgDays, oi.day)
	b.holds = append(b.holds, oi.pos)
	if oi.old {
		b.replay = true
	}
	w.m.interrupted.Inc()
	w.m.queued.Inc()
}

// resolveEarlier turns the earlier runs' open intents into interrupted
// rows once the reader is past every earlier segment.
func (w *Writer) resolveEarlier(rd *spoolReader, b *batch) {
	if w.oldDone || rd.seg < w.sp.firstSeq {
		return
	}
	w.oldDone = true
	var list []*openIntent
	for id, oi := range w.open {
		if oi.earlier {
			list = append(list, oi)
			delete(w.open, id)
		}
	}
	sort.Slice(list, func(i, j int) bool { return list[i].pos.less(list[j].pos) })
	for _, oi := range list {
		w.interrupt(b, oi)
	}
	if len(list) > 0 {
		w.log.Warn("audit: messages admitted by an earlier run have no outcome (the relay stopped between the final dot and its record); shipped as interrupted",
			"count", len(list))
	}
}

// resolveAbandoned turns open intents whose Record failed into rows.
func (w *Writer) resolveAbandoned(b *batch) {
	if w.nAbandon.Load() == 0 {
		return
	}
	w.resvMu.Lock()
	defer w.resvMu.Unlock()
	for id := range w.abandoned {
		if oi, ok := w.open[id]; ok {
			delete(w.open, id)
			delete(w.abandoned, id)
			w.nAbandon.Add(-1)
			w.interrupt(b, oi)
		}
	}
}

// takeAbandoned reports (and forgets) whether id's Record failed.
func (w *Writer) takeAbandoned(id uuid.UUID) bool {
	if w.nAbandon.Load() == 0 {
		return false
	}
	w.resvMu.Lock()
	defer w.resvMu.Unlock()
	if !w.abandoned[id] {
		return false
	}
	delete(w.abandoned, id)
	w.nAbandon.Add(-1)
	return true
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
	if acked, _ := w.sp.ackedPos(); !acked.less(end) {
		w.m.queued.Sub(float64(rows))
		return
	}
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
