package audit

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// The spool is a write-ahead log of audit records in segment files
// "seg-<16 hex digits>.wal" inside the spool folder:
//
//	segment = magic(8) record*
//	record  = length(u32 LE) crc32c(u32 LE, of payload) payload(length)
//
// Appends go to the newest segment only; a process always starts a new
// segment, so a torn tail left by a crash is never appended to. A single
// flusher goroutine writes and fdatasyncs whatever records are waiting, so
// one fsync covers every Append waiting at that moment (group commit). The
// shipper reads segments back up to the durable end and acknowledges
// positions; the acknowledged position is kept in the file "checkpoint" and
// segments wholly before it are deleted.
//
// The file "sent" holds the sent mark: a position that every INSERT attempt
// ever made from this folder lies before. The shipper raises it (fdatasync)
// before the first byte of an INSERT leaves, so a record of an earlier run
// at or past the stored mark was never handed to ClickHouse and needs no
// replay check. The checkpoint may lag (it is not synced); the mark may not.

// ErrSpoolFull is returned by Append (and so by Writer.Record) when the
// spool has reached its size cap: the event was NOT recorded. The relay
// must answer with a temporary failure (452 4.3.1) rather than relay mail
// it cannot audit.
var ErrSpoolFull = errors.New("audit spool full")

// ErrClosed is returned by Record after Close.
var ErrClosed = errors.New("audit writer closed")

const (
	segMagic      = "MAWAL01\n"
	segHeaderSize = int64(len(segMagic))
	recHeaderSize = 8
	// maxRecord bounds one encoded event. The relay caps recipients and
	// header sizes far below this; a larger record is refused rather than
	// allowed to make replays allocate without bound.
	maxRecord = 1 << 20
	// readChunk is how much of a segment the reader holds at once.
	readChunk = 4 << 20
)

var crcTable = crc32.MakeTable(crc32.Castagnoli)

// spos is a position in the spool: a segment and a byte offset in it.
type spos struct {
	seg uint64
	off int64
}

func (p spos) less(q spos) bool { return p.seg < q.seg || (p.seg == q.seg && p.off < q.off) }

type segment struct {
	seq    uint64
	size   int64
	sealed bool // no more appends: size is final
}

// flushGen is one group commit: every Append that joined it waits on done.
type flushGen struct {
	done chan struct{}
	err  error
}

type spoolOptions struct {
	dir          string
	maxBytes     int64
	segmentBytes int64
	log          *slog.Logger
	m            *metrics
}

type spool struct {
	opt  spoolOptions
	lock *os.File // flock'ed: one process per spool folder

	mu         sync.Mutex
	segs       []*segment // ascending seq; last is the active one
	cur        *os.File   // active segment
	total      int64      // bytes on disk plus bytes waiting to be written
	pending    []byte     // records waiting for the flusher
	spare      []byte
	gen        *flushGen
	durable    spos          // end of fsynced data
	durableCh  chan struct{} // closed (and replaced) when durable advances
	acked      spos          // shipped up to here
	ackedCh    chan struct{} // closed (and replaced) when acked advances
	err        error         // sticky write/fsync error
	closed     bool          // refusing new records
	closeOnce  sync.Once     // releasing files and the lock
	firstSeq   uint64        // first segment of this process: earlier ones are replays
	checkBelow spos          // records of earlier runs before this may be in ClickHouse
	id         string        // random, fixed for the folder's life: names our inserts
	alarmed    bool          // 80% alarm raised and not yet cleared
	kick       chan struct{}
	stop       chan struct{}
	flusherEnd chan struct{}

	markMu sync.Mutex // the sent mark: shipper writes, close closes
	markF  *os.File
	sent   spos // durable sent mark
}

func segName(seq uint64) string { return fmt.Sprintf("seg-%016x.wal", seq) }

