package report

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/width"
)

// Output formats.
const (
	FormatTable = "table"
	FormatCSV   = "csv"
	FormatJSON  = "json"
	FormatXLSX  = "xlsx"
)

// Write renders rep in format. CSV holds one table: the report's table
// number `table` (0 = the first; the usage report's per-division table is
// 1). The other formats hold every table; JSON is the report itself, with
// ids rather than display names.
func Write(w io.Writer, format string, rep Tabler, lang string, table int) error {
	switch format {
	case FormatJSON:
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	case FormatTable, "":
		for i, t := range rep.Tables(lang) {
			if i > 0 {
				if _, err := io.WriteString(w, "\n"); err != nil {
					return err
				}
			}
			if err := WriteText(w, t); err != nil {
				return err
			}
		}
		return nil
	case FormatCSV:
		ts := rep.Tables(lang)
		if table < 0 || table >= len(ts) {
			return fmt.Errorf("report has %d table(s), no table %d", len(ts), table)
		}
		return WriteCSV(w, ts[table])
	case FormatXLSX:
		return WriteXLSX(w, rep.Tables(lang))
	}
	return fmt.Errorf("format %q: want table, csv, json or xlsx", format)
}

// cellText renders one cell; nil is an empty cell.
func cellText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case uint64:
		return strconv.FormatUint(x, 10)
	case int:
		return strconv.Itoa(x)
	}
	return fmt.Sprint(v)
}

func numeric(v any) bool {
	switch v.(type) {
	case uint64, int:
		return true
	}
	return false
}

// DisplayWidth is the number of terminal columns s takes: combining marks
// take none (a name in NFD still lines up), wide East Asian characters
// two, everything else one. Vietnamese letters in NFC are one column each.
func DisplayWidth(s string) int {
	n := 0
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Me, r) || r == '\u200b':
		case width.LookupRune(r).Kind() == width.EastAsianWide || width.LookupRune(r).Kind() == width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return n
}

