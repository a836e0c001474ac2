package report

import (
	"fmt"
	"strings"
	"time"
)

// Table is a report laid out for a terminal, CSV or a spreadsheet: the
// renderers know nothing about reports.
type Table struct {
	Name    string // short, for a sheet name: "usage-persons"
	Title   string // one line, in the table's language
	Columns []Column
	Rows    [][]any // string or uint64 or int per cell
	Totals  []any   // nil: no totals row
	Notes   []string
}

// Column is one column of a Table.
type Column struct {
	Key    string // stable id: "messages", "mandated:thong_bao"
	Header string // in the table's language
}

// Tabler is implemented by every report.
type Tabler interface {
	Tables(lang string) []*Table
}

func (p Period) title(lang string) string {
	return fmt.Sprintf(label{"kỳ %s (%s – %s)", "period %s (%s – %s)"}.in(lang),
		p.Label, p.From.Format("02/01/2006"), p.To.Format("02/01/2006"))
}

func countColumns(lang string, types, kinds []string) []Column {
	cols := []Column{
		{"messages", label{"Thư qua HT Thành phố", "Messages via city system"}.in(lang)},
		{"mandated", label{"Văn bản bắt buộc", "Mandated documents"}.in(lang)},
		{"active_days", label{"Ngày sử dụng", "Active days"}.in(lang)},
		{"send_days", label{"Ngày gửi thư", "Days with mail sent"}.in(lang)},
		{"mailbox_days", label{"Ngày đăng nhập hộp thư", "Mailbox login days"}.in(lang)},
		{"flagged", label{"Thư có vi phạm", "Flagged messages"}.in(lang)},
		{"attempts", label{"Tổng số thư", "All messages"}.in(lang)},
	}
	for _, t := range types {
		cols = append(cols, Column{"mandated:" + t, TypeLabel(t, lang)})
	}
	for _, k := range kinds {
		cols = append(cols, Column{"finding:" + k, FindingLabel(k, lang)})
	}
	return cols
}

func countCells(c Counts, types, kinds []string) []any {
	cells := []any{c.Messages, c.Mandated, c.ActiveDays, c.SendDays, c.MailboxDays, c.Flagged, c.Attempts}
	for _, t := range types {
		cells = append(cells, c.MandatedByType[t])
	}
	for _, k := range kinds {
		cells = append(cells, c.FindingsByKind[k])
	}
	return cells
}

func notOnRoster(lang string) string {
	return label{"(ngoài danh sách)", "(not on roster)"}.in(lang)
}

// Tables lays out the per-person table, then the per-division table.
func (r *UsageReport) Tables(lang string) []*Table {
	persons := &Table{
		Name:  "usage-persons",
		Title: label{"Sử dụng hệ thống thư điện tử Thành phố theo cá nhân, ", "City mail system use per person, "}.in(lang) + r.Period.title(lang),
		Columns: append([]Column{
			{"staff_id", label{"Mã", "Staff id"}.in(lang)},
			{"full_name", label{"Họ và tên", "Full name"}.in(lang)},
			{"division", label{"Phòng/Bộ phận", "Division"}.in(lang)},
		}, countColumns(lang, r.Types, r.Findings)...),
		Totals: append([]any{"", label{"Tổng cộng", "Total"}.in(lang), ""}, countCells(r.Total, r.Types, r.Findings)...),
	}
	for _, p := range r.Persons {
		name := p.FullName
		switch {
		case p.StaffID == "":
			name = notOnRoster(lang)
		case !p.OnRoster && name == "":
			name = label{"(không còn trong danh sách)", "(no longer on roster)"}.in(lang)
		}
		persons.Rows = append(persons.Rows, append([]any{p.StaffID, name, p.Division}, countCells(p.Counts, r.Types, r.Findings)...))
	}
	divisions := &Table{
		Name:  "usage-divisions",
		Title: label{"Sử dụng theo phòng/bộ phận, ", "Use per division, "}.in(lang) + r.Period.title(lang),
		Columns: append([]Column{
			{"division", label{"Phòng/Bộ phận", "Division"}.in(lang)},
			{"staff", label{"Số viên chức", "Staff"}.in(lang)},
		}, countColumns(lang, r.Types, r.Findings)...),
	}
	staff := 0
	for _, d := range r.Divisions {
		name := d.Division
		if name == "" {
			name = notOnRoster(lang)
		}
		staff += d.Staff
		divisions.Rows = append(divisions.Rows, append([]any{name, d.Staff}, countCells(d.Counts, r.Types, r.Findings)...))
	}
	divisions.Totals = append([]any{label{"Tổng cộng", "Total"}.in(lang), staff}, countCells(r.Total, r.Types, r.Findings)...)
	note := label{"Ngày sử dụng của một phòng là số ngày có ít nhất một người gửi thư hoặc đăng nhập hộp thư.",
		"A division's active days are the days on which anyone in it sent a message or logged in to the mailbox."}.in(lang)
	divisions.Notes = append(divisions.Notes, note)
	webmail := label{"Ngày sử dụng = ngày có gửi thư hoặc đăng nhập hộp thư (IMAP/POP3) qua cổng; đăng nhập webmail không đi qua cổng nên không được tính.",
		"Active days = days with a message sent or a mailbox (IMAP/POP3) login through the gateway; webmail logins do not pass the gateway and are not counted."}.in(lang)
	persons.Notes = append(persons.Notes, webmail)
	return []*Table{persons, divisions}
}