// openSpool locks dir, scans its segments, reads the checkpoint and starts
// a new active segment and the flusher.
func openSpool(opt spoolOptions) (*spool, error) {
	if err := os.MkdirAll(opt.dir, 0o700); err != nil {
		return nil, fmt.Errorf("spool: create %s: %w", opt.dir, err)
	}
	lock, err := os.OpenFile(filepath.Join(opt.dir, "LOCK"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("spool: %w", err)
	}
	// Two processes appending to one spool would interleave records and
	// trim each other's segments: refuse instead.
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		lock.Close()
		return nil, fmt.Errorf("spool: %s is in use by another process: %w", opt.dir, err)
	}
	s := &spool{
		opt:        opt,
		lock:       lock,
		durableCh:  make(chan struct{}),
		ackedCh:    make(chan struct{}),
		gen:        &flushGen{done: make(chan struct{})},
		kick:       make(chan struct{}, 1),
		stop:       make(chan struct{}),
		flusherEnd: make(chan struct{}),
	}
	if err := s.scan(); err != nil {
		lock.Close()
		return nil, err
	}
	if s.id, err = spoolID(opt.dir); err != nil {
		lock.Close()
		return nil, err
	}
	s.acked = s.readCheckpoint()
	var next uint64 = 1
	if n := len(s.segs); n > 0 {
		next = s.segs[n-1].seq + 1
	}
	s.firstSeq = next
	if err := s.openMark(); err != nil {
		lock.Close()
		return nil, err
	}
	if err := s.newSegment(next); err != nil {
		s.markF.Close()
		lock.Close()
		return nil, err
	}
	// Everything written before us is durable as far as it goes.
	s.durable = spos{next, segHeaderSize}
	if s.acked.less(spos{s.segs[0].seq, segHeaderSize}) || s.durable.less(s.acked) {
		// No checkpoint, or one from another spool: replay all there is.
		s.acked = spos{s.segs[0].seq, segHeaderSize}
	}
	s.trimLocked()
	s.updateGauges()
	go s.flusher()
	return s, nil
}

func (s *spool) scan() error {
	ents, err := os.ReadDir(s.opt.dir)
	if err != nil {
		return fmt.Errorf("spool: read %s: %w", s.opt.dir, err)
	}
	for _, e := range ents {
		name := e.Name()
		if !strings.HasPrefix(name, "seg-") || !strings.HasSuffix(name, ".wal") {
			continue
		}
		seq, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimPrefix(name, "seg-"), ".wal"), 16, 64)
		if err != nil {
			continue
		}
		fi, err := e.Info()
		if err != nil {
			return fmt.Errorf("spool: stat %s: %w", name, err)
		}
		s.segs = append(s.segs, &segment{seq: seq, size: fi.Size(), sealed: true})
		s.total += fi.Size()
	}
	sort.Slice(s.segs, func(i, j int) bool { return s.segs[i].seq < s.segs[j].seq })
	return nil
}

func (s *spool) newSegment(seq uint64) error {
	path := filepath.Join(s.opt.dir, segName(seq))
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("spool: create segment: %w", err)
	}
	if _, err := f.Write([]byte(segMagic)); err == nil {
		err = f.Sync()
	}
	if err == nil {
		err = syncDir(s.opt.dir) // the new name must survive a crash too
	}
	if err != nil {
		f.Close()
		return fmt.Errorf("spool: init segment %s: %w", path, err)
	}
	s.cur = f
	s.segs = append(s.segs, &segment{seq: seq, size: segHeaderSize})
	s.total += segHeaderSize
	return nil
}

