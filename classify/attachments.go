package classify

import (
	"path"
	"strings"
)

// decideAttachments gives each top-level attachment its own type.
func (c *Classifier) decideAttachments(e *evidence, v *Verdict) {
	v.Attachments = e.w.atts
	for i, u := range e.w.units {
		d := e.infos[i+1]
		v.Attachments[i].Chars = u.chars
		v.Attachments[i].Type = c.attachmentType(d, e.main, v.Type)
	}
	if v.Attachments == nil {
		v.Attachments = []Attachment{}
	}
}

// fileSignals scores an attachment's file name.
func (c *Classifier) fileSignals(d *docInfo, name string) {
	r := c.rules
	base := strings.TrimSuffix(name, path.Ext(name))
	where := "attachment " + name
	if k, ok := c.fileNameNumber(base); ok {
		t, _ := numberType(r, k)
		d.add(t, r.w.FileNumber, where, "file name number "+k.Text)
		if !d.hasLoose {
			d.loose, d.hasLoose = k, true
		}
		return
	}
	f := foldString(base)
	if strings.HasPrefix(f, "du thao ") {
		d.draft = true
		f = f[len("du thao "):]
	}
	for _, n := range r.names {
		if strings.HasPrefix(f, n.folded) && (len(f) == len(n.folded) || f[len(n.folded)] == ' ') {
			d.add(n.typ, r.w.FileName, where, "file name "+name)
			return
		}
	}
	tok, _, _ := strings.Cut(f, " ")
	if t, ok := r.fileTok[tok]; ok {
		d.add(t, r.w.FileToken, where, "file name "+name)
	}
}

func (c *Classifier) attachmentType(d *docInfo, main *docInfo, msgType string) string {
	if d == main {
		return msgType
	}
	if d.formal() {
		if t, _ := d.best(); t != "" {
			return t
		}
	}
	switch msgType {
	case typeCaNhan, typeUnknown, typeTaiLieuHop:
		return msgType
	}
	if t, s := d.best(); t != "" && s >= c.rules.w.FileToken && !d.draft {
		return t
	}
	if msgType == typeGiayMoi {
		return typeTaiLieuHop
	}
	if d.u.unreadable && d.u.chars == 0 {
		return typeUnknown
	}
	if main == nil && msgType != typeCongViec {
		return msgType
	}
	return typeCongViec
}
