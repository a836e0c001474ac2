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
//
// Space. One figure decides both whether a message is admitted and whether
// a record may be written: used = bytes in segments on disk (shipped or
// not: they occupy the disk until their segment is deleted) + bytes
// waiting for the flusher + bytes reserved. A message is admitted (its
// intent record written, see writer.go) only if its intent and the room
// set aside for its outcome fit under the cap minus the headroom; the
// outcome then uses that reservation and is never refused for space. The
// headroom (a sixteenth of the cap, at most 64 MiB) is left to records
// that no admission covered: attempts refused before the final dot. Auth
// events may hold at most an eighth of the cap, so that an AUTH flood
// during an outage cannot take the room mail needs. The file system's free
// space (statfs, refreshed after every group commit) is checked the same
// way with a fixed slack, so a full disk defers mail instead of failing a
// write. A fully shipped active segment is rotated (and so deleted) once it
// is big enough to matter, or at once when the disk runs low; the reader
// closes a segment when it moves past it, so deleted segments free their
// space.
//
// The folder itself is flock'ed (not a file in it, which could be deleted
// and let a second process in). A segment that cannot be opened or read is
// renamed "unreadable-<name>", counted and alarmed, and reading goes on with
// the next one.

// ErrSpoolFull is returned by Append (and so by Writer.Record) when the
// spool has reached its size cap: the event was NOT recorded. The relay
// must answer with a temporary failure (452 4.3.1) rather than relay mail
// it cannot audit.
var ErrSpoolFull = errors.New("audit spool full")

// ErrClosed is returned by Record after Close.
var ErrClosed = errors.New("audit writer closed")

// ErrDiskFull is returned like ErrSpoolFull when the file system holding
// the spool has too little free space for the record (and, for an intent,
// the room its outcome needs).
var ErrDiskFull = errors.New("audit spool: file system nearly full")

// errAuthShare refuses an auth event once auth events hold their share of
// the spool.
var errAuthShare = fmt.Errorf("%w: auth events hold their share of the spool", ErrSpoolFull)

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
	// diskSlack is free space the spool never plans to use: a new
	// segment's header and directory entry, metadata, and a little for
	// other writers on the same file system between two statfs calls.
	diskSlack = 256 << 10
	// diskStale bounds how old the free-space figure may be when no group
	// commit has refreshed it.
	diskStale = time.Second
	// readTries is how often a segment that fails to open or read is tried
	// (one try per second) before it is set aside as unreadable.
	readTries = 3
)

// headroomFor is the part of the cap kept for records no admission covered
// (attempts refused before their final dot). It scales with the cap so a
// small spool is not refusing mail at half full.
func headroomFor(maxBytes int64) int64 { return min(maxBytes/16, 64<<20) }

// authShareFor is the most auth events may hold of the spool.
func authShareFor(maxBytes int64) int64 { return maxBytes / 8 }

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
	auth   int64 // bytes of auth records in it (this process's segments only)
	sealed bool  // no more appends: size is final
}