// spoolID reads or creates the folder's identity. The shipper prefixes its
// INSERT query ids with it, so that after a crash the next process can see
// whether an insert of the dead one is still running on the server.
func spoolID(dir string) (string, error) {
	path := filepath.Join(dir, "spool-id")
	if b, err := os.ReadFile(path); err == nil && len(bytes.TrimSpace(b)) == 32 {
		return string(bytes.TrimSpace(b)), nil
	}
	var raw [16]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", fmt.Errorf("spool: id: %w", err)
	}
	id := hex.EncodeToString(raw[:])
	if err := os.WriteFile(path, []byte(id+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("spool: write id: %w", err)
	}
	return id, nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// Append writes one record and returns once it is on stable storage. If
// ctx ends first the record may still become durable (and be shipped); the
// caller only knows it was not confirmed.
func (s *spool) Append(ctx context.Context, payload []byte) error {
	if len(payload) == 0 || len(payload) > maxRecord {
		return fmt.Errorf("spool: record of %d bytes (limit %d)", len(payload), maxRecord)
	}
	n := int64(recHeaderSize + len(payload))
	s.mu.Lock()
	switch {
	case s.closed:
		s.mu.Unlock()
		return ErrClosed
	case s.err != nil:
		err := s.err
		s.mu.Unlock()
		return err
	case s.total+n > s.opt.maxBytes:
		s.mu.Unlock()
		s.opt.m.spoolFull.Inc()
		return ErrSpoolFull
	}
	var h [recHeaderSize]byte
	putHeader(h[:], payload)
	s.pending = append(append(s.pending, h[:]...), payload...)
	s.total += n
	g := s.gen
	s.updateGauges()
	s.mu.Unlock()

	select {
	case s.kick <- struct{}{}:
	default: // the flusher is already due to run
	}
	select {
	case <-g.done:
		return g.err
	case <-ctx.Done():
		return fmt.Errorf("spool: waiting for fsync: %w", ctx.Err())
	}
}

func putHeader(h, payload []byte) {
	binary.LittleEndian.PutUint32(h[0:], uint32(len(payload)))
	binary.LittleEndian.PutUint32(h[4:], crc32.Checksum(payload, crcTable))
}

// flusher writes and syncs pending records, one group at a time.
func (s *spool) flusher() {
	defer close(s.flusherEnd)
	for {
		select {
		case <-s.kick:
		case <-s.stop:
			s.flushOnce() // what was appended before Close still lands
			return
		}
		s.flushOnce()
	}
}

func (s *spool) flushOnce() {
	s.mu.Lock()
	buf, g := s.pending, s.gen
	if len(buf) == 0 {
		s.mu.Unlock()
		return
	}
	s.pending, s.spare = s.spare[:0], nil
	s.gen = &flushGen{done: make(chan struct{})}
	err := s.err
	var rotate bool
	active := s.segs[len(s.segs)-1]
	if err == nil && active.size > segHeaderSize && active.size+int64(len(buf)) > s.opt.segmentBytes {
		rotate = true
	}
	s.mu.Unlock()

	start := time.Now()
	if err == nil && rotate {
		err = s.rotate()
	}
	if err == nil {
		_, err = s.cur.Write(buf)
		if err == nil {
			// fdatasync: the data and the new file size, not the mtime.
			err = syscall.Fdatasync(int(s.cur.Fd()))
		}
		if err != nil {
			err = fmt.Errorf("spool: write segment: %w", err)
		}
	}
	s.opt.m.fsyncSeconds.Observe(time.Since(start).Seconds())

	s.mu.Lock()
	if err != nil {
		// After a failed write or fsync the kernel may have dropped the
		// dirty pages; retrying could report success for lost data. The
		// spool refuses all further appends until the process restarts
		// (and the operator has looked at the disk).
		if s.err == nil {
			s.opt.log.Error("audit spool write failed; refusing further records", "err", err)
		}
		s.err = err
		s.total -= int64(len(buf))
	} else {
		active := s.segs[len(s.segs)-1]
		active.size += int64(len(buf))
		s.durable = spos{active.seq, active.size}
		close(s.durableCh)
		s.durableCh = make(chan struct{})
	}
	s.spare = buf[:0]
	s.updateGauges()
	s.mu.Unlock()
	g.err = err
	close(g.done)
}

// rotate seals the active segment and opens the next one. Only the flusher
// calls it.
func (s *spool) rotate() error {
	if err := s.cur.Close(); err != nil {
		return fmt.Errorf("spool: close segment: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	active := s.segs[len(s.segs)-1]
	active.sealed = true
	if err := s.newSegment(active.seq + 1); err != nil {
		return err
	}
	// The new segment's header is durable: readers may move on to it.
	s.durable = spos{active.seq + 1, segHeaderSize}
	s.trimLocked()
	return nil
}

// settle waits until records appended before the call are written (or
// failed), so that durableEnd covers them.
func (s *spool) settle(ctx context.Context) {
	s.mu.Lock()
	g, waiting := s.gen, len(s.pending) > 0
	s.mu.Unlock()
	if !waiting {
		return
	}
	select {
	case s.kick <- struct{}{}:
	default:
	}
	select {
	case <-g.done:
	case <-ctx.Done():
	case <-s.flusherEnd:
	}
}

// durableEnd returns the durable end and a channel closed when it moves.
func (s *spool) durableEnd() (spos, <-chan struct{}) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.durable, s.durableCh
}

// ackedPos returns the acknowledged position and a channel closed when it
// moves.
func (s *spool) ackedPos() (spos, <-chan struct{}) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.acked, s.ackedCh
}

// limit is how far a reader may read in segment seq, whether more may come
// there, and the next segment's seq (0 if none).
func (s *spool) limit(seq uint64) (end int64, open bool, next uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, sg := range s.segs {
		if sg.seq < seq {
			continue
		}
		if sg.seq > seq {
			return 0, false, sg.seq // seq vanished: go on with the next
		}
		if i+1 < len(s.segs) {
			next = s.segs[i+1].seq
		}
		if sg.seq == s.durable.seg {
			return s.durable.off, true, 0
		}
		return sg.size, false, next
	}
	return 0, true, 0
}

// ack records that everything before p is in ClickHouse: it persists the
// checkpoint and deletes segments wholly before p.
func (s *spool) ack(p spos) error {
	// No fsync: a lost or stale checkpoint only makes the next start replay
	// rows that the idempotent replay path then recognises as present.
	b := encodePos(p)
	tmp := filepath.Join(s.opt.dir, "checkpoint.tmp")
	err := os.WriteFile(tmp, b[:], 0o600)
	if err == nil {
		err = os.Rename(tmp, filepath.Join(s.opt.dir, "checkpoint"))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.acked.less(p) {
		s.acked = p
		close(s.ackedCh)
		s.ackedCh = make(chan struct{})
	}
	s.trimLocked()
	s.updateGauges()
	if err != nil {
		return fmt.Errorf("spool: write checkpoint: %w", err)
	}
	return nil
}

func (s *spool) readCheckpoint() spos {
	b, err := os.ReadFile(filepath.Join(s.opt.dir, "checkpoint"))
	p, ok := decodePos(b)
	if err != nil || !ok {
		if err == nil || !errors.Is(err, os.ErrNotExist) {
			s.opt.log.Warn("audit spool checkpoint unreadable; replaying the whole spool (duplicates are filtered)", "err", err)
		}
		return spos{}
	}
	return p
}

// posSize is the stored form of a position (checkpoint, sent mark):
// seg(u64 LE) off(u64 LE) crc32c(u32 LE, of the 16 bytes before).
const posSize = 20

func encodePos(p spos) [posSize]byte {
	var b [posSize]byte
	binary.LittleEndian.PutUint64(b[0:], p.seg)
	binary.LittleEndian.PutUint64(b[8:], uint64(p.off))
	binary.LittleEndian.PutUint32(b[16:], crc32.Checksum(b[:16], crcTable))
	return b
}

func decodePos(b []byte) (spos, bool) {
	if len(b) != posSize || crc32.Checksum(b[:16], crcTable) != binary.LittleEndian.Uint32(b[16:]) {
		return spos{}, false
	}
	return spos{binary.LittleEndian.Uint64(b[0:]), int64(binary.LittleEndian.Uint64(b[8:]))}, true
}

// openMark opens the sent mark and works out checkBelow. It runs before
// this process's first segment exists, so s.segs are the earlier runs'.
//
// Without a readable mark nothing tells which earlier records were sent:
// all of them are checked, as before the mark existed. A missing file with
// no earlier segments is a new folder, not a loss. Either way a valid mark
// is written at once (at the end of the earlier records), so that the next
// start does not mistake "this run never reached ClickHouse" for a loss.
func (s *spool) openMark() error {
	path := filepath.Join(s.opt.dir, "sent")
	_, statErr := os.Stat(path)
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return fmt.Errorf("spool: sent mark: %w", err)
	}
	s.markF = f
	b := make([]byte, posSize+1) // one more: a longer file is damaged too
	n, err := f.ReadAt(b, 0)
	if err != nil && err != io.EOF {
		f.Close()
		return fmt.Errorf("spool: read sent mark: %w", err)
	}
	// Every record of an earlier run lies before end.
	end := spos{s.firstSeq, 0}
	if n := len(s.segs); n > 0 {
		end = spos{s.segs[n-1].seq, s.segs[n-1].size}
	}
	if p, ok := decodePos(b[:n]); ok {
		s.sent = p
		s.checkBelow = end
		if p.less(end) {
			s.checkBelow = p
		}
		return nil
	}
	if len(s.segs) > 0 {
		s.opt.log.Warn("audit spool sent mark missing or damaged; every record from an earlier run is checked against ClickHouse before it is inserted",
			"bytes", n)
	}
	s.checkBelow = end
	if err := f.Truncate(posSize); err != nil { // synced with the mark
		f.Close()
		return fmt.Errorf("spool: sent mark: %w", err)
	}
	if err := s.writeMark(end); err != nil {
		f.Close()
		return err
	}
	if statErr != nil {
		if err := syncDir(s.opt.dir); err != nil { // the new name must survive a crash
			f.Close()
			return fmt.Errorf("spool: sent mark: %w", err)
		}
	}
	return nil
}

// markSent makes sure the durable sent mark is at least end: the shipper
// calls it before an INSERT of records up to end can reach ClickHouse. If
// it fails nothing may be sent.
func (s *spool) markSent(end spos) error {
	s.markMu.Lock()
	defer s.markMu.Unlock()
	if !s.sent.less(end) {
		return nil // monotonic: a retry or an older batch needs no write
	}
	if s.markF == nil {
		return ErrClosed
	}
	return s.writeMark(end)
}

// writeMark overwrites the mark in place and fdatasyncs it: 20 bytes in one
// sector, and a torn write fails the checksum, which only costs checks.
// s.sent moves only once the mark is durable, so after a failed sync the
// next attempt writes (and syncs) it again.
func (s *spool) writeMark(p spos) error {
	b := encodePos(p)
	_, err := s.markF.WriteAt(b[:], 0)
	if err == nil {
		err = syscall.Fdatasync(int(s.markF.Fd()))
	}
	if err != nil {
		return fmt.Errorf("spool: write sent mark: %w", err)
	}
	s.sent = p
	return nil
}

// trimLocked deletes sealed segments that lie wholly before acked.
func (s *spool) trimLocked() {
	keep := s.segs[:0]
	for i, sg := range s.segs {
		done := sg.sealed && i < len(s.segs)-1 &&
			(sg.seq < s.acked.seg || (sg.seq == s.acked.seg && s.acked.off >= sg.size))
		if !done {
			keep = append(keep, sg)
			continue
		}
		if err := os.Remove(filepath.Join(s.opt.dir, segName(sg.seq))); err != nil && !errors.Is(err, os.ErrNotExist) {
			s.opt.log.Warn("audit spool: cannot delete shipped segment", "seq", sg.seq, "err", err)
			keep = append(keep, sg)
			continue
		}
		s.total -= sg.size
	}
	s.segs = keep
}

// updateGauges refreshes size metrics and raises or clears the 80% alarm.
func (s *spool) updateGauges() {
	s.opt.m.spoolBytes.Set(float64(s.total))
	ratio := float64(s.total) / float64(s.opt.maxBytes)
	switch {
	case ratio >= 0.8 && !s.alarmed:
		s.alarmed = true
		s.opt.m.spoolAlarm.Set(1)
		s.opt.log.Error("audit spool above 80% of its cap: ClickHouse is not taking rows; at 100% the relay refuses mail with 452 4.3.1",
			"bytes", s.total, "max_bytes", s.opt.maxBytes, "dir", s.opt.dir)
	case ratio < 0.7 && s.alarmed: // hysteresis: no alarm flapping at the line
		s.alarmed = false
		s.opt.m.spoolAlarm.Set(0)
		s.opt.log.Warn("audit spool back below 70% of its cap", "bytes", s.total, "max_bytes", s.opt.maxBytes)
	}
}

// unshippedBytes is the size of durable records not yet acknowledged.
func (s *spool) unshippedBytes() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	var n int64
	for _, sg := range s.segs {
		lo, hi := segHeaderSize, sg.size
		if sg.seq == s.durable.seg {
			hi = s.durable.off
		}
		if sg.seq < s.acked.seg {
			continue
		}
		if sg.seq == s.acked.seg && s.acked.off > lo {
			lo = s.acked.off
		}
		if hi > lo {
			n += hi - lo
		}
	}
	return n
}

