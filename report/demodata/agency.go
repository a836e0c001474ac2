package demodata

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"log/slog"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"golang.org/x/text/unicode/norm"

	"mailaudit/audit"
)

// Person is one member of the synthetic agency.
type Person struct {
	ID, FullName, Division, City, Personal string
	From, To                               time.Time // roster dates; zero To: still working
	// weight is the person's share of the agency's mail; 0: never sends.
	weight float64
	// firstLogin is the day of the first successful AUTH (zero: never).
	firstLogin time.Time
	// low: a fixed handful of mails a quarter, whatever the row count, so
	// that the low-usage list does not depend on --rows.
	low bool
}

// Agency is a synthetic 200-person agency over one year, reproducible from
// its seed.
type Agency struct {
	Staff []Person
	Start time.Time // first day of the data (civil, 00:00 UTC)
	Days  int
	seed  uint64
	cum   []float64 // cumulative sender weights, for sampling
}

// divisions and their sizes: 200 people.
func divisions() []struct {
	name string
	size int
} {
	return []struct {
		name string
		size int
	}{
		{"Ban Giám đốc", 4}, {"Hành chính - Tổng hợp", 30}, {"Kế toán", 12}, {"Triển lãm", 50},
		{"Thông tin - Tuyên truyền", 40}, {"Kỹ thuật", 24}, {"Tổ chức sự kiện", 30}, {"Kế hoạch - Đối ngoại", 10},
	}
}

// typeMix is the share of each document type (per mille), roughly what an
// exhibition centre's outgoing mail looks like.
func typeMix() []struct {
	id       string
	share    int
	mandated bool
	abbr     string
} {
	return []struct {
		id       string
		share    int
		mandated bool
		abbr     string
	}{
		{"thong_bao", 100, true, "TB"}, {"cong_van", 120, true, ""}, {"giay_moi", 80, true, "GM"},
		{"bao_cao", 90, true, "BC"}, {"lich_cong_tac", 30, true, ""}, {"tai_lieu_hop", 60, true, ""},
		{"ke_hoach", 40, true, "KH"}, {"quyet_dinh", 30, true, "QĐ"}, {"to_trinh", 30, true, "TTr"},
		{"bien_ban", 20, true, "BB"}, {"huong_dan", 20, true, "HD"}, {"van_ban_khac", 30, true, "CTr"},
		{"tai_lieu_cong_viec", 220, true, ""}, {"ca_nhan", 50, false, ""}, {"khong_xac_dinh", 80, false, ""},
	}
}

