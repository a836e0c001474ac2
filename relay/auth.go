package relay

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
	"github.com/google/uuid"

	"mailaudit/audit"
	"mailaudit/config"
	"mailaudit/internal/authguard"
	"mailaudit/internal/saslogin"
)

var (
	errAuthLocked   = &smtp.SMTPError{Code: 454, EnhancedCode: smtp.EnhancedCode{4, 7, 0}, Message: "Too many failed logins, try again later"}
	errAuthPlain    = &smtp.SMTPError{Code: 538, EnhancedCode: smtp.EnhancedCode{5, 7, 11}, Message: "Encryption required for requested authentication mechanism"}
	errAuthTooMany  = &smtp.SMTPError{Code: 421, EnhancedCode: smtp.EnhancedCode{4, 7, 0}, Message: "Too many failed logins in this session, closing connection"}
	errAuthInTx     = &smtp.SMTPError{Code: 503, EnhancedCode: smtp.EnhancedCode{5, 5, 1}, Message: "AUTH not permitted during a mail transaction"}
	errAuthSession  = &smtp.SMTPError{Code: 503, EnhancedCode: smtp.EnhancedCode{5, 5, 1}, Message: "Already in a session with the upstream"}
	errAuthIdentity = &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "Authorization identity must match the login"}
	errAuthUpDown   = &smtp.SMTPError{Code: 454, EnhancedCode: smtp.EnhancedCode{4, 7, 0}, Message: "Temporary authentication failure: upstream unavailable, try again later"}
)

// reportEvery is how often a locked address's refusals are written to
// auth_events (one row carrying their count).
const reportEvery = time.Minute

// GuardLimits maps the configuration onto the gateway's AUTH guard (one
// for SMTP, IMAP and POP3; serve builds it and the relay's Swap updates it
// on a reload).
func GuardLimits(l config.Limits) authguard.Limits {
	return authguard.Limits{
		PerSession:  l.AuthFailuresSession,
		PerIP:       l.AuthFailuresIP,
		PerUserIP:   l.AuthFailuresUser,
		Window:      l.AuthLockout.D(),
		ReportEvery: reportEvery,
	}
}

// AuthMechanisms implements smtp.AuthSession.
func (s *session) AuthMechanisms() []string { return []string{sasl.Plain, sasl.Login} }

// Auth implements smtp.AuthSession. Both mechanisms end in authenticate,
// which asks the upstream.
func (s *session) Auth(mech string) (sasl.Server, error) {
	switch mech {
	case sasl.Plain:
		return sasl.NewPlainServer(func(identity, username, password string) error {
			if identity != "" && identity != username {
				return s.authenticateRefused(mech, username, errAuthIdentity)
			}
			return s.authenticate(mech, username, password)
		}), nil
	case sasl.Login:
		return saslogin.NewServer(func(u, p string) error { return s.authenticate(mech, u, p) }), nil
	}
	return nil, smtp.ErrAuthUnknownMechanism
}

// newAuthEvent starts the audit row of one AUTH attempt. The login name is
// kept only when it is an address of a served domain: people type their
// password into the name field.
func (s *session) newAuthEvent(mech, user string) *audit.AuthEvent {
	return &audit.AuthEvent{
		EventID:   uuid.Must(uuid.NewV7()),
		Time:      time.Now().UTC(),
		Instance:  s.rt.Config.Instance,
		User:      user,
		ClientIP:  s.ip.String(),
		Mechanism: mech,
		Attempts:  1,
		Service:   audit.ServiceSMTP,
	}
}

func (s *session) recordAuth(ev *audit.AuthEvent) {
	if err := s.r.sink.RecordAuth(context.Background(), ev); err != nil {
		s.r.log.Error("auth audit record lost", "user", ev.User, "err", err)
	}
	s.r.metrics.auth.WithLabelValues(ev.Result).Inc()
}

// authFailed counts a failure of this session and turns the reply into
// 421 (and a hang-up) at the session's limit.
func (s *session) authFailed(reply *smtp.SMTPError) error {
	s.authFails++
	if s.r.guard.SessionOver(s.authFails) {
		return s.hangUp(errAuthTooMany)
	}
	return reply
}

// authenticateRefused records an attempt refused before the upstream was
// asked, as a failure.
func (s *session) authenticateRefused(mech, username string, reply *smtp.SMTPError) error {
	user := authguard.User(username, s.rt.Config.Served)
	ev := s.newAuthEvent(mech, user)
	ev.Result, ev.UpstreamCode = "failed", reply.Code
	s.r.guard.Failed(s.ip, user)
	s.recordAuth(ev)
	return s.authFailed(reply)
}