// close stops the flusher after it wrote what was pending and releases the
// folder. Unshipped records stay for the next start.
func (s *spool) close() error {
	s.refuse()
	var err error
	s.closeOnce.Do(func() {
		close(s.stop)
		<-s.flusherEnd
		err = s.cur.Close()
		s.markMu.Lock()
		if e := s.markF.Close(); err == nil {
			err = e
		}
		s.markF = nil
		s.markMu.Unlock()
		if e := s.lock.Close(); err == nil {
			err = e
		}
	})
	return err
}

// refuse makes further Appends fail with ErrClosed; Appends already
// waiting still complete.
func (s *spool) refuse() {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
}

// spoolReader reads records in order from a position up to the durable end.
type spoolReader struct {
	s      *spool
	seg    uint64
	off    int64
	f      *os.File
	fseg   uint64
	buf    []byte // file bytes [bufOff, bufOff+len(buf)) of segment fseg
	bufOff int64
}

func (s *spool) reader(from spos) *spoolReader {
	if from.off < segHeaderSize {
		from.off = segHeaderSize
	}
	return &spoolReader{s: s, seg: from.seg, off: from.off}
}

func (r *spoolReader) close() {
	if r.f != nil {
		r.f.Close()
		r.f = nil
	}
}

// pos is where the next record starts.
func (r *spoolReader) pos() spos { return spos{r.seg, r.off} }