// NewAgency builds the roster: Vietnamese names, eight divisions, a few
// people who join or leave during the year, a few low users and three who
// never send anything.
func NewAgency(seed uint64, start time.Time, days int) *Agency {
	r := rand.New(rand.NewPCG(seed, 0x6d61696c))
	surnames := []string{"Nguyễn", "Nguyễn", "Nguyễn", "Trần", "Trần", "Lê", "Lê", "Phạm", "Huỳnh", "Hoàng", "Phan", "Võ", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Trương", "Đinh", "Lâm", "Mai"}
	male := []string{"Văn", "Hữu", "Đức", "Quốc", "Minh", "Thanh", "Hoàng", "Gia", "Công", "Tấn"}
	female := []string{"Thị", "Ngọc", "Thu", "Thanh", "Mỹ", "Kim", "Bích", "Thị Ngọc", "Thị Thanh", "Hồng"}
	maleGiven := []string{"Thành", "Phúc", "Tùng", "Bảo", "Trường", "Huy", "Dũng", "Hùng", "Khoa", "Nam", "Quân", "Sơn", "Tâm", "Thắng", "Vinh", "Hải", "Long", "Đạt", "Lộc", "Khánh"}
	femaleGiven := []string{"Ngọc", "Ánh", "Linh", "Nhung", "Oanh", "Hương", "Lan", "Hạnh", "Trang", "Thảo", "Vy", "Yến", "Hà", "Mai", "Phương", "Tuyết", "Diễm", "Quyên", "Nhi", "Châu"}
	personalDomains := []string{"gmail.com", "gmail.com", "gmail.com", "yahoo.com.vn", "yahoo.com", "outlook.com"}
	a := &Agency{Start: start, Days: days, seed: seed}
	used := map[string]int{}
	n := 0
	for _, d := range divisions() {
		for i := 0; i < d.size; i++ {
			n++
			sur := surnames[r.IntN(len(surnames))]
			var mid, given string
			if r.IntN(2) == 0 {
				mid, given = male[r.IntN(len(male))], maleGiven[r.IntN(len(maleGiven))]
			} else {
				mid, given = female[r.IntN(len(female))], femaleGiven[r.IntN(len(femaleGiven))]
			}
			name := sur + " " + mid + " " + given
			local := asciiFold(initials(sur+" "+mid) + given)
			used[local]++
			if used[local] > 1 {
				local = fmt.Sprintf("%s%d", local, used[local])
			}
			p := Person{
				ID: fmt.Sprintf("TTTL%03d", n), FullName: norm.NFC.String(name), Division: d.name,
				City: local + ".tttl@tphcm.gov.vn", From: start,
				// Log-normal activity: most people send a few mails a
				// day, some many, some few.
				weight: math.Exp(r.NormFloat64() * 0.6),
			}
			if r.IntN(3) == 0 {
				p.Personal = fmt.Sprintf("%s.%s%d@%s", asciiFold(given), asciiFold(sur), 70+r.IntN(30), personalDomains[r.IntN(len(personalDomains))])
				p.Personal = strings.ToLower(p.Personal)
			}
			// First login: most on the notice's 21-23 May (or the first
			// day if the data starts later), some late, three never.
			first := time.Date(2024, 5, 21, 0, 0, 0, 0, time.UTC)
			if first.Before(start) {
				first = start
			}
			p.firstLogin = first.AddDate(0, 0, r.IntN(3))
			if r.IntN(12) == 0 {
				p.firstLogin = p.firstLogin.AddDate(0, 0, 5+r.IntN(40))
			}
			a.Staff = append(a.Staff, p)
		}
	}
	// Turnover: four leave, four join during the year.
	for i := 0; i < 4; i++ {
		l := &a.Staff[10+i*37]
		l.To = start.AddDate(0, 0, days/3+i*20)
		j := &a.Staff[25+i*41]
		j.From = start.AddDate(0, 0, days/2+i*15)
		if j.firstLogin.Before(j.From) {
			j.firstLogin = j.From.AddDate(0, 0, 1)
		}
	}
	// Low users (a handful of mails a year) and people who never use
	// the system at all: the report's low-usage list must find them.
	for _, i := range []int{7, 48, 93, 131, 170, 188} {
		a.Staff[i].weight, a.Staff[i].low = 0, true
	}
	for _, i := range []int{61, 142, 199} {
		a.Staff[i].weight = 0
		a.Staff[i].firstLogin = time.Time{}
	}
	sum := 0.0
	for _, p := range a.Staff {
		sum += p.weight
		a.cum = append(a.cum, sum)
	}
	return a
}

func initials(s string) string {
	var b strings.Builder
	for _, f := range strings.Fields(s) {
		b.WriteString(strings.ToLower(string([]rune(f)[:1])))
	}
	return b.String()
}

// asciiFold drops Vietnamese diacritics for mailbox names (đ → d).
func asciiFold(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(strings.ToLower(s)) {
		switch {
		case r == 'đ':
			b.WriteRune('d')
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
		}
	}
	return b.String()
}

// RosterCSV is the roster in policy's CSV format.
func (a *Agency) RosterCSV() []byte {
	var b bytes.Buffer
	b.WriteString("# Synthetic roster written by mailaudit demo-data: invented people.\n")
	w := csv.NewWriter(&b)
	w.Write([]string{"staff_id", "full_name", "division", "city_address", "personal_addresses", "active_from", "active_to"})
	for _, p := range a.Staff {
		to := ""
		if !p.To.IsZero() {
			to = p.To.Format(time.DateOnly)
		}
		w.Write([]string{p.ID, p.FullName, p.Division, p.City, p.Personal, p.From.Format(time.DateOnly), to})
	}
	w.Flush()
	return b.Bytes()
}

// activeOn reports whether p is on the roster on civil day d.
func (p *Person) activeOn(d time.Time) bool {
	return !d.Before(p.From) && (p.To.IsZero() || !d.After(p.To))
}

// Messages generates rows audit rows in batches of batch, calling emit
// for each (the slice is reused: emit must not keep it). The same seed and
// row count give the same rows.
func (a *Agency) Messages(rows, batch int, emit func([]Message) error) error {
	r := rand.New(rand.NewPCG(a.seed, 0x726f7773))
	mix := typeMix()
	total := 0
	for _, t := range mix {
		total += t.share
	}
	// Working days carry the mail; weekends get a trickle.
	var days []time.Time
	var dayCum []float64
	sum := 0.0
	for i := 0; i < a.Days; i++ {
		d := a.Start.AddDate(0, 0, i)
		w := 1.0
		if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
			w = 0.05
		}
		sum += w
		days, dayCum = append(days, d), append(dayCum, sum)
	}
	pick := func(cum []float64) int {
		x := r.Float64() * cum[len(cum)-1]
		lo, hi := 0, len(cum)-1
		for lo < hi {
			m := (lo + hi) / 2
			if cum[m] < x {
				lo = m + 1
			} else {
				hi = m
			}
		}
		return lo
	}
	ict := time.FixedZone("ICT", 7*3600)
	// The low users' few mails come first: 1 to 3 in each quarter.
	var lowRows []Message
	for i := range a.Staff {
		p := &a.Staff[i]
		if !p.low {
			continue
		}
		for q := 0; q*91 < a.Days; q++ {
			for k := 0; k < 1+(i+q)%3; k++ {
				d := a.Start.AddDate(0, 0, min(q*91+r.IntN(91), a.Days-1))
				if !p.activeOn(d) {
					continue
				}
				lowRows = append(lowRows, Message{Time: time.Date(d.Year(), d.Month(), d.Day(), 10, 0, 0, 0, ict), Date: d,
					MailFrom: p.City, AuthUser: p.City, StaffID: p.ID, Division: p.Division, RcptTo: []string{"vanphong@svhtt.tphcm.gov.vn"},
					Type: "bao_cao", Mandated: true, Confidence: 0.9, Action: audit.ActionRelayed, Size: 30000, Audience: "so"})
			}
		}
	}
	buf := make([]Message, 0, batch)
	for i := 0; i < rows; i++ {
		if i < len(lowRows) {
			buf = append(buf, lowRows[i])
			if len(buf) == batch {
				if err := emit(buf); err != nil {
					return err
				}
				buf = buf[:0]
			}
			continue
		}
		var m Message
		day := days[pick(dayCum)]
		at := time.Date(day.Year(), day.Month(), day.Day(), 7+r.IntN(11), r.IntN(60), r.IntN(60), 0, ict)
		m.Time, m.Date = at, day
		x := r.IntN(total)
		var t = mix[len(mix)-1]
		for _, c := range mix {
			if x < c.share {
				t = c
				break
			}
			x -= c.share
		}
		m.Type, m.Mandated, m.Confidence, m.Action = t.id, t.mandated, 0.6+0.4*r.Float64(), audit.ActionRelayed
		m.Size = uint64(2000 + r.IntN(400000))
		m.Signals = []string{"subject: " + t.id + " (2.0)"}
		if t.abbr != "" && r.IntN(2) == 0 {
			m.DocNumber = fmt.Sprintf("%d/%s-TTTL", 1+r.IntN(400), t.abbr)
			m.Signals = append(m.Signals, "body: so ky hieu "+m.DocNumber+" (3.0)")
		}
		if t.mandated && r.IntN(3) == 0 {
			m.Attach = []string{strings.ReplaceAll(t.id, "_", "-") + ".pdf"}
		}
		m.RcptTo = []string{"vanphong@svhtt.tphcm.gov.vn"}
		m.Audience = "so"
		if r.IntN(100) < 2 {
			// Mail from outside the roster relayed by a trusted MTA.
			m.MailFrom = fmt.Sprintf("user%d@gmail.com", r.IntN(50))
			m.Flags = []string{"unknown_sender"}
			if m.Mandated {
				m.Flags = append([]string{"bypass_personal_sender"}, m.Flags...)
			}
		} else {
			pi := pick(a.cum)
			p := &a.Staff[pi]
			if !p.activeOn(day) {
				// Outside the person's time on the roster: give the
				// row to a colleague who was there (or the director).
				pi = (pi + 1 + r.IntN(len(a.Staff)-1)) % len(a.Staff)
				if !a.Staff[pi].activeOn(day) || a.Staff[pi].weight < 0.1 || a.Staff[pi].low {
					pi = 0
				}
				p = &a.Staff[pi]
			}
			m.MailFrom, m.AuthUser, m.StaffID, m.Division = p.City, p.City, p.ID, p.Division
			switch {
			case t.id == "ca_nhan":
				m.Flags = []string{"personal_use"}
				m.RcptTo = []string{fmt.Sprintf("ban%d@gmail.com", r.IntN(500))}
				m.Audience = "ngoai"
			case t.mandated && p.Personal != "" && r.IntN(40) == 0:
				m.Flags = []string{"bypass_personal_recipient"}
				m.RcptTo = []string{p.Personal}
				m.Audience = "noi_bo"
			}
			if t.mandated && r.IntN(2000) == 0 {
				m.Secrecy = "mat"
				m.Flags = append(m.Flags, "secret_document")
				m.Action = audit.ActionRejected
			}
		}
		switch x := r.IntN(1000); {
		case m.Action == audit.ActionRejected:
		case x < 6:
			m.Action = audit.ActionTempfailed
		case x < 10:
			m.Action = audit.ActionBounced
		}
		buf = append(buf, m)
		if len(buf) == batch {
			if err := emit(buf); err != nil {
				return err
			}
			buf = buf[:0]
		}
	}
	if len(buf) > 0 {
		return emit(buf)
	}
	return nil
}

