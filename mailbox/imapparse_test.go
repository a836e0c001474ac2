package mailbox

import (
	"bufio"
	"errors"
	"strings"
	"testing"
)

func parseAll(in string) ([]*imapCommand, []error, int) {
	conts := 0
	p := &imapParser{r: bufio.NewReader(strings.NewReader(in)), cont: func() error { conts++; return nil }}
	var cmds []*imapCommand
	var errs []error
	for {
		c, err := p.next()
		if err != nil {
			var pe *parseError
			if !errors.As(err, &pe) {
				return cmds, errs, conts
			}
			errs = append(errs, err)
			if pe.fatal {
				return cmds, errs, conts
			}
			continue
		}
		cmds = append(cmds, c)
	}
}

func TestIMAPParser(t *testing.T) {
	for _, tc := range []struct {
		in    string
		want  string // "tag NAME arg|arg;..." per command, "!" per error
		conts int
	}{
		{"a1 CAPABILITY\r\n", "a1 CAPABILITY", 0},
		{"a1 login user \"p\\\"w d\"\r\n", "a1 LOGIN user|p\"w d", 0},
		{"a1 LOGIN {4}\r\nuser {3+}\r\npw!\r\n", "a1 LOGIN user|pw!", 1},
		{"x AUTHENTICATE plain AHVAcA==\r\ny AUTHENTICATE LOGIN\r\n", "x AUTHENTICATE PLAIN|AHVAcA==;y AUTHENTICATE LOGIN", 0},
		{"i ID (\"name\" \"Thunderbird\" \"version\" NIL)\r\nj ID NIL\r\n", "i ID;j ID", 0},
		{"a SELECT INBOX\r\nb NOOP\r\n", "!;b NOOP", 0},
		{"a LOGIN onlyone\r\nb LOGOUT\r\n", "!;b LOGOUT", 0},
		{"a LOGIN {99999}\r\nb NOOP\r\n", "!;b NOOP", 0},
		{"a LOGIN {99999+}\r\nxxxx\r\n", "!", 0},
		{"a+b NOOP\r\n", "!", 0},
		{"a NOOP\n", "!", 0},
		{"a LOGIN \"x\ny\" z\r\nb NOOP\r\n", "!;!;b NOOP", 0}, // the bare LF ends the first line
		{strings.Repeat("a", maxLine+10) + "\r\n", "!", 0},
	} {
		cmds, errs, conts := parseAll(tc.in)
		var got []string
		ci, ei := 0, 0
		for _, w := range strings.Split(tc.want, ";") {
			if w == "!" {
				if ei < len(errs) {
					got = append(got, "!")
					ei++
				}
				continue
			}
			if ci < len(cmds) {
				c := cmds[ci]
				s := c.Tag + " " + c.Name
				if len(c.Args) > 0 {
					s += " " + strings.Join(c.Args, "|")
				}
				got = append(got, s)
				ci++
			}
		}
		if strings.Join(got, ";") != tc.want || ci != len(cmds) || ei != len(errs) || conts != tc.conts {
			t.Errorf("%q: got %q (%d cmds, %d errs %v, %d conts), want %q (%d conts)", tc.in, got, len(cmds), len(errs), errs, conts, tc.want, tc.conts)
		}
	}
}

// FuzzIMAPParser: no input crashes or hangs the parser, and what it
// accepts survives re-encoding: a LOGIN written back with imapString
// parses to the same strings.
func FuzzIMAPParser(f *testing.F) {
	for _, s := range []string{
		"a1 CAPABILITY\r\n", "a LOGIN {4}\r\nuser {3+}\r\npw!\r\n", "a LOGIN \"u\\\\\" p\r\n",
		"x AUTHENTICATE PLAIN AHVAcA==\r\n", "i ID (\"a\" NIL)\r\n", "a LOGIN {99999+}\r\n",
		"* NOOP\r\n", "a STARTTLS\r\nb LOGOUT\r\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		cmds, _, _ := parseAll(string(in))
		for _, c := range cmds {
			if c.Name != "LOGIN" {
				continue
			}
			var sb strings.Builder
			sb.WriteString(c.Tag + " LOGIN")
			for _, a := range c.Args {
				head, data, _ := imapString(a, true)
				sb.WriteString(" " + head + data)
			}
			sb.WriteString("\r\n")
			again, errs, _ := parseAll(sb.String())
			if len(again) != 1 || len(errs) != 0 || again[0].Args[0] != c.Args[0] || again[0].Args[1] != c.Args[1] {
				t.Fatalf("re-encoded %q does not parse back: %v %v", sb.String(), again, errs)
			}
		}
	})
}