// next returns the next intact record's payload (valid until the next
// call) and the position after it; ok is false when nothing durable is left.
// Damaged bytes are skipped, counted and logged.
func (r *spoolReader) next() (payload []byte, end spos, ok bool, err error) {
	for {
		limit, open, nextSeg := r.s.limit(r.seg)
		if limit == 0 && !open {
			// The segment is gone (trimmed, or the checkpoint named a
			// segment deleted by hand): continue with the next one.
			r.seg, r.off = nextSeg, segHeaderSize
			continue
		}
		if r.off >= limit {
			if open || nextSeg == 0 {
				return nil, spos{}, false, nil
			}
			r.seg, r.off = nextSeg, segHeaderSize
			continue
		}
		hdr, err := r.bytes(r.off, recHeaderSize, limit)
		if err != nil {
			return nil, spos{}, false, err
		}
		if hdr != nil {
			n := int64(binary.LittleEndian.Uint32(hdr[0:]))
			sum := binary.LittleEndian.Uint32(hdr[4:])
			if n > 0 && n <= maxRecord && r.off+recHeaderSize+n <= limit {
				p, err := r.bytes(r.off+recHeaderSize, int(n), limit)
				if err != nil {
					return nil, spos{}, false, err
				}
				if crc32.Checksum(p, crcTable) == sum {
					r.off += recHeaderSize + n
					return p, spos{r.seg, r.off}, true, nil
				}
			}
		}
		if err := r.resync(limit, open); err != nil {
			return nil, spos{}, false, err
		}
	}
}

