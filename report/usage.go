package report

import (
	"context"
	"fmt"
	"slices"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"mailaudit/audit"
)

// Counts are one person's, one division's or the whole agency's figures in
// a period.
type Counts struct {
	// Messages went through the city mail system: the upstream accepted
	// them (action relayed). This is the "use" the notice rates.
	Messages uint64 `json:"messages"`
	// Attempts are every audited message, whatever happened to it
	// (relayed, rejected by policy, temporarily failed, bounced).
	Attempts uint64 `json:"attempts"`
	// Mandated counts relayed messages whose type the notice (item 3)
	// requires to travel through the city system.
	Mandated uint64 `json:"mandated"`
	// ActiveDays are the distinct days with a relayed message or a
	// successful mailbox (IMAP/POP3) login: the days the person used the
	// city mailbox, reading or sending.
	ActiveDays uint64 `json:"active_days"`
	// SendDays are the distinct days with at least one relayed message.
	SendDays uint64 `json:"send_days"`
	// MailboxDays are the distinct days with a successful IMAP or POP3
	// login through the gateway (webmail logins are not seen).
	MailboxDays uint64 `json:"mailbox_days"`
	// Flagged counts messages with at least one finding, any action.
	Flagged uint64 `json:"flagged"`
	// MandatedByType splits Mandated by document type id.
	MandatedByType map[string]uint64 `json:"mandated_by_type"`
	// FindingsByKind counts findings by id; a message with two findings
	// counts under both, so the sum can exceed Flagged.
	FindingsByKind map[string]uint64 `json:"findings_by_kind"`
}

func newCounts() Counts {
	return Counts{MandatedByType: map[string]uint64{}, FindingsByKind: map[string]uint64{}}
}

// PersonUsage is one row of the per-person usage table.
type PersonUsage struct {
	StaffID     string `json:"staff_id"` // "" for senders not on the roster
	FullName    string `json:"full_name"`
	Division    string `json:"division"`
	CityAddress string `json:"city_address"`
	// OnRoster is false for a staff id that appears in audit rows but no
	// longer in the roster file, and for the unknown-senders row.
	OnRoster bool `json:"on_roster"`
	// RosterDays is how many days of the period the person was on the
	// roster (active_from..active_to); PeriodDays when all of it.
	RosterDays int `json:"roster_days"`
	Counts
}

// DivisionUsage is one row of the per-division table.
type DivisionUsage struct {
	Division string `json:"division"` // "" for senders not on the roster
	Staff    int    `json:"staff"`    // roster members of the division in the period
	Counts
}

// UsageReport is the `usage` report.
type UsageReport struct {
	Period     Period          `json:"period"`
	PeriodDays int             `json:"period_days"`
	Persons    []PersonUsage   `json:"persons"`
	Divisions  []DivisionUsage `json:"divisions"`
	Total      Counts          `json:"total"`
	// Types and Findings list the ids with a non-zero total, in display
	// order: the tables get one column each.
	Types    []string `json:"types"`
	Findings []string `json:"findings"`
}

