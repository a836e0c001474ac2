package classify

import (
	"bytes"
	"context"
	"testing"

	"mailaudit/loadgen"
)

// BenchmarkLexiconScan: the lexicon pass over the text the relay's 5 KB
// message gives it (subject and body opening, folded).
func BenchmarkLexiconScan(b *testing.B) {
	c := newTestClassifier(b)
	m := loadgen.Body(5000, "bench@tphcm.gov.vn", "sink@tphcm.gov.vn")
	_ = c.Classify(context.Background(), bytes.NewReader(m), Envelope{})
	i := bytes.Index(m, []byte("\r\n\r\n"))
	text := appendFold(nil, "Thông báo lịch họp giao ban tuần "+string(m[i+4:i+4+lexBodyBytes]))
	n := 0
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		c.rules.lex.scan(text, func(*lexEntry) { n++ })
	}
	if n == 0 {
		b.Fatal("no phrase found")
	}
}
