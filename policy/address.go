package policy

import (
	"errors"
	"strings"

	"golang.org/x/text/unicode/norm"
)

var (
	errNotAddress = errors.New("not an e-mail address")
	errNotDomain  = errors.New("not a domain name")
)

// normalizeAddress returns s as a lower-case addr-spec. It accepts the forms
// the relay and the classifier hand over ("a@b", "<a@b>", "Name <a@b>") so
// that callers need not agree on one; "<>" (the null reverse-path) gives "".
func normalizeAddress(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '<'); i >= 0 {
		if j := strings.IndexByte(s[i:], '>'); j > 0 {
			s = s[i+1 : i+j]
		}
	}
	s = strings.TrimSpace(s)
	return strings.ToLower(norm.NFC.String(s))
}

// normalizeDomain lower-cases a domain and drops a trailing root dot, so that
// "TPHCM.gov.vn." and "tphcm.gov.vn" compare equal.
func normalizeDomain(s string) string {
	return strings.TrimSuffix(strings.ToLower(strings.TrimSpace(s)), ".")
}

// domainOf returns the domain of a normalized address ("" when there is none).
func domainOf(addr string) string {
	at := strings.LastIndexByte(addr, '@')
	if at < 0 {
		return ""
	}
	return normalizeDomain(addr[at+1:])
}

// checkAddress reports whether a normalized address is a plain addr-spec with
// a dot-atom local part. Quoted local parts and address literals are refused:
// nobody on a staff roster has one, and accepting them would let a typo in the
// CSV (a stray quote, a comma) pass as an address.
func checkAddress(a string) error {
	at := strings.LastIndexByte(a, '@')
	if at <= 0 || at == len(a)-1 {
		return errNotAddress
	}
	local, domain := a[:at], a[at+1:]
	if len(local) > 64 || local[0] == '.' || local[len(local)-1] == '.' || strings.Contains(local, "..") {
		return errNotAddress
	}
	for i := 0; i < len(local); i++ {
		if !isAtext(local[i]) && local[i] != '.' {
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

// checkDomain accepts an ASCII host name with at least two labels (IDNs must
// be given in their xn-- form, which is what travels in SMTP without
// SMTPUTF8).
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
