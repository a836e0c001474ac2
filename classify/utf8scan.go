package classify

import (
	"bytes"
	"math/bits"
	"strings"
	"unicode/utf8"
)

// textStats is what the text path needs to know about a part's bytes:
// whether they are valid UTF-8 and, if so, how many runes they hold and
// whether they hold a combining mark (U+0300–U+036F: NFC work needed).
// Reading a part used to find these with utf8.Valid, a byte loop and
// utf8.RuneCountInString, which decodes rune by rune: three walks that
// took a quarter of the cost of a plain-text message. scanUTF8 validates
// and counts in one pass (utf8Runes) and looks for marks vectorised.
type textStats struct {
	valid     bool
	runes     int
	combining bool
}

// scanUTF8 computes the textStats of b; runes and combining are zero when
// b is not valid UTF-8.
func scanUTF8(b []byte) textStats {
	runes, ok := utf8Runes(b)
	if !ok {
		return textStats{}
	}
	return textStats{
		valid: true,
		runes: runes,
		// U+0300–U+036F are the runes with lead byte CC or CD, which never
		// occur as continuation bytes.
		combining: bytes.IndexByte(b, 0xCC) >= 0 || bytes.IndexByte(b, 0xCD) >= 0,
	}
}

// runeCount is utf8.RuneCountInString, which decodes rune by rune; valid
// text (the usual case) is counted by utf8Runes instead.
func runeCount(s string) int {
	if n, ok := utf8Runes(s); ok {
		return n
	}
	return utf8.RuneCountInString(s)
}

// hasCombining reports whether s holds a combining mark (NFD input or
// windows-1258 decomposed tones), the only case NFC work is needed for.
func hasCombining(s string) bool {
	// U+0300–U+036F encode as CC 80–CD AF. IndexByte is vectorised: two
	// searches beat one byte-by-byte loop.
	return strings.IndexByte(s, 0xCC) >= 0 || strings.IndexByte(s, 0xCD) >= 0
}

// utf8Runes reports whether b is valid UTF-8, exactly as utf8.Valid, and
// if so how many runes it holds.
//
// utf8.Valid skips runs of eight ASCII bytes and decodes the rest
// sequence by sequence, with branches that text mixing one- to three-byte
// letters in short runs mispredicts: the UTF-8 check was a tenth of a
// plain-text message's cost. This runs a DFA over every byte without
// branches: each state is a shift amount (a multiple of 6) and one table
// row per byte value holds the next state of every state, so a step is a
// load that does not depend on the state, a shift and a mask. Words of
// ASCII between sequences are still skipped (long ASCII runs go slower
// than with utf8.Valid, which skips four words at a time, but at a
// fraction of a nanosecond a byte).
//
// In valid UTF-8 every rune has exactly one byte that is not a
// continuation byte (10xxxxxx), so the count is the length less those,
// counted a word at a time where the DFA runs.
func utf8Runes[T string | []byte](b T) (runes int, ok bool) {
	const hi = 0x8080808080808080
	st := uint64(dfaAccept)
	cont := 0
	i := 0
	for ; i+8 <= len(b); i += 8 {
		w := b[i : i+8]
		x := load64(w)
		if st == dfaAccept && x&hi == 0 {
			continue // ASCII between sequences
		}
		cont += bits.OnesCount64(x &^ (x << 1) & hi) // bit 7 set, bit 6 clear
		st = utf8DFA[w[0]] >> st & 63
		st = utf8DFA[w[1]] >> st & 63
		st = utf8DFA[w[2]] >> st & 63
		st = utf8DFA[w[3]] >> st & 63
		st = utf8DFA[w[4]] >> st & 63
		st = utf8DFA[w[5]] >> st & 63
		st = utf8DFA[w[6]] >> st & 63
		st = utf8DFA[w[7]] >> st & 63
	}
	for ; i < len(b); i++ {
		st = utf8DFA[b[i]] >> st & 63
		if b[i]&0xC0 == 0x80 {
			cont++
		}
	}
	return len(b) - cont, st == dfaAccept
}

// load64 reads the eight bytes of w as a little-endian word (the compiler
// merges the byte loads into one).
func load64[T string | []byte](w T) uint64 {
	w = w[:8]
	return uint64(w[0]) | uint64(w[1])<<8 | uint64(w[2])<<16 | uint64(w[3])<<24 |
		uint64(w[4])<<32 | uint64(w[5])<<40 | uint64(w[6])<<48 | uint64(w[7])<<56
}

// The states of utf8Runes's DFA, as shift amounts. dfaError is 0: every
// row holds 0 in its low six bits, so the error state is absorbing.
const (
	dfaError  = 6 * iota // invalid input seen
	dfaAccept            // between sequences
	dfaCont1             // one more continuation byte (80–BF) to come
	dfaCont2             // two more
	dfaCont3             // three more
	dfaE0                // after E0: A0–BF, then one more (no overlong forms)
	dfaED                // after ED: 80–9F, then one more (no surrogates)
	dfaF0                // after F0: 90–BF, then two more (no overlong forms)
	dfaF4                // after F4: 80–8F, then two more (nothing past U+10FFFF)
	dfaStates
)

// The next state of every state must fit in a table row.
const _ = uint(64 - dfaStates)

// utf8DFA[c] holds, at bit s of each state s, the state that byte c leads
// to from s. These are the well-formed sequences of RFC 3629 (Table 3-7 of
// the Unicode standard), exactly what utf8.Valid accepts.
var utf8DFA = func() (t [256]uint64) {
	for c := 0; c < 256; c++ {
		next := func(s int) int {
			in := func(lo, hi int) bool { return c >= lo && c <= hi }
			switch s {
			case dfaAccept:
				switch {
				case c < 0x80:
					return dfaAccept
				case in(0xC2, 0xDF):
					return dfaCont1
				case c == 0xE0:
					return dfaE0
				case c == 0xED:
					return dfaED
				case in(0xE1, 0xEF):
					return dfaCont2
				case c == 0xF0:
					return dfaF0
				case c == 0xF4:
					return dfaF4
				case in(0xF1, 0xF3):
					return dfaCont3
				}
			case dfaCont1:
				if in(0x80, 0xBF) {
					return dfaAccept
				}
			case dfaCont2, dfaE0, dfaED:
				lo, hi := 0x80, 0xBF
				if s == dfaE0 {
					lo = 0xA0
				} else if s == dfaED {
					hi = 0x9F
				}
				if in(lo, hi) {
					return dfaCont1
				}
			case dfaCont3, dfaF0, dfaF4:
				lo, hi := 0x80, 0xBF
				if s == dfaF0 {
					lo = 0x90
				} else if s == dfaF4 {
					hi = 0x8F
				}
				if in(lo, hi) {
					return dfaCont2
				}
			}
			return dfaError
		}
		for s := 0; s < dfaStates; s += 6 {
			t[c] |= uint64(next(s)) << s
		}
	}
	return t
}()