// admit says how a record is admitted to the spool.
type admit struct {
	reserve int64 // room to set aside for a later record (an intent's outcome)
	release int64 // a reservation this record uses up (an outcome after its intent)
	auth    bool  // an auth event: limited to the auth share
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
	lock *os.File // the folder, flock'ed: one process per spool folder

	headroom  int64 // see headroomFor
	authShare int64 // see authShareFor

	mu          sync.Mutex
	segs        []*segment // ascending seq; last is the active one
	cur         *os.File   // active segment
	total       int64      // bytes on disk plus bytes waiting to be written
	reserved    int64      // room set aside for outcomes of admitted messages
	unwritten   int64      // bytes appended but not yet written to the file
	authBytes   int64      // bytes of auth records in live segments and waiting
	diskAvail   int64      // free bytes of the file system at diskAt
	diskAt      time.Time
	rotateReq   bool   // the active segment is fully shipped: rotate it away
	pending     []byte // records waiting for the flusher
	pendingAuth int64  // bytes of auth records in pending
	spare       []byte
	gen         *flushGen
	durable     spos          // end of fsynced data
	durableCh   chan struct{} // closed (and replaced) when durable advances
	acked       spos          // shipped up to here
	ackedCh     chan struct{} // closed (and replaced) when acked advances
	err         error         // sticky write/fsync error
	closed      bool          // refusing new records
	closeOnce   sync.Once     // releasing files and the lock
	firstSeq    uint64        // first segment of this process: earlier ones are replays
	checkBelow  spos          // records of earlier runs before this may be in ClickHouse
	id          string        // random, fixed for the folder's life: names our inserts
	alarmed     bool          // 80% alarm raised and not yet cleared
	kick        chan struct{}
	stop        chan struct{}
	flusherEnd  chan struct{}

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
	// The lock is on the folder itself: a lock file inside it could be
	// deleted, and the next process would lock a new file of that name.
	lock, err := os.Open(opt.dir)
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
		headroom:   headroomFor(opt.maxBytes),
		authShare:  authShareFor(opt.maxBytes),
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
	s.refreshDisk()
	var st syscall.Statfs_t
	if syscall.Statfs(opt.dir, &st) == nil && int64(st.Blocks)*int64(st.Bsize) < opt.maxBytes {
		opt.log.Warn("audit spool cap is larger than its file system; the free-space check, not the cap, will defer mail",
			"max_bytes", opt.maxBytes, "filesystem_bytes", int64(st.Blocks)*int64(st.Bsize), "dir", opt.dir)
	}
	s.countDamaged()
	s.updateGauges()
	go s.flusher()
	return s, nil
}

// countDamaged sets the damaged-files gauge from the folder: unreadable
// segments and quarantined rows wait there for an operator.
func (s *spool) countDamaged() {
	ents, _ := os.ReadDir(s.opt.dir)
	n := 0
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), "unreadable-") || strings.HasPrefix(e.Name(), "quarantine-") {
			n++
		}
	}
	s.opt.m.damagedFiles.Set(float64(n))
}

