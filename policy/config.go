package policy

import (
	"fmt"
	"slices"
	"strings"

	"golang.org/x/text/unicode/norm"
)

// Modes.
const (
	ModeMonitor = "monitor" // findings are recorded, nothing is refused
	ModeEnforce = "enforce" // findings whose action is reject refuse the message
)

// Actions a finding can have.
const (
	ActionLog    = "log"    // the audit row's flags only
	ActionTag    = "tag"    // also a header value the relay adds upstream
	ActionReject = "reject" // refuse the message (enforce mode only)
)

// Finding ids. They are stable: they appear in audit rows, reports and
// configuration. The exact rules are in the package documentation.
const (
	FindingBypassPersonalSender    = "bypass_personal_sender"
	FindingBypassPersonalRecipient = "bypass_personal_recipient"
	FindingSecretDocument          = "secret_document"
	FindingPersonalUse             = "personal_use"
	FindingUnknownSender           = "unknown_sender"
	FindingWeakPassword            = "weak_password"
)

// Findings returns every finding id, sorted.
func Findings() []string {
	return []string{
		FindingBypassPersonalRecipient,
		FindingBypassPersonalSender,
		FindingPersonalUse,
		FindingSecretDocument,
		FindingUnknownSender,
		FindingWeakPassword,
	}
}

// Type ids from shared/taxonomy.md that the policy treats specially.
const (
	typePersonal = "ca_nhan"
	typeUnknown  = "khong_xac_dinh"
)

// taxonomyTypes lists the primary type ids of shared/taxonomy.md in its order.
// A function rather than a package variable keeps the package free of
// mutable globals.
func taxonomyTypes() []string {
	return []string{
		"thong_bao", "cong_van", "giay_moi", "bao_cao", "lich_cong_tac",
		"tai_lieu_hop", "ke_hoach", "quyet_dinh", "to_trinh", "bien_ban",
		"huong_dan", "van_ban_khac", "tai_lieu_cong_viec", typePersonal, typeUnknown,
	}
}

// DefaultMandated returns the taxonomy's mandated types: everything except
// personal mail and undetermined mail (notice item 3 lists work documents of
// every kind).
func DefaultMandated() []string {
	var out []string
	for _, t := range taxonomyTypes() {
		if t != typePersonal && t != typeUnknown {
			out = append(out, t)
		}
	}
	return out
}

// DefaultPersonalDomains returns consumer mail domains staff are known to use.
// vnn.vn covers VNPT's regional consumer domains (hcm.vnn.vn, ...) through
// subdomain matching.
func DefaultPersonalDomains() []string {
	return []string{
		"gmail.com", "googlemail.com",
		"yahoo.com", "yahoo.com.vn", "ymail.com", "rocketmail.com",
		"outlook.com", "outlook.com.vn", "hotmail.com", "live.com", "msn.com",
		"icloud.com", "me.com", "mac.com",
		"aol.com", "proton.me", "protonmail.com", "zoho.com", "gmx.com", "mail.com",
		"yandex.com", "yandex.ru", "qq.com", "163.com", "126.com", "naver.com",
		"vnn.vn",
	}
}

// DefaultCityDomains returns the city mail system's domain.
func DefaultCityDomains() []string { return []string{"tphcm.gov.vn"} }

// DefaultActions returns the action of every finding before configuration:
// only secret documents are refused (and only in enforce mode), since the law
// forbids sending them at all; everything else is recorded.
func DefaultActions() map[string]string {
	m := make(map[string]string, len(Findings()))
	for _, f := range Findings() {
		m[f] = ActionLog
	}
	m[FindingSecretDocument] = ActionReject
	return m
}

// Config is the policy section of the daemon's configuration. Empty fields
// take their defaults.
type Config struct {
	Mode                string            `yaml:"mode"`             // monitor | enforce (default monitor)
	CityDomains         []string          `yaml:"city_domains"`     // default ["tphcm.gov.vn"]; subdomains count too
	DepartmentAddresses []string          `yaml:"department"`       // addresses or @domains of the Sở
	PersonalDomains     []string          `yaml:"personal_domains"` // consumer mail domains; default DefaultPersonalDomains
	Divisions           []string          `yaml:"divisions"`        // when set, every roster division must be one of these
	Roster              string            `yaml:"roster"`           // path to the staff CSV; empty = no roster
	Mandated            []string          `yaml:"mandated"`         // type ids; empty = DefaultMandated
	Actions             map[string]string `yaml:"actions"`          // finding id -> log|tag|reject
	// CityPlusAddressing: the city mail server delivers local+tag@city to
	// local@city, so the policy attributes such an address to local's roster
	// entry. Default off: an on-premises server does not subaddress unless
	// configured to (Exchange Server cannot at all; Postfix's
	// recipient_delimiter is empty as installed), and then local+tag@city is
	// another, unknown address. Turn it on once the city mail administration
	// confirms that its server does it.
	CityPlusAddressing bool `yaml:"city_plus_addressing"`
}

