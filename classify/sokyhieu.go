package classify

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// SoKyHieu is a parsed số ký hiệu (document number and symbol) of
// Nghị định 30/2020/NĐ-CP: "15/TB-TTTL", "1434/SVHTT-VP" (an official
// letter: issuer first), "30/2020/NĐ-CP" (normative, with year) or the
// Party form "05-TB/CB".
type SoKyHieu struct {
	Number   string   // "15"
	Year     string   // "2020" for normative documents, else ""
	Segments []string // code segments: ["TB", "TTTL"]
	Party    bool     // Party numbering N-XX/YY
	Text     string   // normalised, spaces removed: "15/TB-TTTL"
}

// Code returns the first code segment: the type abbreviation, or for an
// official letter, the issuer.
func (s SoKyHieu) Code() string {
	if len(s.Segments) == 0 {
		return ""
	}
	return s.Segments[0]
}

// ParseSoKyHieu parses a số ký hiệu at the start of s (leading spaces
// allowed) and returns it with the number of bytes consumed. It accepts the
// spacing real documents have ("15 /TB-TTTL", "15/ TB - TTTL").
func ParseSoKyHieu(s string) (SoKyHieu, int, bool) {
	var k SoKyHieu
	i := skipSpaces(s, 0)
	start := i
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == start || i-start > 6 {
		return k, 0, false
	}
	k.Number = s[start:i]
	j := skipSpaces(s, i)
	if j >= len(s) {
		return k, 0, false
	}
	switch s[j] {
	case '/':
		i = skipSpaces(s, j+1)
		// Normative documents and contracts: N/YYYY/XX-YY, spaced as
		// typists space it ("20/2024 /HĐ-TTTL").
		if y := i; y+4 < len(s) && allDigits(s[y:y+4]) {
			if p := skipSpaces(s, y+4); p < len(s) && s[p] == '/' {
				k.Year = s[y : y+4]
				i = skipSpaces(s, p+1)
			}
		}
		segs, n := scanCodeSegments(s[i:], '-')
		if len(segs) < 2 {
			// "Số: 12/UBND" alone happens on letters of small bodies.
			if len(segs) == 1 && isUpperCode(segs[0]) && len(segs[0]) >= 3 {
				k.Segments = segs
				i += n
				break
			}
			return k, 0, false
		}
		k.Segments = segs
		i += n
	case '-':
		// Party form: N-XX/YY (Quy định 66-QĐ/TW style).
		i = skipSpaces(s, j+1)
		segs, n := scanCodeSegments(s[i:], '-')
		if len(segs) != 1 {
			return k, 0, false
		}
		i += n
		p := skipSpaces(s, i)
		if p >= len(s) || s[p] != '/' {
			return k, 0, false
		}
		p = skipSpaces(s, p+1)
		units, m := scanCodeSegments(s[p:], '-')
		if len(units) == 0 {
			return k, 0, false
		}
		k.Party = true
		k.Segments = append(segs, units...)
		i = p + m
	default:
		return k, 0, false
	}
	if !codeShape(k.Segments) {
		return k, 0, false
	}
	var b strings.Builder
	b.WriteString(k.Number)
	if k.Party {
		b.WriteByte('-')
		b.WriteString(k.Segments[0])
		b.WriteByte('/')
		b.WriteString(strings.Join(k.Segments[1:], "-"))
	} else {
		b.WriteByte('/')
		if k.Year != "" {
			b.WriteString(k.Year)
			b.WriteByte('/')
		}
		b.WriteString(strings.Join(k.Segments, "-"))
	}
	k.Text = b.String()
	return k, i, true
}

// scanCodeSegments reads letter/digit segments joined by sep, allowing
// spaces around the separator. It stops at anything else.
func scanCodeSegments(s string, sep byte) ([]string, int) {
	var segs []string
	i := 0
	spaced := false // the last separator had spaces around it
	sepAt := 0      // where the last segment ended, before its separator
	for {
		start := i
		for i < len(s) {
			r, n := utf8.DecodeRuneInString(s[i:])
			if !(unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)) {
				break
			}
			i += n
		}
		if i == start || i-start > 24 {
			if i-start > 24 {
				return nil, 0
			}
			// A trailing separator belongs to the text that follows.
			if len(segs) > 0 {
				return segs, backOverSep(s, i)
			}
			return segs, i
		}
		seg := nfc(s[start:i])
		if len(segs) > 0 && spaced && !isUpperCode(seg) {
			// "55/TTTL-TTCĐ - Về việc …": after a spaced dash, only a
			// capital unit code continues the number; a word is the
			// trích yếu that follows it.
			return segs, sepAt
		}
		segs = append(segs, seg)
		end := i
		j := skipSpaces(s, i)
		if j < len(s) && s[j] == sep {
			spaced, sepAt = j > i || skipSpaces(s, j+1) > j+1, end
			i = skipSpaces(s, j+1)
			continue
		}
		return segs, end
	}
}

