package classify

import (
	"path"
	"strings"
	"unicode"
)

// audience decides so / noi_bo / ngoai / unknown. For a document the
// agency issues, its addressee (Kính gửi, or the invitee of a giấy mời)
// decides; otherwise the mail's recipients, and for the agency's own
// documents without a usable recipient, the first Nơi nhận entry.
func (c *Classifier) audience(main *docInfo, isMain bool, h Headers, env Envelope, v *Verdict) string {
	r := c.rules
	own := false
	if main != nil && isMain {
		k := main.number
		if !main.hasNumber && main.hasLoose {
			k = main.loose
		}
		for _, s := range k.Segments {
			if r.ownCodes[s] {
				own = true
			}
		}
		if own {
			if text, raw := main.addressee(); text != "" {
				if a := c.audienceOfText(text, raw); a != "" {
					shown := strings.Trim(raw, " -+;,.")
					if shown == "" {
						shown = text
					}
					v.Signals = append(v.Signals, Signal{Where: main.u.where, What: "addressee: " + clip(shown, 60), Weight: 1})
					v.AudienceSource = AudienceFromDocument
					return a
				}
			}
		}
	}
	if a := c.audienceOfRecipients(h, env); a != "unknown" || !own {
		if a != "unknown" {
			v.AudienceSource = AudienceFromRecipients
		}
		return a
	}
	if text := main.firstRecipient(r); text != "" {
		if a := c.audienceOfText(text, ""); a != "" {
			v.Signals = append(v.Signals, Signal{Where: main.u.where, What: "first recipient: " + clip(text, 60), Weight: 1})
			v.AudienceSource = AudienceFromDocument
			return a
		}
	}
	return "unknown"
}

// audienceOfRecipients classifies the mail's recipients (To and Cc, else
// the envelope): the Sở if any recipient is at the Sở, then outside
// bodies, then the agency's own staff.
func (c *Classifier) audienceOfRecipients(h Headers, env Envelope) string {
	r := c.rules
	rcpts := append(append([]string{}, h.To...), h.Cc...)
	if len(rcpts) == 0 {
		rcpts = env.RcptTo
	}
	var so, ngoai, noiBo bool
	for _, a := range rcpts {
		a = strings.ToLower(strings.Trim(a, "<> "))
		if a == "" || a == h.From {
			continue
		}
		switch {
		case matchAny(r.deptAddr, a):
			so = true
		case matchAny(r.intAddr, a):
			noiBo = true
		default:
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

// audienceOfText classifies a folded addressee: the Sở, else the agency's
// own units, else outside. raw, when known, is the addressee as written:
// an outside-body word in it ("Phòng Văn hóa và Thông tin
// Quận 3") means a unit of another body, though "phòng" would otherwise
// read as one of the agency's own divisions. Those words are matched
// with their diacritics, since folding makes "quận" and "quản" alike.
func (c *Classifier) audienceOfText(f, raw string) string {
	f = " " + f + " "
	// Folding merges "cơ sở" (grassroots: "Công đoàn cơ sở") with "Sở":
	// the listed phrases are taken out before looking for the Sở.
	d := f
	for _, w := range c.rules.notDept {
		d = strings.ReplaceAll(d, " "+w+" ", " ")
	}
	for _, w := range c.rules.deptWords {
		if strings.Contains(d, " "+w+" ") {
			return "so"
		}
	}
	if raw != "" {
		raw = " " + strings.Map(func(r rune) rune {
			r = unicode.ToLower(r)
			if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) {
				return r
			}
			return ' '
		}, nfc(raw)) + " "
		for _, w := range c.rules.extWords {
			if strings.Contains(raw, " "+w+" ") {
				return "ngoai"
			}
		}
	}
	for _, w := range c.rules.intWords {
		if strings.Contains(f, " "+strings.TrimSpace(w)+" ") {
			return "noi_bo"
		}
	}
	if strings.TrimSpace(f) != "" {
		return "ngoai"
	}
	return ""
}

// matchAny matches an address against glob patterns ('*' any run).
func matchAny(pats []addrGlob, a string) bool {
	for _, p := range pats {
		if p.match(a) {
			return true
		}
	}
	return false
}

// addrGlob is a recipient pattern compiled once when the rules load:
// path.Match re-parses the pattern at every call, which showed in the
// profile of ordinary mail. Patterns with '?', '[' or '\\' keep
// path.Match semantics.
type addrGlob struct {
	pat   string
	parts []string // the literal runs between '*'
	slow  bool
}

func compileGlob(p string) addrGlob {
	g := addrGlob{pat: p}
	if strings.ContainsAny(p, "?[\\/") {
		g.slow = true
		return g
	}
	g.parts = strings.Split(p, "*")
	return g
}

func (g addrGlob) match(a string) bool {
	if g.slow {
		ok, _ := path.Match(g.pat, a)
		return ok
	}
	if len(g.parts) == 1 {
		return a == g.pat
	}
	// '*' in path.Match does not cross '/'.
	if strings.IndexByte(a, '/') >= 0 {
		ok, _ := path.Match(g.pat, a)
		return ok
	}
	first, last := g.parts[0], g.parts[len(g.parts)-1]
	if len(a) < len(first)+len(last) || !strings.HasPrefix(a, first) || !strings.HasSuffix(a, last) {
		return false
	}
	mid := a[len(first) : len(a)-len(last)]
	for _, p := range g.parts[1 : len(g.parts)-1] {
		k := strings.Index(mid, p)
		if k < 0 {
			return false
		}
		mid = mid[k+len(p):]
	}
	return true
}