// Tables lays out the low users.
func (r *LowUsageReport) Tables(lang string) []*Table {
	t := &Table{
		Name: "low-usage",
		Title: label{"Viên chức ít sử dụng hệ thống thư điện tử Thành phố, ", "Staff who rarely use the city mail system, "}.in(lang) +
			r.Period.title(lang) + fmt.Sprintf(label{"; ngưỡng: %d thư, %d ngày", "; thresholds: %d messages, %d days"}.in(lang),
			r.Thresholds.MinMessages, r.Thresholds.MinActiveDays),
		Columns: []Column{
			{"staff_id", label{"Mã", "Staff id"}.in(lang)},
			{"full_name", label{"Họ và tên", "Full name"}.in(lang)},
			{"division", label{"Phòng/Bộ phận", "Division"}.in(lang)},
			{"city_address", label{"Địa chỉ thư Thành phố", "City address"}.in(lang)},
			{"messages", label{"Thư qua HT Thành phố", "Messages via city system"}.in(lang)},
			{"active_days", label{"Ngày sử dụng", "Active days"}.in(lang)},
			{"mailbox_days", label{"Ngày đăng nhập hộp thư", "Mailbox login days"}.in(lang)},
			{"roster_days", label{"Ngày trong danh sách", "Days on roster"}.in(lang)},
			{"reasons", label{"Lý do", "Reasons"}.in(lang)},
		},
	}
	for _, u := range r.Users {
		var why []string
		for _, c := range u.Reasons {
			why = append(why, ReasonText(c, u.PersonUsage, r.Thresholds, lang))
		}
		if u.RosterDays < r.PeriodDays {
			why = append(why, fmt.Sprintf(label{"chỉ có trong danh sách %d/%d ngày của kỳ", "on the roster %d of the period's %d days only"}.in(lang),
				u.RosterDays, r.PeriodDays))
		}
		t.Rows = append(t.Rows, []any{u.StaffID, u.FullName, u.Division, u.CityAddress, u.Messages, u.ActiveDays, u.MailboxDays, u.RosterDays, strings.Join(why, "; ")})
	}
	t.Totals = []any{"", fmt.Sprintf(label{"%d người", "%d people"}.in(lang), len(r.Users)), "", "", nil, nil, nil, nil, ""}
	return []*Table{t}
}

// LocalTime formats a UTC time on the agency's clock.
func LocalTime(t time.Time) string { return t.In(agencyZone()).Format("2006-01-02 15:04:05") }