// authenticate passes the login through: it opens the upstream session of
// the login's route and performs AUTH there with the same credentials. The
// client hears the upstream's verdict. Credentials are never logged or
// stored; the password lives only in this call.
func (s *session) authenticate(mech, username, password string) error {
	cfg := s.rt.Config
	if _, isTLS := s.conn.TLSConnectionState(); !isTLS && !s.ip.IsLoopback() {
		return errAuthPlain
	}
	s.mu.Lock()
	inTx := s.tx != nil && !s.tx.ended
	s.mu.Unlock()
	if inTx {
		return errAuthInTx
	}
	if s.up != nil {
		return errAuthSession
	}
	user := authguard.User(username, cfg.Served)
	if d := s.r.guard.Check(s.ip, user, audit.ServiceSMTP); d.Locked {
		// Refused without asking the upstream; written down at most once a
		// minute per address, as one row carrying the count.
		if d.Report {
			ev := s.newAuthEvent(mech, user)
			ev.Result, ev.UpstreamCode, ev.Attempts = "locked", errAuthLocked.Code, d.Refused
			s.recordAuth(ev)
		} else {
			s.r.metrics.auth.WithLabelValues("locked").Inc()
		}
		return s.authFailed(errAuthLocked)
	}
	ev := s.newAuthEvent(mech, user)
	if s.rt.WeakPassword != nil {
		ev.WeakPassword = s.rt.WeakPassword([]byte(password))
	}
	defer s.recordAuth(ev)
	route, ok := cfg.RouteFor(username)
	if !ok || user == authguard.Invalid {
		reply := noRouteReply(username)
		ev.Result, ev.UpstreamCode = "no_route", reply.Code
		s.r.guard.Failed(s.ip, user)
		return s.authFailed(reply)
	}
	ctx, cancel := context.WithTimeout(context.Background(), route.DialTimeout.D()+route.CommandTimeout.D())
	defer cancel()
	u, err := dialUpstream(ctx, route, cfg.Hostname, &s.r.upWriters)
	if err != nil {
		ev.Result, ev.UpstreamCode = "tempfail", errAuthUpDown.Code
		s.r.log.Warn("upstream unavailable for AUTH", "route", route.Name, "client", s.ip.String(), "err", err)
		return errAuthUpDown
	}
	var client sasl.Client
	if mech == sasl.Login && u.c.SupportsAuth(sasl.Login) && !u.c.SupportsAuth(sasl.Plain) {
		client = sasl.NewLoginClient(username, password)
	} else {
		client = sasl.NewPlainClient("", username, password)
	}
	if err := u.c.Auth(client); err != nil {
		u.close()
		var se *smtp.SMTPError
		if !errors.As(err, &se) {
			ev.Result = "tempfail"
			reply := upstreamReply(err, "AUTH")
			ev.UpstreamCode = reply.Code
			return reply
		}
		ev.UpstreamCode = se.Code
		if se.Code/100 != 5 {
			ev.Result = "tempfail"
			return se
		}
		ev.Result = "failed"
		s.r.guard.Failed(s.ip, user)
		return s.authFailed(se)
	}
	if s.rt.AuthPolicy != nil {
		if reply := s.rt.AuthPolicy(user, ev.WeakPassword); reply != nil {
			u.close()
			ev.Result = "refused"
			ev.UpstreamCode = 235
			return reply
		}
	}
	ev.Result = "ok"
	ev.UpstreamCode = 235
	s.r.guard.Succeeded(s.ip, user)
	s.user, s.authed, s.up = user, true, u
	return nil
}

// noRouteReply refuses a login of a domain no route serves. It names the
// domain only when it looks like one: the name field sometimes holds a
// password (the reply goes only to the person who typed it, but still).
func noRouteReply(username string) *smtp.SMTPError {
	msg := "This gateway does not serve that login; log in with your full city address"
	if _, domain, ok := strings.Cut(username, "@"); ok && looksLikeDomain(domain) {
		msg = fmt.Sprintf("This gateway does not serve logins of domain %q; log in with your full city address", strings.ToLower(domain))
	}
	return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: msg}
}

func looksLikeDomain(d string) bool {
	if len(d) < 3 || len(d) > 253 || !strings.Contains(d, ".") || strings.HasPrefix(d, ".") || strings.HasSuffix(d, ".") {
		return false
	}
	for _, r := range d {
		if !(r == '.' || r == '-' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// reportRefusals writes the refusal counts of locked addresses whose
// report period ended without another attempt to carry them. The guard is
// shared with the mailbox proxy, which sweeps it too: each count comes out
// of one sweep only, and its row names the service it was refused over.
func (r *Relay) reportRefusals() {
	cfg := r.runtime().Config
	for _, p := range r.guard.Sweep() {
		ev := p.Event(cfg.Instance)
		if p.Service == audit.ServiceSMTP {
			ev.UpstreamCode = errAuthLocked.Code // the reply those refusals got
		}
		if err := r.sink.RecordAuth(context.Background(), ev); err != nil {
			r.log.Error("auth audit record lost", "client", ev.ClientIP, "err", err)
		}
	}
}
