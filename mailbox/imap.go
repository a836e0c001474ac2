package mailbox

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"mailaudit/audit"
	"mailaudit/config"
)

// fallbackIMAPCaps is shown while no upstream's capabilities are known.
var fallbackIMAPCaps = []string{"IMAP4rev1", "SASL-IR", "ID", "LITERAL+", "AUTH=PLAIN", "AUTH=LOGIN"}

// imap serves an IMAP client until it logs in (then splices) or leaves.
func (s *session) imap() {
	if s.write("* OK [CAPABILITY "+s.imapCaps()+"] mailaudit IMAP proxy ready\r\n") != nil {
		return
	}
	p := &imapParser{r: s.br, cont: func() error { return s.write("+ Ready for literal data\r\n") }}
	for {
		if err := s.armRead(); err != nil {
			s.write(string(s.bye()))
			return
		}
		cmd, err := p.next()
		if err != nil {
			var pe *parseError
			switch {
			case errors.As(err, &pe):
				tag := pe.tag
				if tag == "" {
					tag = "*"
				}
				if pe.fatal {
					s.write("* BYE " + pe.msg + "\r\n")
					return
				}
				if s.write(tag+" BAD "+pe.msg+"\r\n") != nil {
					return
				}
				continue
			case s.isDraining():
				s.write(string(s.bye()))
			case errors.Is(err, os.ErrDeadlineExceeded):
				s.write("* BYE Autologout; idle for too long\r\n")
			}
			return
		}
		done := s.imapCommand(p, cmd)
		if done {
			return
		}
	}
}

// imapCommand answers one command; true ends the session (logout, login
// handed to the splice, or a fatal error).
func (s *session) imapCommand(p *imapParser, cmd *imapCommand) bool {
	tag := cmd.Tag
	switch cmd.Name {
	case "CAPABILITY":
		return s.write("* CAPABILITY "+s.imapCaps()+"\r\n"+tag+" OK Capability completed\r\n") != nil
	case "NOOP":
		return s.write(tag+" OK NOOP completed\r\n") != nil
	case "LOGOUT":
		s.write("* BYE Logging out\r\n" + tag + " OK Logout completed\r\n")
		return true
	case "ID":
		// The proxy answers for itself: before login it is the server.
		return s.write("* ID (\"name\" \"mailaudit\")\r\n"+tag+" OK ID completed\r\n") != nil
	case "STARTTLS":
		if !s.canStartTLS() {
			return s.write(tag+" BAD STARTTLS not available\r\n") != nil
		}
		if s.write(tag+" OK Begin TLS negotiation now\r\n") != nil {
			return true
		}
		if err := s.startTLS(); err != nil {
			s.p.log.Info("mailbox STARTTLS failed", "client", s.ip.String(), "err", err)
			return true
		}
		p.r = s.br
		return false
	case "LOGIN":
		return s.imapLogin(tag, "IMAP-LOGIN", cmd.Args[0], cmd.Args[1])
	case "AUTHENTICATE":
		return s.imapAuthenticate(cmd)
	}
	return s.write(tag+" BAD Unknown command\r\n") != nil
}

// imapCaps is the upstream's pre-login capability list adjusted for what
// the proxy does itself: STARTTLS is ours (offered when we can), login is
// refused (LOGINDISABLED, no AUTH=) until the connection is secure, and
// only the mechanisms the proxy can pass (PLAIN, LOGIN) are shown.
func (s *session) imapCaps() string {
	caps, ok := s.p.caps.get(audit.ServiceIMAP, s.rt.Config)
	if !ok {
		caps = fallbackIMAPCaps
	}
	login := s.secure()
	out := make([]string, 0, len(caps)+2)
	for _, c := range caps {
		u := strings.ToUpper(c)
		switch {
		case u == "STARTTLS", u == "LOGINDISABLED":
		case strings.HasPrefix(u, "AUTH="):
			if login && (u == "AUTH=PLAIN" || u == "AUTH=LOGIN") {
				out = append(out, c)
			}
		default:
			out = append(out, c)
		}
	}
	if s.canStartTLS() {
		out = append(out, "STARTTLS")
	}
	if !login {
		out = append(out, "LOGINDISABLED")
	}
	return strings.Join(out, " ")
}

