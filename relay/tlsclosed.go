package relay

import (
	"crypto/tls"
	"net"
	"reflect"
)

// tlsReadClosed reports whether the read side of a TLS connection has
// ended for good: the peer sent close_notify (crypto/tls then answers
// every read with io.EOF) or the stream broke. A BDAT LAST chunk cut short
// by a clean TLS close looks complete to go-smtp, and crypto/tls consumes
// the close_notify without a read failing underneath, so the relay's
// connection wrapper does not see it; the FIN that follows may not have
// arrived yet either. crypto/tls has no public way to ask, so this reads
// its sticky read error (halfConn.err of Conn.in) by reflection, without
// writing or locking anything. The caller only asks once go-smtp's reader
// has returned (the pipe close orders that write before this read). If a
// Go release renames the fields, this answers false and
// TestBDATShortLastChunkOverTLS fails; the socket peek still covers most
// cases.
func tlsReadClosed(c net.Conn) bool {
	tc, ok := c.(*tls.Conn)
	if !ok {
		return false
	}
	in := reflect.ValueOf(tc).Elem().FieldByName("in")
	if !in.IsValid() || in.Kind() != reflect.Struct {
		return false
	}
	err := in.FieldByName("err")
	if !err.IsValid() || err.Kind() != reflect.Interface {
		return false
	}
	return !err.IsNil()
}
