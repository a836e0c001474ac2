package audit

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/google/uuid"
)

// Spool payload encoding. A hand-written binary form: about a third of the
// size of JSON and an order of magnitude cheaper to produce, which matters
// because encoding runs on the relay's reply path.
//
//	payload = kind(1) version(1) day(uvarint) fields...
//
// kind is kindEvent or kindAuth; day is the `date` column (days since
// 1970-01-01 in the configured zone), fixed when the event is spooled so
// that a replay after a zone change still finds the original row. Strings
// are uvarint length + bytes, ints zig-zag varints, floats 8 bytes
// little-endian, time Unix nanoseconds (varint), lists uvarint count +
// items, booleans one byte. Fields follow the declaration order in
// event.go.
//
// Evolving it: add a field at the end and bump the version; the decoder
// keeps reading older versions (missing fields stay zero). Never reorder.
const (
	kindEvent   = 1
	kindAuth    = 2
	kindMailbox = 3 // MailboxSession (mailbox.go)

	eventVersion   = 1
	authVersion    = 3 // 2 added Attempts, 3 Service
	mailboxVersion = 1
)

var errShort = errors.New("truncated payload")

type enc struct{ b []byte }

func (e *enc) byte1(v byte)     { e.b = append(e.b, v) }
func (e *enc) uvarint(v uint64) { e.b = binary.AppendUvarint(e.b, v) }
func (e *enc) varint(v int64)   { e.b = binary.AppendVarint(e.b, v) }
func (e *enc) str(s string)     { e.uvarint(uint64(len(s))); e.b = append(e.b, s...) }
func (e *enc) f64(f float64)    { e.b = binary.LittleEndian.AppendUint64(e.b, math.Float64bits(f)) }
func (e *enc) strs(l []string) {
	e.uvarint(uint64(len(l)))
	for _, s := range l {
		e.str(s)
	}
}
func (e *enc) ints(l []int64) {
	e.uvarint(uint64(len(l)))
	for _, v := range l {
		e.varint(v)
	}
}
func (e *enc) bool1(v bool) {
	if v {
		e.byte1(1)
	} else {
		e.byte1(0)
	}
}
func (e *enc) time(t time.Time) { e.varint(t.UnixNano()) }

// appendEvent appends the payload of ev (spooled for day) to b.
func appendEvent(b []byte, ev *Event, day uint32) []byte {
	e := enc{b}
	e.byte1(kindEvent)
	e.byte1(eventVersion)
	e.uvarint(uint64(day))
	e.b = append(e.b, ev.EventID[:]...)
	e.time(ev.Time)
	e.str(ev.Instance)
	e.str(ev.ClientIP)
	e.str(ev.TLSVersion)
	e.str(ev.AuthUser)
	e.str(ev.Route)
	e.str(ev.Upstream)
	e.str(ev.MailFrom)
	e.strs(ev.RcptTo)
	e.strs(ev.RcptDomain)
	e.str(ev.HeaderFrom)
	e.strs(ev.HeaderTo)
	e.strs(ev.HeaderCc)
	e.str(ev.Subject)
	e.str(ev.MessageID)
	e.varint(ev.Size)
	e.strs(ev.AttachNames)
	e.strs(ev.AttachTypes)
	e.ints(ev.AttachSizes)
	e.strs(ev.AttachKinds)
	e.str(ev.Type)
	e.f64(ev.Confidence)
	e.str(ev.Secrecy)
	e.str(ev.Urgency)
	e.str(ev.Audience)
	e.str(ev.DocNumber)
	e.bool1(ev.Mandated)
	e.strs(ev.Signals)
	e.strs(ev.Flags)
	e.str(ev.Action)
	e.varint(int64(ev.UpstreamCode))
	e.str(ev.UpstreamText)
	e.f64(ev.ClassifyMS)
	e.f64(ev.UpstreamMS)
	e.str(ev.StaffID)
	e.str(ev.Division)
	e.strs(ev.Errors)
	return e.b
}

// appendAuth appends the payload of ev (spooled for day) to b.
func appendAuth(b []byte, ev *AuthEvent, day uint32) []byte {
	e := enc{b}
	e.byte1(kindAuth)
	e.byte1(authVersion)
	e.uvarint(uint64(day))
	e.b = append(e.b, ev.EventID[:]...)
	e.time(ev.Time)
	e.str(ev.Instance)
	e.str(ev.User)
	e.str(ev.ClientIP)
	e.str(ev.Mechanism)
	e.str(ev.Result)
	e.varint(int64(ev.UpstreamCode))
	e.bool1(ev.WeakPassword)
	e.uvarint(uint64(max(ev.Attempts, 1)))
	e.str(ev.Service)
	return e.b
}

// dec reads a payload; the first error sticks and later reads return zero
// values, so decoders check err once at the end.
//
// Strings are cut from s, one copy of the whole payload, rather than copied
// one by one: a record has some 30 of them, and a backlog replay decodes
// tens of thousands of records per batch, so this saves most of the
// decoder's allocations (and the garbage collector's work). They keep the
// record's copy alive, which lives as long as the decoded record anyway.
type dec struct {
	b   []byte
	s   string // the payload b started as, as a string
	n   int    // len(s)
	err error
}