func backOverSep(s string, i int) int {
	for i > 0 && (s[i-1] == ' ' || s[i-1] == '-' || s[i-1] == '\t') {
		i--
	}
	return i
}

func skipSpaces(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == 0xA0) {
		i++
	}
	// U+00A0 in UTF-8 is C2 A0.
	for i+1 < len(s) && s[i] == 0xC2 && s[i+1] == 0xA0 {
		i += 2
		for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
			i++
		}
	}
	return i
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return len(s) > 0
}

// isUpperCode: codes are capitals (Đ included), digits allowed after the
// first letter.
func isUpperCode(s string) bool {
	letters, upper := letterCase(s)
	return letters > 0 && upper
}

// isAbbrevShape accepts the mixed-case ND 30 abbreviations: TTr, CTr,
// QyĐ, CĐi: at most four letters, capitals but for one small letter, at
// least two capitals ("Usb", "Fix" are words, not codes).
func isAbbrevShape(s string) bool {
	upper, lower, n := 0, 0, 0
	for _, r := range s {
		n++
		switch {
		case unicode.IsUpper(r):
			upper++
		case unicode.IsLower(r):
			lower++
		default:
			return false
		}
	}
	return n <= 4 && upper >= 2 && lower <= 1
}

// maxCodeSegments and maxCodeLen bound the code part of a số ký hiệu as
// Decree 30 writes it: a type abbreviation and an issuer code, or an
// issuer and its unit, perhaps a sub-unit ("15/TB-TTTL", "1434/SVHTT-VP",
// "30/2020/NĐ-CP", "12/BC-UBND-VX").
const (
	maxCodeSegments = 4
	maxCodeLen      = 12
)

// codeShape: the segments are codes as Decree 30 writes them, capitals
// and digits (the first may be a mixed-case abbreviation), short and few.
// A patch or log file name ("0001-usb-hub-add-early-rejection") is words.
func codeShape(segs []string) bool {
	if len(segs) == 0 || len(segs) > maxCodeSegments {
		return false
	}
	for i, s := range segs {
		if utf8.RuneCountInString(s) > maxCodeLen {
			return false
		}
		if !isUpperCode(s) && !(i == 0 && isAbbrevShape(s)) {
			return false
		}
	}
	return true
}

// findSoKyHieu looks for "Số:" / "Số" / "So:" followed by a number in a
// line and parses it. It returns the first parse.
func findSoKyHieu(line string) (SoKyHieu, bool) {
	for i := 0; i < len(line); {
		j := indexSoLabel(line[i:])
		if j < 0 {
			return SoKyHieu{}, false
		}
		p := i + j
		if k, _, ok := ParseSoKyHieu(line[p:]); ok {
			return k, true
		}
		i = p
	}
	return SoKyHieu{}, false
}