// imapAuthenticate reads the SASL exchange of AUTHENTICATE PLAIN or LOGIN
// from the client, then logs in upstream.
func (s *session) imapAuthenticate(cmd *imapCommand) bool {
	tag, mech := cmd.Tag, cmd.Args[0]
	var ir string
	hasIR := len(cmd.Args) > 1
	if hasIR {
		ir = cmd.Args[1]
	}
	if mech != "PLAIN" && mech != "LOGIN" {
		return s.write(tag+" NO Unsupported authentication mechanism\r\n") != nil
	}
	if !s.secure() && !hasIR {
		return s.write(tag+" NO [PRIVACYREQUIRED] TLS is required before login\r\n") != nil
	}
	// next reads one client line of the exchange after a "+" prompt.
	next := func(prompt string) (string, bool, error) {
		if err := s.write("+ " + prompt + "\r\n"); err != nil {
			return "", false, err
		}
		if err := s.armRead(); err != nil {
			return "", false, err
		}
		line, err := readLine(s.br, maxLine)
		if err != nil {
			return "", false, err
		}
		if line == "*" {
			return "", true, nil
		}
		return line, false, nil
	}
	cancelled := func() bool { return s.write(tag+" BAD Authentication cancelled\r\n") != nil }
	var user, pass string
	switch mech {
	case "PLAIN":
		resp := ir
		if !hasIR {
			line, cancel, err := next("")
			if err != nil {
				return true
			}
			if cancel {
				return cancelled()
			}
			resp = line
		}
		u, pw, err := decodePlain(resp)
		if err != nil {
			return s.write(tag+" BAD "+err.Error()+"\r\n") != nil
		}
		user, pass = u, pw
	case "LOGIN":
		var err error
		if hasIR {
			user, err = decodeB64Line(ir)
		} else {
			line, cancel, rerr := next("VXNlcm5hbWU6") // "Username:"
			if rerr != nil {
				return true
			}
			if cancel {
				return cancelled()
			}
			user, err = decodeB64Line(line)
		}
		if err != nil {
			return s.write(tag+" BAD "+err.Error()+"\r\n") != nil
		}
		line, cancel, rerr := next("UGFzc3dvcmQ6") // "Password:"
		if rerr != nil {
			return true
		}
		if cancel {
			return cancelled()
		}
		if pass, err = decodeB64Line(line); err != nil {
			return s.write(tag+" BAD "+err.Error()+"\r\n") != nil
		}
	}
	return s.imapLogin(tag, mech, user, pass)
}

