package mailbox

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"mailaudit/internal/dovetest"
)

// The mailbox benchmarks run the real daemon (mailaudit serve, as a child
// process, so its RSS is its own) in front of a private Dovecot, with
// MAILAUDIT_BIG=1 only: they hold 10,000 sessions and move 20 MB
// messages, minutes of a 2-core machine.
//
//	MAILAUDIT_BIG=1 go test -run 'TestBigMailbox' -v ./mailbox/

func bigRun(t *testing.T) {
	if os.Getenv("MAILAUDIT_BIG") != "1" {
		t.Skip("benchmark: set MAILAUDIT_BIG=1 (it holds 10,000 sessions / moves 20 MB messages)")
	}
}

const benchPass = "Bench#Pass2024"

func benchUser(i int) string { return fmt.Sprintf("u%03d@tphcm.gov.vn", i) }

// raiseFiles lifts the descriptor limit of this process and the children
// it starts (the daemon holds two sockets per session, the client one) as
// far as the hard limit allows, and returns the limit.
func raiseFiles(t *testing.T, n uint64) uint64 {
	var l syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &l); err != nil {
		t.Fatal(err)
	}
	want := n
	if l.Max < want {
		// Raising the hard limit needs CAP_SYS_RESOURCE; try, else stay.
		l2 := syscall.Rlimit{Cur: want, Max: want}
		if syscall.Setrlimit(syscall.RLIMIT_NOFILE, &l2) == nil {
			return want
		}
		want = l.Max
	}
	l.Cur = want
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &l); err != nil {
		t.Fatalf("raise the open-files limit to %d (ulimit -n): %v", want, err)
	}
	return want
}

// startDaemon builds mailaudit and serves a mailbox-only config in front
// of dove; it returns the IMAP proxy address and the daemon's pid.
func startDaemon(t *testing.T, dove *dovetest.Server) (string, int) {
	t.Helper()
	dir := t.TempDir()
	bin := filepath.Join(dir, "mailaudit")
	build := exec.Command("go", "build", "-o", bin, "mailaudit/cmd/mailaudit")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cfg := fmt.Sprintf(`instance: bench
hostname: mailaudit.bench
allow_insecure_auth: true
routes:
  - name: city
    domains: [tphcm.gov.vn]
    upstream: 127.0.0.1:1
    tls: none
    imap: {upstream: %q, tls: none}
mailbox:
  imap: %q
  max_connections: 20000
  max_connections_per_ip: 20000
log: {level: warn, format: text}
audit:
  clickhouse: {addr: "127.0.0.1:1"}   # none: records wait in the spool
  spool: {dir: %q}
`, dove.IMAPAddr, addr, filepath.Join(dir, "spool"))
	path := filepath.Join(dir, "bench.yaml")
	writeFile(t, path, []byte(cfg))
	cmd := exec.Command(bin, "serve", "--config", path)
	logf, err := os.Create(filepath.Join(dir, "daemon.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(40 * time.Second):
			cmd.Process.Kill()
		}
		if t.Failed() {
			b, _ := os.ReadFile(logf.Name())
			t.Logf("daemon log:\n%s", b)
		}
	})
	for i := 0; ; i++ {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
			break
		}
		if i > 300 {
			t.Fatalf("daemon did not listen on %s", addr)
		}
		time.Sleep(100 * time.Millisecond)
	}
	return addr, cmd.Process.Pid
}

func rssKB(t *testing.T, pid int) int {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmRSS:" {
			n, _ := strconv.Atoi(f[1])
			return n
		}
	}
	t.Fatal("no VmRSS")
	return 0
}