// WriteText writes t as an aligned plain-text table: text left-aligned,
// numbers right-aligned, a rule under the header and above the totals.
func WriteText(w io.Writer, t *Table) error {
	all := [][]any{}
	head := make([]any, len(t.Columns))
	for i, c := range t.Columns {
		head[i] = c.Header
	}
	all = append(all, head)
	all = append(all, t.Rows...)
	if t.Totals != nil {
		all = append(all, t.Totals)
	}
	widths := make([]int, len(t.Columns))
	for _, r := range all {
		for i := range widths {
			if i < len(r) {
				widths[i] = max(widths[i], DisplayWidth(cellText(r[i])))
			}
		}
	}
	var b strings.Builder
	b.WriteString(t.Title + "\n\n")
	rule := func() {
		for i, wd := range widths {
			if i > 0 {
				b.WriteString("  ")
			}
			b.WriteString(strings.Repeat("-", wd))
		}
		b.WriteString("\n")
	}
	line := func(r []any, alignNumbers bool) {
		var l strings.Builder
		for i, wd := range widths {
			var v any
			if i < len(r) {
				v = r[i]
			}
			s := cellText(v)
			pad := strings.Repeat(" ", wd-DisplayWidth(s))
			if i > 0 {
				l.WriteString("  ")
			}
			if alignNumbers && numeric(v) {
				l.WriteString(pad + s)
			} else {
				l.WriteString(s + pad)
			}
		}
		b.WriteString(strings.TrimRight(l.String(), " ") + "\n")
	}
	line(head, false)
	rule()
	for _, r := range t.Rows {
		line(r, true)
	}
	if t.Totals != nil {
		rule()
		line(t.Totals, true)
	}
	for _, n := range t.Notes {
		b.WriteString("\n" + n + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteCSV writes t's header and rows (no totals row: a spreadsheet that
// sums a column would count it twice). It starts with a UTF-8 byte order
// mark, without which Excel reads Vietnamese names as Windows-1252.
func WriteCSV(w io.Writer, t *Table) error {
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	head := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		head[i] = c.Header
	}
	if err := cw.Write(head); err != nil {
		return err
	}
	for _, r := range t.Rows {
		rec := make([]string, len(r))
		for i, v := range r {
			rec[i] = cellText(v)
			if _, isText := v.(string); isText {
				rec[i] = defuseFormula(rec[i])
			}
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// defuseFormula keeps a spreadsheet from running a text cell as a formula:
// senders, subjects and attachment names come from mail, and a sender
// "=HYPERLINK(...)@x" opened in Excel or LibreOffice would be evaluated.
// Following OWASP's CSV-injection rule, a cell starting with = + - @ (or a
// tab or carriage return, which some programs skip before such a sign)
// gets a leading single quote, which the spreadsheet shows as text. Only
// text cells are changed: counts are numbers and never start with a sign.
func defuseFormula(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// sheetName makes a valid, unique-enough sheet name (31 characters, none
// of []:*?/\).
func sheetName(s string) string {
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) {
			return '-'
		}
		return r
	}, s)
	if len(s) > 31 {
		s = s[:31]
	}
	return s
}

// WriteXLSX writes each table to its own sheet: a bold header row (frozen),
// numbers as numbers, a bold totals row, column widths fitted to the
// content, and the title and notes below the data so that row 1 stays the
// header for anyone who filters or imports the sheet.
func WriteXLSX(w io.Writer, tables []*Table) error {
	f := excelize.NewFile()
	defer f.Close()
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}})
	if err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	for ti, t := range tables {
		name := sheetName(t.Name)
		if ti == 0 {
			if err := f.SetSheetName("Sheet1", name); err != nil {
				return fmt.Errorf("xlsx: %w", err)
			}
		} else if _, err := f.NewSheet(name); err != nil {
			return fmt.Errorf("xlsx: %w", err)
		}
		sw, err := f.NewStreamWriter(name)
		if err != nil {
			return fmt.Errorf("xlsx: %w", err)
		}
		widths := make([]int, len(t.Columns))
		row := func(r []any, style int) []any {
			out := make([]any, len(t.Columns))
			for i := range t.Columns {
				var v any
				if i < len(r) {
					v = r[i]
				}
				widths[i] = max(widths[i], DisplayWidth(cellText(v)))
				out[i] = excelize.Cell{Value: v, StyleID: style}
			}
			return out
		}
		head := make([]any, len(t.Columns))
		for i, c := range t.Columns {
			head[i] = c.Header
		}
		rows := [][]any{row(head, bold)}
		for _, r := range t.Rows {
			rows = append(rows, row(r, 0))
		}
		if t.Totals != nil {
			rows = append(rows, row(t.Totals, bold))
		}
		// Column widths must precede the rows in a stream writer.
		for i, wd := range widths {
			if err := sw.SetColWidth(i+1, i+1, float64(min(max(wd, 4)+2, 60))); err != nil {
				return fmt.Errorf("xlsx: %w", err)
			}
		}
		if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
			return fmt.Errorf("xlsx: %w", err)
		}
		for i, r := range rows {
			cell, _ := excelize.CoordinatesToCellName(1, i+1)
			if err := sw.SetRow(cell, r); err != nil {
				return fmt.Errorf("xlsx: %w", err)
			}
		}
		next := len(rows) + 2
		for _, s := range append([]string{t.Title}, t.Notes...) {
			cell, _ := excelize.CoordinatesToCellName(1, next)
			if err := sw.SetRow(cell, []any{s}); err != nil {
				return fmt.Errorf("xlsx: %w", err)
			}
			next++
		}
		if err := sw.Flush(); err != nil {
			return fmt.Errorf("xlsx: %w", err)
		}
	}
	// No SetActiveSheet: the first sheet is the workbook's active tab
	// already, and excelize would parse every streamed sheet back into
	// memory to set it (500 MB for 20,000 findings rows).
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	return nil
}
