package relay

import (
	"bytes"
	"io"
	"net"
	"sync"
	"time"

	"github.com/emersion/go-smtp"
)

// upstreamData writes a message into an upstream DATA command.
//
// go-smtp's DataCommand writes through net/textproto's dot-writer, one
// bufio.WriteByte call per byte: at 50 KB that was a sixth of the relay's
// CPU. upstreamData produces the same bytes a line at a time
// (bytes.IndexByte, then one copy per line) straight into the connection
// the client writes to, and leaves only the last line ending and the final
// dot to the DataCommand, whose writer is then in the state textproto
// expects. The rules are textproto's:
//   - a line that starts with "." gets one more "." (RFC 5321 4.5.2);
//   - a bare LF becomes CRLF; a bare CR is kept;
//   - a message that does not end in CRLF gets one before the final dot.
//
// The output is byte-for-byte what DataCommand.Write would have sent
// (FuzzDotStuffer checks it against textproto) but for one case: CR CR LF
// stays as the client sent it, where textproto writes CR CR CR LF (its
// state machine forgets the second CR).
type upstreamData struct {
	dc   *smtp.DataCommand
	raw  io.Writer // the connection under the client's bufio (and TLS)
	pool *sync.Pool
	out  *[]byte // scratch from pool: the stuffed chunk
	// tcp gets a write deadline of timeout, renewed as data flows:
	// go-smtp sets none between DATA and the final dot, and an upstream
	// that stops reading would otherwise hold the session for ever.
	tcp     net.Conn
	timeout time.Duration
	renewed time.Time
	// bol: the last byte seen ended a line (or nothing was seen yet).
	// prevCR: the last byte seen was a CR.
	bol, prevCR bool
	// held is the tail of the output kept back: "\r\n" when the data
	// ended a line, "\r" after a bare CR. The DataCommand writes the
	// line ending itself at close, so its dot-writer knows where it is.
	held int
}

// dataWriter is an open upstream DATA: the message goes in, Close sends
// the final dot and returns the upstream's reply.
type dataWriter interface {
	io.Writer
	Close() (*smtp.DataResponse, error)
}

// openData sends DATA to the upstream u.
func openData(u *upstream, pool *sync.Pool) (dataWriter, error) {
	dc, err := u.c.Data()
	if err != nil {
		return nil, err
	}
	return &upstreamData{dc: dc, raw: u.data, pool: pool, out: pool.Get().(*[]byte), bol: true,
		tcp: u.conn, timeout: u.route.CommandTimeout.D()}, nil
}

func (u *upstreamData) Write(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	out := (*u.out)[:0]
	if u.held > 0 {
		out = append(out, "\r\n"[:u.held]...)
	}
	for i := 0; i < len(p); {
		if u.bol && p[i] == '.' {
			out = append(out, '.')
		}
		u.bol = false
		j := bytes.IndexByte(p[i:], '\n')
		if j < 0 {
			out = append(out, p[i:]...)
			u.prevCR = p[len(p)-1] == '\r'
			break
		}
		line := p[i : i+j]
		out = append(out, line...)
		if !(len(line) > 0 && line[len(line)-1] == '\r') && !(len(line) == 0 && u.prevCR) {
			out = append(out, '\r') // a bare LF
		}
		out = append(out, '\n')
		u.bol, u.prevCR = true, false
		i += j + 1
	}
	switch {
	case u.bol:
		u.held = 2 // the output ends in "\r\n"
	case u.prevCR:
		u.held = 1
	default:
		u.held = 0
	}
	*u.out = out
	if now := time.Now(); u.timeout > 0 && now.Sub(u.renewed) > time.Second {
		// Once a second is precise enough for a timeout in minutes.
		u.tcp.SetWriteDeadline(now.Add(u.timeout))
		u.renewed = now
	}
	if _, err := u.raw.Write(out[:len(out)-u.held]); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Close ends the data (line ending, final dot) and returns the upstream's
// reply. A held CR or CRLF is replaced by the CRLF written through the
// DataCommand: the same bytes textproto writes for every ending.
func (u *upstreamData) Close() (*smtp.DataResponse, error) {
	if u.out != nil {
		u.pool.Put(u.out)
		u.out = nil
	}
	if _, err := u.dc.Write([]byte("\r\n")); err != nil {
		return nil, err
	}
	return u.dc.CloseWithResponse()
}
