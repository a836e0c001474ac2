package policy

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"mailaudit/classify"
)

// Engine applies one configuration and one roster. It is immutable after New
// and safe for concurrent use; the relay reloads by building a new Engine and
// swapping it in, keeping the old one when New fails.
type Engine struct {
	mode       string
	city       domainSet
	personal   domainSet
	deptDomain domainSet
	deptAddr   map[string]bool
	mandated   map[string]bool
	actions    map[string]string // an entry for every finding
	roster     *Roster
	canon      canonicalizer
}

// New validates cfg, loads the roster it names and returns an Engine. Errors
// name the configuration key; roster errors carry file:line for every bad
// line (see RosterError).
func New(cfg Config) (*Engine, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	e := &Engine{
		mode:     ModeMonitor,
		city:     normalizeDomains(cfg.CityDomains, DefaultCityDomains()),
		personal: normalizeDomains(cfg.PersonalDomains, DefaultPersonalDomains()),
		deptAddr: map[string]bool{},
		mandated: map[string]bool{},
		actions:  DefaultActions(),
	}
	if cfg.Mode != "" {
		e.mode = cfg.Mode
	}
	e.canon = canonicalizer{city: e.city, cityPlus: cfg.CityPlusAddressing}
	for _, a := range cfg.DepartmentAddresses {
		a = strings.TrimSpace(a)
		if dom, ok := strings.CutPrefix(a, "@"); ok {
			e.deptDomain = append(e.deptDomain, normalizeDomain(dom))
		} else {
			e.deptAddr[e.canon.key(normalizeAddress(a))] = true
		}
	}
	mandated := cfg.Mandated
	if len(mandated) == 0 {
		mandated = DefaultMandated()
	}
	for _, t := range mandated {
		e.mandated[t] = true
	}
	for f, a := range cfg.Actions {
		e.actions[f] = a
	}
	if cfg.Roster != "" {
		var divisions []string
		for _, d := range cfg.Divisions {
			divisions = append(divisions, normalizeName(d))
		}
		r, err := loadRoster(cfg.Roster, rosterRules{city: e.city, divisions: divisions, canon: e.canon})
		if err != nil {
			return nil, fmt.Errorf("policy.roster: %w", err)
		}
		e.roster = r
	}
	return e, nil
}

// Mode returns "monitor" or "enforce".
func (e *Engine) Mode() string { return e.mode }

// Mandated reports whether the notice requires documents of this type to
// travel through the city system. The policy's list is the one source of
// truth: the audit row's mandated column comes from here too.
func (e *Engine) Mandated(typ string) bool { return e.mandated[typ] }

// Action returns the configured action of a finding ("" for an unknown id).
// The relay uses it for weak_password, which it detects itself.
func (e *Engine) Action(finding string) string { return e.actions[finding] }

// Roster returns the loaded roster; it is empty (not nil) when none is
// configured.
func (e *Engine) Roster() *Roster {
	if e.roster == nil {
		return &Roster{}
	}
	return e.roster
}

// Input is what the relay knows about one message at end of data.
type Input struct {
	AuthUser   string // login used for AUTH; "" when relayed from a trusted network
	MailFrom   string // envelope reverse-path; "" or "<>" for the null sender
	HeaderFrom string // used only for the null sender (see the package documentation)
	RcptTo     []string
	Verdict    *classify.Verdict // nil when the message could not be classified
	// Time is when the message arrived; it decides whether a roster entry is
	// active. Zero means now.
	Time time.Time
}

// Decision is what the policy says about one message.
type Decision struct {
	Flags    []string // finding ids, sorted; nil when none
	Reject   bool     // enforce mode and some finding's action is reject
	Reply    Reply    // set when Reject
	Tag      string   // findings whose action is tag, "; "-separated, for a header upstream
	StaffID  string   // the sender's roster entry, "" when unknown
	Division string
	// Audience is the audience recipients were judged by (see the package
	// documentation); "" when there was no verdict.
	Audience string
	// Signals are observations that are not findings: they never count in
	// reports or ratings and are not in Tag. The audit row keeps them next
	// to the classifier's signals, with Where "policy".
	Signals []classify.Signal
}

// Reply is an SMTP reply. Text and TextASCII say the same thing, Vietnamese
// first then English; lines are separated by "\n" (go-smtp turns them into a
// multi-line reply) and each line stays well under SMTP's 512-octet limit.
// Use Text when the client announced SMTPUTF8, TextASCII (Vietnamese without
// diacritics) otherwise.
type Reply struct {
	Code      int
	Enhanced  string
	Text      string
	TextASCII string
}

