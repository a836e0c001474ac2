package audit

import (
	"time"

	"github.com/google/uuid"
)

// Services of an AuthEvent and a MailboxSession.
const (
	ServiceSMTP = "smtp"
	ServiceIMAP = "imap"
	ServicePOP3 = "pop3"
)

// MailboxSession is one logged-in IMAP or POP3 session through the
// mailbox proxy, recorded when it closes. Nothing of what was read or
// written is kept: only how long and how many bytes.
type MailboxSession struct {
	EventID    uuid.UUID
	Time       time.Time // when the session closed (UTC)
	Instance   string
	Service    string // imap | pop3
	User       string // the login, lower-case
	ClientIP   string
	TLSVersion string // client side: "", "TLS 1.2", "TLS 1.3"
	Route      string
	Upstream   string // host:port
	Started    time.Time
	DurationMS int64
	BytesIn    int64  // client to server
	BytesOut   int64  // server to client
	Reason     string // client_closed | server_closed | idle | shutdown | error
}
