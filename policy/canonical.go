package policy

import "strings"

// canonicalizer maps a normalized address to the key of the mailbox it
// reaches, so that the roster finds a person however the address was
// written. The same canonicalizer builds the roster's keys at load and turns
// every looked-up address into a key (Roster.lookup), so the two cannot
// drift apart.
//
// Keys are for matching only: audit rows, replies and signals show an
// address as it was given (normalized), never its key.
type canonicalizer struct {
	city domainSet
	// cityPlus: the city mail server delivers local+tag to local
	// (Config.CityPlusAddressing).
	cityPlus bool
}

// providerRule is how one consumer mail provider maps addresses to
// mailboxes. Only rules the provider documents or observably applies are
// listed; a wrong rule would merge two people's mailboxes and blame one for
// the other, so anything unsure is left exact (case-insensitive only).
type providerRule struct {
	domain   string // the provider's canonical domain
	dropDots bool   // dots in the local part do not matter
	plusTags bool   // local+tag reaches local
}

// provider returns the rule for a normalized domain, if it is one of the big
// consumer providers with a rule:
//
//   - Gmail: dots in the user name are ignored, "+tag" reaches the account,
//     and googlemail.com is the same service (Google's documentation).
//   - Outlook.com (outlook.com, outlook.com.vn, hotmail.com, live.com,
//     msn.com): "+tag" reaches the account (Microsoft's "plus addressing in
//     Outlook.com"); dots count, and each domain is its own namespace, so
//     the domains stay apart.
//   - iCloud: "+tag" reaches the account; me.com and mac.com are aliases of
//     the same account name as icloud.com (one namespace at Apple).
//   - Proton: "+tag" reaches the account; proton.me, protonmail.com,
//     protonmail.ch and pm.me share one user-name namespace (pm.me is the
//     "short form" of the same address).
//
// Not listed, so matched exactly: Yahoo (no "+" subaddressing; its
// disposable "base-keyword" addresses use a separately chosen base name
// that does not reveal the account), VNPT's vnn.vn, and everything else.
func provider(domain string) (providerRule, bool) {
	switch domain {
	case "gmail.com", "googlemail.com":
		return providerRule{domain: "gmail.com", dropDots: true, plusTags: true}, true
	case "outlook.com", "outlook.com.vn", "hotmail.com", "live.com", "msn.com":
		return providerRule{domain: domain, plusTags: true}, true
	case "icloud.com", "me.com", "mac.com":
		return providerRule{domain: "icloud.com", plusTags: true}, true
	case "proton.me", "protonmail.com", "protonmail.ch", "pm.me":
		return providerRule{domain: "proton.me", plusTags: true}, true
	}
	return providerRule{}, false
}

// key returns the mailbox key of a normalized address; a string that is not
// an address is its own key.
func (c canonicalizer) key(addr string) string {
	local, domain, ok := splitAddress(addr)
	if !ok || local == "" {
		return addr
	}
	if c.cityPlus && c.city.match(domain) {
		local = cutTag(local)
	}
	if p, ok := provider(domain); ok {
		if p.plusTags {
			local = cutTag(local)
		}
		if p.dropDots {
			if l := strings.ReplaceAll(local, ".", ""); l != "" {
				local = l
			}
		}
		domain = p.domain
	}
	return local + "@" + domain
}

// cutTag drops a "+tag" from a local part; a local part that would be left
// empty ("+x") is kept whole.
func cutTag(local string) string {
	if i := strings.IndexByte(local, '+'); i > 0 {
		return local[:i]
	}
	return local
}
