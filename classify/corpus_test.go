package classify

import (
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// sharedDir is ../shared relative to the module root.
const sharedDir = "../../shared"

func needShared(t testing.TB, sub string) string {
	t.Helper()
	p := filepath.Join(sharedDir, sub)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("skipping: %s not found (the shared corpus lives beside the module as ../shared)", p)
	}
	return p
}

type label struct {
	file, typ, secrecy, urgency, audience, docNumber, notes string
}

func readLabels(t testing.TB, dir string) []label {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, "labels.csv"))
	if err != nil {
		t.Fatalf("open labels: %v", err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("read labels: %v", err)
	}
	var out []label
	for _, r := range recs[1:] {
		out = append(out, label{file: r[0], typ: r[1], secrecy: r[2], urgency: r[3], audience: r[4], docNumber: r[5], notes: r[7]})
	}
	return out
}

func newTestClassifier(t testing.TB) *Classifier {
	t.Helper()
	c, err := New(Config{})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

// corpusScore is the evaluation of one labelled corpus.
type corpusScore struct {
	name                         string
	total                        int
	macroF1                      float64
	secTotal, secFound, falseSec int
	caNhanP, caNhanR             float64
	urgency, audience, docNumber float64
	table                        string
}

// scoreCorpus classifies every message of a labelled corpus (labels.csv
// with the columns of ../shared/corpus/dev) and scores it. A verdict with
// a "panic:" error fails the test: a panic is a bug, whatever type the
// fallback gave.
func scoreCorpus(t *testing.T, name, dir string) corpusScore {
	c := newTestClassifier(t)
	labels := readLabels(t, dir)
	if len(labels) == 0 {
		t.Fatalf("%s: no labelled messages in %s", name, dir)
	}
	type pr struct{ tp, fp, fn int }
	stats := map[string]*pr{}
	get := func(k string) *pr {
		if stats[k] == nil {
			stats[k] = &pr{}
		}
		return stats[k]
	}
	sc := corpusScore{name: name, total: len(labels)}
	var okType, okUrg, okAud, okNum int
	verbose := os.Getenv("CLASSIFY_VERBOSE") != ""
	for _, l := range labels {
		f, err := os.Open(filepath.Join(dir, l.file))
		if err != nil {
			t.Fatalf("open %s: %v", l.file, err)
		}
		v := c.Classify(context.Background(), f, Envelope{})
		f.Close()
		for _, e := range v.Errors {
			if strings.HasPrefix(e, "panic:") {
				t.Errorf("%s %s: %s", name, l.file, e)
			}
		}
		if v.Type == l.typ {
			okType++
			get(l.typ).tp++
		} else {
			get(l.typ).fn++
			get(v.Type).fp++
			if verbose {
				fmt.Printf("TYPE %s %s want %s got %s (%s) %v\n", name, l.file, l.typ, v.Type, l.notes, v.Signals)
			}
		}
		if v.Urgency == l.urgency {
			okUrg++
		} else if verbose {
			fmt.Printf("URG %s %s want %s got %s\n", name, l.file, l.urgency, v.Urgency)
		}
		if v.Audience == l.audience {
			okAud++
		} else if verbose {
			fmt.Printf("AUD %s %s want %s got %s (%s)\n", name, l.file, l.audience, v.Audience, l.typ)
		}
		if v.DocNumber == l.docNumber {
			okNum++
		} else if verbose {
			fmt.Printf("NUM %s %s want %q got %q\n", name, l.file, l.docNumber, v.DocNumber)
		}
		if l.secrecy != "none" {
			sc.secTotal++
			if v.Secrecy == l.secrecy {
				sc.secFound++
			} else {
				t.Errorf("%s %s: secrecy %s missed (got %s; %s)", name, l.file, l.secrecy, v.Secrecy, l.notes)
			}
		} else if v.Secrecy != "none" {
			sc.falseSec++
			t.Errorf("%s %s: false secrecy mark %s (%s)", name, l.file, v.Secrecy, l.notes)
		}
	}
	var types []string
	for k := range stats {
		types = append(types, k)
	}
	sort.Strings(types)
	var sumF1 float64
	var n int
	var b strings.Builder
	fmt.Fprintf(&b, "\n%s (%s)\n%-20s %6s %6s %6s %4s\n", name, dir, "type", "prec", "recall", "F1", "n")
	for _, k := range types {
		s := stats[k]
		p := ratio(s.tp, s.tp+s.fp)
		rc := ratio(s.tp, s.tp+s.fn)
		if k == typeCaNhan {
			sc.caNhanP, sc.caNhanR = p, rc
		}
		if s.tp+s.fn == 0 {
			fmt.Fprintf(&b, "%-20s %6.3f %6s %6s %4d  (never labelled; %d predicted)\n", k, p, "-", "-", 0, s.fp)
			continue
		}
		f1 := 0.0
		if p+rc > 0 {
			f1 = 2 * p * rc / (p + rc)
		}
		sumF1 += f1
		n++
		fmt.Fprintf(&b, "%-20s %6.3f %6.3f %6.3f %4d\n", k, p, rc, f1, s.tp+s.fn)
	}
	sc.macroF1 = sumF1 / float64(n)
	sc.urgency, sc.audience, sc.docNumber = ratio(okUrg, sc.total), ratio(okAud, sc.total), ratio(okNum, sc.total)
	fmt.Fprintf(&b, "macro-F1 %.3f  type accuracy %.3f  (%d messages)\n", sc.macroF1, ratio(okType, sc.total), sc.total)
	fmt.Fprintf(&b, "secrecy recall %d/%d, false secrecy marks %d\n", sc.secFound, sc.secTotal, sc.falseSec)
	fmt.Fprintf(&b, "ca_nhan precision %.3f recall %.3f\n", sc.caNhanP, sc.caNhanR)
	fmt.Fprintf(&b, "urgency %.3f  audience %.3f  doc_number %.3f\n", sc.urgency, sc.audience, sc.docNumber)
	sc.table = b.String()
	return sc
}

// Thresholds of issue 10. The blind set (classify/testdata/blind, written
// from the taxonomy alone by someone who never saw the rules or the dev
// corpus) measures generalization; the dev corpus is what the rules were
// developed on. They are never lowered to make a run pass.
const (
	devMacroF1Min   = 0.95
	blindMacroF1Min = 0.93
	caNhanPMin      = 0.95
	caNhanRMin      = 0.85
)

// checkCommon asserts what holds on both sets: every secret found, no
// false secrecy mark, personal mail found and work mail never called
// personal.
func checkCommon(t *testing.T, sc corpusScore) {
	t.Helper()
	if sc.secFound != sc.secTotal {
		t.Errorf("%s: secrecy recall %d/%d < 100%%", sc.name, sc.secFound, sc.secTotal)
	}
	if sc.falseSec > 0 {
		t.Errorf("%s: %d false secrecy marks", sc.name, sc.falseSec)
	}
	if sc.caNhanP < caNhanPMin {
		t.Errorf("%s: ca_nhan precision %.3f < %.2f", sc.name, sc.caNhanP, caNhanPMin)
	}
	if sc.caNhanR < caNhanRMin {
		t.Errorf("%s: ca_nhan recall %.3f < %.2f", sc.name, sc.caNhanR, caNhanRMin)
	}
}

// TestDevCorpus evaluates the labelled dev corpus (../shared/corpus/dev).
func TestDevCorpus(t *testing.T) {
	dir := needShared(t, "corpus/dev")
	sc := scoreCorpus(t, "dev", dir)
	t.Log(sc.table)
	checkCommon(t, sc)
	if sc.macroF1 < devMacroF1Min {
		t.Errorf("dev: macro-F1 %.3f < %.2f", sc.macroF1, devMacroF1Min)
	}
	// Floors actually reached (kept a little below the measured figures).
	if sc.urgency < urgencyFloor {
		t.Errorf("dev: urgency accuracy %.3f < %.2f", sc.urgency, urgencyFloor)
	}
	if sc.audience < audienceFloor {
		t.Errorf("dev: audience accuracy %.3f < %.2f", sc.audience, audienceFloor)
	}
	if sc.docNumber < docNumberFloor {
		t.Errorf("dev: doc_number accuracy %.3f < %.2f", sc.docNumber, docNumberFloor)
	}
}

// blindDir is the frozen blind set, shipped with the package.
const blindDir = "testdata/blind"

// TestBlindSet evaluates the frozen blind set. It is part of the package,
// so it never skips: a missing set is a failure.
func TestBlindSet(t *testing.T) {
	sc := scoreCorpus(t, "blind", blindDir)
	t.Log(sc.table)
	checkCommon(t, sc)
	if sc.macroF1 < blindMacroF1Min {
		t.Errorf("blind: macro-F1 %.3f < %.2f", sc.macroF1, blindMacroF1Min)
	}
}

const (
	urgencyFloor   = 0.99
	audienceFloor  = 0.95
	docNumberFloor = 0.97
)

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}
