package audit

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strings"

	"golang.org/x/text/unicode/norm"
)

// SubjectFor returns what the subject column holds for subject under
// cfg.Subject.Privacy: the subject itself ("plain"), "" ("omit"), or the
// lower-case hex HMAC-SHA256 of the normalised subject under
// cfg.Subject.HashKey ("hash").
//
// Normalisation before hashing: Unicode NFC, surrounding white space
// trimmed, inner runs of white space folded to one space. Vietnamese
// subjects arrive both precomposed (NFC, most Windows clients) and
// decomposed (NFD, macOS), and folded headers carry stray white space; an
// auditor who hashes the subject she has in hand must find the row either
// way. An unknown privacy value (Validate rejects it) yields "" so that a
// configuration mistake never leaks subjects.
func SubjectFor(cfg Config, subject string) string {
	switch cfg.Subject.Privacy {
	case SubjectPlain:
		return subject
	case SubjectHash:
		m := hmac.New(sha256.New, []byte(cfg.Subject.HashKey))
		m.Write([]byte(NormalizeSubject(subject)))
		return hex.EncodeToString(m.Sum(nil))
	default:
		return ""
	}
}

// NormalizeSubject is the normalisation SubjectFor applies before hashing.
func NormalizeSubject(s string) string {
	return strings.Join(strings.Fields(norm.NFC.String(s)), " ")
}
