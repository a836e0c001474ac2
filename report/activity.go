package report

import (
	"context"
	"strings"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"mailaudit/audit"
)

// activityDays fills SendDays' companions: MailboxDays (successful IMAP or
// POP3 logins through the gateway) and ActiveDays (the union of sending
// and mailbox days) for every person, division and the total. A day is a
// set member, not a count, because a day with both a message and a login
// counts once.
//
// Mailbox logins carry the login address, not a staff id: the roster maps
// a city address to its member (and division). Logins of addresses not on
// the roster cannot be attributed to anyone and are left out.
func (s *Source) activityDays(ctx context.Context, p Period, get func(string) *Counts) error {
	sent := map[string]map[time.Time]bool{}
	box := map[string]map[time.Time]bool{}
	add := func(m map[string]map[time.Time]bool, keys []string, days []time.Time) {
		for _, k := range keys {
			if m[k] == nil {
				m[k] = map[time.Time]bool{}
			}
			for _, d := range days {
				m[k][d.UTC()] = true
			}
		}
	}
	err := s.query(ctx, "send days", `SELECT staff_id, division, groupUniqArray(date)
FROM `+s.table("messages_daily")+`
WHERE `+dateRange(p)+` AND action = `+quote(audit.ActionRelayed)+` AND messages > 0
GROUP BY staff_id, division`, func(r driver.Rows) error {
		var id, div string
		var days []time.Time
		if err := r.Scan(&id, &div, &days); err != nil {
			return err
		}
		add(sent, []string{"s:" + id, "d:" + div, "t:"}, days)
		return nil
	})
	if err != nil {
		return err
	}
	if s.roster != nil {
		err = s.query(ctx, "mailbox days", `SELECT lower(user) AS u, groupUniqArray(date)
FROM `+s.table("auth_events")+`
WHERE `+dateRange(p)+` AND service IN ('imap', 'pop3') AND result = 'ok'
GROUP BY u`, func(r driver.Rows) error {
			var u string
			var days []time.Time
			if err := r.Scan(&u, &days); err != nil {
				return err
			}
			st, ok := s.roster.ByAddress(u)
			if !ok || !strings.EqualFold(st.CityAddress, u) {
				return nil // not a member's city mailbox
			}
			add(box, []string{"s:" + st.ID, "d:" + st.Division, "t:"}, days)
			return nil
		})
		if err != nil {
			return err
		}
	}
	for k, days := range box {
		c := get(k)
		c.MailboxDays = uint64(len(days))
		union := len(days)
		for d := range sent[k] {
			if !days[d] {
				union++
			}
		}
		c.ActiveDays = uint64(union)
	}
	return nil
}
