package classify

import (
	"slices"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// foldTableSize covers Latin, Latin Extended and the Vietnamese block
// (U+1EA0–U+1EFF); runes above it fold through unicode.ToLower.
const foldTableSize = 0x1F00

// runeInfo is what the fold and the case test need to know about a rune,
// looked up in one table load instead of the unicode package's range
// searches (unicode.IsLower/IsUpper/Is(Mn) were a tenth of the line scan).
type runeInfo struct {
	// fold is the lower-case ASCII letter the rune is built on (á, Ắ, ơ →
	// a, a, o; đ/Đ → d), the digit itself, 0 for a combining mark
	// (dropped: NFD input folds like NFC input without normalising first)
	// and ' ' for anything else. Letters outside ASCII without a Latin base
	// are 1 ("keep lower-cased").
	fold byte
	// cls is the rune's letter case as letterCase counts it: 0 for
	// anything unicode.IsLower and unicode.IsUpper both reject, caseLetter
	// for upper case, caseLetter|caseLower for lower case.
	cls byte
}

const (
	caseLetter = 1 << iota // unicode.IsUpper or unicode.IsLower
	caseLower              // unicode.IsLower
)

// runeTable holds runeInfo for every rune below foldTableSize. It is
// computed once at package init and only read afterwards.
// (An array, not a pointer to one: the loops index it at a fixed address.)
var runeTable [foldTableSize]runeInfo

func init() {
	for r := rune(0); r < foldTableSize; r++ {
		runeTable[r] = slowRuneInfo(r)
	}
}

// slowRuneInfo computes a rune's runeInfo with the unicode package: for
// building runeTable and for the rare runes above it.
// infoOf is r's runeInfo: from the table, or worked out above it.
func infoOf(r rune) runeInfo {
	if r < foldTableSize {
		return runeTable[r]
	}
	return slowRuneInfo(r)
}

func slowRuneInfo(r rune) runeInfo {
	var e runeInfo
	switch {
	case unicode.IsLower(r):
		e.cls = caseLetter | caseLower
	case unicode.IsUpper(r):
		e.cls = caseLetter
	}
	switch {
	case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
		e.fold = byte(r)
	case r >= 'A' && r <= 'Z':
		e.fold = byte(r) + 'a' - 'A'
	case r == 'đ' || r == 'Đ' || r == 'ð' || r == 'Ð':
		// đ is not a combining mark: NFD leaves it alone.
		e.fold = 'd'
	case unicode.Is(unicode.Mn, r):
		e.fold = 0
	case unicode.IsLetter(r):
		e.fold = 1
		if r < foldTableSize {
			// Above the table letters are kept lower-cased, as before the
			// table existed: only the Latin range is decomposed.
			d := norm.NFD.String(string(r))
			if b := d[0]; b < utf8.RuneSelf && unicode.IsLetter(rune(b)) {
				e.fold = byte(unicode.ToLower(rune(b)))
			}
		}
	default:
		e.fold = ' '
	}
	return e
}

// appendFold appends the unaccented lower-case fold of s to dst: every
// letter becomes its ASCII base letter, combining marks vanish, anything
// that is neither letter nor digit becomes one space (runs collapse), so
// "Hòa", "Hoà", "HOA" and NFD "Hoa\u0300" all fold to "hoa". Old and new
// tone placement therefore fold alike without a separate rule.
func appendFold(dst []byte, s string) []byte {
	dst, _, _ = appendFoldCase(dst, s)
	return dst
}

// appendFoldCase is appendFold that also returns letterCase(s). The line
// scan needs both for every line; one pass decodes each rune once.
func appendFoldCase(dst []byte, s string) (out []byte, letters int, upper bool) {
	var lower byte // caseLower once a lower-case letter is seen
	space := len(dst) == 0 || dst[len(dst)-1] == ' '
	for i := 0; i < len(s); {
		// The fast loop takes the runes whose fold is at most one byte
		// from the table, which is nearly all of them, writing into spare
		// capacity: with no call inside, the compiler keeps its state in
		// registers. Anything else goes to foldRune, one rune at a time.
		dst = slices.Grow(dst, len(s)-i)
		n, buf := len(dst), dst[:cap(dst)]
	fast:
		for i < len(s) {
			// fold and cls of the rune, as scalars: a runeInfo variable
			// went through the stack.
			var e *runeInfo
			k := 1
			switch c := s[i]; {
			case c < utf8.RuneSelf:
				e = &runeTable[c]
			case c >= 0xC2 && c < 0xE0 && i+1 < len(s) && s[i+1]&0xC0 == 0x80:
				e = &runeTable[rune(c&0x1F)<<6|rune(s[i+1]&0x3F)] // below U+0800: in the table
				k = 2
			case c >= 0xE1 && c <= 0xEC && i+2 < len(s) && s[i+1]&0xC0 == 0x80 && s[i+2]&0xC0 == 0x80:
				r := rune(c&0x0F)<<12 | rune(s[i+1]&0x3F)<<6 | rune(s[i+2]&0x3F)
				if r >= foldTableSize {
					break fast
				}
				e = &runeTable[r]
				k = 3
			default:
				break fast
			}
			fold, cls := e.fold, e.cls
			if fold == 1 {
				break
			}
			i += k
			letters += int(cls & caseLetter)
			lower |= cls
			switch {
			case fold > ' ': // letter or digit, the common case
				buf[n] = fold
				n++
				space = false
			case fold == ' ':
				if !space {
					buf[n] = ' '
					n++
					space = true
				}
			}
			// 0: a combining mark, dropped.
		}
		dst = buf[:n]
		if i < len(s) {
			var e runeInfo
			var k int
			dst, e, k, space = foldRune(dst, s[i:], space)
			i += k
			letters += int(e.cls & caseLetter)
			lower |= e.cls
		}
	}
	return dst, letters, lower&caseLower == 0
}

// foldRune folds the first rune of s onto dst for appendFoldCase's rare
// cases (letters without a Latin base, runes above the table, malformed
// bytes) and returns the rune's info, its length and the new space state
// (dst ends in a collapsed space).
func foldRune(dst []byte, s string, space bool) ([]byte, runeInfo, int, bool) {
	r, k := utf8.DecodeRuneInString(s)
	e := infoOf(r)
	switch {
	case e.fold == 1:
		dst = utf8.AppendRune(dst, unicode.ToLower(r))
		space = false
	case e.fold == ' ':
		if !space {
			dst = append(dst, ' ')
			space = true
		}
	case e.fold > ' ':
		dst = append(dst, e.fold)
		space = false
	}
	return dst, e, k, space
}

// decodeRune is utf8.DecodeRuneInString(s[i:]) with the two- and
// three-byte forms of Latin and Vietnamese letters (U+0080–U+07FF,
// U+1000–U+CFFF) decoded inline. Lead bytes E0 and ED, which have
// restricted second bytes, and all other forms go to the library. (Too
// large for the compiler to inline: appendFoldCase repeats it.)
func decodeRune(s string, i int) (rune, int) {
	c := s[i]
	switch {
	case c >= 0xC2 && c < 0xE0 && i+1 < len(s) && s[i+1]&0xC0 == 0x80:
		return rune(c&0x1F)<<6 | rune(s[i+1]&0x3F), 2
	case c >= 0xE1 && c <= 0xEC && i+2 < len(s) && s[i+1]&0xC0 == 0x80 && s[i+2]&0xC0 == 0x80:
		return rune(c&0x0F)<<12 | rune(s[i+1]&0x3F)<<6 | rune(s[i+2]&0x3F), 3
	}
	return utf8.DecodeRuneInString(s[i:])
}

// foldString is appendFold for callers off the hot path.
func foldString(s string) string {
	b := appendFold(nil, s)
	for len(b) > 0 && b[len(b)-1] == ' ' {
		b = b[:len(b)-1]
	}
	return string(b)
}

// letterCase reports how many letters s has and whether all of them are
// upper case (as unicode.IsLower and unicode.IsUpper tell them). Headings
// and stamps of ND 30 documents are set in capitals; this tells them apart
// from the same words in prose.
func letterCase(s string) (letters int, upper bool) {
	var lower byte
	for i := 0; i < len(s); {
		var e runeInfo
		if c := s[i]; c < utf8.RuneSelf {
			e = runeTable[c]
			i++
		} else {
			r, n := decodeRune(s, i)
			i += n
			e = infoOf(r)
		}
		letters += int(e.cls & caseLetter)
		lower |= e.cls
	}
	return letters, lower&caseLower == 0
}

// nfc normalises s to NFC only when it needs it (most text is NFC already).
func nfc(s string) string {
	if !hasCombining(s) {
		return s
	}
	return norm.NFC.String(s)
}

// toneKey maps the accented upper/lower-case text of a mark to a key that
// keeps the diacritics (MẬT ≠ MẶT ≠ MẤT) but ignores case and old/new tone
// placement: "HOẢ TỐC" and "hỏa tốc" give the same key. It strips the tone
// from the whole word and appends it once, so the position does not matter.
func toneKey(s string) string {
	d := norm.NFD.String(s)
	out := make([]byte, 0, len(d))
	var tone rune
	flush := func() {
		if tone != 0 {
			out = utf8.AppendRune(out, tone)
			tone = 0
		}
	}
	for _, r := range d {
		switch r {
		case 0x0300, 0x0301, 0x0303, 0x0309, 0x0323: // the five tones
			tone = r
			continue
		}
		if unicode.IsLetter(r) || unicode.Is(unicode.Mn, r) {
			out = utf8.AppendRune(out, unicode.ToLower(r))
			continue
		}
		flush()
		if unicode.IsDigit(r) {
			out = utf8.AppendRune(out, r)
		} else if len(out) > 0 && out[len(out)-1] != ' ' {
			out = append(out, ' ')
		}
	}
	flush()
	for len(out) > 0 && out[len(out)-1] == ' ' {
		out = out[:len(out)-1]
	}
	return string(out)
}