// Usage computes per-person and per-division usage in p. Every roster
// member on the roster during p gets a row, with zeros when silent.
func (s *Source) Usage(ctx context.Context, p Period) (*UsageReport, error) {
	groups := map[string]*Counts{}
	get := func(g string) *Counts {
		c, ok := groups[g]
		if !ok {
			n := newCounts()
			c = &n
			groups[g] = c
		}
		return c
	}
	lastDivision := map[string]string{} // staff id -> division of its rows

	relayed := quote(audit.ActionRelayed)
	daily := s.table("messages_daily")
	// Staff id and division are attributes of the sender at sending time
	// (the policy's roster lookup), stored in each row.
	err := s.query(ctx, "usage", `SELECT `+groupKeys("staff_id", "division")+` AS grp,
    sumIf(messages, action = `+relayed+`) AS sent,
    sum(messages) AS attempts,
    sumIf(mandated, action = `+relayed+`) AS mand,
    uniqExactIf(date, action = `+relayed+` AND messages > 0) AS days,
    sum(flagged) AS flg,
    anyLast(division) AS last_div
FROM `+daily+`
WHERE `+dateRange(p)+`
GROUP BY grp`, func(r driver.Rows) error {
		var g, div string
		var sent, att, mand, days, fl uint64
		if err := r.Scan(&g, &sent, &att, &mand, &days, &fl, &div); err != nil {
			return err
		}
		c := get(g)
		c.Messages, c.Attempts, c.Mandated, c.SendDays, c.ActiveDays, c.Flagged = sent, att, mand, days, days, fl
		if lvl, id := splitGroup(g); lvl == 's' {
			lastDivision[id] = div
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	types := map[string]bool{}
	err = s.query(ctx, "usage by type", `SELECT `+groupKeys("staff_id", "division")+` AS grp, type, sum(mandated) AS n
FROM `+daily+`
WHERE `+dateRange(p)+` AND action = `+relayed+` AND mandated > 0
GROUP BY grp, type`, func(r driver.Rows) error {
		var g, typ string
		var n uint64
		if err := r.Scan(&g, &typ, &n); err != nil {
			return err
		}
		if n > 0 {
			get(g).MandatedByType[typ] = n
			types[typ] = true
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	kinds := map[string]bool{}
	// Only flagged rows are collapsed by event_id: a replay duplicate
	// would otherwise count twice until the ReplacingMergeTree merges.
	err = s.query(ctx, "findings by kind", `SELECT `+groupKeys("sid", "div")+` AS grp, arrayJoin(fl) AS kind, count() AS n
FROM (
    SELECT event_id, any(staff_id) AS sid, any(division) AS div, any(flags) AS fl
    FROM `+s.table("messages")+`
    PREWHERE notEmpty(flags)
    WHERE `+dateRange(p)+`
    GROUP BY event_id
)
GROUP BY grp, kind`, func(r driver.Rows) error {
		var g, kind string
		var n uint64
		if err := r.Scan(&g, &kind, &n); err != nil {
			return err
		}
		get(g).FindingsByKind[kind] = n
		kinds[kind] = true
		return nil
	})
	if err != nil {
		return nil, err
	}

	if err := s.activityDays(ctx, p, get); err != nil {
		return nil, err
	}

	rep := &UsageReport{Period: p, PeriodDays: p.Days(), Total: *get("t:")}
	for t := range types {
		rep.Types = append(rep.Types, t)
	}
	typeOrder(rep.Types)
	for k := range kinds {
		rep.Findings = append(rep.Findings, k)
	}
	slices.Sort(rep.Findings)

	// Persons: the roster in file order (the agency's own order), then
	// staff ids seen only in the data, then senders not on the roster.
	seen := map[string]bool{}
	divStaff := map[string]int{}
	var divOrder []string
	addDiv := func(d string) {
		if !slices.Contains(divOrder, d) {
			divOrder = append(divOrder, d)
		}
	}
	for _, st := range s.roster.All() {
		days := rosterDays(p, st.ActiveFrom, st.ActiveTo)
		if days == 0 {
			continue
		}
		seen[st.ID] = true
		addDiv(st.Division)
		divStaff[st.Division]++
		rep.Persons = append(rep.Persons, PersonUsage{
			StaffID: st.ID, FullName: st.FullName, Division: st.Division, CityAddress: st.CityAddress,
			OnRoster: true, RosterDays: days, Counts: *get("s:" + st.ID),
		})
	}
	var extra []string
	for g := range groups {
		if lvl, id := splitGroup(g); lvl == 's' && id != "" && !seen[id] {
			extra = append(extra, id)
		}
	}
	slices.Sort(extra)
	for _, id := range extra {
		pu := PersonUsage{StaffID: id, Division: lastDivision[id], Counts: *get("s:" + id)}
		// A member outside the period (left before it, say) still has
		// a name in the roster.
		if st, ok := s.roster.ByID(id); ok {
			pu.FullName, pu.CityAddress = st.FullName, st.CityAddress
		}
		rep.Persons = append(rep.Persons, pu)
	}
	if c, ok := groups["s:"]; ok {
		rep.Persons = append(rep.Persons, PersonUsage{Counts: *c})
	}

	var dataDivs []string
	for g := range groups {
		if lvl, d := splitGroup(g); lvl == 'd' && !slices.Contains(divOrder, d) {
			dataDivs = append(dataDivs, d)
		}
	}
	slices.Sort(dataDivs)
	for _, d := range dataDivs {
		if d != "" {
			addDiv(d)
		}
	}
	if slices.Contains(dataDivs, "") {
		addDiv("")
	}
	for _, d := range divOrder {
		rep.Divisions = append(rep.Divisions, DivisionUsage{Division: d, Staff: divStaff[d], Counts: *get("d:" + d)})
	}
	return rep, nil
}

// Thresholds decide who is a low user in a period: fewer active days
// (sending or a mailbox login) than MinActiveDays. MinMessages applies
// only to people with no mailbox login through the gateway in the period,
// who are judged by what they send as before: someone who reads and
// handles mail every day is not marked down for sending little.
type Thresholds struct {
	MinMessages   uint64 `json:"min_messages" yaml:"min_messages"`       // relayed messages
	MinActiveDays uint64 `json:"min_active_days" yaml:"min_active_days"` // days with a message sent or a mailbox login
}

// DefaultThresholds are the low-usage thresholds per quarter when the
// config's reports: section does not say.
func DefaultThresholds() Thresholds { return Thresholds{MinMessages: 10, MinActiveDays: 5} }

// Reason codes of a low user.
const (
	ReasonNoActivity    = "no_activity"     // not a single audited message nor mailbox login
	ReasonNoneRelayed   = "none_relayed"    // attempts, but none went through
	ReasonFewMessages   = "few_messages"    // under MinMessages
	ReasonFewActiveDays = "few_active_days" // under MinActiveDays
)

// LowUser is a roster member under a threshold.
type LowUser struct {
	PersonUsage
	Reasons []string `json:"reasons"` // Reason* codes
}

// LowUsageReport is the `low-usage` report.
type LowUsageReport struct {
	Period     Period     `json:"period"`
	PeriodDays int        `json:"period_days"`
	Thresholds Thresholds `json:"thresholds"`
	Users      []LowUser  `json:"users"`
}

// LowUsage lists the roster members on the roster during p whose usage is
// under t, silent members included, each with the reasons.
func (s *Source) LowUsage(ctx context.Context, p Period, t Thresholds) (*LowUsageReport, error) {
	u, err := s.Usage(ctx, p)
	if err != nil {
		return nil, err
	}
	return LowUsageFrom(u, t), nil
}

// LowUsageFrom filters a usage report by t (no further query).
func LowUsageFrom(u *UsageReport, t Thresholds) *LowUsageReport {
	rep := &LowUsageReport{Period: u.Period, PeriodDays: u.PeriodDays, Thresholds: t}
	for _, pu := range u.Persons {
		if !pu.OnRoster {
			continue // the rating concerns roster members only
		}
		reads := pu.MailboxDays > 0
		if pu.ActiveDays >= t.MinActiveDays && (reads || pu.Messages >= t.MinMessages) {
			continue
		}
		var why []string
		switch {
		case pu.Attempts == 0 && !reads:
			why = append(why, ReasonNoActivity)
		case pu.Messages == 0 && !reads:
			why = append(why, ReasonNoneRelayed)
		default:
			if !reads && pu.Messages < t.MinMessages {
				why = append(why, ReasonFewMessages)
			}
			if pu.ActiveDays < t.MinActiveDays {
				why = append(why, ReasonFewActiveDays)
			}
		}
		if len(why) > 0 {
			rep.Users = append(rep.Users, LowUser{PersonUsage: pu, Reasons: why})
		}
	}
	return rep
}

// ReasonText explains a reason code for a person, in lang.
func ReasonText(code string, pu PersonUsage, t Thresholds, lang string) string {
	switch code {
	case ReasonNoActivity:
		return label{"Không có thư nào trong kỳ", "No message at all in the period"}.in(lang)
	case ReasonNoneRelayed:
		return fmt.Sprintf(label{"%d thư, không thư nào được chuyển qua hệ thống Thành phố",
			"%d messages, none went through the city system"}.in(lang), pu.Attempts)
	case ReasonFewMessages:
		return fmt.Sprintf(label{"%d thư < ngưỡng %d", "%d messages < threshold %d"}.in(lang), pu.Messages, t.MinMessages)
	case ReasonFewActiveDays:
		return fmt.Sprintf(label{"%d ngày sử dụng < ngưỡng %d", "%d active days < threshold %d"}.in(lang), pu.ActiveDays, t.MinActiveDays)
	}
	return code
}