// indexSoLabel finds "Số" (any case, NFC or NFD, or unaccented "So")
// followed by optional ':' or '.', and returns the offset just after it,
// or -1. The word must start at a word boundary.
func indexSoLabel(s string) int {
	// The S's are found with IndexByte (vectorised) rather than by a loop
	// over every byte: the label is looked for on every line that has
	// "so " in its fold, and most such lines have one S or two. up is the
	// next capital S at or after i (len(s): none), kept until passed, so
	// each of the two searches runs over the text once.
	up := -1
	for i := 0; i < len(s); i++ {
		if up < i {
			if k := strings.IndexByte(s[i:], 'S'); k >= 0 {
				up = i + k
			} else {
				up = len(s)
			}
		}
		lo := strings.IndexByte(s[i:up], 's')
		if lo >= 0 {
			i += lo
		} else if up < len(s) {
			i = up
		} else {
			return -1
		}
		// The letter after S and the digit are looked at first: they
		// reject most S's ("sau", "sách") before the word boundary costs
		// a rune decode.
		j := i + 1
		// ố (C3 B4? no: U+1ED1 = E1 BB 91), Ố (E1 BB 90), o, O, NFD o + marks
		switch {
		case strings.HasPrefix(s[j:], "ố"), strings.HasPrefix(s[j:], "Ố"):
			j += len("ố")
		case j < len(s) && (s[j] == 'o' || s[j] == 'O'):
			j++
			for j+1 < len(s) && (s[j] == 0xCC || s[j] == 0xCD) {
				j += 2
			}
		case strings.HasPrefix(s[j:], "ô"), strings.HasPrefix(s[j:], "Ô"):
			j += len("ô")
			for j+1 < len(s) && (s[j] == 0xCC || s[j] == 0xCD) {
				j += 2
			}
		default:
			continue
		}
		k := skipSpaces(s, j)
		if k < len(s) && (s[k] == ':' || s[k] == '.') {
			k++
		}
		k = skipSpaces(s, k)
		if k >= len(s) || s[k] < '0' || s[k] > '9' {
			continue
		}
		if i > 0 {
			if r, _ := utf8.DecodeLastRuneInString(s[:i]); unicode.IsLetter(r) || unicode.IsDigit(r) {
				continue
			}
		}
		return k
	}
	return -1
}

// findLooseNumber scans free text (subjects, file names, prose) for a số
// ký hiệu without the "Số" label: "Công văn 55/TTTL-TTCĐ", "185-KH-TTTL Kiem
// tra", "07_TTTL-HCTH_25022025.pdf". Only shapes with at least two code
// segments count, to avoid dates such as 20/10.
func findLooseNumber(s string) (SoKyHieu, bool) {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' || (i > 0 && s[i-1] >= '0' && s[i-1] <= '9') {
			continue
		}
		if i > 0 {
			if r, _ := utf8.DecodeLastRuneInString(s[:i]); unicode.IsLetter(r) {
				continue
			}
		}
		if k, _, ok := ParseSoKyHieu(s[i:]); ok && (len(k.Segments) >= 2 || k.Year != "") {
			return k, true
		}
	}
	return SoKyHieu{}, false
}

// fileNameNumber recognises a number written into a file name with '-' or
// '_' for '/': "185-KH-TTTL", "07_TTTL-HCTH_2502", "220-bc-tttl.signed".
// It has the Decree 30 shape or it is not one: two or three codes after
// the number, the first a type abbreviation of the rules (any case) or
// every code in capitals. "0001-usb-hub-add-early-rejection.patch" and
// "trace-20190514-fail.txt" are names, not numbers.
func (c *Classifier) fileNameNumber(name string) (SoKyHieu, bool) {
	for i := 0; i < len(name); i++ {
		if name[i] < '0' || name[i] > '9' || (i > 0 && name[i-1] >= '0' && name[i-1] <= '9') {
			continue
		}
		if i > 0 {
			if r, _ := utf8.DecodeLastRuneInString(name[:i]); unicode.IsLetter(r) {
				continue
			}
		}
		j := i
		for j < len(name) && name[j] >= '0' && name[j] <= '9' {
			j++
		}
		if j-i > 5 || j >= len(name) || (name[j] != '-' && name[j] != '_') {
			continue
		}
		segs, _ := scanCodeSegments(name[j+1:], '-')
		// Trailing dates (25022025) are not segments.
		for len(segs) > 2 && allDigits(segs[len(segs)-1]) {
			segs = segs[:len(segs)-1]
		}
		if len(segs) < 2 || len(segs) > 3 {
			continue
		}
		known := false
		if _, ok := c.rules.abbrevCI[strings.ToUpper(foldString(segs[0]))]; ok {
			known = true
		}
		if !known && !codeShape(segs) {
			continue
		}
		up := make([]string, len(segs))
		for x := range segs {
			up[x] = strings.ToUpper(segs[x])
		}
		if !codeShape(up) {
			continue
		}
		k := SoKyHieu{Number: name[i:j], Segments: up}
		k.Text = k.Number + "/" + strings.Join(up, "-")
		return k, true
	}
	return SoKyHieu{}, false
}