// Validate checks the configuration without reading the roster file. The
// first problem is returned as one line naming the key, so that the daemon's
// check-config prints something an operator can act on.
func (c Config) Validate() error {
	switch c.Mode {
	case "", ModeMonitor, ModeEnforce:
	default:
		return fmt.Errorf(`policy.mode: %q: must be "monitor" or "enforce"`, c.Mode)
	}
	for i, d := range c.CityDomains {
		if checkDomain(normalizeDomain(d)) != nil {
			return fmt.Errorf("policy.city_domains[%d]: %q: %w", i, d, errNotDomain)
		}
	}
	for i, a := range c.DepartmentAddresses {
		a = strings.TrimSpace(a)
		if dom, ok := strings.CutPrefix(a, "@"); ok {
			if checkDomain(normalizeDomain(dom)) != nil {
				return fmt.Errorf("policy.department[%d]: %q: %w", i, a, errNotDomain)
			}
			continue
		}
		if checkAddress(normalizeAddress(a)) != nil {
			return fmt.Errorf(`policy.department[%d]: %q: must be an e-mail address or "@domain"`, i, a)
		}
	}
	city := domainSet(normalizeDomains(c.CityDomains, DefaultCityDomains()))
	for i, d := range c.PersonalDomains {
		nd := normalizeDomain(d)
		if checkDomain(nd) != nil {
			return fmt.Errorf("policy.personal_domains[%d]: %q: %w", i, d, errNotDomain)
		}
		if city.match(nd) {
			return fmt.Errorf("policy.personal_domains[%d]: %q: is a city domain", i, d)
		}
	}
	seen := map[string]int{}
	for i, d := range c.Divisions {
		nd := normalizeName(d)
		if nd == "" {
			return fmt.Errorf("policy.divisions[%d]: empty", i)
		}
		if j, dup := seen[nd]; dup {
			return fmt.Errorf("policy.divisions[%d]: %q: duplicate of policy.divisions[%d]", i, d, j)
		}
		seen[nd] = i
	}
	for i, t := range c.Mandated {
		switch {
		case !slices.Contains(taxonomyTypes(), t):
			return fmt.Errorf("policy.mandated[%d]: %q: unknown type id (known: %s)", i, t, strings.Join(taxonomyTypes(), ", "))
		case t == typePersonal:
			// Mandating personal mail would call every private gmail a bypass
			// while personal_use calls the same mail through the city system
			// a violation: no sender could comply.
			return fmt.Errorf("policy.mandated[%d]: %q: personal mail cannot be mandated", i, t)
		}
	}
	for _, f := range sortedKeys(c.Actions) {
		if !slices.Contains(Findings(), f) {
			return fmt.Errorf("policy.actions.%s: unknown finding (known: %s)", f, strings.Join(Findings(), ", "))
		}
		switch c.Actions[f] {
		case ActionLog, ActionTag, ActionReject:
		default:
			return fmt.Errorf(`policy.actions.%s: %q: must be "log", "tag" or "reject"`, f, c.Actions[f])
		}
	}
	return nil
}

// normalizeDomains normalizes a domain list, or returns def when it is empty.
func normalizeDomains(in, def []string) []string {
	if len(in) == 0 {
		in = def
	}
	out := make([]string, 0, len(in))
	for _, d := range in {
		out = append(out, normalizeDomain(d))
	}
	return out
}

// normalizeName puts a Vietnamese name in NFC with single spaces, so that a
// division typed in the YAML (often NFC) equals the same division in a CSV
// exported from Excel or typed with an NFD-producing input method.
func normalizeName(s string) string {
	return strings.Join(strings.Fields(norm.NFC.String(s)), " ")
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