// imapLogin passes one login to the upstream of the user's domain. The
// upstream is asked with the client's own tag, so its tagged answer goes
// to the client unchanged.
func (s *session) imapLogin(tag, mech, user, pass string) bool {
	ev := s.authEvent(mech, user, pass)
	// Every path records the attempt (and tells the guard) before the
	// client hears the answer, so a quick retry already meets the lockout.
	reply := func(line string) bool {
		s.finishAuth(ev)
		if s.write(line) != nil {
			return true
		}
		if ev.Result == "failed" || ev.Result == "no_route" || ev.Result == "locked" {
			return s.imapTooMany()
		}
		return false
	}
	route, ucfg := s.precheck(ev)
	switch ev.Result {
	case "no_tls":
		return reply(tag + " NO [PRIVACYREQUIRED] TLS is required before login\r\n")
	case "locked":
		return reply(tag + " NO [UNAVAILABLE] Too many failed logins, try again later\r\n")
	case "no_route":
		return reply(tag + " NO [AUTHENTICATIONFAILED] " + noRouteText(ev.User) + "\r\n")
	}
	ctx, cancel := dialCtx(route)
	defer cancel()
	up, err := dialIMAP(ctx, route, ucfg)
	if err != nil {
		ev.Result = "tempfail"
		s.p.log.Warn("IMAP upstream unavailable for login", "route", route.Name, "client", s.ip.String(), "err", err)
		return reply(tag + " NO [UNAVAILABLE] Mailbox server unavailable, try again later\r\n")
	}
	s.p.caps.put(audit.ServiceIMAP, route.Name, up.caps)
	if ucfg.ForwardClientIP && hasCap(up.caps, "ID") {
		// The answer does not matter: a server that ignores the fields
		// (or refuses them from an untrusted peer) still takes the login.
		if _, _, err := up.imapSimple("M3", fmt.Sprintf(`ID ("x-originating-ip" "%s")`, s.ip.String())); err != nil {
			up.close()
			ev.Result = "tempfail"
			return reply(tag + " NO [UNAVAILABLE] Mailbox server unavailable, try again later\r\n")
		}
	}
	lines, status, err := up.imapLogin(tag, mech, user, pass)
	if err != nil {
		up.close()
		ev.Result = "tempfail"
		s.p.log.Warn("IMAP upstream failed during login", "route", route.Name, "client", s.ip.String(), "err", err)
		return reply(tag + " NO [UNAVAILABLE] Mailbox server unavailable, try again later\r\n")
	}
	switch status {
	case "OK":
		ev.Result = "ok"
	case "NO":
		ev.Result = "failed"
		if code := responseCode(lines[len(lines)-1]); code == "UNAVAILABLE" || code == "SERVERBUG" || code == "INUSE" {
			ev.Result = "tempfail"
		}
	default:
		ev.Result = "tempfail"
	}
	// The server's own lines, the tagged answer last.
	done := reply(strings.Join(lines, "\r\n") + "\r\n")
	if status == "OK" {
		if done {
			up.close()
			return true
		}
		s.loggedIn, s.user = up, ev.User // serve splices once the parser is gone
		return true
	}
	up.close()
	return done
}

// imapTooMany closes the session when it has used up its logins.
func (s *session) imapTooMany() bool {
	if s.tooManyFailures() {
		s.write("* BYE Too many failed logins\r\n")
		return true
	}
	return false
}

// responseCode returns the [CODE ...] word of a status response.
func responseCode(line string) string {
	i := strings.IndexByte(line, '[')
	if i < 0 {
		return ""
	}
	code := line[i+1:]
	if j := strings.IndexAny(code, " ]"); j >= 0 {
		code = code[:j]
	}
	return strings.ToUpper(code)
}

// dialIMAP connects to a route's IMAP server, reads its greeting, does
// STARTTLS when configured and learns its capabilities.
func dialIMAP(ctx context.Context, r *config.Route, u *config.MailboxUpstream) (*upConn, error) {
	c, err := dialTCP(ctx, u, r.DialTimeout.D())
	if err != nil {
		return nil, err
	}
	up := &upConn{conn: c, br: bufio.NewReaderSize(c, 4096), addr: u.Addr, route: r, timeout: r.CommandTimeout.D()}
	if dl, ok := ctx.Deadline(); ok {
		c.SetDeadline(dl)
	}
	fail := func(err error) (*upConn, error) { up.close(); return nil, err }
	greet, err := up.line()
	if err != nil {
		return fail(err)
	}
	if !strings.HasPrefix(strings.ToUpper(greet), "* OK") {
		return fail(fmt.Errorf("upstream %s greeted %q", u.Addr, greet))
	}
	caps := capsOf(greet)
	if u.TLSMode == "starttls" {
		if _, status, err := up.imapSimple("M1", "STARTTLS"); err != nil {
			return fail(err)
		} else if status != "OK" {
			return fail(fmt.Errorf("upstream %s refused STARTTLS", u.Addr))
		}
		if err := up.startTLS(u); err != nil {
			return fail(err)
		}
		caps = nil
	}
	if caps == nil {
		lines, status, err := up.imapSimple("M2", "CAPABILITY")
		if err != nil {
			return fail(err)
		}
		if status != "OK" {
			return fail(fmt.Errorf("upstream %s refused CAPABILITY", u.Addr))
		}
		for _, l := range lines {
			if rest, ok := cutPrefixFold(l, "* CAPABILITY "); ok {
				caps = strings.Fields(rest)
			}
		}
	}
	up.caps = caps
	return up, nil
}