// resync skips a damaged record: it scans forward for the next offset
// where an intact record starts, or to the segment's end.
func (r *spoolReader) resync(limit int64, open bool) error {
	start := r.off
	r.off++
	for ; r.off+recHeaderSize <= limit; r.off++ {
		hdr, err := r.bytes(r.off, recHeaderSize, limit)
		if err != nil {
			return err
		}
		n := int64(binary.LittleEndian.Uint32(hdr[0:]))
		if n == 0 || n > maxRecord || r.off+recHeaderSize+n > limit {
			continue
		}
		p, err := r.bytes(r.off+recHeaderSize, int(n), limit)
		if err != nil {
			return err
		}
		if crc32.Checksum(p, crcTable) == binary.LittleEndian.Uint32(hdr[4:]) {
			break
		}
	}
	if r.off+recHeaderSize > limit {
		r.off = limit
	}
	r.s.opt.m.corrupt.Inc()
	what := "corrupt record"
	if r.off == limit && !open {
		what = "torn or corrupt record at segment end (crash while writing?)"
	}
	r.s.opt.log.Error("audit spool: skipped "+what,
		"segment", segName(r.seg), "offset", start, "skipped_bytes", r.off-start)
	return nil
}

// bytes returns n bytes at off of the current segment, refilling the
// buffer from the file as needed (never past limit).
func (r *spoolReader) bytes(off int64, n int, limit int64) ([]byte, error) {
	if r.f == nil || r.fseg != r.seg {
		r.close()
		f, err := os.Open(filepath.Join(r.s.opt.dir, segName(r.seg)))
		if err != nil {
			return nil, fmt.Errorf("spool: open segment: %w", err)
		}
		magic := make([]byte, segHeaderSize)
		if _, err := io.ReadFull(f, magic); err != nil || !bytes.Equal(magic, []byte(segMagic)) {
			r.s.opt.log.Error("audit spool: segment without a valid header; reading on", "segment", segName(r.seg))
		}
		r.f, r.fseg, r.buf, r.bufOff = f, r.seg, r.buf[:0], 0
	}
	if off >= r.bufOff && off+int64(n) <= r.bufOff+int64(len(r.buf)) {
		return r.buf[off-r.bufOff : off-r.bufOff+int64(n)], nil
	}
	want := int64(readChunk)
	if int64(n) > want {
		want = int64(n)
	}
	if off+want > limit {
		want = limit - off
	}
	if cap(r.buf) < int(want) {
		r.buf = make([]byte, want)
	}
	r.buf = r.buf[:want]
	m, err := r.f.ReadAt(r.buf, off)
	r.buf, r.bufOff = r.buf[:m], off
	if m < n {
		if err == nil || err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, fmt.Errorf("spool: read %s at %d: %w", segName(r.seg), off, err)
	}
	return r.buf[:n], nil
}
