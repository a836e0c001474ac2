package relay

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"mailaudit/audit"
)

func TestCopyWithoutOwnHeaders(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"X-Mailaudit-Verdict: type=x\r\nSubject: a\r\n\r\nbody\r\n", "Subject: a\r\n\r\nbody\r\n"},
		{"Subject: a\r\nx-mailaudit-flags: none\r\n\tfolded on\r\n more\r\nTo: b\r\n\r\nX-Mailaudit-Flags: in the body stays\r\n",
			"Subject: a\r\nTo: b\r\n\r\nX-Mailaudit-Flags: in the body stays\r\n"},
		{"X-Mailauditor: not ours\r\n\r\n", "X-Mailauditor: not ours\r\n\r\n"},
		{"Subject: no body, no blank line\r\nX-MAILAUDIT-VERDICT: y", "Subject: no body, no blank line\r\n"},
		{"Subject: LF only\nX-Mailaudit-Flags: z\n\nbody\n", "Subject: LF only\n\nbody\n"},
		{"", ""},
	} {
		var out bytes.Buffer
		if err := copyWithoutOwnHeaders(&out, strings.NewReader(tc.in)); err != nil {
			t.Fatal(err)
		}
		if out.String() != tc.want {
			t.Errorf("%q:\n got %q\nwant %q", tc.in, out.String(), tc.want)
		}
	}
	// A header line longer than the reader's buffer is copied whole.
	long := "Subject: " + strings.Repeat("x", 40<<10) + "\r\n\r\nbody"
	var out bytes.Buffer
	if err := copyWithoutOwnHeaders(&out, strings.NewReader(long)); err != nil || out.String() != long {
		t.Fatalf("long header line: %v, %d of %d bytes", err, out.Len(), len(long))
	}
}

// In hold mode a client's own X-Mailaudit-* fields never reach the upstream
// next to the relay's: a sender cannot pre-stamp a verdict.
func TestHoldModeStripsClientVerdictHeaders(t *testing.T) {
	inspect := func(ctx context.Context, msg io.Reader, info MessageInfo, ev *audit.Event) Decision {
		io.Copy(io.Discard, msg)
		ev.Type = "giay_moi"
		return Decision{}
	}
	e := noAuthEnv(t, envOpts{inspect: inspect, hold: true, yaml: "verdict_header: true\n"})
	c := dialPlain(t, e.addrs.Plain)
	forged := "X-Mailaudit-Verdict: type=cong_van; secrecy=none; urgency=none; confidence=1.00\r\n" +
		"X-Mailaudit-Flags: none\r\n"
	msg := message("forged", 1000)
	if _, err := send(c, "a@tphcm.gov.vn", []string{"b@tphcm.gov.vn"}, append([]byte(forged), msg...)); err != nil {
		t.Fatal(err)
	}
	got := string(e.sink.Messages()[0].Data)
	if strings.Count(strings.ToLower(got), "x-mailaudit-") != 1 || !strings.HasPrefix(got, "X-Mailaudit-Verdict: type=giay_moi;") ||
		!strings.HasSuffix(got, string(msg)) {
		t.Fatalf("upstream got:\n%s", got[:300])
	}
}