// refreshDisk reads the file system's free space (for unprivileged
// users: root's reserved blocks do not count).
func (s *spool) refreshDisk() {
	var st syscall.Statfs_t
	if err := syscall.Statfs(s.opt.dir, &st); err != nil {
		// Unknown: let the spool cap alone decide; a write error still
		// stops the spool safely.
		s.diskAvail, s.diskAt = 1<<62, time.Now()
		return
	}
	s.diskAvail, s.diskAt = int64(st.Bavail)*int64(st.Bsize), time.Now()
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
	// err is assigned, not declared, in this block: a failed header
	// write must not leave a segment whose records sit 8 bytes off.
	if _, err = f.Write([]byte(segMagic)); err == nil {
		err = f.Sync()
	}
	if err == nil {
		err = syncDir(s.opt.dir) // the new name must survive a crash too
	}
	if err != nil {
		f.Close()
		os.Remove(path) // a segment without its header would be misread
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
	return s.appendWith(ctx, payload, admit{})
}

// appendWith is Append under the admission rules a says (see the space
// notes at the top of this file).
func (s *spool) appendWith(ctx context.Context, payload []byte, a admit) error {
	if len(payload) == 0 || len(payload) > maxRecord {
		s.unreserve(a.release)
		return fmt.Errorf("spool: record of %d bytes (limit %d)", len(payload), maxRecord)
	}
	n := int64(recHeaderSize + len(payload))
	s.mu.Lock()
	var err error
	switch {
	case s.closed:
		err = ErrClosed
	case s.err != nil:
		err = s.err
	default:
		err = s.admitLocked(n, a)
	}
	if err != nil {
		s.reserved -= a.release
		s.updateGauges()
		s.mu.Unlock()
		return err
	}
	var h [recHeaderSize]byte
	putHeader(h[:], payload)
	s.pending = append(append(s.pending, h[:]...), payload...)
	s.total += n
	s.unwritten += n
	s.reserved += a.reserve - a.release
	if a.auth {
		s.authBytes += n
		s.pendingAuth += n
	}
	g := s.gen
	s.updateGauges()
	s.mu.Unlock()

	select {
	case s.kick <- struct{}{}:
	default: // the flusher is already due to run
	}
	select {
	case <-g.done:
		if g.err != nil {
			s.unreserve(a.reserve)
		}
		return g.err
	case <-ctx.Done():
		if a.reserve > 0 {
			// The caller takes this as a refusal and will not use the
			// room it asked for: give it back once the group is done.
			go func() { <-g.done; s.unreserve(a.reserve) }()
		}
		return fmt.Errorf("spool: waiting for fsync: %w", ctx.Err())
	}
}

// admitLocked decides whether a record of n bytes may be written under a.
func (s *spool) admitLocked(n int64, a admit) error {
	if a.release > 0 {
		return nil // its intent was admitted with room for it
	}
	limit := s.opt.maxBytes
	slack := int64(diskSlack / 2)
	if a.reserve > 0 || a.auth {
		// Admissions and auth events stop short of the cap: the rest is
		// for records that nothing reserved.
		limit -= s.headroom
		slack = diskSlack
	}
	if s.total+s.reserved+n+a.reserve > limit {
		if a.auth {
			s.opt.m.authDropped.Inc()
		} else if a.reserve == 0 {
			s.opt.m.spoolFull.Inc()
		}
		return ErrSpoolFull
	}
	if a.auth && s.authBytes+n > s.authShare {
		s.opt.m.authDropped.Inc()
		return errAuthShare
	}
	if time.Since(s.diskAt) > diskStale {
		s.refreshDisk()
	}
	if s.diskAvail-s.unwritten-s.reserved < n+a.reserve+slack {
		if a.auth {
			s.opt.m.authDropped.Inc()
		} else if a.reserve == 0 {
			s.opt.m.spoolFull.Inc()
		}
		return ErrDiskFull
	}
	return nil
}

// unreserve gives back room set aside for a record that will not come.
func (s *spool) unreserve(n int64) {
	if n == 0 {
		return
	}
	s.mu.Lock()
	s.reserved -= n
	s.updateGauges()
	s.mu.Unlock()
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
		rotate := s.rotateReq && s.err == nil && !s.closed
		s.rotateReq = false
		s.mu.Unlock()
		if rotate {
			s.rotateShipped()
		}
		return
	}
	bufAuth := s.pendingAuth
	s.pendingAuth = 0
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
	s.unwritten -= int64(len(buf))
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
		s.authBytes -= bufAuth
	} else {
		active := s.segs[len(s.segs)-1]
		active.size += int64(len(buf))
		active.auth += bufAuth
		s.refreshDisk()
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
	// The new segment's header is durable: readers may move on to it
	// (and close the old one, which trimming may delete).
	s.durable = spos{active.seq + 1, segHeaderSize}
	close(s.durableCh)
	s.durableCh = make(chan struct{})
	s.trimLocked()
	return nil
}

// rotateShipped rotates the active segment when everything in it is
// shipped, so that trimming can delete it. Only the flusher calls it.
func (s *spool) rotateShipped() {
	s.mu.Lock()
	active := s.segs[len(s.segs)-1]
	done := s.acked == s.durable && s.durable.seg == active.seq && len(s.pending) == 0
	s.mu.Unlock()
	if !done {
		return
	}
	if err := s.rotate(); err != nil {
		s.mu.Lock()
		if s.err == nil {
			s.opt.log.Error("audit spool write failed; refusing further records", "err", err)
			s.err = err
		}
		s.mu.Unlock()
		return
	}
	s.mu.Lock()
	s.acked = s.durable // the new segment's start: nothing of it is unshipped
	close(s.ackedCh)
	s.ackedCh = make(chan struct{})
	s.trimLocked()
	s.updateGauges()
	s.mu.Unlock()
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
	// A fully shipped active segment is kept until it is worth a new file
	// (a quarter segment, at most 1 MiB), or at once when the disk is low.
	active := s.segs[len(s.segs)-1]
	if s.acked == s.durable && s.durable.seg == active.seq && active.size > segHeaderSize &&
		(active.size >= min(s.opt.segmentBytes/4, 1<<20) || s.diskAvail < 4*diskSlack) {
		s.rotateReq = true
		select {
		case s.kick <- struct{}{}:
		default:
		}
	}
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
		s.authBytes -= sg.auth
	}
	s.segs = keep
}