// Auths are the AUTH attempts: a first successful login (some after a
// failed try, some late, three never) and then about one a week.
func (a *Agency) Auths() []Auth {
	r := rand.New(rand.NewPCG(a.seed, 0x61757468))
	ict := time.FixedZone("ICT", 7*3600)
	var out []Auth
	end := a.Start.AddDate(0, 0, a.Days)
	for _, p := range a.Staff {
		if p.firstLogin.IsZero() {
			if r.IntN(2) == 0 { // tried, and gave up
				d := a.Start.AddDate(0, 0, r.IntN(a.Days))
				out = append(out, Auth{Time: time.Date(d.Year(), d.Month(), d.Day(), 9, 0, 0, 0, ict), User: p.City, Result: "failed"})
			}
			continue
		}
		if r.IntN(5) == 0 {
			d := p.firstLogin
			out = append(out, Auth{Time: time.Date(d.Year(), d.Month(), d.Day(), 7, 50, 0, 0, ict), User: p.City, Result: "failed"})
		}
		for d := p.firstLogin; d.Before(end) && p.activeOn(d); d = d.AddDate(0, 0, 5+r.IntN(5)) {
			out = append(out, Auth{Time: time.Date(d.Year(), d.Month(), d.Day(), 8, r.IntN(60), 0, 0, ict), User: p.City, Result: "ok"})
		}
		out = append(out, a.mailboxLogins(r, p, end, ict)...)
	}
	return out
}