// idleSession logs in, selects INBOX and enters IDLE.
func idleSession(addr, user string) (net.Conn, *bufio.Reader, error) {
	c, err := net.DialTimeout("tcp", addr, 30*time.Second)
	if err != nil {
		return nil, nil, err
	}
	c.SetDeadline(time.Now().Add(120 * time.Second))
	br := bufio.NewReaderSize(c, 512)
	fail := func(err error) (net.Conn, *bufio.Reader, error) { c.Close(); return nil, nil, err }
	if _, err := br.ReadString('\n'); err != nil {
		return fail(err)
	}
	if _, err := io.WriteString(c, "a LOGIN "+user+" "+benchPass+"\r\nb SELECT INBOX\r\nc IDLE\r\n"); err != nil {
		return fail(err)
	}
	for {
		l, err := br.ReadString('\n')
		if err != nil {
			return fail(err)
		}
		if strings.HasPrefix(l, "a NO") || strings.HasPrefix(l, "b NO") || strings.HasPrefix(l, "a BAD") {
			return fail(fmt.Errorf("%s", strings.TrimSpace(l)))
		}
		if strings.HasPrefix(l, "+ ") {
			break
		}
	}
	c.SetDeadline(time.Time{})
	return c, br, nil
}

// 10,000 logged-in IDLE sessions through the daemon's proxy: its RSS must
// stay at or under 250 MB; a message delivered afterwards still reaches
// idling clients.
//
// Each spliced session holds two descriptors in the daemon. Where the hard
// limit on open files is too low for 10,000 (20,000 in some sandboxes,
// which even root cannot raise), the test runs as many sessions as fit and
// holds the RSS projected to 10,000 from the measured cost per session to
// the same bound, saying so in its log.
func TestBigMailboxIdle10k(t *testing.T) {
	bigRun(t)
	const goal = 10000
	n := goal
	if v := os.Getenv("MAILAUDIT_IDLE_SESSIONS"); v != "" {
		n, _ = strconv.Atoi(v)
	}
	const users = 100
	if lim := raiseFiles(t, 65536); uint64(2*n+100) > lim {
		fit := int(lim-100) / 2 / 100 * 100
		t.Logf("%d sessions need %d descriptors in the daemon and the hard limit here is %d (ulimit -Hn): "+
			"measuring %d sessions and projecting to %d", n, 2*n+100, lim, fit, n)
		n = fit
	}
	accounts := map[string]string{}
	for i := 0; i < users; i++ {
		accounts[benchUser(i)] = benchPass
	}
	dove := dovetest.Start(t, dovetest.Options{Users: accounts, MaxSessions: n})
	addr, pid := startDaemon(t, dove)
	base := rssKB(t, pid)
	conns := make([]net.Conn, n)
	readers := make([]*bufio.Reader, n)
	var failed atomic.Int64
	var firstErr atomic.Value
	start := time.Now()
	var wg sync.WaitGroup
	sem := make(chan struct{}, 64)
	for i := 0; i < n; i++ {
		wg.Add(1)
		sem <- struct{}{}
		go func(i int) {
			defer wg.Done()
			defer func() { <-sem }()
			c, br, err := idleSession(addr, benchUser(i%users))
			if err != nil {
				failed.Add(1)
				firstErr.CompareAndSwap(nil, err.Error())
				return
			}
			conns[i], readers[i] = c, br
		}(i)
	}
	wg.Wait()
	t.Cleanup(func() {
		for _, c := range conns {
			if c != nil {
				c.Close()
			}
		}
	})
	if f := failed.Load(); f > 0 {
		t.Fatalf("%d of %d sessions failed to reach IDLE; first: %v", f, n, firstErr.Load())
	}
	setup := time.Since(start)
	time.Sleep(3 * time.Second)
	rss := rssKB(t, pid)
	t.Logf("%d IDLE sessions through the proxy in %s; daemon RSS %.1f MB (%.1f MB before), %.1f KB per session",
		n, setup.Round(time.Millisecond), float64(rss)/1024, float64(base)/1024, float64(rss-base)/float64(n))
	if rss > 250*1024 {
		t.Errorf("daemon RSS %.1f MB > 250 MB", float64(rss)/1024)
	}
	if n < goal {
		projected := float64(base) + float64(rss-base)/float64(n)*goal
		t.Logf("projected to %d sessions: %.1f MB", goal, projected/1024)
		if projected > 250*1024 {
			t.Errorf("daemon RSS projected to %d sessions %.1f MB > 250 MB", goal, projected/1024)
		}
	}
	// The sessions still work: a new message for u000 reaches its idlers.
	dove.Deliver(t, benchUser(0), testMessage("during the benchmark", 2048))
	for i := 0; i < n; i += users * 10 {
		conns[i].SetReadDeadline(time.Now().Add(30 * time.Second))
		l, err := readers[i].ReadString('\n')
		for err == nil && !strings.Contains(l, "EXISTS") {
			l, err = readers[i].ReadString('\n')
		}
		if err != nil {
			t.Fatalf("session %d saw no EXISTS: %v", i, err)
		}
	}
	runtime.KeepAlive(conns)
}

