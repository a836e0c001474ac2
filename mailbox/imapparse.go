package mailbox

import (
	"bufio"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// The pre-login IMAP parser. Before login a client may only say
// CAPABILITY, NOOP, LOGOUT, STARTTLS, ID, LOGIN and AUTHENTICATE (RFC 9051
// 6.1, 6.2; RFC 2971 for ID), so this parser knows exactly those and their
// arguments and refuses anything else with BAD. It is strict on purpose:
// what it accepts is forwarded to an upstream (re-encoded, never as the
// client's bytes), so it must never guess.
//
// Literals: "{n}" (synchronizing: the server answers "+" before the client
// sends the n bytes) and "{n+}" (non-synchronizing, RFC 7888 LITERAL+) are
// both read, each at most maxLiteral bytes before login (RFC 7888's
// LITERAL- bound is 4096). A synchronizing literal that is too big is
// refused before the client sends it; a non-synchronizing one cannot be
// refused without losing the stream, so the connection is closed.

const (
	maxLine    = 8192 // one command line before login, literals excluded
	maxLiteral = 4096
)

// imapCommand is one parsed pre-login command.
type imapCommand struct {
	Tag  string
	Name string // upper case
	// Args: LOGIN user, password; AUTHENTICATE mechanism (upper case) and,
	// with SASL-IR, the initial response as sent (base64 or "=").
	Args []string
}

// parseError is a protocol error the session answers with BAD. A fatal one
// (a non-synchronizing literal over the limit, a line too long) leaves a
// stream that cannot be trusted: the session answers BYE and closes.
type parseError struct {
	tag   string // "" when the tag itself was bad: the answer is "* BAD"
	msg   string
	fatal bool
	ended bool // the command line is already consumed: nothing to skip
}

func (e *parseError) Error() string { return e.msg }

// imapParser reads commands from r. cont is called for a synchronizing
// literal the parser accepts; it must send "+ ..." to the client.
type imapParser struct {
	r    *bufio.Reader
	cont func() error
	used int // bytes of the current line, literals excluded
}

// next reads one command. A *parseError is a protocol error to answer; any
// other error is the connection's.
func (p *imapParser) next() (*imapCommand, error) {
	p.used = 0
	cmd := &imapCommand{}
	tag, err := p.atom(isTagChar)
	if err != nil {
		return nil, p.recover("", err)
	}
	if tag == "" {
		return nil, p.recover("", p.bad("missing tag"))
	}
	cmd.Tag = tag
	if err := p.expect(' '); err != nil {
		return nil, p.recover(tag, err)
	}
	name, err := p.atom(isAtomChar)
	if err != nil {
		return nil, p.recover(tag, err)
	}
	cmd.Name = strings.ToUpper(name)
	switch cmd.Name {
	case "CAPABILITY", "NOOP", "LOGOUT", "STARTTLS":
	case "LOGIN":
		for range 2 {
			if err := p.expect(' '); err != nil {
				return nil, p.recover(tag, err)
			}
			s, err := p.astring()
			if err != nil {
				return nil, p.recover(tag, err)
			}
			cmd.Args = append(cmd.Args, s)
		}
	case "AUTHENTICATE":
		if err := p.expect(' '); err != nil {
			return nil, p.recover(tag, err)
		}
		mech, err := p.atom(isAtomChar)
		if err != nil {
			return nil, p.recover(tag, err)
		}
		if mech == "" {
			return nil, p.recover(tag, p.bad("missing mechanism"))
		}
		cmd.Args = append(cmd.Args, strings.ToUpper(mech))
		if b, err := p.peek(); err != nil {
			return nil, p.recover(tag, err)
		} else if b == ' ' {
			p.r.ReadByte()
			ir, err := p.atom(isBase64Char)
			if err != nil {
				return nil, p.recover(tag, err)
			}
			if ir == "" {
				return nil, p.recover(tag, p.bad("empty initial response"))
			}
			cmd.Args = append(cmd.Args, ir)
		}
	case "ID":
		if err := p.expect(' '); err != nil {
			return nil, p.recover(tag, err)
		}
		if err := p.idParams(); err != nil {
			return nil, p.recover(tag, err)
		}
	default:
		return nil, p.recover(tag, p.bad("command unknown or not allowed before login"))
	}
	if err := p.crlf(); err != nil {
		return nil, p.recover(tag, err)
	}
	return cmd, nil
}

// recover turns err into the error next returns: a parse error gets the
// tag and, unless fatal, the rest of the line is skipped so the next
// command starts clean.
func (p *imapParser) recover(tag string, err error) error {
	var pe *parseError
	if !errors.As(err, &pe) {
		return err
	}
	pe.tag = tag
	if pe.fatal || pe.ended {
		return pe
	}
	for {
		b, err := p.r.ReadByte()
		if err != nil {
			return err
		}
		p.used++
		if p.used > maxLine {
			pe.fatal = true
			return pe
		}
		if b == '\n' {
			return pe
		}
	}
}

func (p *imapParser) bad(format string, a ...any) error {
	return &parseError{msg: fmt.Sprintf(format, a...)}
}

func (p *imapParser) readByte() (byte, error) {
	b, err := p.r.ReadByte()
	if err != nil {
		return 0, err
	}
	p.used++
	if p.used > maxLine {
		return 0, &parseError{msg: "line too long", fatal: true}
	}
	return b, nil
}

func (p *imapParser) peek() (byte, error) {
	b, err := p.r.Peek(1)
	if err != nil {
		return 0, err
	}
	return b[0], nil
}

func (p *imapParser) expect(want byte) error {
	b, err := p.peek()
	if err != nil {
		return err
	}
	if b != want {
		return p.bad("expected %q", want)
	}
	_, err = p.readByte()
	return err
}

// crlf ends a command.
func (p *imapParser) crlf() error {
	b, err := p.peek()
	if err != nil {
		return err
	}
	if b != '\r' {
		return p.bad("unexpected characters at the end of the command")
	}
	p.readByte()
	b, err = p.peek()
	if err != nil {
		return err
	}
	if b != '\n' {
		return p.bad("CR without LF")
	}
	_, err = p.readByte()
	return err
}

// atom reads bytes while ok says so (possibly none).
func (p *imapParser) atom(ok func(byte) bool) (string, error) {
	var sb strings.Builder
	for {
		b, err := p.peek()
		if err != nil {
			return "", err
		}
		if !ok(b) {
			return sb.String(), nil
		}
		if _, err := p.readByte(); err != nil {
			return "", err
		}
		sb.WriteByte(b)
	}
}

// astring is an atom (ASTRING-CHARs), a quoted string or a literal.
func (p *imapParser) astring() (string, error) {
	b, err := p.peek()
	if err != nil {
		return "", err
	}
	switch b {
	case '"':
		return p.quoted()
	case '{':
		return p.literal()
	}
	s, err := p.atom(isAstringChar)
	if err != nil {
		return "", err
	}
	if s == "" {
		return "", p.bad("expected a string")
	}
	return s, nil
}

// quoted reads "..." with \" and \\ escapes; 8-bit bytes are allowed
// (UTF-8 in IMAP4rev2), CR, LF and NUL are not.
func (p *imapParser) quoted() (string, error) {
	p.readByte() // the opening quote
	var sb strings.Builder
	for {
		b, err := p.peek()
		if err != nil {
			return "", err
		}
		switch b {
		case '\r', '\n', 0:
			return "", p.bad("unterminated quoted string")
		}
		if _, err := p.readByte(); err != nil {
			return "", err
		}
		switch b {
		case '"':
			return sb.String(), nil
		case '\\':
			e, err := p.peek()
			if err != nil {
				return "", err
			}
			if e != '"' && e != '\\' {
				return "", p.bad("bad escape in quoted string")
			}
			p.readByte()
			sb.WriteByte(e)
		default:
			sb.WriteByte(b)
		}
	}
}

// literal reads {n} or {n+}, CRLF, then n bytes.
func (p *imapParser) literal() (string, error) {
	p.readByte() // '{'
	digits, err := p.atom(func(b byte) bool { return b >= '0' && b <= '9' })
	if err != nil {
		return "", err
	}
	if digits == "" || len(digits) > 10 {
		return "", p.bad("bad literal length")
	}
	n, err := strconv.ParseUint(digits, 10, 64)
	if err != nil {
		return "", p.bad("bad literal length")
	}
	nonSync := false
	if b, err := p.peek(); err != nil {
		return "", err
	} else if b == '+' {
		nonSync = true
		p.readByte()
	}
	if err := p.expect('}'); err != nil {
		return "", err
	}
	if err := p.crlf(); err != nil {
		return "", err
	}
	if n > maxLiteral {
		if nonSync {
			// The client sends the bytes anyway; they cannot be told
			// apart from commands any more.
			return "", &parseError{msg: "literal too big before login", fatal: true}
		}
		// The line ended at the literal's CRLF; nothing is left to skip.
		return "", &parseError{msg: "literal too big before login", ended: true}
	}
	if !nonSync && p.cont != nil {
		if err := p.cont(); err != nil {
			return "", err
		}
	}
	buf := make([]byte, n)
	for i := range buf {
		b, err := p.r.ReadByte()
		if err != nil {
			return "", err
		}
		buf[i] = b
	}
	if strings.IndexByte(string(buf), 0) >= 0 {
		return "", p.bad("NUL in literal")
	}
	return string(buf), nil
}

// idParams reads ID's argument, NIL or a list of string/nstring pairs,
// which the proxy does not use (it answers ID itself).
func (p *imapParser) idParams() error {
	b, err := p.peek()
	if err != nil {
		return err
	}
	if b != '(' {
		a, err := p.atom(isAtomChar)
		if err != nil {
			return err
		}
		if !strings.EqualFold(a, "NIL") {
			return p.bad("ID expects NIL or a list")
		}
		return nil
	}
	p.readByte()
	for i := 0; i < 60; i++ { // RFC 2971: at most 30 field-value pairs
		b, err := p.peek()
		if err != nil {
			return err
		}
		if b == ')' {
			if i%2 == 1 {
				return p.bad("ID field without a value")
			}
			p.readByte()
			return nil
		}
		if i > 0 {
			if err := p.expect(' '); err != nil {
				return err
			}
			if b, err = p.peek(); err != nil {
				return err
			}
		}
		switch b {
		case '"':
			_, err = p.quoted()
		case '{':
			_, err = p.literal()
		default:
			var a string
			a, err = p.atom(isAtomChar)
			if err == nil && (i%2 == 0 || !strings.EqualFold(a, "NIL")) {
				err = p.bad("ID expects strings")
			}
		}
		if err != nil {
			return err
		}
	}
	return p.bad("too many ID parameters")
}

// Character classes of RFC 9051's formal syntax.

func isAtomChar(b byte) bool {
	if b <= 0x1f || b >= 0x7f {
		return false
	}
	switch b {
	case '(', ')', '{', ' ', '%', '*', '"', '\\', ']':
		return false
	}
	return true
}

func isAstringChar(b byte) bool { return isAtomChar(b) || b == ']' }

func isTagChar(b byte) bool { return isAstringChar(b) && b != '+' }

func isBase64Char(b byte) bool {
	return b >= 'A' && b <= 'Z' || b >= 'a' && b <= 'z' || b >= '0' && b <= '9' || b == '+' || b == '/' || b == '='
}

// imapString encodes s for an upstream command: a quoted string when it
// can be one, else a literal. nonSync says the upstream takes LITERAL+.
// The literal form returns the prefix "{n}\r\n" (or {n+}) and the data
// separately, because a synchronizing literal needs the upstream's "+"
// between them.
func imapString(s string, nonSync bool) (head, data string, isLiteral bool) {
	quotable := len(s) < 1024
	for i := 0; i < len(s) && quotable; i++ {
		quotable = s[i] != '\r' && s[i] != '\n' && s[i] != 0
	}
	if quotable {
		r := strings.NewReplacer(`\`, `\\`, `"`, `\"`)
		return `"` + r.Replace(s) + `"`, "", false
	}
	plus := ""
	if nonSync {
		plus = "+"
	}
	return fmt.Sprintf("{%d%s}\r\n", len(s), plus), s, true
}
