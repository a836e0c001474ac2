package policy

import (
	"errors"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/idna"
	"golang.org/x/text/unicode/norm"
)

var (
	errNotAddress = errors.New("not an e-mail address")
	errNotDomain  = errors.New("not a domain name")
)

// normalizeAddress returns s as the policy compares and records it: an
// addr-spec in NFC, lower-case (local part included), its domain in ASCII
// (IDNA, UTS #46 lookup mapping) without a trailing root dot, and a quoted
// local part unquoted. It accepts the forms the relay and the classifier hand
// over ("a@b", "<a@b>", "Name <a@b>") so that callers need not agree on one;
// "<>" (the null reverse-path) gives "". Anything that is not an address at
// all comes back lower-cased and trimmed, so that it can still be judged as
// given.
func normalizeAddress(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '<'); i >= 0 {
		if j := strings.IndexByte(s[i:], '>'); j > 0 {
			s = s[i+1 : i+j]
		}
	}
	s = norm.NFC.String(strings.TrimSpace(s))
	at := strings.LastIndexByte(s, '@')
	if at < 0 {
		return strings.ToLower(s)
	}
	return strings.ToLower(unquoteLocal(s[:at])) + "@" + normalizeDomain(s[at+1:])
}

// unquoteLocal turns a quoted local part ("a.b" with RFC 5321 backslash
// escapes) into its content: "a.b"@x and a.b@x are one mailbox (RFC 5321
// 4.1.2), and go-smtp already hands the relay MAIL FROM unquoted.
func unquoteLocal(l string) string {
	if len(l) < 2 || l[0] != '"' || l[len(l)-1] != '"' {
		return l
	}
	var b strings.Builder
	for i := 1; i < len(l)-1; i++ {
		if l[i] == '\\' && i+1 < len(l)-1 {
			i++
		}
		b.WriteByte(l[i])
	}
	return b.String()
}

// normalizeDomain lower-cases a domain, drops a trailing root dot and turns an
// internationalized name into its xn-- form, so that "TPHCM.gov.vn.",
// "tphcm.gov.vn" and the full-width "ｔｐｈｃｍ.gov.vn" compare equal, and a
// look-alike in another script ("tрhcm", Cyrillic р) stays a different
// domain. A name IDNA refuses is kept lower-cased: checkDomain then refuses it.
func normalizeDomain(s string) string {
	s = strings.TrimSuffix(strings.TrimSpace(s), ".")
	if isASCII(s) {
		return strings.ToLower(s)
	}
	if a, err := idna.Lookup.ToASCII(s); err == nil {
		return a
	}
	return strings.ToLower(s)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// splitAddress splits a normalized address at its last "@".
func splitAddress(addr string) (local, domain string, ok bool) {
	at := strings.LastIndexByte(addr, '@')
	if at < 0 {
		return addr, "", false
	}
	return addr[:at], addr[at+1:], true
}

// domainOf returns the domain of a normalized address ("" when there is none).
func domainOf(addr string) string {
	_, d, _ := splitAddress(addr)
	return d
}

// checkAddress reports whether a normalized address is a plain addr-spec with
// a dot-atom local part. Non-ASCII letters are allowed in the local part (RFC
// 6531, SMTPUTF8: "thành@tphcm.gov.vn"). Quoted local parts that need their
// quotes (spaces, commas) and address literals are refused: nobody on a staff
// roster has one, and accepting them would let a typo in the CSV (a stray
// quote, a comma) pass as an address.
func checkAddress(a string) error {
	local, domain, ok := splitAddress(a)
	if !ok || local == "" || !utf8.ValidString(local) {
		return errNotAddress
	}
	if len(local) > 64 || local[0] == '.' || local[len(local)-1] == '.' || strings.Contains(local, "..") {
		return errNotAddress
	}
	for _, r := range local {
		switch {
		case r < utf8.RuneSelf:
			if !isAtext(byte(r)) && r != '.' {
				return errNotAddress
			}
		case !unicode.IsGraphic(r) || unicode.IsSpace(r):
			return errNotAddress
		}
	}
	if checkDomain(domain) != nil {
		return errNotAddress
	}
	return nil
}

// isAtext is RFC 5322 atext restricted to ASCII.
func isAtext(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-/=?^_`{|}~", c) >= 0
}

// checkDomain accepts an ASCII host name with at least two labels; an IDN
// must already be in its xn-- form, which normalizeDomain produces.
func checkDomain(d string) error {
	if d == "" || len(d) > 253 {
		return errNotDomain
	}
	labels := strings.Split(d, ".")
	if len(labels) < 2 {
		return errNotDomain
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return errNotDomain
		}
		for i := 0; i < len(l); i++ {
			c := l[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
				return errNotDomain
			}
		}
	}
	return nil
}

// domainSet matches a domain and its subdomains: "tphcm.gov.vn" covers
// "svhtt.tphcm.gov.vn", and "vnn.vn" covers "hcm.vnn.vn".
type domainSet []string

func (s domainSet) match(domain string) bool {
	if domain == "" {
		return false
	}
	for _, d := range s {
		if domain == d || strings.HasSuffix(domain, "."+d) {
			return true
		}
	}
	return false
}
