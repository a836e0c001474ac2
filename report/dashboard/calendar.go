package dashboard

import (
	"fmt"
	"time"

	"mailaudit/report"
)

// calCell is one square of the activity calendar. A square outside the
// period (the first week's days before it, say) is blank.
type calCell struct {
	In     bool
	Date   string // YYYY-MM-DD
	Num    int    // day of the month
	State  string // report.Day* or "off" (not on the roster that day)
	Symbol string // readable without colour
	Title  string // the day in words, for a mouse-over and screen readers
}

// calMonth is one month of the calendar, in weeks from Monday.
type calMonth struct {
	Label string
	Weeks [][7]calCell
}

// daySymbols are the calendar's marks: the same in both languages, named
// by the legend.
func daySymbols() map[string]string {
	return map[string]string{report.DaySent: "↑", report.DayMailbox: "↓", report.DayBoth: "↕", report.DayNone: "·", "off": "–"}
}

// calendar lays out the person's days month by month.
func calendar(days []report.PersonDay, lang string) []calMonth {
	var months []calMonth
	sym := daySymbols()
	for _, d := range days {
		label := monthLabel(d.Date, lang)
		if len(months) == 0 || months[len(months)-1].Label != label {
			months = append(months, calMonth{Label: label})
		}
		m := &months[len(months)-1]
		wd := (int(d.Date.Weekday()) + 6) % 7 // Monday first
		if len(m.Weeks) == 0 || wd == 0 {
			m.Weeks = append(m.Weeks, [7]calCell{})
		}
		state := d.State()
		if !d.OnRoster {
			state = "off"
		}
		m.Weeks[len(m.Weeks)-1][wd] = calCell{In: true, Date: d.Date.Format(time.DateOnly), Num: d.Date.Day(),
			State: state, Symbol: sym[state], Title: dayTitle(d, lang)}
	}
	return months
}

func monthLabel(d time.Time, lang string) string {
	if lang == report.LangEN {
		return d.Format("January 2006")
	}
	return fmt.Sprintf("Tháng %d/%d", int(d.Month()), d.Year())
}

// dayTitle says the day in words: "Thứ Ba 02/04/2024: 2 thư đã gửi; 1 lần
// đăng nhập hộp thư".
func dayTitle(d report.PersonDay, lang string) string {
	en := lang == report.LangEN
	wd := [...]string{"Chủ nhật", "Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy"}[d.Date.Weekday()]
	if en {
		wd = d.Date.Weekday().String()
	}
	s := wd + " " + d.Date.Format("02/01/2006") + ": "
	if !d.OnRoster {
		if en {
			return s + "not on the roster"
		}
		return s + "không có trong danh sách"
	}
	switch {
	case d.Sent == 0 && d.Logins == 0:
		if en {
			return s + "no message sent, no mailbox login"
		}
		return s + "không gửi thư, không đăng nhập hộp thư"
	case en:
		return s + fmt.Sprintf("%s sent; %s mailbox logins", num(lang, d.Sent), num(lang, d.Logins))
	}
	return s + fmt.Sprintf("%s thư đã gửi; %s lần đăng nhập hộp thư", num(lang, d.Sent), num(lang, d.Logins))
}