// Tables lays out the flagged messages.
func (r *FindingsReport) Tables(lang string) []*Table {
	t := &Table{
		Name:  "findings",
		Title: label{"Thư có vi phạm, ", "Flagged messages, "}.in(lang) + r.Filter.Period.title(lang),
		Columns: []Column{
			{"event_id", label{"Mã sự kiện", "Event id"}.in(lang)},
			{"time", label{"Thời gian (GMT+7)", "Time (GMT+7)"}.in(lang)},
			{"sender", label{"Người gửi", "Sender"}.in(lang)},
			{"full_name", label{"Họ và tên", "Full name"}.in(lang)},
			{"division", label{"Phòng/Bộ phận", "Division"}.in(lang)},
			{"recipients", label{"Người nhận", "Recipients"}.in(lang)},
			{"type", label{"Loại văn bản", "Document type"}.in(lang)},
			{"doc_number", label{"Số ký hiệu", "Doc. number"}.in(lang)},
			{"action", label{"Xử lý", "Action"}.in(lang)},
			{"kinds", label{"Vi phạm", "Findings"}.in(lang)},
		},
	}
	for _, f := range r.Rows {
		var kinds []string
		for _, k := range f.Kinds {
			kinds = append(kinds, FindingLabel(k, lang))
		}
		t.Rows = append(t.Rows, []any{f.EventID, LocalTime(f.Time), f.Sender, f.FullName, f.Division,
			strings.Join(f.Recipients, ", "), TypeLabel(f.Type, lang), f.DocNumber, ActionLabel(f.Action, lang), strings.Join(kinds, "; ")})
	}
	t.Totals = []any{fmt.Sprintf(label{"%d thư", "%d messages"}.in(lang), len(r.Rows)), "", "", "", "", "", "", "", "", ""}
	if r.Truncated {
		t.Notes = append(t.Notes, label{"Danh sách bị cắt ngắn: còn thư khác.", "List truncated: there are more."}.in(lang))
	}
	return []*Table{t}
}

// Tables lays out the type distribution, one row per bucket.
func (r *TypesReport) Tables(lang string) []*Table {
	t := &Table{
		Name:    "types",
		Title:   label{"Loại văn bản qua hệ thống thư điện tử Thành phố, ", "Document types through the city mail system, "}.in(lang) + r.Period.title(lang),
		Columns: []Column{{"start", label{"Từ ngày", "From"}.in(lang)}},
	}
	for _, ty := range r.Types {
		t.Columns = append(t.Columns, Column{"type:" + ty, TypeLabel(ty, lang)})
	}
	t.Columns = append(t.Columns,
		Column{"messages", label{"Tổng", "Total"}.in(lang)},
		Column{"flagged", label{"Thư có vi phạm", "Flagged"}.in(lang)})
	row := func(first string, x TypesRow) []any {
		cells := []any{first}
		for _, ty := range r.Types {
			cells = append(cells, x.ByType[ty])
		}
		return append(cells, x.Messages, x.Flagged)
	}
	for _, x := range r.Rows {
		t.Rows = append(t.Rows, row(x.Start, x))
	}
	t.Totals = row(label{"Tổng cộng", "Total"}.in(lang), r.Total)
	return []*Table{t}
}

// Tables lays out the accounts not activated by the deadline.
func (r *ActivationReport) Tables(lang string) []*Table {
	t := &Table{
		Name: "activation",
		Title: fmt.Sprintf(label{"Tài khoản chưa đăng nhập qua cổng đến hết ngày %s: %d/%d",
			"Accounts without a login through the gateway by %s: %d of %d"}.in(lang), r.Deadline, len(r.Missing), r.Members),
		Columns: []Column{
			{"staff_id", label{"Mã", "Staff id"}.in(lang)},
			{"full_name", label{"Họ và tên", "Full name"}.in(lang)},
			{"division", label{"Phòng/Bộ phận", "Division"}.in(lang)},
			{"city_address", label{"Địa chỉ thư Thành phố", "City address"}.in(lang)},
			{"failed_by_deadline", label{"Lần đăng nhập lỗi", "Failed logins"}.in(lang)},
			{"first_login", label{"Đăng nhập đầu tiên", "First login"}.in(lang)},
		},
	}
	var failed uint64
	for _, m := range r.Missing {
		first := label{"chưa bao giờ", "never"}.in(lang)
		if m.FirstLogin != nil {
			first = LocalTime(*m.FirstLogin)
		}
		failed += m.FailedByDeadline
		t.Rows = append(t.Rows, []any{m.StaffID, m.FullName, m.Division, m.CityAddress, m.FailedByDeadline, first})
	}
	t.Totals = []any{"", fmt.Sprintf(label{"%d người", "%d people"}.in(lang), len(r.Missing)), "", "", failed, ""}
	return []*Table{t}
}
