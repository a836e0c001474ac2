//go:build unix

package relay

import (
	"net"
	"syscall"
)

// peerClosed reports whether the peer of a TCP connection has closed its
// side with nothing left unread before the end: the kernel's next read
// would return end of file. MSG_PEEK leaves any queued bytes for the
// connection's reader, and MSG_DONTWAIT keeps this from blocking.
func peerClosed(c net.Conn) bool {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return false
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return false
	}
	closed := false
	rc.Read(func(fd uintptr) bool {
		var b [1]byte
		n, _, err := syscall.Recvfrom(int(fd), b[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
		switch {
		case err == nil:
			closed = n == 0
		case err == syscall.EAGAIN || err == syscall.EWOULDBLOCK || err == syscall.EINTR:
		default:
			closed = true // reset by the peer
		}
		return true // done: never wait for readiness
	})
	return closed
}
