package mailbox

import "syscall"

// waitReadable blocks until the socket has data, an EOF or an error to
// report, without reading anything: MSG_PEEK leaves the byte in place.
func waitReadable(rc syscall.RawConn) error {
	var b [1]byte
	return rc.Read(func(fd uintptr) bool {
		_, _, err := syscall.Recvfrom(int(fd), b[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
		return err != syscall.EAGAIN
	})
}
