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

// POP3 (RFC 1939, CAPA RFC 2449, STLS RFC 2595, AUTH RFC 5034, response
// codes RFC 3206) before login. The proxy greets and answers CAPA itself;
// USER only remembers the name; PASS and AUTH PLAIN go to the upstream of
// the login's domain and the client hears its answer.

// maxPOP3Line bounds a client line before login (RFC 2449 allows 255
// octets; AUTH's initial response may be longer).
const maxPOP3Line = 2048

var fallbackPOP3Caps = []string{"TOP", "UIDL", "RESP-CODES", "USER", "SASL PLAIN"}

func (s *session) pop3() {
	if s.write("+OK mailaudit POP3 proxy ready\r\n") != nil {
		return
	}
	var user string
	for {
		if err := s.armRead(); err != nil {
			return
		}
		line, err := readLine(s.br, maxPOP3Line)
		if err != nil {
			if errors.Is(err, errLineTooLong) {
				s.write("-ERR Line too long\r\n")
			} else if errors.Is(err, os.ErrDeadlineExceeded) && !s.isDraining() {
				s.write("-ERR Autologout; idle for too long\r\n")
			}
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "CAPA":
			err = s.write("+OK Capability list follows\r\n" + strings.Join(s.pop3Caps(), "\r\n") + "\r\n.\r\n")
		case "STLS":
			if !s.canStartTLS() {
				err = s.write("-ERR STLS not available\r\n")
				break
			}
			if err = s.write("+OK Begin TLS negotiation\r\n"); err == nil {
				err = s.startTLS()
			}
			user = "" // RFC 2595: the session starts over
		case "USER":
			if !s.secure() {
				err = s.write("-ERR [AUTH] Plaintext authentication disallowed on non-secure connections\r\n")
				break
			}
			if arg == "" {
				err = s.write("-ERR USER needs a name\r\n")
				break
			}
			user = arg
			err = s.write("+OK\r\n")
		case "PASS":
			if user == "" {
				err = s.write("-ERR USER first\r\n")
				break
			}
			if s.pop3Login("USER-PASS", user, arg) {
				return
			}
			user = ""
		case "AUTH":
			if s.pop3Auth(arg) {
				return
			}
		case "QUIT":
			s.write("+OK Logging out\r\n")
			return
		case "":
			err = s.write("-ERR Empty command\r\n")
		default:
			err = s.write("-ERR Unknown command or not logged in\r\n")
		}
		if err != nil {
			return
		}
	}
}

// pop3Caps is the upstream's CAPA adjusted like IMAP's capabilities: STLS
// is ours, USER and SASL only once login is allowed, SASL only PLAIN.
func (s *session) pop3Caps() []string {
	caps, ok := s.p.caps.get(audit.ServicePOP3, s.rt.Config)
	if !ok {
		caps = fallbackPOP3Caps
	}
	login := s.secure()
	out := make([]string, 0, len(caps)+1)
	for _, c := range caps {
		u := strings.ToUpper(c)
		switch {
		case u == "STLS":
		case u == "USER":
			if login {
				out = append(out, c)
			}
		case strings.HasPrefix(u, "SASL"):
			if login && hasCap(strings.Fields(u), "PLAIN") {
				out = append(out, "SASL PLAIN")
			}
		default:
			out = append(out, c)
		}
	}
	if s.canStartTLS() {
		out = append(out, "STLS")
	}
	return out
}

// pop3Auth handles AUTH [mechanism [initial-response]]; true ends the
// session.
func (s *session) pop3Auth(arg string) bool {
	if arg == "" {
		mechs := ""
		if s.secure() {
			mechs = "PLAIN\r\n"
		}
		return s.write("+OK\r\n"+mechs+".\r\n") != nil
	}
	mech, ir, hasIR := strings.Cut(arg, " ")
	if !strings.EqualFold(mech, "PLAIN") {
		return s.write("-ERR Unsupported authentication mechanism\r\n") != nil
	}
	if !s.secure() {
		return s.write("-ERR [AUTH] Plaintext authentication disallowed on non-secure connections\r\n") != nil
	}
	if !hasIR {
		if s.write("+ \r\n") != nil || s.armRead() != nil {
			return true
		}
		line, err := readLine(s.br, maxPOP3Line)
		if err != nil {
			return true
		}
		if line == "*" {
			return s.write("-ERR Authentication cancelled\r\n") != nil
		}
		ir = line
	}
	user, pass, err := decodePlain(ir)
	if err != nil {
		return s.write("-ERR "+err.Error()+"\r\n") != nil
	}
	return s.pop3Login("PLAIN", user, pass)
}

