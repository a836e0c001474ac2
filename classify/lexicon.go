package classify

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// lexicon matches folded phrases of up to lexMaxWords words in one pass
// over the tokens of a text. A phrase is keyed by its token hashes folded
// from the last token back to the first, so at each token the scan extends
// the key leftwards one word at a time and stops as soon as the words seen
// are no phrase's ending (the suffix set): most tokens cost one hash and a
// bit test whatever the lexicon size.
//
// The tables are Go maps. A hand-made open-addressing table was measured
// against them on the relay's 5 KB message and the dev corpus: the bit set
// below already turns away most tokens before any table is asked, so the
// maps cost no measurable time (see ARCHITECTURE.md, Benchmarks).
type lexicon struct {
	phrases map[uint64]int32    // key → index into ents
	endings map[uint64]struct{} // keys of every phrase suffix (all lengths)
	ents    []lexEntry
	words   int
	// lastWord is a bit set of the one-word ending keys (bit key>>52): a
	// token whose bit is clear ends no phrase, which is most tokens, and
	// the scan moves on after one look into 512 bytes that stay in cache.
	lastWord [1 << 12 / 64]uint64
}

type lexEntry struct {
	phrase string // folded
	groups uint8  // bit g: the phrase belongs to group g ("phòng họp" is work and appointment)
	id     int    // index in lexicon.ents
	// exact holds the phrase as written (NFC: lower case, capitalised,
	// capitals) when it must be matched with its diacritics: its fold is
	// also another everyday word ("nhậu" folds like "nhau"). A folded hit
	// on it is only a candidate, checked against the text as written.
	exact []string
}

const lexMaxWords = 6

func newLexicon() *lexicon {
	return &lexicon{phrases: map[uint64]int32{}, endings: map[uint64]struct{}{}}
}

// FNV-1a, 64 bits.
const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

func tokenHash(tok []byte) uint64 {
	h := uint64(fnvOffset)
	for _, c := range tok {
		h ^= uint64(c)
		h *= fnvPrime
	}
	return h
}

const seqSeed = uint64(0x9E3779B97F4A7C15)

// seqMix adds one token hash to a sequence key.
func seqMix(h, x uint64) uint64 {
	h = (h ^ x) * 0xBF58476D1CE4E5B9
	h ^= h >> 31
	return h
}

// add registers a phrase of group. A phrase written with a leading '='
// ("=nhậu") is matched with its diacritics.
func (l *lexicon) add(phrase string, group int) error {
	exact := strings.HasPrefix(phrase, "=")
	phrase = strings.TrimPrefix(phrase, "=")
	f := foldString(phrase)
	toks := strings.Fields(f)
	if len(toks) == 0 {
		return fmt.Errorf("phrase %q has no words", phrase)
	}
	if len(toks) > lexMaxWords {
		return fmt.Errorf("phrase %q has more than %d words", phrase, lexMaxWords)
	}
	h := seqSeed
	for i := len(toks) - 1; i >= 0; i-- {
		h = seqMix(h, tokenHash([]byte(toks[i])))
	}
	if v, dup := l.phrases[h|1]; dup {
		// A phrase may belong to several groups, once each, and is
		// matched one way (folded or as written) in all of them.
		x := &l.ents[v]
		if x.groups&(1<<group) != 0 || (x.exact != nil) != exact {
			return fmt.Errorf("phrase %q is listed twice (or folds like another)", phrase)
		}
		x.groups |= 1 << group
		return nil
	}
	l.words = max(l.words, len(toks))
	e := lexEntry{phrase: f, groups: 1 << group, id: len(l.ents)}
	if exact {
		low := strings.ToLower(nfc(strings.TrimSpace(phrase)))
		r, n := utf8.DecodeRuneInString(low)
		e.exact = []string{low, string(unicode.ToUpper(r)) + low[n:], strings.ToUpper(low)}
	}
	l.ents = append(l.ents, e)
	h = seqSeed
	for i := len(toks) - 1; i >= 0; i-- {
		h = seqMix(h, tokenHash([]byte(toks[i])))
		l.endings[h|1] = struct{}{}
		if i == len(toks)-1 {
			l.lastWord[(h|1)>>58] |= 1 << ((h | 1) >> 52 & 63)
		}
	}
	l.phrases[h|1] = int32(len(l.ents) - 1)
	return nil
}

// scan calls hit for every lexicon phrase found in folded text (the output
// of appendFold: lower-case words separated by single spaces), ordered by
// the phrase's last word, shorter phrases first.
func (l *lexicon) scan(folded []byte, hit func(e *lexEntry)) {
	if len(l.ents) == 0 {
		return
	}
	// ring holds the hashes of the latest tokens, the newest at ring[at];
	// its size is a power of two at least lexMaxWords.
	var ring [8]uint64
	at, n := 0, 0
	for i := 0; i < len(folded); {
		if folded[i] == ' ' {
			i++
			continue
		}
		// tokenHash, computed while looking for the token's end.
		th := uint64(fnvOffset)
		for ; i < len(folded) && folded[i] != ' '; i++ {
			th ^= uint64(folded[i])
			th *= fnvPrime
		}
		at = (at + 1) & 7
		ring[at] = th
		n++
		key := seqMix(seqSeed, th) | 1
		if l.lastWord[key>>58]&(1<<(key>>52&63)) == 0 {
			continue // no phrase ends with this word
		}
		h := seqSeed
		for k := 0; k < l.words && k < n; k++ {
			h = seqMix(h, ring[(at-k)&7])
			key := h | 1
			if _, ok := l.endings[key]; !ok {
				break
			}
			if v, ok := l.phrases[key]; ok {
				hit(&l.ents[v])
			}
		}
	}
}
