// Package saslogin is the server side of the SASL LOGIN mechanism, which
// go-sasl does not provide: Outlook and many phones still use it.
package saslogin

import (
	"errors"

	"github.com/emersion/go-sasl"
)

// Authenticator checks one login.
type Authenticator func(username, password string) error

// NewServer returns a LOGIN server that calls auth once both answers are in.
func NewServer(auth Authenticator) sasl.Server { return &server{auth: auth} }

type server struct {
	step     int
	username string
	auth     Authenticator
}

func (s *server) Next(response []byte) (challenge []byte, done bool, err error) {
	switch s.step {
	case 0:
		if len(response) == 0 {
			s.step = 1
			return []byte("Username:"), false, nil
		}
		// Initial response: the user name came with the AUTH command.
		s.username, s.step = string(response), 2
		return []byte("Password:"), false, nil
	case 1:
		s.username, s.step = string(response), 2
		return []byte("Password:"), false, nil
	case 2:
		s.step = 3
		return nil, true, s.auth(s.username, string(response))
	}
	return nil, true, errors.New("unexpected client response")
}
