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
// The table is the hand-made open-addressing hashTable below, not a Go
// map: BenchmarkLexiconScan (the relay's 5 KB message) measured the scan
// at 2.8 µs with it and 5.3 µs with map[uint64]int32 (min of 6 runs each,
// same binary build, this 2-core machine), about 2.5 µs of the ~30 µs the
// relay spends classifying that message. Suffixes and phrases share the
// one table, so a token costs one probe per word of key.
type lexicon struct {
	// keys maps the key of every phrase suffix (all lengths) to a
	// lexValue: the phrase it completes, if any, and whether a longer
	// suffix extends it. One probe per word the scan extends a key by, and
	// none past the longest suffix: most phrase words end no longer
	// phrase, and that probe was most of the scan's table lookups.
	keys  hashTable
	ents  []lexEntry
	words int
	// lastWord is a bit set of the one-word ending keys (bit key>>48): a
	// token whose bit is clear ends no phrase, which is most tokens, and
	// the scan moves on after one look into 8 KB that stay in cache.
	lastWord [1 << 16 / 64]uint64
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
	return &lexicon{}
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
	if v, dup := l.keys.get(h | 1); dup && lexPhrase(v) >= 0 {
		// A phrase may belong to several groups, once each, and is
		// matched one way (folded or as written) in all of them.
		x := &l.ents[lexPhrase(v)]
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
		v, _ := l.keys.get(h | 1) // 0 when new: no phrase, nothing longer
		if i > 0 {
			v |= lexLonger // toks[i-1:] extends this suffix
		} else {
			v = v&lexLonger | int32(len(l.ents))<<1 // the phrase itself
		}
		l.keys.put(h|1, v)
		if i == len(toks)-1 {
			l.lastWord[(h|1)>>54] |= 1 << ((h | 1) >> 48 & 63)
		}
	}
	return nil
}

// A lexValue (the int32 of keys) is (index in ents + 1) << 1, 0 for a
// suffix that completes no phrase, with lexLonger set when a longer
// suffix of some phrase ends with these words.
const lexLonger = 1

// lexPhrase is the index in ents of the phrase a lexValue completes, or -1.
func lexPhrase(v int32) int32 { return v>>1 - 1 }

// hashTable is an open-addressing map from non-zero uint64 keys to int32,
// kept at most half full. It is built when the rules load and only read
// afterwards.
type hashTable struct {
	keys []uint64
	vals []int32
	mask uint64
	n    int
}

func (t *hashTable) put(key uint64, val int32) {
	if len(t.keys) == 0 || (t.n+1)*2 > len(t.keys) {
		size := 64
		for size < (t.n+1)*4 {
			size *= 2
		}
		oldK, oldV := t.keys, t.vals
		t.keys = make([]uint64, size)
		t.vals = make([]int32, size)
		t.mask = uint64(size - 1)
		t.n = 0
		for i, k := range oldK {
			if k != 0 {
				t.insert(k, oldV[i])
			}
		}
	}
	t.insert(key, val)
}

func (t *hashTable) insert(key uint64, val int32) {
	for i := key & t.mask; ; i = (i + 1) & t.mask {
		if t.keys[i] == key {
			t.vals[i] = val
			return
		}
		if t.keys[i] == 0 {
			t.keys[i] = key
			t.vals[i] = val
			t.n++
			return
		}
	}
}

func (t *hashTable) get(key uint64) (int32, bool) {
	if len(t.keys) == 0 {
		return 0, false
	}
	for i := key & t.mask; ; i = (i + 1) & t.mask {
		switch t.keys[i] {
		case 0:
			return 0, false
		case key:
			return t.vals[i], true
		}
	}
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
		if l.lastWord[key>>54]&(1<<(key>>48&63)) == 0 {
			continue // no phrase ends with this word
		}
		h := seqSeed
		for k := 0; k < l.words && k < n; k++ {
			h = seqMix(h, ring[(at-k)&7])
			v, ok := l.keys.get(h | 1)
			if !ok {
				break
			}
			if p := lexPhrase(v); p >= 0 {
				hit(&l.ents[p])
			}
			if v&lexLonger == 0 {
				break // no phrase ends with more of these words
			}
		}
	}
}
