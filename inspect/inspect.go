// Package inspect joins the classifier and the policy into the relay's
// Inspector: it reads the message once, fills the audit event's verdict,
// policy and sender fields, and says whether the relay must refuse the
// message. It is the only place that knows all three packages.
package inspect

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/emersion/go-smtp"

	"mailaudit/audit"
	"mailaudit/classify"
	"mailaudit/policy"
	"mailaudit/relay"
)

// New returns the Inspector for one classifier and one policy engine. A
// reload builds a new one.
func New(c *classify.Classifier, p *policy.Engine) relay.Inspector {
	return func(ctx context.Context, msg io.Reader, info relay.MessageInfo, ev *audit.Event) relay.Decision {
		start := time.Now()
		v := c.Classify(ctx, msg, classify.Envelope{MailFrom: info.MailFrom, RcptTo: info.RcptTo})
		ev.ClassifyMS = float64(time.Since(start).Microseconds()) / 1000
		// The policy's mandated list is the single source of truth.
		v.Mandated = p.Mandated(v.Type)
		Fill(ev, &v)
		d := p.Evaluate(policy.Input{
			AuthUser:   info.AuthUser,
			MailFrom:   info.MailFrom,
			HeaderFrom: v.Headers.From,
			RcptTo:     info.RcptTo,
			Verdict:    &v,
			Time:       start,
		})
		ev.Flags, ev.StaffID, ev.Division = d.Flags, d.StaffID, d.Division
		// The policy's observations that are not findings (reports count
		// flags, never signals).
		for _, s := range d.Signals {
			ev.Signals = append(ev.Signals, formatSignal(s))
		}
		out := relay.Decision{Tag: d.Tag}
		if d.Reject {
			out.Reject = Reply(d.Reply, info.UTF8)
		}
		return out
	}
}

// AuthPolicy returns the relay's decision about a login the upstream
// accepted: the weak_password finding's action (reject only in enforce
// mode, with a reply that tells the user to change the password).
func AuthPolicy(p *policy.Engine) func(user string, weak bool) *smtp.SMTPError {
	return func(user string, weak bool) *smtp.SMTPError {
		d := p.EvaluateAuth(user, weak)
		if !d.Reject {
			return nil
		}
		// AUTH replies carry no SMTPUTF8 negotiation: ASCII text.
		return Reply(d.Reply, false)
	}
}

// Reply turns a policy reply into an SMTP reply; the ASCII text is used
// unless the client announced SMTPUTF8.
func Reply(r policy.Reply, utf8 bool) *smtp.SMTPError {
	text := r.TextASCII
	if utf8 {
		text = r.Text
	}
	ec := smtp.EnhancedCode{5, 7, 1}
	if strings.Count(r.Enhanced, ".") == 2 {
		fmt.Sscanf(r.Enhanced, "%d.%d.%d", &ec[0], &ec[1], &ec[2])
	}
	// go-smtp writes the enhanced code on the last line of a multi-line
	// reply only; RFC 2034 wants it on every line, and clients read it off
	// the first. Put it on the others ourselves.
	lines := strings.Split(text, "\n")
	prefix := fmt.Sprintf("%d.%d.%d ", ec[0], ec[1], ec[2])
	for i := 0; i < len(lines)-1; i++ {
		lines[i] = prefix + lines[i]
	}
	return &smtp.SMTPError{Code: r.Code, EnhancedCode: ec, Message: strings.Join(lines, "\n")}
}

// Fill copies a verdict into an audit event.
func Fill(ev *audit.Event, v *classify.Verdict) {
	ev.HeaderFrom, ev.HeaderTo, ev.HeaderCc = v.Headers.From, v.Headers.To, v.Headers.Cc
	ev.Subject, ev.MessageID = v.Headers.Subject, v.Headers.MessageID
	ev.Type, ev.Confidence, ev.Secrecy, ev.Urgency, ev.Audience = v.Type, v.Confidence, v.Secrecy, v.Urgency, v.Audience
	ev.DocNumber, ev.Mandated = v.DocNumber, v.Mandated
	for _, a := range v.Attachments {
		ev.AttachNames = append(ev.AttachNames, a.Name)
		ev.AttachTypes = append(ev.AttachTypes, a.ContentType)
		ev.AttachSizes = append(ev.AttachSizes, a.Bytes)
		ev.AttachKinds = append(ev.AttachKinds, a.Type)
	}
	for _, s := range v.Signals {
		ev.Signals = append(ev.Signals, formatSignal(s))
	}
	ev.Errors = append(ev.Errors, v.Errors...)
}

// formatSignal is the audit row's form of a signal: "where: what (weight)".
func formatSignal(s classify.Signal) string {
	return fmt.Sprintf("%s: %s (%.2f)", s.Where, s.What, s.Weight)
}