// Evaluate applies the policy to one message. It never fails: a missing
// verdict or sender only means fewer findings.
func (e *Engine) Evaluate(in Input) Decision {
	at := in.Time
	if at.IsZero() {
		at = time.Now()
	}
	var d Decision
	var ctx replyContext
	found := map[string]bool{}

	sender := senderOf(in)
	staff, _, known := e.roster.lookup(sender)
	if known {
		d.StaffID, d.Division = staff.ID, staff.Division
		ctx.senderCity = staff.CityAddress
	}
	ctx.sender = sender
	ctx.cityDomain = e.city[0]
	if e.roster.Len() > 0 && sender != "" && !(known && staff.ActiveAt(at)) {
		found[FindingUnknownSender] = true
	}
	senderCity := e.city.match(domainOf(sender))

	if v := in.Verdict; v != nil {
		ctx.docType = v.Type
		switch v.Secrecy {
		case "mat", "toi_mat", "tuyet_mat":
			found[FindingSecretDocument] = true
			ctx.secrecy = v.Secrecy
		}
		if v.Type == typePersonal && senderCity {
			found[FindingPersonalUse] = true
		}
		rcpts := e.recipients(in.RcptTo)
		d.Audience = e.audience(v, rcpts)
		if e.mandated[v.Type] {
			if sender != "" && !senderCity {
				found[FindingBypassPersonalSender] = true
			}
			var consumer []string
			ctx.badRcpt, ctx.rcptCity, consumer = e.personalRecipients(rcpts)
			if len(ctx.badRcpt) > 0 {
				found[FindingBypassPersonalRecipient] = true
			}
			if d.Audience != "ngoai" {
				// A document for the Sở or the agency going to a consumer
				// address the roster does not list: perhaps a colleague's
				// unlisted mailbox (the roster needs it), perhaps a partner.
				// Nobody can be blamed for it, so it is a signal.
				for _, a := range consumer {
					d.Signals = append(d.Signals, classify.Signal{Where: "policy",
						What: fmt.Sprintf("consumer-domain recipient %s not on the roster; mandated document, audience %s; not a finding", a, d.Audience)})
				}
			}
			if !known {
				// Naming colleagues' city addresses to an unknown sender would
				// let anyone with a routed account probe the roster.
				ctx.rcptCity = nil
			}
		}
	}

	var reject, tag []string
	for _, f := range Findings() { // sorted, so Flags and Tag are stable
		if !found[f] {
			continue
		}
		d.Flags = append(d.Flags, f)
		switch e.actions[f] {
		case ActionTag:
			tag = append(tag, f)
		case ActionReject:
			if e.mode == ModeEnforce {
				reject = append(reject, f)
			}
		}
	}
	d.Tag = strings.Join(tag, "; ")
	if len(reject) > 0 {
		d.Reject = true
		d.Reply = buildReply(550, "5.7.1", reject, ctx)
	}
	return d
}

// recipients normalizes the envelope recipients and drops repeats of one
// mailbox.
func (e *Engine) recipients(rcpts []string) []string {
	out := make([]string, 0, len(rcpts))
	seen := make(map[string]bool, len(rcpts))
	for _, r := range rcpts {
		a := normalizeAddress(r)
		if k := e.canon.key(a); a != "" && !seen[k] {
			seen[k] = true
			out = append(out, a)
		}
	}
	return out
}

// audience is the audience recipients are judged by. When the agency's own
// document names its addressee, the verdict's audience stands. Otherwise
// the recipients decide, but only those the policy does not judge: the Sở
// (so), other organisations' domains (ngoai), the city system (noi_bo), in
// that order. Consumer-domain recipients never count, so an address gets
// the same judgement in To, Cc or Bcc.
func (e *Engine) audience(v *classify.Verdict, rcpts []string) string {
	if v.AudienceSource == classify.AudienceFromDocument && v.Audience != "" {
		return v.Audience
	}
	var so, ngoai, noiBo bool
	for _, a := range rcpts {
		dom := domainOf(a)
		switch {
		case e.isDepartment(a):
			so = true
		case e.personal.match(dom):
		case e.city.match(dom):
			noiBo = true
		case dom != "":
			ngoai = true
		}
	}
	switch {
	case so:
		return "so"
	case ngoai:
		return "ngoai"
	case noiBo:
		return "noi_bo"
	}
	return "unknown"
}

// personalRecipients splits normalized recipients into the roster's
// personal addresses (bad: a bypass; city: the city addresses of the people
// they belong to, for the reply's advice) and other consumer-domain
// addresses (consumer: nobody is known to own them).
func (e *Engine) personalRecipients(rcpts []string) (bad, city, consumer []string) {
	for _, a := range rcpts {
		staff, personal, known := e.roster.lookup(a)
		switch {
		case known && personal:
			bad = append(bad, a)
			if !slices.Contains(city, staff.CityAddress) {
				city = append(city, staff.CityAddress)
			}
		case !known && e.personal.match(domainOf(a)):
			consumer = append(consumer, a)
		}
	}
	return bad, city, consumer
}

func (e *Engine) isDepartment(addr string) bool {
	return e.deptAddr[e.canon.key(addr)] || e.deptDomain.match(domainOf(addr))
}

// EvaluateAuth turns the relay's WeakPassword verdict for a login into a
// Decision, so that weak_password follows the same action table as the other
// findings. When it rejects (enforce mode, action reject), the reply is a 535
// 5.7.8: clients then ask the user for the password again, which is what the
// user must do after changing it.
func (e *Engine) EvaluateAuth(user string, weak bool) Decision {
	var d Decision
	if s, _, ok := e.roster.lookup(normalizeAddress(user)); ok {
		d.StaffID, d.Division = s.ID, s.Division
	}
	if !weak {
		return d
	}
	d.Flags = []string{FindingWeakPassword}
	switch e.actions[FindingWeakPassword] {
	case ActionTag:
		d.Tag = FindingWeakPassword
	case ActionReject:
		if e.mode == ModeEnforce {
			d.Reject = true
			d.Reply = buildReply(535, "5.7.8", []string{FindingWeakPassword}, replyContext{})
		}
	}
	return d
}

// senderOf returns whom a message is judged as coming from, normalized.
// A login that is an address decides: the upstream verified it (a bare
// login such as "nva" falls through). Then the envelope sender, as given:
// even malformed, it is the claim the message travels under, and the header
// From is no better verified. Only the null reverse-path, which names no
// sender at all, falls back to the header From.
func senderOf(in Input) string {
	if a := normalizeAddress(in.AuthUser); checkAddress(a) == nil {
		return a
	}
	if a := normalizeAddress(in.MailFrom); a != "" {
		return a
	}
	if a := normalizeAddress(in.HeaderFrom); checkAddress(a) == nil {
		return a
	}
	return ""
}