// mailboxLogins are a person's IMAP logins through the gateway: most
// people read mail on most workdays; the first of the low users reads
// every workday though she sends little (the case the notice must not
// mark down), the other low users never read through the gateway.
func (a *Agency) mailboxLogins(r *rand.Rand, p Person, end time.Time, ict *time.Location) []Auth {
	reader := p.ID == a.Staff[7].ID
	if p.low && !reader {
		return nil
	}
	var out []Auth
	for d := p.firstLogin; d.Before(end); d = d.AddDate(0, 0, 1) {
		if !p.activeOn(d) || d.Weekday() == time.Saturday || d.Weekday() == time.Sunday || (!reader && r.IntN(5) == 0) {
			continue
		}
		out = append(out, Auth{Time: time.Date(d.Year(), d.Month(), d.Day(), 7, 30+r.IntN(30), 0, 0, ict), User: p.City, Result: "ok", Service: audit.ServiceIMAP})
	}
	return out
}

// Fill migrates the schema and inserts rows messages and the agency's AUTH
// attempts, batch rows per INSERT.
func (a *Agency) Fill(ctx context.Context, conn driver.Conn, schema audit.Schema, rows, batch int, log *slog.Logger) error {
	if _, _, err := audit.Migrate(ctx, conn, schema, log); err != nil {
		return err
	}
	done := 0
	start := time.Now()
	err := a.Messages(rows, batch, func(ms []Message) error {
		if err := InsertMessages(ctx, conn, schema, ms); err != nil {
			return err
		}
		done += len(ms)
		log.Info("demo-data: inserted", "rows", done, "of", rows, "rows_per_s", int(float64(done)/time.Since(start).Seconds()))
		return nil
	})
	if err != nil {
		return err
	}
	return InsertAuth(ctx, conn, schema, a.Auths())
}
