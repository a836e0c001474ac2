package relay

import (
	"bufio"
	"net"
	"sync"
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
	return c.Conn.Read(p)
}

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