// fetchRate logs in at addr, fetches UID 1 (BODY.PEEK[]) and returns the
// bytes read and the time the FETCH took.
func fetchOnce(t *testing.T, addr, user string) (int64, time.Duration) {
	c, err := net.DialTimeout("tcp", addr, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(2 * time.Minute))
	br := bufio.NewReaderSize(c, 64<<10)
	br.ReadString('\n')
	io.WriteString(c, "a LOGIN "+user+" "+benchPass+"\r\nb SELECT INBOX\r\n")
	for {
		l, err := br.ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(l, "b ") {
			break
		}
	}
	start := time.Now()
	io.WriteString(c, "c UID FETCH 1 (BODY.PEEK[])\r\n")
	var total int64
	buf := make([]byte, 64<<10)
	var tail []byte
	for {
		k, err := br.Read(buf)
		total += int64(k)
		tail = append(tail, buf[:k]...)
		if len(tail) > 64 {
			tail = tail[len(tail)-64:]
		}
		if bytes.Contains(tail, []byte("\r\nc OK")) && bytes.HasSuffix(tail, []byte("\r\n")) {
			break
		}
		if err != nil {
			t.Fatalf("fetch: %v after %d bytes", err, total)
		}
	}
	d := time.Since(start)
	io.WriteString(c, "d LOGOUT\r\n")
	return total, d
}

// A 20 MB FETCH through the proxy runs at >= 0.8x the rate of the same
// FETCH straight from Dovecot, measured alternately in the same run.
func TestBigMailboxFetch20MB(t *testing.T) {
	bigRun(t)
	dove := dovetest.Start(t, dovetest.Options{Users: map[string]string{benchUser(0): benchPass}})
	addr, _ := startDaemon(t, dove)
	msg := testMessage("20 MB", 20<<20)
	dove.Deliver(t, benchUser(0), msg)
	fetchOnce(t, dove.IMAPAddr, benchUser(0)) // warm the page cache and Dovecot's index
	var direct, proxied []float64
	for i := 0; i < 7; i++ {
		n, d := fetchOnce(t, dove.IMAPAddr, benchUser(0))
		direct = append(direct, float64(n)/d.Seconds()/(1<<20))
		n, d = fetchOnce(t, addr, benchUser(0))
		if n < int64(len(msg)) {
			t.Fatalf("proxy fetch moved %d bytes, message is %d", n, len(msg))
		}
		proxied = append(proxied, float64(n)/d.Seconds()/(1<<20))
	}
	sort.Float64s(direct)
	sort.Float64s(proxied)
	md, mp := direct[len(direct)/2], proxied[len(proxied)/2]
	t.Logf("20 MB FETCH, median of 7: direct %.0f MB/s, through the proxy %.0f MB/s: %.2fx (direct %v, proxy %v)",
		md, mp, mp/md, round(direct), round(proxied))
	if mp < 0.8*md {
		t.Errorf("proxy rate %.2fx of direct, want >= 0.8x", mp/md)
	}
}

func round(l []float64) []int {
	out := make([]int, len(l))
	for i, v := range l {
		out[i] = int(v)
	}
	return out
}