// capsOf reads "[CAPABILITY ...]" from a greeting.
func capsOf(line string) []string {
	i := strings.Index(strings.ToUpper(line), "[CAPABILITY ")
	if i < 0 {
		return nil
	}
	rest := line[i+len("[CAPABILITY "):]
	if j := strings.IndexByte(rest, ']'); j >= 0 {
		rest = rest[:j]
	}
	return strings.Fields(rest)
}

func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		return s[len(prefix):], true
	}
	return "", false
}

// imapSimple sends "tag cmd" and returns the response lines and the
// tagged status word.
func (u *upConn) imapSimple(tag, cmd string) ([]string, string, error) {
	if err := u.send(tag + " " + cmd + "\r\n"); err != nil {
		return nil, "", err
	}
	return u.imapUntilTagged(tag, nil)
}

// imapUntilTagged reads lines until the tagged response of tag. A
// continuation request ("+ ...") is answered with the next of conts;
// when none is left it is an error.
func (u *upConn) imapUntilTagged(tag string, conts []string) ([]string, string, error) {
	var lines []string
	for {
		l, err := u.line()
		if err != nil {
			return nil, "", err
		}
		if strings.HasPrefix(l, "+") {
			if len(conts) == 0 {
				return nil, "", fmt.Errorf("upstream %s: unexpected continuation request", u.addr)
			}
			if err := u.send(conts[0]); err != nil {
				return nil, "", err
			}
			conts = conts[1:]
			continue
		}
		lines = append(lines, l)
		if rest, ok := strings.CutPrefix(l, tag+" "); ok {
			status, _, _ := strings.Cut(rest, " ")
			return lines, strings.ToUpper(status), nil
		}
		if len(lines) > 100 {
			return nil, "", fmt.Errorf("upstream %s: no tagged answer", u.addr)
		}
	}
}

// imapLogin logs in at the upstream with the client's tag, in the form
// closest to what the client used: LOGIN for LOGIN (unless the server
// disabled it), AUTHENTICATE PLAIN otherwise, with SASL-IR when the
// server has it. It returns the server's lines, the last one tagged.
func (u *upConn) imapLogin(tag, mech, user, pass string) ([]string, string, error) {
	plain := hasCap(u.caps, "AUTH=PLAIN")
	if mech == "IMAP-LOGIN" && !hasCap(u.caps, "LOGINDISABLED") || !plain {
		// segs[0] goes at once; each further one after the server's "+"
		// (the data of a synchronizing literal and what follows it).
		nonSync := hasCap(u.caps, "LITERAL+")
		segs := []string{tag + " LOGIN "}
		for i, str := range []string{user, pass} {
			sep := " "
			if i == 1 {
				sep = "\r\n"
			}
			head, data, lit := imapString(str, nonSync)
			if !lit || nonSync {
				segs[len(segs)-1] += head + data + sep
			} else {
				segs[len(segs)-1] += head
				segs = append(segs, data+sep)
			}
		}
		if err := u.send(segs[0]); err != nil {
			return nil, "", err
		}
		return u.imapUntilTagged(tag, segs[1:])
	}
	resp := encodePlain(user, pass)
	if hasCap(u.caps, "SASL-IR") {
		if err := u.send(tag + " AUTHENTICATE PLAIN " + resp + "\r\n"); err != nil {
			return nil, "", err
		}
		return u.imapUntilTagged(tag, nil)
	}
	if err := u.send(tag + " AUTHENTICATE PLAIN\r\n"); err != nil {
		return nil, "", err
	}
	return u.imapUntilTagged(tag, []string{resp + "\r\n"})
}
