package classify

import (
	"bytes"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/ledongthuc/pdf"
)

// extractPDF reads the text layer page by page with ledongthuc/pdf (a
// maintained fork of rsc.io/pdf; pure Go, BSD-3-Clause, understands
// ToUnicode CMaps as LibreOffice and Word write them). The library panics
// on some malformed files; the panic is contained here and becomes an
// error for this attachment only.
func (w *walker) extractPDF(u *unit, data []byte, where string) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("pdf: %v", r)
		}
	}()
	if bytes.Contains(data[:min(len(data), 4096)], []byte("/Encrypt")) || bytes.Contains(data, []byte("/Encrypt ")) {
		// Encrypted PDFs need a password for the text layer.
		if !bytes.Contains(data, []byte("/Filter /Standard")) && !bytes.Contains(data, []byte("/Filter/Standard")) {
			return nil
		}
	}
	r, err := pdf.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		u.unreadable = true
		return err
	}
	n := r.NumPage()
	got := 0
	for i := 1; i <= n; i++ {
		if !w.checkTime() {
			return nil
		}
		if w.chars >= w.lim.MaxChars {
			w.limit(ErrLimitChars, false)
			return nil
		}
		p := r.Page(i)
		if p.V.IsNull() {
			continue
		}
		text := pageText(p)
		got += len(strings.TrimSpace(text))
		u.add(fmt.Sprintf("%s, page %d", where, i), w.keepText(nfc(text)))
	}
	if got == 0 {
		u.scanned = true
	}
	return err
}

// pageText lays the glyphs of a page out by position: rows by y (top
// first), glyphs by x, a space for a visible gap and a tab for a column
// gap. LibreOffice draws Vietnamese letters from a second font subset in
// separate text runs, so neither content order nor the library's row view
// keeps words whole; positions do.
func pageText(p pdf.Page) string {
	glyphs := p.Content().Text
	if len(glyphs) == 0 {
		return ""
	}
	sort.SliceStable(glyphs, func(i, j int) bool {
		yi, yj := math.Round(glyphs[i].Y), math.Round(glyphs[j].Y)
		if math.Abs(glyphs[i].Y-glyphs[j].Y) > 2 && yi != yj {
			return yi > yj
		}
		return glyphs[i].X < glyphs[j].X
	})
	var b strings.Builder
	b.Grow(len(glyphs) * 2)
	prev := glyphs[0]
	b.WriteString(prev.S)
	for _, g := range glyphs[1:] {
		if math.Abs(g.Y-prev.Y) > 2 {
			b.WriteByte('\n')
		} else {
			gap := g.X - (prev.X + prev.W)
			size := max(g.FontSize, 1)
			switch {
			case gap > 3*size:
				b.WriteByte('\t')
			case gap > 0.15*size && g.S != " " && prev.S != " ":
				b.WriteByte(' ')
			}
		}
		b.WriteString(g.S)
		prev = g
	}
	return b.String()
}
