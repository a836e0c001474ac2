package classify

import (
	"bytes"
	"strings"
)

// calendarText reads an iCalendar object (RFC 5545): a METHOD:REQUEST
// marks the mail as a meeting request (a giấy mời in the taxonomy), and
// the event's summary, location and description are its text. Folded
// lines are unfolded and TEXT escapes undone; the rest is ignored.
func (w *walker) calendarText(u *unit, data []byte, where string) {
	// Unfold: a line break followed by a space or tab continues the line.
	data = bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
	data = bytes.ReplaceAll(data, []byte("\n "), nil)
	data = bytes.ReplaceAll(data, []byte("\n\t"), nil)
	s, _ := decodeCharset("utf-8", data)
	var b strings.Builder
	for _, line := range strings.Split(s, "\n") {
		name, val, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		name, _, _ = strings.Cut(name, ";") // parameters
		switch strings.ToUpper(strings.TrimSpace(name)) {
		case "METHOD":
			if strings.EqualFold(strings.TrimSpace(val), "REQUEST") {
				w.calendar = true
			}
		case "SUMMARY", "LOCATION", "DESCRIPTION":
			val = strings.NewReplacer(`\n`, "\n", `\N`, "\n", `\,`, ",", `\;`, ";", `\\`, `\`).Replace(val)
			b.WriteString(strings.TrimSpace(val))
			b.WriteByte('\n')
		}
	}
	u.add(where, w.keepText(nfc(b.String())))
}
