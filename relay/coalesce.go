package relay

import (
	"bufio"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// coalesceConn buffers writes and sends them when the connection next
// reads (or changes a deadline, or closes). SMTP is lock-step: whatever was
// written must be out before we wait for the peer, and not earlier. go-smtp
// flushes every reply line on its own (an EHLO answer is ten write calls)
// and its client writes message data in 4 KB pieces; coalescing makes that
// one write per exchange on both sides of the relay.
type coalesceConn struct {
	net.Conn
	mu      sync.Mutex
	w       *bufio.Writer
	pool    *sync.Pool // where w goes back at Close; nil: not pooled
	once    sync.Once
	onClose func() // nil or run once at Close

	// failed: a read of the peer's stream ended in an error (EOF, reset,
	// timeout). go-smtp reads a BDAT chunk until its size or the end of
	// the stream and cannot tell the two apart; the session can, here.
	failed atomic.Bool
	// hangUp: after a 421 (or a reply that leaves the stream out of
	// step), the next write is the last one, later writes are dropped
	// (go-smtp would answer commands the client pipelined behind the
	// one that got the 421), and the next read flushes and closes.
	hangUp atomic.Int32 // 0 no, 1 armed: next write is the last, 2 muted
}

// newCoalesceConn wraps c; pool supplies a *bufio.Writer.
func newCoalesceConn(c net.Conn, pool *sync.Pool, onClose func()) *coalesceConn {
	w := pool.Get().(*bufio.Writer)
	w.Reset(writerOnly{c})
	return &coalesceConn{Conn: c, w: w, pool: pool, onClose: onClose}
}

func (c *coalesceConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.w == nil {
		return 0, net.ErrClosed
	}
	switch c.hangUp.Load() {
	case 2:
		return len(p), nil
	case 1:
		c.hangUp.Store(2)
	}
	return c.w.Write(p)
}

func (c *coalesceConn) flush() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.w == nil || c.w.Buffered() == 0 {
		return nil
	}
	return c.w.Flush()
}

func (c *coalesceConn) Read(p []byte) (int, error) {
	if err := c.flush(); err != nil {
		return 0, err
	}
	if c.hangUp.Load() == 2 {
		// The reply is out; go-smtp sees a closed connection and ends the
		// session without a word (it would answer a timeout with a
		// second 421).
		c.Conn.Close()
		return 0, net.ErrClosed
	}
	n, err := c.Conn.Read(p)
	if err != nil {
		c.failed.Store(true)
	}
	return n, err
}

// readFailed reports whether a read of the peer's stream has failed.
func (c *coalesceConn) readFailed() bool { return c.failed.Load() }

// closeAfterReply makes the connection close once the reply being written
// has been sent.
func (c *coalesceConn) closeAfterReply() { c.hangUp.CompareAndSwap(0, 1) }

// SetWriteDeadline flushes first: what was written under the old deadline
// goes out under it. crypto/tls relies on this when it sends close_notify
// and then sets the write deadline to now.
func (c *coalesceConn) SetWriteDeadline(t time.Time) error {
	c.flush()
	return c.Conn.SetWriteDeadline(t)
}

func (c *coalesceConn) SetDeadline(t time.Time) error {
	c.flush()
	return c.Conn.SetDeadline(t)
}

func (c *coalesceConn) Close() error {
	c.flush()
	c.mu.Lock()
	if c.w != nil {
		c.w.Reset(nil)
		c.pool.Put(c.w)
		c.w = nil
	}
	c.mu.Unlock()
	if c.onClose != nil {
		c.once.Do(c.onClose)
	}
	return c.Conn.Close()
}

// writerOnly hides the conn's ReadFrom and other methods from bufio.
type writerOnly struct{ c net.Conn }

func (w writerOnly) Write(p []byte) (int, error) { return w.c.Write(p) }