// pop3Login passes a login to the user's upstream; true ends the session
// (spliced, or too many failures).
func (s *session) pop3Login(mech, user, pass string) bool {
	ev := s.authEvent(mech, user, pass)
	// As for IMAP: recorded (and the guard told) before the client hears it.
	reply := func(line string) bool {
		s.finishAuth(ev)
		if s.write(line) != nil {
			return true
		}
		switch ev.Result {
		case "failed", "no_route", "locked":
			return s.tooManyFailures()
		}
		return false
	}
	route, ucfg := s.precheck(ev)
	switch ev.Result {
	case "no_tls":
		return reply("-ERR [AUTH] Plaintext authentication disallowed on non-secure connections\r\n")
	case "locked":
		return reply("-ERR [SYS/TEMP] Too many failed logins, try again later\r\n")
	case "no_route":
		return reply("-ERR [AUTH] " + noRouteText(ev.User) + "\r\n")
	}
	ctx, cancel := dialCtx(route)
	defer cancel()
	up, err := dialPOP3(ctx, route, ucfg)
	if err != nil {
		ev.Result = "tempfail"
		s.p.log.Warn("POP3 upstream unavailable for login", "route", route.Name, "client", s.ip.String(), "err", err)
		return reply("-ERR [SYS/TEMP] Mailbox server unavailable, try again later\r\n")
	}
	s.p.caps.put(audit.ServicePOP3, route.Name, up.caps)
	if ucfg.ForwardClientIP && (up.xclient || hasCap(up.caps, "XCLIENT")) {
		// Dovecot offers XCLIENT to trusted peers only; its answer does
		// not decide the login.
		err := up.send("XCLIENT ADDR=" + s.ip.String() + "\r\n")
		if err == nil {
			_, err = up.line()
		}
		if err != nil {
			up.close()
			ev.Result = "tempfail"
			return reply("-ERR [SYS/TEMP] Mailbox server unavailable, try again later\r\n")
		}
	}
	answer, err := up.pop3Login(mech, user, pass)
	if err != nil {
		up.close()
		ev.Result = "tempfail"
		s.p.log.Warn("POP3 upstream failed during login", "route", route.Name, "client", s.ip.String(), "err", err)
		return reply("-ERR [SYS/TEMP] Mailbox server unavailable, try again later\r\n")
	}
	ok := strings.HasPrefix(answer, "+OK")
	switch code := responseCode(answer); {
	case ok:
		ev.Result = "ok"
	case code == "SYS/TEMP" || code == "IN-USE" || code == "LOGIN-DELAY":
		ev.Result = "tempfail"
	default:
		ev.Result = "failed"
	}
	done := reply(answer + "\r\n")
	if ok && !done {
		s.loggedIn, s.user = up, ev.User // serve splices
		return true
	}
	up.close()
	return done || ok
}

// dialPOP3 connects to a route's POP3 server, reads its greeting, does
// STLS when configured and reads CAPA.
func dialPOP3(ctx context.Context, r *config.Route, u *config.MailboxUpstream) (*upConn, error) {
	c, err := dialTCP(ctx, u, r.DialTimeout.D())
	if err != nil {
		return nil, err
	}
	up := &upConn{conn: c, br: bufio.NewReaderSize(c, 4096), addr: u.Addr, route: r, timeout: r.CommandTimeout.D()}
	fail := func(err error) (*upConn, error) { up.close(); return nil, err }
	greet, err := up.line()
	if err != nil {
		return fail(err)
	}
	if !strings.HasPrefix(greet, "+OK") {
		return fail(fmt.Errorf("upstream %s greeted %q", u.Addr, greet))
	}
	up.xclient = strings.Contains(strings.ToUpper(greet), "[XCLIENT]")
	if u.TLSMode == "starttls" {
		if err := up.send("STLS\r\n"); err != nil {
			return fail(err)
		}
		l, err := up.line()
		if err != nil {
			return fail(err)
		}
		if !strings.HasPrefix(l, "+OK") {
			return fail(fmt.Errorf("upstream %s refused STLS: %q", u.Addr, l))
		}
		if err := up.startTLS(u); err != nil {
			return fail(err)
		}
	}
	if err := up.send("CAPA\r\n"); err != nil {
		return fail(err)
	}
	l, err := up.line()
	if err != nil {
		return fail(err)
	}
	if strings.HasPrefix(l, "+OK") {
		for {
			l, err := up.line()
			if err != nil {
				return fail(err)
			}
			if l == "." {
				break
			}
			up.caps = append(up.caps, l)
			if len(up.caps) > 100 {
				return fail(fmt.Errorf("upstream %s: CAPA without end", u.Addr))
			}
		}
	}
	return up, nil
}

// pop3Login logs in at the upstream: AUTH PLAIN with the initial response
// when the client used PLAIN and the server offers it, else USER and PASS.
// It returns the server's answer to the login (or to USER when it refused
// the name).
func (u *upConn) pop3Login(mech, user, pass string) (string, error) {
	saslPlain := false
	for _, c := range u.caps {
		f := strings.Fields(strings.ToUpper(c))
		if len(f) > 0 && f[0] == "SASL" && hasCap(f[1:], "PLAIN") {
			saslPlain = true
		}
	}
	if mech == "PLAIN" && saslPlain || !hasCap(u.caps, "USER") && saslPlain {
		resp := encodePlain(user, pass)
		if err := u.send("AUTH PLAIN " + resp + "\r\n"); err != nil {
			return "", err
		}
		l, err := u.line()
		if err != nil {
			return "", err
		}
		if strings.HasPrefix(l, "+ ") || l == "+" {
			if err := u.send(resp + "\r\n"); err != nil {
				return "", err
			}
			return u.line()
		}
		return l, nil
	}
	if strings.ContainsAny(user, "\r\n") || strings.ContainsAny(pass, "\r\n") {
		return "-ERR [AUTH] Invalid characters in the login", nil
	}
	if err := u.send("USER " + user + "\r\n"); err != nil {
		return "", err
	}
	l, err := u.line()
	if err != nil {
		return "", err
	}
	if !strings.HasPrefix(l, "+OK") {
		return l, nil
	}
	if err := u.send("PASS " + pass + "\r\n"); err != nil {
		return "", err
	}
	return u.line()
}
