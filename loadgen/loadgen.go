// Package loadgen is mailaudit's SMTP load generator: a lean client in the
// manner of Postfix's smtp-source (one message per connection by default,
// N concurrent sessions), measuring throughput and latency percentiles.
// The bench command uses it to compare direct-to-sink with via-relay in one
// run, so the figures are ratios against a baseline measured alongside.
package loadgen

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Options describe one load run.
type Options struct {
	Addr        string
	Sessions    int           // concurrent sessions
	Messages    int           // total messages
	Size        int           // approximate message size in bytes
	PerConn     int           // messages per connection (smtp-source's default is 1)
	From        string        // envelope sender
	To          string        // envelope recipient
	Timeout     time.Duration // per message
	MaxDuration time.Duration // the run stops by itself after this
}

// Result is what a run measured.
type Result struct {
	Sent     int
	Failed   int
	FirstErr string
	Elapsed  time.Duration
	P50, P99 time.Duration
}

// Rate is messages per second.
func (r Result) Rate() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Sent) / r.Elapsed.Seconds()
}

// Body builds a message of about size bytes: plain Vietnamese text, the
// kind the classifier reads in full.
func Body(size int, from, to string) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "From: <%s>\r\nTo: <%s>\r\nSubject: Thông báo lịch họp giao ban tuần\r\nMessage-ID: <load@mailaudit.test>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n", from, to)
	lines := []string{
		"Kính gửi: Các phòng, bộ phận thuộc Trung tâm.\r\n",
		"Trung tâm thông báo lịch họp giao ban tuần như sau: thời gian 8 giờ 00, thứ Hai.\r\n",
		"Địa điểm: Phòng họp số 2, đề nghị các phòng chuẩn bị báo cáo kết quả công tác.\r\n",
		"Đề nghị các phòng, bộ phận tham dự đầy đủ và đúng giờ./.\r\n",
	}
	for i := 0; b.Len() < size; i++ {
		b.WriteString(lines[i%len(lines)])
	}
	return []byte(b.String())
}

// Run sends the messages and measures.
func Run(ctx context.Context, o Options) (Result, error) {
	if o.Sessions <= 0 || o.Messages <= 0 {
		return Result{}, errors.New("loadgen: sessions and messages must be > 0")
	}
	if o.PerConn <= 0 {
		o.PerConn = 1
	}
	if o.Timeout == 0 {
		o.Timeout = 30 * time.Second
	}
	if o.MaxDuration == 0 {
		o.MaxDuration = 10 * time.Minute
	}
	ctx, cancel := context.WithTimeout(ctx, o.MaxDuration)
	defer cancel()
	body := Body(o.Size, o.From, o.To)
	// The data as sent on the wire, dot-stuffed once for all messages.
	wire := dotStuff(body)

	var next atomic.Int64
	var failed atomic.Int64
	var firstErr atomic.Value
	lat := make([][]time.Duration, o.Sessions)
	var wg sync.WaitGroup
	start := time.Now()
	for s := 0; s < o.Sessions; s++ {
		wg.Add(1)
		go func(s int) {
			defer wg.Done()
			for ctx.Err() == nil {
				first := int(next.Add(int64(o.PerConn))) - o.PerConn
				if first >= o.Messages {
					return
				}
				n := min(o.PerConn, o.Messages-first)
				ds, err := session(ctx, o, wire, n)
				lat[s] = append(lat[s], ds...)
				if err != nil {
					failed.Add(int64(n - len(ds)))
					firstErr.CompareAndSwap(nil, err.Error())
				}
			}
		}(s)
	}
	wg.Wait()
	res := Result{Elapsed: time.Since(start), Failed: int(failed.Load())}
	if v := firstErr.Load(); v != nil {
		res.FirstErr = v.(string)
	}
	var all []time.Duration
	for _, l := range lat {
		all = append(all, l...)
	}
	res.Sent = len(all)
	if len(all) > 0 {
		slices.Sort(all)
		res.P50 = all[len(all)/2]
		res.P99 = all[min(len(all)-1, len(all)*99/100)]
	}
	return res, nil
}

// session opens one connection and sends n messages over it. It returns
// the latency of each message that got a 2xx, measured from connect (for
// the first) or MAIL to the final reply, as a client sees it.
func session(ctx context.Context, o Options, wire []byte, n int) ([]time.Duration, error) {
	t0 := time.Now()
	d := net.Dialer{Timeout: o.Timeout}
	conn, err := d.DialContext(ctx, "tcp", o.Addr)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(o.Timeout * time.Duration(n+1)))
	br := bufio.NewReaderSize(conn, 4096)
	bw := bufio.NewWriterSize(conn, 64<<10)
	cmd := func(line string, want byte) error {
		if line != "" {
			bw.WriteString(line)
			bw.WriteString("\r\n")
			if err := bw.Flush(); err != nil {
				return err
			}
		}
		return expect(br, want, line)
	}
	if err := cmd("", '2'); err != nil {
		return nil, err
	}
	if err := cmd("EHLO loadgen.test", '2'); err != nil {
		return nil, err
	}
	var out []time.Duration
	for i := 0; i < n; i++ {
		if i > 0 {
			t0 = time.Now()
		}
		if err := cmd("MAIL FROM:<"+o.From+">", '2'); err != nil {
			return out, err
		}
		if err := cmd("RCPT TO:<"+o.To+">", '2'); err != nil {
			return out, err
		}
		if err := cmd("DATA", '3'); err != nil {
			return out, err
		}
		bw.Write(wire)
		if err := cmd(".", '2'); err != nil {
			return out, err
		}
		out = append(out, time.Since(t0))
	}
	cmd("QUIT", '2')
	return out, nil
}

func expect(br *bufio.Reader, want byte, sent string) error {
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return fmt.Errorf("after %q: %w", sent, err)
		}
		if len(line) < 4 {
			return fmt.Errorf("after %q: short reply %q", sent, line)
		}
		if line[3] == '-' {
			continue
		}
		if line[0] != want {
			return fmt.Errorf("after %q: %s", sent, strings.TrimSpace(line))
		}
		return nil
	}
}

// dotStuff doubles leading dots, as the DATA transparency rule wants.
func dotStuff(b []byte) []byte {
	out := make([]byte, 0, len(b)+64)
	bol := true
	for _, c := range b {
		if bol && c == '.' {
			out = append(out, '.')
		}
		out = append(out, c)
		bol = c == '\n'
	}
	if !bol {
		out = append(out, '\r', '\n')
	}
	return out
}
