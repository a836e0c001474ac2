package policy

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// vietnam is the agency's calendar: roster dates are Vietnamese calendar days.
// A fixed zone (UTC+7, no daylight saving since 1975) avoids depending on the
// host's tzdata; a function rather than a package variable keeps the package
// free of mutable globals.
func vietnam() *time.Location { return time.FixedZone("ICT", 7*60*60) }

// rosterColumns are the CSV columns, in the order the example ships them.
// active_to may be left out; any other column must be present.
func rosterColumns() []string {
	return []string{"staff_id", "full_name", "division", "city_address", "personal_addresses", "active_from", "active_to"}
}

// Staff is one roster entry: one person of the notice's "attached list".
type Staff struct {
	ID                string
	FullName          string    // NFC, as written in the roster
	Division          string    // NFC, single-spaced
	CityAddress       string    // normalized (normalizeAddress), as written otherwise
	PersonalAddresses []string  // normalized, as written otherwise
	ActiveFrom        time.Time // first day, 00:00 Asia/Ho_Chi_Minh
	ActiveTo          time.Time // last day (inclusive), 00:00 Asia/Ho_Chi_Minh; zero: still active
	Line              int       // line of the CSV the entry comes from
}

// ActiveAt reports whether t falls on a day between ActiveFrom and ActiveTo,
// both included, on the Vietnamese calendar.
func (s Staff) ActiveAt(t time.Time) bool {
	y, m, d := t.In(vietnam()).Date()
	day := time.Date(y, m, d, 0, 0, 0, 0, vietnam())
	if day.Before(s.ActiveFrom) {
		return false
	}
	return s.ActiveTo.IsZero() || !day.After(s.ActiveTo)
}

func (s Staff) clone() Staff {
	s.PersonalAddresses = slices.Clone(s.PersonalAddresses)
	return s
}

// Roster is a validated staff list. It is immutable once loaded, so an Engine
// can share it between sessions without locking; lookups hand out copies.
// A nil *Roster is an empty roster.
type Roster struct {
	staff  []Staff
	byAddr map[string]rosterAddr // by mailbox key (canonicalizer.key)
	byID   map[string]int
	canon  canonicalizer // the one that made byAddr's keys
}

type rosterAddr struct {
	idx      int
	personal bool
}

// Len returns the number of entries.
func (r *Roster) Len() int {
	if r == nil {
		return 0
	}
	return len(r.staff)
}

// ByAddress finds the entry whose city or personal address reaches the same
// mailbox as addr (any case, with or without angle brackets, a trailing root
// dot, a provider's variants such as Gmail's dots and "+tags").
func (r *Roster) ByAddress(addr string) (Staff, bool) {
	s, _, ok := r.lookup(normalizeAddress(addr))
	return s, ok
}

// ByID finds the entry with the given staff id.
func (r *Roster) ByID(id string) (Staff, bool) {
	if r == nil {
		return Staff{}, false
	}
	i, ok := r.byID[strings.TrimSpace(id)]
	if !ok {
		return Staff{}, false
	}
	return r.staff[i].clone(), true
}

// All returns every entry in file order.
func (r *Roster) All() []Staff {
	if r == nil {
		return nil
	}
	out := make([]Staff, len(r.staff))
	for i, s := range r.staff {
		out[i] = s.clone()
	}
	return out
}

// lookup takes a normalized address and also says whether it matched one of
// the entry's personal addresses. It keys addr with the canonicalizer the
// roster was loaded with, so load and lookup agree by construction.
func (r *Roster) lookup(addr string) (s Staff, personal, ok bool) {
	if r == nil || addr == "" {
		return Staff{}, false, false
	}
	a, ok := r.byAddr[r.canon.key(addr)]
	if !ok {
		return Staff{}, false, false
	}
	return r.staff[a.idx].clone(), a.personal, true
}

// maxRosterErrors bounds the report on a badly broken file (say, the wrong
// file given as roster): the first screenful is what an operator needs.
const maxRosterErrors = 20

// RosterError lists every problem found in a roster file, one per line, each
// as "file:line: problem".
type RosterError struct {
	Errs []error // *LineError values, in file order
}

