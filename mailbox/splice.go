package mailbox

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// After a login the client and upstream connections are spliced: bytes
// are copied unchanged both ways and nothing is parsed, so IDLE, COMPRESS
// and every extension work as if the client talked to the server itself.
//
// Memory: a logged-in mail client is idle nearly all the time (IDLE waits
// for hours), so a copy loop that holds a 32 KB buffer while it waits
// would cost 64 KB per session, 640 MB for 10,000. On plain TCP sockets
// the loop first waits for the socket to become readable without a buffer
// (the poller, via syscall.RawConn) and borrows one from a pool only to
// move what has arrived. A TLS socket keeps its own small buffer, because
// crypto/tls may hold decrypted bytes the socket no longer shows.

// spliceBuf is the pooled copy buffer size.
const spliceBuf = 32 << 10

type splice struct {
	client, up net.Conn
	idle       time.Duration
	bufs       *sync.Pool

	in, out  atomic.Int64 // client to upstream, upstream to client
	last     atomic.Int64 // unix nanoseconds of the last byte moved
	draining atomic.Bool
	bye      atomic.Pointer[[]byte]
	reason   atomic.Value // string: why the session ended (first one wins)
}

func newSplice(client, up net.Conn, idle time.Duration, bufs *sync.Pool) *splice {
	sp := &splice{client: client, up: up, idle: idle, bufs: bufs}
	sp.touch()
	return sp
}

func (sp *splice) touch() { sp.last.Store(time.Now().UnixNano()) }

func (sp *splice) setReason(r string) { sp.reason.CompareAndSwap(nil, r) }

// run copies until either side closes, the idle timeout passes or drain
// ends it; it returns why the session ended. Both connections are closed
// when it returns.
func (sp *splice) run() string {
	timer := time.AfterFunc(sp.idle, sp.checkIdle)
	defer timer.Stop()
	done := make(chan struct{})
	go func() {
		defer close(done)
		err := sp.pipe(sp.up, sp.client, &sp.in, 4<<10)
		if sp.draining.Load() {
			return // drain stopped this side on purpose
		}
		if err == nil {
			sp.setReason("client_closed")
			// Let the server finish its answer (LOGOUT's BYE and OK)
			// before the connection goes: half-close, read a little longer.
			if cw, ok := sp.up.(interface{ CloseWrite() error }); ok {
				cw.CloseWrite()
				sp.up.SetReadDeadline(time.Now().Add(5 * time.Second))
				return
			}
		} else {
			sp.setReason(closeReason(err, "client"))
		}
		sp.up.Close()
	}()
	err := sp.pipe(sp.client, sp.up, &sp.out, 16<<10)
	if sp.draining.Load() {
		// The upstream side was stopped between two writes to the client,
		// so the goodbye cannot land inside a chunk of its answer.
		if bye := sp.bye.Load(); bye != nil && len(*bye) > 0 {
			sp.client.SetWriteDeadline(time.Now().Add(2 * time.Second))
			sp.client.Write(*bye)
		}
	} else if err == nil {
		sp.setReason("server_closed")
	} else {
		sp.setReason(closeReason(err, "server"))
	}
	sp.client.Close()
	sp.up.Close()
	<-done
	r, _ := sp.reason.Load().(string)
	return r
}

func closeReason(err error, side string) string {
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return "idle"
	}
	return side + "_error"
}

func (sp *splice) checkIdle() {
	last := time.Unix(0, sp.last.Load())
	if left := sp.idle - time.Since(last); left > 0 {
		time.AfterFunc(left, sp.checkIdle)
		return
	}
	sp.setReason("idle")
	sp.client.Close()
	sp.up.Close()
}

// pipe copies src to dst until src ends (nil on EOF) or an error.
// ownBuf is the buffer size a TLS source keeps.
func (sp *splice) pipe(dst, src net.Conn, count *atomic.Int64, ownBuf int) error {
	var raw syscall.RawConn
	if tc, ok := src.(*net.TCPConn); ok {
		raw, _ = tc.SyscallConn()
	}
	var own []byte
	if raw == nil {
		own = make([]byte, ownBuf)
	}
	var bp *[]byte // the pooled buffer, kept while reads fill it
	defer func() {
		if bp != nil {
			sp.bufs.Put(bp)
		}
	}()
	for {
		buf := own
		if raw != nil {
			if bp == nil {
				if err := waitReadable(raw); err != nil {
					return err
				}
				bp = sp.bufs.Get().(*[]byte)
			}
			buf = *bp
		}
		n, rerr := src.Read(buf)
		var werr error
		if n > 0 {
			sp.touch()
			dst.SetWriteDeadline(time.Now().Add(sp.idle))
			_, werr = dst.Write(buf[:n])
			count.Add(int64(n))
		}
		// A full buffer means a bulk transfer (a FETCH): read on with it
		// and skip the readiness check; a short read means the burst is
		// over and the buffer goes back before the next wait.
		if bp != nil && n < len(buf) {
			sp.bufs.Put(bp)
			bp = nil
		}
		if werr != nil {
			return werr
		}
		if rerr == io.EOF {
			return nil
		}
		if rerr != nil {
			return rerr
		}
	}
}

// drain ends the session for a shutdown: no new client command goes
// upstream, the upstream's answer in flight is let through until the
// upstream has been quiet a moment (or ctx ends), then run sends bye to
// the client (IMAP's "* BYE"; nothing for POP3, whose sessions just close
// and so never reach the UPDATE state: nothing is deleted) and closes
// both. drain returns at once; run's return is the end.
func (sp *splice) drain(ctx context.Context, bye []byte) {
	sp.bye.Store(&bye)
	sp.setReason("shutdown")
	sp.draining.Store(true)
	sp.client.SetReadDeadline(time.Now())
	go func() {
		const quiet = 200 * time.Millisecond
		for time.Since(time.Unix(0, sp.last.Load())) < quiet {
			select {
			case <-ctx.Done():
			case <-time.After(quiet / 4):
				continue
			}
			break
		}
		sp.up.SetReadDeadline(time.Now())
	}()
}