// updateGauges refreshes size metrics and raises or clears the 80% alarm.
func (s *spool) updateGauges() {
	used := s.total + s.reserved
	s.opt.m.spoolBytes.Set(float64(used))
	ratio := float64(used) / float64(s.opt.maxBytes)
	switch {
	case ratio >= 0.8 && !s.alarmed:
		s.alarmed = true
		s.opt.m.spoolAlarm.Set(1)
		s.opt.log.Error("audit spool above 80% of its cap: ClickHouse is not taking rows; at 100% the relay refuses mail with 452 4.3.1",
			"bytes", used, "max_bytes", s.opt.maxBytes, "dir", s.opt.dir)
	case ratio < 0.7 && s.alarmed: // hysteresis: no alarm flapping at the line
		s.alarmed = false
		s.opt.m.spoolAlarm.Set(0)
		s.opt.log.Warn("audit spool back below 70% of its cap", "bytes", used, "max_bytes", s.opt.maxBytes)
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
	fails  int // consecutive open/read failures in segment seg
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
			r.advance(nextSeg)
			continue
		}
		if r.off >= limit {
			if open || nextSeg == 0 {
				return nil, spos{}, false, nil
			}
			r.advance(nextSeg)
			continue
		}
		hdr, err := r.bytes(r.off, recHeaderSize, limit)
		if err != nil {
			if r.unreadable(open, err) {
				continue
			}
			return nil, spos{}, false, err
		}
		if hdr != nil {
			n := int64(binary.LittleEndian.Uint32(hdr[0:]))
			sum := binary.LittleEndian.Uint32(hdr[4:])
			if n > 0 && n <= maxRecord && r.off+recHeaderSize+n <= limit {
				p, err := r.bytes(r.off+recHeaderSize, int(n), limit)
				if err != nil {
					if r.unreadable(open, err) {
						continue
					}
					return nil, spos{}, false, err
				}
				r.fails = 0
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

// advance moves the reader to the start of segment seq and closes the file
// of the one it leaves: a deleted segment's space is freed only when no
// descriptor holds it.
func (r *spoolReader) advance(seq uint64) {
	r.close()
	r.seg, r.off, r.fails = seq, segHeaderSize, 0
}

// unreadable handles a segment that failed to open or read. A sealed
// segment that failed readTries times in a row is set aside (renamed,
// counted, alarmed) and reading goes on with the next one: one bad file
// must not stop every record after it. It reports whether the reader
// moved on. The active segment is this process's own open file and is
// never set aside.
func (r *spoolReader) unreadable(open bool, err error) bool {
	r.close()
	r.fails++
	if open || r.fails < readTries {
		return false
	}
	seq := r.seg
	next := r.s.setAside(seq, err)
	r.advance(next)
	return true
}

// setAside renames an unreadable sealed segment so that an operator finds
// it (and the next start does not trip over it), drops it from the spool,
// and returns the segment after it (0 if none).
func (s *spool) setAside(seq uint64, cause error) uint64 {
	name := segName(seq)
	kept := "unreadable-" + name
	if err := os.Rename(filepath.Join(s.opt.dir, name), filepath.Join(s.opt.dir, kept)); err != nil {
		kept = name // still skipped; it stays under its own name
	}
	s.mu.Lock()
	var next uint64
	keep := s.segs[:0]
	for i, sg := range s.segs {
		if sg.seq == seq {
			s.total -= sg.size
			s.authBytes -= sg.auth
			if i+1 < len(s.segs) {
				next = s.segs[i+1].seq
			}
			continue
		}
		keep = append(keep, sg)
	}
	s.segs = keep
	s.updateGauges()
	s.mu.Unlock()
	s.opt.m.unreadable.Inc()
	s.opt.m.damagedFiles.Inc()
	s.opt.log.Error("audit spool: segment cannot be read; skipped, its records are not shipped; kept for an operator",
		"file", filepath.Join(s.opt.dir, kept), "err", cause)
	return next
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
		if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
			f.Close()
			return nil, fmt.Errorf("spool: segment %s is not a regular file", segName(r.seg))
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

// usedBytes is the spool's one space figure (see the notes at the top).
func (s *spool) usedBytes() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.total + s.reserved
}