func (e *RosterError) Error() string {
	var b strings.Builder
	for i, err := range e.Errs {
		if i > 0 {
			b.WriteByte('\n')
		}
		if i == maxRosterErrors {
			fmt.Fprintf(&b, "... and %d more", len(e.Errs)-i)
			break
		}
		b.WriteString(err.Error())
	}
	return b.String()
}

func (e *RosterError) Unwrap() []error { return e.Errs }

// LineError is one problem on one line of a roster file.
type LineError struct {
	File string
	Line int
	Msg  string
}

func (e *LineError) Error() string { return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg) }

// rosterRules is what validating a roster needs from the configuration.
type rosterRules struct {
	city      domainSet
	divisions []string      // normalized; empty: any division
	canon     canonicalizer // mailbox keys (the Engine's)
}

// loadRoster reads and validates the roster file at path.
func loadRoster(path string, rules rosterRules) (*Roster, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err // *PathError already names the file
	}
	defer f.Close()
	return parseRoster(f, path, rules)
}

// parseRoster validates the whole file and reports every bad line at once, so
// that an operator fixing a spreadsheet export does not have to reload once
// per mistake.
func parseRoster(r io.Reader, name string, rules rosterRules) (*Roster, error) {
	br := bufio.NewReader(r)
	// Excel's "CSV UTF-8" export starts with a byte order mark.
	if b, err := br.Peek(3); err == nil && bytes.Equal(b, []byte{0xEF, 0xBB, 0xBF}) {
		_, _ = br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1 // checked below, with a clearer message
	cr.Comment = '#'
	cr.TrimLeadingSpace = true

	var errs []error
	fail := func(line int, format string, args ...any) {
		errs = append(errs, &LineError{File: name, Line: line, Msg: fmt.Sprintf(format, args...)})
	}
	csvErr := func(err error) *RosterError {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			fail(pe.StartLine, "%v", pe.Err)
		} else {
			fail(0, "%v", err)
		}
		return &RosterError{Errs: errs}
	}

	header, err := cr.Read()
	if err == io.EOF {
		fail(1, "empty file: want the header %s", strings.Join(rosterColumns(), ","))
		return nil, &RosterError{Errs: errs}
	}
	if err != nil {
		return nil, csvErr(err)
	}
	headerLine, _ := cr.FieldPos(0)
	col := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		switch {
		case !slices.Contains(rosterColumns(), h):
			fail(headerLine, "unknown column %q (want %s)", h, strings.Join(rosterColumns(), ","))
		case col[h] != 0:
			fail(headerLine, "column %q appears twice", h)
		default:
			col[h] = i + 1 // 0 means absent
		}
	}
	for _, c := range rosterColumns() {
		if col[c] == 0 && c != "active_to" {
			fail(headerLine, "missing column %q", c)
		}
	}
	if len(errs) > 0 {
		return nil, &RosterError{Errs: errs}
	}

	ros := &Roster{byAddr: map[string]rosterAddr{}, byID: map[string]int{}, canon: rules.canon}
	// Ids and addresses are claimed even by rows with other errors, so that
	// one report lists the duplicates too.
	idLine := map[string]int{} // staff id -> line that listed it first
	type claimed struct {
		line int
		addr string // as that line wrote it (normalized)
	}
	addrLine := map[string]claimed{} // mailbox key -> first line that listed it
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, csvErr(err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != len(header) {
			fail(line, "%d fields, the header has %d", len(rec), len(header))
			continue
		}
		field := func(name string) string {
			if col[name] == 0 {
				return ""
			}
			return strings.TrimSpace(rec[col[name]-1])
		}
		bad := false
		for _, v := range rec {
			if !utf8.ValidString(v) {
				fail(line, "not valid UTF-8 (save the file as \"CSV UTF-8\")")
				bad = true
				break
			}
			if strings.ContainsFunc(v, unicode.IsControl) {
				fail(line, "control character in %q", v)
				bad = true
				break
			}
		}
		if bad {
			continue
		}
		before := len(errs)
		s := Staff{
			ID:       field("staff_id"),
			FullName: normalizeName(field("full_name")),
			Division: normalizeName(field("division")),
			Line:     line,
		}
		if s.ID == "" {
			fail(line, "staff_id: empty")
		} else if first, dup := idLine[s.ID]; dup {
			fail(line, "staff_id %q: duplicate of line %d", s.ID, first)
		} else {
			idLine[s.ID] = line
		}
		if s.FullName == "" {
			fail(line, "full_name: empty")
		}
		switch {
		case s.Division == "":
			fail(line, "division: empty")
		case len(rules.divisions) > 0 && !slices.Contains(rules.divisions, s.Division):
			fail(line, "division %q: not one of policy.divisions (%s)", s.Division, strings.Join(rules.divisions, "; "))
		}

		// A mailbox may belong to one person only: a shared one would
		// attribute one person's mail to another in the quarterly figures.
		// Two spellings of one mailbox (Gmail's dots) are one mailbox.
		claim := func(kind, a string) bool {
			k := rules.canon.key(a)
			if first, dup := addrLine[k]; dup {
				if first.addr == a {
					fail(line, "%s %q: already listed on line %d", kind, a, first.line)
				} else {
					fail(line, "%s %q: the same mailbox as %q on line %d", kind, a, first.addr, first.line)
				}
				return false
			}
			addrLine[k] = claimed{line, a}
			return true
		}
		raw := field("city_address")
		s.CityAddress = normalizeAddress(raw)
		switch {
		case raw == "":
			fail(line, "city address: empty")
		case checkAddress(s.CityAddress) != nil:
			fail(line, "city address %q: %v", raw, errNotAddress)
		case !rules.city.match(domainOf(s.CityAddress)):
			fail(line, "city address %q: not in a city domain (%s)", raw, strings.Join(rules.city, ", "))
		default:
			claim("city address", s.CityAddress)
		}
		for _, raw := range strings.Split(field("personal_addresses"), ";") {
			raw = strings.TrimSpace(raw)
			if raw == "" {
				continue
			}
			a := normalizeAddress(raw)
			switch {
			case checkAddress(a) != nil:
				fail(line, "personal address %q: %v", raw, errNotAddress)
			case rules.city.match(domainOf(a)):
				fail(line, "personal address %q: in a city domain; a person has one city_address", raw)
			case claim("personal address", a):
				s.PersonalAddresses = append(s.PersonalAddresses, a)
			}
		}
		s.ActiveFrom = parseDay(field("active_from"), "active_from", true, line, fail)
		s.ActiveTo = parseDay(field("active_to"), "active_to", false, line, fail)
		if !s.ActiveFrom.IsZero() && !s.ActiveTo.IsZero() && s.ActiveTo.Before(s.ActiveFrom) {
			fail(line, "active_to %s: before active_from %s", field("active_to"), field("active_from"))
		}
		if len(errs) > before {
			continue
		}
		i := len(ros.staff)
		ros.staff = append(ros.staff, s)
		ros.byID[s.ID] = i
		ros.byAddr[rules.canon.key(s.CityAddress)] = rosterAddr{idx: i}
		for _, a := range s.PersonalAddresses {
			ros.byAddr[rules.canon.key(a)] = rosterAddr{idx: i, personal: true}
		}
	}
	if len(errs) > 0 {
		return nil, &RosterError{Errs: errs}
	}
	if len(ros.staff) == 0 {
		// A header-only file is most likely a truncated export; accepting it
		// on reload would mark every sender unknown.
		fail(headerLine, "no staff entries")
		return nil, &RosterError{Errs: errs}
	}
	return ros, nil
}

// parseDay parses a YYYY-MM-DD roster date as the start of that Vietnamese
// calendar day.
func parseDay(v, key string, required bool, line int, fail func(int, string, ...any)) time.Time {
	if v == "" {
		if required {
			fail(line, "%s: empty (want YYYY-MM-DD)", key)
		}
		return time.Time{}
	}
	t, err := time.ParseInLocation(time.DateOnly, v, vietnam())
	if err != nil {
		fail(line, "%s %s: not a date (want YYYY-MM-DD)", key, strconv.Quote(v))
		return time.Time{}
	}
	return t
}
