package audit

import (
	"strings"
	"time"

	"github.com/google/uuid"
)

// Action is what the relay did with a message.
const (
	ActionRelayed    = "relayed"    // upstream accepted it (2xx after the final dot)
	ActionRejected   = "rejected"   // policy refused it; the upstream transaction was aborted
	ActionTempfailed = "tempfailed" // the client got a 4xx (upstream down, timeout, ...)
	ActionBounced    = "bounced"    // the upstream answered 5xx itself
)

// Event is one audit row: one relayed message attempt. No message body is
// ever part of it. Field order follows the ClickHouse table.
type Event struct {
	EventID  uuid.UUID // idempotence key: a replay carries the same id
	Time     time.Time // when the final reply went to the client (UTC)
	Instance string    // relay instance name

	ClientIP   string
	TLSVersion string // "", "TLS1.2", "TLS1.3"
	AuthUser   string
	Route      string // route name from the config
	Upstream   string // host:port

	MailFrom   string
	RcptTo     []string
	RcptDomain []string // distinct, lower-case
	HeaderFrom string
	HeaderTo   []string
	HeaderCc   []string
	Subject    string // as the privacy setting says: plain, keyed hash or empty
	MessageID  string
	Size       int64

	AttachNames []string
	AttachTypes []string // content types
	AttachSizes []int64
	AttachKinds []string // document type id per attachment

	Type       string
	Confidence float64
	Secrecy    string
	Urgency    string
	Audience   string
	DocNumber  string
	Mandated   bool
	Signals    []string // "where: what (weight)"

	Flags  []string // policy finding ids
	Action string   // Action* constants

	UpstreamCode int    // SMTP code the upstream gave (0 when none)
	UpstreamText string // its text, enhanced code included

	ClassifyMS float64
	UpstreamMS float64

	StaffID  string
	Division string

	Errors []string
}

// AuthEvent is one AUTH attempt through the gateway. The password is never
// part of it: only the password-policy verdict.
type AuthEvent struct {
	EventID      uuid.UUID
	Time         time.Time
	Instance     string
	User         string
	ClientIP     string
	Mechanism    string // PLAIN | LOGIN (SASL); IMAP-LOGIN (IMAP LOGIN command); USER-PASS (POP3)
	Result       string // ok | failed | tempfail | locked | no_route | refused | no_tls
	UpstreamCode int
	WeakPassword bool // the password broke the notice's rule (>=8, upper, lower, special)
	// Attempts is how many attempts the row stands for: 1, or for a
	// "locked" row the refusals of a locked address since its last row
	// (the relay writes at most one such row per address per minute).
	Attempts int
	Service  string // smtp | imap | pop3 ("" is written as smtp)
}

// Domains lists the distinct lower-case domains of addresses, in order of
// first appearance: the rcpt_domain column.
func Domains(addrs []string) []string {
	out := []string{}
	for _, a := range addrs {
		if i := strings.LastIndexByte(a, '@'); i >= 0 {
			d := strings.ToLower(a[i+1:])
			dup := false
			for _, x := range out {
				dup = dup || x == d
			}
			if !dup {
				out = append(out, d)
			}
		}
	}
	return out
}
