package dovetest

import (
	"bufio"
	"net"
	"strings"
	"testing"
	"time"
)

func TestStartAndLogin(t *testing.T) {
	s := Start(t, Options{Users: map[string]string{"a@x.vn": "Secret#1"}})
	s.Deliver(t, "a@x.vn", []byte("Subject: hi\r\n\r\nbody\r\n"))
	c, err := net.DialTimeout("tcp", s.IMAPAddr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	br := bufio.NewReader(c)
	greet, _ := br.ReadString('\n')
	if !strings.HasPrefix(greet, "* OK") {
		t.Fatalf("greeting %q", greet)
	}
	c.Write([]byte("a LOGIN a@x.vn Secret#1\r\nb SELECT INBOX\r\n"))
	var got []string
	for {
		l, err := br.ReadString('\n')
		if err != nil {
			t.Fatalf("after %q: %v", got, err)
		}
		got = append(got, l)
		if strings.HasPrefix(l, "b ") {
			break
		}
	}
	if !strings.Contains(strings.Join(got, ""), "* 1 EXISTS") {
		t.Fatalf("delivered message not seen: %q", got)
	}
}