func (d *dec) fail() {
	if d.err == nil {
		d.err = errShort
	}
	d.b = nil
}

func (d *dec) byte1() byte {
	if len(d.b) < 1 {
		d.fail()
		return 0
	}
	v := d.b[0]
	d.b = d.b[1:]
	return v
}

func (d *dec) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *dec) varint() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *dec) str() string {
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.fail()
		return ""
	}
	at := d.n - len(d.b)
	d.b = d.b[n:]
	return d.s[at : at+int(n)]
}

// count reads a list length and rejects one that the remaining bytes
// cannot hold (each item takes at least one byte), so a corrupt length
// cannot make us allocate gigabytes.
func (d *dec) count() int {
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.fail()
		return 0
	}
	return int(n)
}

func (d *dec) strs() []string {
	n := d.count()
	if n == 0 {
		return nil
	}
	l := make([]string, n)
	for i := range l {
		l[i] = d.str()
	}
	return l
}

func (d *dec) ints() []int64 {
	n := d.count()
	if n == 0 {
		return nil
	}
	l := make([]int64, n)
	for i := range l {
		l[i] = d.varint()
	}
	return l
}

func (d *dec) f64() float64 {
	if len(d.b) < 8 {
		d.fail()
		return 0
	}
	v := math.Float64frombits(binary.LittleEndian.Uint64(d.b))
	d.b = d.b[8:]
	return v
}

func (d *dec) bool1() bool { return d.byte1() != 0 }

func (d *dec) uuid() (u uuid.UUID) {
	if len(d.b) < 16 {
		d.fail()
		return u
	}
	copy(u[:], d.b)
	d.b = d.b[16:]
	return u
}

func (d *dec) time() time.Time { return time.Unix(0, d.varint()).UTC() }

// record is one decoded spool payload: exactly one of ev, auth and box is set.
type record struct {
	day  uint32
	ev   *Event
	auth *AuthEvent
	box  *MailboxSession
}

func decodeRecord(p []byte) (record, error) {
	d := dec{b: p, s: string(p), n: len(p)}
	kind, version := d.byte1(), d.byte1()
	r := record{day: uint32(d.uvarint())}
	switch {
	case kind == kindEvent && version == 1:
		ev := &Event{}
		ev.EventID = d.uuid()
		ev.Time = d.time()
		ev.Instance = d.str()
		ev.ClientIP = d.str()
		ev.TLSVersion = d.str()
		ev.AuthUser = d.str()
		ev.Route = d.str()
		ev.Upstream = d.str()
		ev.MailFrom = d.str()
		ev.RcptTo = d.strs()
		ev.RcptDomain = d.strs()
		ev.HeaderFrom = d.str()
		ev.HeaderTo = d.strs()
		ev.HeaderCc = d.strs()
		ev.Subject = d.str()
		ev.MessageID = d.str()
		ev.Size = d.varint()
		ev.AttachNames = d.strs()
		ev.AttachTypes = d.strs()
		ev.AttachSizes = d.ints()
		ev.AttachKinds = d.strs()
		ev.Type = d.str()
		ev.Confidence = d.f64()
		ev.Secrecy = d.str()
		ev.Urgency = d.str()
		ev.Audience = d.str()
		ev.DocNumber = d.str()
		ev.Mandated = d.bool1()
		ev.Signals = d.strs()
		ev.Flags = d.strs()
		ev.Action = d.str()
		ev.UpstreamCode = int(d.varint())
		ev.UpstreamText = d.str()
		ev.ClassifyMS = d.f64()
		ev.UpstreamMS = d.f64()
		ev.StaffID = d.str()
		ev.Division = d.str()
		ev.Errors = d.strs()
		r.ev = ev
	case kind == kindAuth && version >= 1 && version <= authVersion:
		ev := &AuthEvent{}
		ev.EventID = d.uuid()
		ev.Time = d.time()
		ev.Instance = d.str()
		ev.User = d.str()
		ev.ClientIP = d.str()
		ev.Mechanism = d.str()
		ev.Result = d.str()
		ev.UpstreamCode = int(d.varint())
		ev.WeakPassword = d.bool1()
		ev.Attempts = 1
		if version >= 2 {
			ev.Attempts = int(d.uvarint())
		}
		if version >= 3 {
			ev.Service = d.str()
		}
		r.auth = ev
	case kind == kindMailbox && version == 1:
		r.box = decodeMailbox(&d)
	default:
		if d.err != nil {
			return record{}, d.err
		}
		return record{}, fmt.Errorf("unknown record kind %d version %d", kind, version)
	}
	if d.err != nil {
		return record{}, d.err
	}
	if len(d.b) != 0 {
		return record{}, fmt.Errorf("%d trailing bytes", len(d.b))
	}
	return r, nil
}

// dayOf is the `date` column for t in loc: days since 1970-01-01.
func dayOf(t time.Time, loc *time.Location) uint32 {
	y, m, d := t.In(loc).Date()
	days := time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
	return uint32(min(max(days, 0), math.MaxUint16)) // Date's range
}

// dayTime turns a day number back into the midnight-UTC time.Time that the
// driver writes as that Date.
func dayTime(day uint32) time.Time { return time.Unix(int64(day)*86400, 0).UTC() }
