package relay

import (
	"bufio"
	"bytes"
	"io"
	"net/textproto"
	"testing"
)

// stuffWithTextproto is what go-smtp's DataCommand sends for chunks:
// textproto's dot-writer, closed.
func stuffWithTextproto(chunks [][]byte) []byte {
	var out bytes.Buffer
	bw := bufio.NewWriter(&out)
	dw := textproto.NewWriter(bw).DotWriter()
	for _, c := range chunks {
		dw.Write(c)
	}
	dw.Close()
	return out.Bytes()
}

// stuffSpec is the rule, a byte at a time: a dot opening a line is
// doubled, a LF not preceded by CR becomes CRLF, and the data is ended
// with CRLF (if it does not end so) and the final dot. It differs from
// textproto in one place: textproto turns CR CR LF into CR CR CR LF (it
// forgets the second CR); the relay keeps the client's bytes.
func stuffSpec(chunks [][]byte) []byte {
	data := bytes.Join(chunks, nil)
	var out []byte
	bol, prev := true, byte(0)
	for _, c := range data {
		if bol && c == '.' {
			out = append(out, '.')
		}
		bol = c == '\n'
		if c == '\n' && prev != '\r' {
			out = append(out, '\r')
		}
		out = append(out, c)
		prev = c
	}
	switch {
	case len(data) > 0 && prev == '\n':
		out = append(out, ".\r\n"...)
	case prev == '\r':
		out = append(out, "\n.\r\n"...)
	default:
		out = append(out, "\r\n.\r\n"...)
	}
	return out
}

// stuffFast is upstreamData over the same chunks: its raw writes, then the
// line ending and final dot through a textproto dot-writer on the same
// stream, as DataCommand does.
func stuffFast(t testing.TB, chunks [][]byte) []byte {
	var out bytes.Buffer
	bw := bufio.NewWriter(&out)
	buf := make([]byte, 0, 16)
	u := &upstreamData{raw: &out, out: &buf, bol: true}
	for _, c := range chunks {
		n, err := u.Write(c)
		if err != nil || n != len(c) {
			t.Fatalf("Write(%q) = %d, %v", c, n, err)
		}
	}
	// What Close does, without a live DataCommand.
	dw := textproto.NewWriter(bw).DotWriter()
	dw.Write([]byte("\r\n"))
	dw.Close()
	return out.Bytes()
}

func split(data []byte, cuts []byte) [][]byte {
	var chunks [][]byte
	for _, c := range cuts {
		n := int(c) % (len(data) + 1)
		chunks = append(chunks, data[:n])
		data = data[n:]
	}
	return append(chunks, data)
}

func TestDotStufferMatchesTextproto(t *testing.T) {
	cases := []string{
		"",
		"a",
		"a\r\n",
		".",
		".\r\n",
		"..\r\n.\r\n",
		"line\r\n.hidden\r\n",
		"bare\nlf\n",
		"\n",
		"\r",
		"bare\rcr\r",
		"x\r\r\n", // textproto: x CR CR CR LF
		"\r\r\n.\r\r",
		"\r\n.\r\n",
		"From: a\r\n\r\n.body\r\n..two\r\nend",
	}
	for _, c := range cases {
		for cut := 0; cut <= len(c); cut++ {
			chunks := [][]byte{[]byte(c[:cut]), []byte(c[cut:])}
			got := stuffFast(t, chunks)
			if want := stuffSpec(chunks); !bytes.Equal(got, want) {
				t.Errorf("%q cut at %d:\n got %q\nwant %q", c, cut, got, want)
			}
			if want := stuffWithTextproto(chunks); !bytes.Contains([]byte(c), []byte("\r\r")) && !bytes.Equal(got, want) {
				t.Errorf("%q cut at %d:\n got %q\ntextproto %q", c, cut, got, want)
			}
		}
	}
}

func FuzzDotStuffer(f *testing.F) {
	f.Add([]byte("a\r\n.b\r\n"), []byte{1, 3})
	f.Add([]byte("\n.\n\r.\r\n"), []byte{0, 1, 2})
	f.Add([]byte("x\r"), []byte{1})
	f.Fuzz(func(t *testing.T, data, cuts []byte) {
		if len(cuts) > 64 {
			cuts = cuts[:64]
		}
		chunks := split(data, cuts)
		got := stuffFast(t, chunks)
		if want := stuffSpec(chunks); !bytes.Equal(got, want) {
			t.Fatalf("chunks %q:\n got %q\nwant %q", chunks, got, want)
		}
		if want := stuffWithTextproto(chunks); !bytes.Contains(data, []byte("\r\r")) && !bytes.Equal(got, want) {
			t.Fatalf("chunks %q:\n got %q\ntextproto %q", chunks, got, want)
		}
	})
}

func BenchmarkDotStuff50KB(b *testing.B) {
	line := []byte("Đề nghị các phòng, bộ phận tham dự đầy đủ và đúng giờ./.\r\n")
	msg := bytes.Repeat(line, 50000/len(line))
	chunks := split(msg, []byte{255, 255, 255})
	b.Run("textproto", func(b *testing.B) {
		b.SetBytes(int64(len(msg)))
		bw := bufio.NewWriter(io.Discard)
		for b.Loop() {
			dw := textproto.NewWriter(bw).DotWriter()
			for _, c := range chunks {
				dw.Write(c)
			}
			dw.Close()
		}
	})
	b.Run("fast", func(b *testing.B) {
		b.SetBytes(int64(len(msg)))
		buf := make([]byte, 0, 64<<10)
		for b.Loop() {
			u := &upstreamData{raw: io.Discard, out: &buf, bol: true}
			for _, c := range chunks {
				u.Write(c)
			}
		}
	})
}
