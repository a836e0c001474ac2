package report

import (
	"context"
	"strings"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
)

// ActivationRow is a roster member without a successful login through the
// gateway by the deadline.
type ActivationRow struct {
	StaffID     string `json:"staff_id"`
	FullName    string `json:"full_name"`
	Division    string `json:"division"`
	CityAddress string `json:"city_address"`
	// FailedByDeadline counts failed or tempfailed AUTH attempts up to the
	// deadline: someone who tried and failed (locked mailbox, password
	// never changed) needs other help than someone who never tried.
	FailedByDeadline uint64 `json:"failed_by_deadline"`
	// FirstLogin is the first successful login at any time (after the
	// deadline, since the member is listed); nil: never.
	FirstLogin *time.Time `json:"first_login,omitempty"`
}

// ActivationReport is the `activation` report (notice item 6).
type ActivationReport struct {
	Deadline  string          `json:"deadline"`  // YYYY-MM-DD, included
	Members   int             `json:"members"`   // roster members active on the deadline
	Activated int             `json:"activated"` // of them, logged in by the deadline
	Missing   []ActivationRow `json:"missing"`   // the others, roster order
}

// Activation lists the roster members, active on the deadline day, whose
// city address has no successful AUTH (auth_events.result = 'ok') on or
// before that day. Members who join later are not judged by it.
func (s *Source) Activation(ctx context.Context, deadline time.Time) (*ActivationReport, error) {
	d := deadline.Format(time.DateOnly)
	rep := &ActivationReport{Deadline: d}
	type agg struct {
		okBy, failedBy, okAll uint64
		first                 time.Time
	}
	var members []ActivationRow
	var addrs []string
	for _, st := range s.roster.All() {
		if rosterDays(Period{From: deadline, To: deadline}, st.ActiveFrom, st.ActiveTo) == 0 {
			continue
		}
		members = append(members, ActivationRow{StaffID: st.ID, FullName: st.FullName, Division: st.Division, CityAddress: st.CityAddress})
		addrs = append(addrs, strings.ToLower(st.CityAddress))
	}
	rep.Members = len(members)
	if len(members) == 0 {
		return rep, nil
	}
	byAddr := map[string]agg{}
	// Distinct event ids: a replayed auth row may still be duplicated.
	err := s.query(ctx, "activation", `SELECT lower(user) AS u,
    uniqExactIf(event_id, result = 'ok' AND date <= toDate('`+d+`')) AS ok_by,
    uniqExactIf(event_id, result != 'ok' AND date <= toDate('`+d+`')) AS failed_by,
    uniqExactIf(event_id, result = 'ok') AS ok_all,
    minIf(ts, result = 'ok') AS first_ok
FROM `+s.table("auth_events")+`
WHERE lower(user) IN (`+strings.Trim(quoteList(addrs), "[]")+`)
GROUP BY u`, func(r driver.Rows) error {
		var u string
		var a agg
		if err := r.Scan(&u, &a.okBy, &a.failedBy, &a.okAll, &a.first); err != nil {
			return err
		}
		byAddr[u] = a
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i, m := range members {
		a := byAddr[addrs[i]]
		if a.okBy > 0 {
			rep.Activated++
			continue
		}
		m.FailedByDeadline = a.failedBy
		if a.okAll > 0 {
			t := a.first.UTC()
			m.FirstLogin = &t
		}
		rep.Missing = append(rep.Missing, m)
	}
	return rep, nil
}
