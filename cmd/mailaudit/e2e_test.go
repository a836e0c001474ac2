package main

import (
	"bytes"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"mailaudit/audit"
	"mailaudit/internal/chtest"
	"mailaudit/sink"
)

// The end-to-end tests run the real binary against a real upstream (sink)
// and a real, private ClickHouse server.

var binPath string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "mailaudit-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binPath = filepath.Join(dir, "mailaudit")
	out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "build: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func repoFile(t *testing.T, rel string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join("..", "..", rel))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// daemon is one mailaudit process.
type daemon struct {
	t      *testing.T
	cfg    string
	plain  string
	sub    string
	cmd    *exec.Cmd
	stderr *syncBuffer
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

type daemonOpts struct {
	upstream string
	chAddr   string
	spool    string
	mode     string // policy mode
	roster   string // roster CSV; default the example roster
	admin    string // admin listener address
	spoolMax int64  // audit.spool.max_bytes; 0 = default
}

func writeConfig(t *testing.T, o daemonOpts) (path, plain, sub string) {
	t.Helper()
	plain, sub = freeAddr(t), freeAddr(t)
	if o.mode == "" {
		o.mode = "monitor"
	}
	if o.roster == "" {
		o.roster = repoFile(t, "configs/roster.example.csv")
	}
	spoolMax := ""
	if o.spoolMax != 0 {
		spoolMax = fmt.Sprintf("\n    max_bytes: %d", o.spoolMax)
	}
	admin := ""
	if o.admin != "" {
		admin = "admin:\n  addr: " + o.admin + "\n"
	}
	cfg := fmt.Sprintf(`
instance: e2e
hostname: relay.e2e
listeners:
  plain: %s
  submission: %s
tls:
  self_signed: true
trusted_networks: [127.0.0.0/8]
routes:
  - name: city
    domains: [tphcm.gov.vn]
    upstream: %s
    tls: none
    pool_size: 8
default_route: city
shutdown_grace: 20s
%slog:
  level: info
classify:
  rules: %s
policy:
  mode: %s
  roster: %s
audit:
  clickhouse:
    addr: %s
    database: mailaudit
  spool:
    dir: %s%s
  batch:
    interval: 200ms
  subject:
    privacy: plain
`, plain, sub, o.upstream, admin, repoFile(t, "configs/classify-rules.yaml"), o.mode, o.roster, o.chAddr, o.spool, spoolMax)
	path = filepath.Join(t.TempDir(), "mailaudit.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return path, plain, sub
}

func startDaemon(t *testing.T, cfgPath, plain, sub string) *daemon {
	t.Helper()
	d := &daemon{t: t, cfg: cfgPath, plain: plain, sub: sub, stderr: &syncBuffer{}}
	d.cmd = exec.Command(binPath, "serve", "--config", cfgPath)
	d.cmd.Stderr = d.stderr
	if err := d.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if d.cmd.ProcessState == nil {
			d.cmd.Process.Kill()
			d.cmd.Wait()
		}
	})
	for i := 0; i < 500; i++ {
		if c, err := net.Dial("tcp", plain); err == nil {
			c.Close()
			return d
		}
		if d.exited() {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("daemon did not start:\n%s", d.stderr.String())
	return nil
}

func (d *daemon) exited() bool {
	return d.cmd.ProcessState != nil || d.cmd.Process.Signal(syscall.Signal(0)) != nil
}

func (d *daemon) stop(sig os.Signal) error {
	d.cmd.Process.Signal(sig)
	return d.cmd.Wait()
}

// sendOne sends one message through the plain (trusted) listener.
func sendOne(addr, msgID string, body []byte) error {
	c, err := smtp.Dial(addr)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.Mail("nguyen.van.an@tphcm.gov.vn", nil); err != nil {
		return err
	}
	if err := c.Rcpt("phong.hcth@tphcm.gov.vn", nil); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "From: <nguyen.van.an@tphcm.gov.vn>\r\nTo: <phong.hcth@tphcm.gov.vn>\r\nSubject: Báo cáo tuần\r\nMessage-ID: <%s>\r\n\r\n", msgID)
	w.Write(body)
	_, err = w.CloseWithResponse()
	if err != nil {
		return err
	}
	return c.Quit()
}

// sendMany sends n messages over `sessions` goroutines and returns the
// Message-IDs whose final reply was 2xx.
func sendMany(addr, prefix string, n, sessions int, stopAfter func(i int) bool) []string {
	var mu sync.Mutex
	var ok []string
	var wg sync.WaitGroup
	next := make(chan int)
	go func() {
		for i := 0; i < n; i++ {
			if stopAfter != nil && stopAfter(i) {
				break
			}
			next <- i
		}
		close(next)
	}()
	body := bytes.Repeat([]byte("Kính gửi các phòng: báo cáo kết quả công tác tuần.\r\n"), 40)
	for s := 0; s < sessions; s++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				id := fmt.Sprintf("%s-%06d@e2e", prefix, i)
				if sendOne(addr, id, body) == nil {
					mu.Lock()
					ok = append(ok, id)
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	return ok
}

// waitCount polls until the query returns want or the bound is reached.
func waitCount(t *testing.T, ch *chtest.Server, query string, want uint64) uint64 {
	t.Helper()
	// The writer creates the schema when ClickHouse appears; until every
	// migration is in, the query itself may fail (a column of a later one).
	for i := 0; i < 600; i++ {
		if ch.QueryUint64(t, "SELECT count() FROM system.tables WHERE database = 'mailaudit' AND name = 'schema_migrations'") == 1 &&
			ch.QueryUint64(t, "SELECT toUInt64(max(version)) FROM mailaudit.schema_migrations") >= uint64(audit.LatestVersion()) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	var got uint64
	for i := 0; i < 600; i++ {
		got = ch.QueryUint64(t, query)
		if got == want {
			return got
		}
		time.Sleep(100 * time.Millisecond)
	}
	return got
}

func messagesN() int {
	if os.Getenv("MAILAUDIT_BIG") == "1" {
		return 10000
	}
	return 1000
}

func startSink(t *testing.T, users map[string]string) *sink.Sink {
	t.Helper()
	s, err := sink.Start(sink.Options{Addr: "127.0.0.1:0", Users: users})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestBadConfigExitsWithOneLine(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("listeners:\n  plain: 127.0.0.1:2525\ntrusted_networks: [127.0.0.0/8]\nroutes:\n  - name: a\n    upstream: 127.0.0.1:2526\n    tls: maybe\ndefault_route: a\n"), 0o600)
	for _, args := range [][]string{{"serve", "--config", bad}, {"check-config", bad}} {
		cmd := exec.Command(binPath, args...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		err := cmd.Run()
		if err == nil || cmd.ProcessState.ExitCode() == 0 {
			t.Fatalf("%v: exit 0 for a bad config", args)
		}
		out := strings.TrimSpace(stderr.String())
		if strings.Count(out, "\n") != 0 || !strings.Contains(out, "routes[0].tls") {
			t.Errorf("%v: stderr = %q, want one line naming routes[0].tls", args, out)
		}
	}
	unknown := filepath.Join(dir, "unknown.yaml")
	os.WriteFile(unknown, []byte("listeners:\n  plain: 127.0.0.1:2525\n  smtps: x\n"), 0o600)
	out, err := exec.Command(binPath, "check-config", unknown).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "listeners.smtps") || !strings.Contains(string(out), "unknown key") {
		t.Errorf("unknown key: %v %q", err, out)
	}
}

func TestAuditEveryMessageOnce(t *testing.T) {
	ch := chtest.Start(t)
	up := startSink(t, nil)
	cfg, plain, sub := writeConfig(t, daemonOpts{upstream: up.Addr(), chAddr: ch.Addr(), spool: t.TempDir()})
	d := startDaemon(t, cfg, plain, sub)
	n := messagesN()
	ok := sendMany(plain, "once", n, 20, nil)
	if len(ok) != n {
		t.Fatalf("%d of %d messages relayed\n%s", len(ok), n, d.stderr.String())
	}
	got := waitCount(t, ch, "SELECT count() FROM mailaudit.messages FINAL WHERE message_id LIKE 'once-%'", uint64(n))
	uniq := ch.QueryUint64(t, "SELECT uniqExact(event_id) FROM mailaudit.messages WHERE message_id LIKE 'once-%'")
	raw := ch.QueryUint64(t, "SELECT count() FROM mailaudit.messages WHERE message_id LIKE 'once-%'")
	if got != uint64(n) || uniq != uint64(n) || raw != uint64(n) {
		t.Fatalf("rows FINAL=%d raw=%d distinct event_id=%d, want %d each", got, raw, uniq, n)
	}
	if err := d.stop(syscall.SIGTERM); err != nil {
		t.Fatalf("SIGTERM exit: %v\n%s", err, d.stderr.String())
	}
}

func TestClickHouseKilledMidStream(t *testing.T) {
	ch := chtest.Start(t)
	up := startSink(t, nil)
	cfg, plain, sub := writeConfig(t, daemonOpts{upstream: up.Addr(), chAddr: ch.Addr(), spool: t.TempDir()})
	d := startDaemon(t, cfg, plain, sub)
	n := messagesN()
	first := sendMany(plain, "chkill", n/2, 20, nil)
	ch.Kill()
	second := sendMany(plain, "chkill2", n-n/2, 20, nil)
	ch.Start()
	if len(first)+len(second) != n {
		t.Fatalf("%d of %d messages relayed while ClickHouse was down\n%s", len(first)+len(second), n, d.stderr.String())
	}
	got := waitCount(t, ch, "SELECT count() FROM mailaudit.messages WHERE message_id LIKE 'chkill%'", uint64(n))
	uniq := ch.QueryUint64(t, "SELECT uniqExact(event_id) FROM mailaudit.messages WHERE message_id LIKE 'chkill%'")
	if got != uint64(n) || uniq != uint64(n) {
		t.Fatalf("after ClickHouse SIGKILL: %d rows, %d distinct, want %d each (no loss, no duplicate)", got, uniq, n)
	}
	d.stop(syscall.SIGTERM)
}

func TestRelayKilledMidStream(t *testing.T) {
	ch := chtest.Start(t)
	up := startSink(t, nil)
	spool := t.TempDir()
	cfg, plain, sub := writeConfig(t, daemonOpts{upstream: up.Addr(), chAddr: ch.Addr(), spool: spool})
	d := startDaemon(t, cfg, plain, sub)
	n := messagesN()
	var once sync.Once
	ok := sendMany(plain, "rkill", n, 20, func(i int) bool {
		if i == n/2 {
			// SIGKILL while 20 sessions are mid-transaction.
			once.Do(func() { d.cmd.Process.Kill() })
		}
		return false
	})
	d.cmd.Wait()
	if len(ok) == 0 || len(ok) >= n {
		t.Fatalf("%d messages acknowledged; the kill should have cut the stream", len(ok))
	}
	startDaemon(t, cfg, plain, sub)
	// Every message whose 2xx reached the client has its row, once.
	got := waitCount(t, ch, "SELECT count() FROM mailaudit.messages WHERE message_id LIKE 'rkill-%' AND action = 'relayed'", uint64(len(ok)))
	for _, batch := range chunk(ok, 500) {
		q := fmt.Sprintf("SELECT count() FROM mailaudit.messages WHERE message_id IN ('%s')", strings.Join(batch, "','"))
		if c := ch.QueryUint64(t, q); c != uint64(len(batch)) {
			t.Fatalf("of %d acknowledged messages, %d rows", len(batch), c)
		}
	}
	uniq := ch.QueryUint64(t, "SELECT uniqExact(event_id) FROM mailaudit.messages WHERE message_id LIKE 'rkill-%'")
	raw := ch.QueryUint64(t, "SELECT count() FROM mailaudit.messages WHERE message_id LIKE 'rkill-%'")
	if uniq != raw {
		t.Fatalf("%d rows but %d distinct event ids: a replay duplicated rows", raw, uniq)
	}
	t.Logf("acknowledged %d of %d before SIGKILL; rows for acknowledged: %d; rows in all: %d", len(ok), n, got, raw)
}

func chunk(s []string, n int) [][]string {
	var out [][]string
	for len(s) > n {
		out = append(out, s[:n])
		s = s[n:]
	}
	return append(out, s)
}

func TestClickHouseDownWholeRun(t *testing.T) {
	ch := chtest.New(t) // configured, not started
	up := startSink(t, nil)
	cfg, plain, sub := writeConfig(t, daemonOpts{upstream: up.Addr(), chAddr: ch.Addr(), spool: t.TempDir()})
	d := startDaemon(t, cfg, plain, sub)
	n := 300
	ok := sendMany(plain, "down", n, 10, nil)
	if len(ok) != n {
		t.Fatalf("relay did not keep relaying with ClickHouse down: %d of %d\n%s", len(ok), n, d.stderr.String())
	}
	ch.Start()
	got := waitCount(t, ch, "SELECT count() FROM mailaudit.messages WHERE message_id LIKE 'down-%'", uint64(n))
	if got != uint64(n) {
		t.Fatalf("after ClickHouse came up: %d rows, want %d", got, n)
	}
	d.stop(syscall.SIGTERM)
}

func TestSIGTERMDrainsInFlight(t *testing.T) {
	up := startSink(t, nil)
	release := up.Hold()
	defer release()
	cfg, plain, sub := writeConfig(t, daemonOpts{upstream: up.Addr(), chAddr: freeAddr(t), spool: t.TempDir()})
	d := startDaemon(t, cfg, plain, sub)
	done := make(chan error, 1)
	go func() { done <- sendOne(plain, "drain@e2e", []byte("hello\r\n")) }()
	for up.Dots() == 0 {
		time.Sleep(5 * time.Millisecond)
	}
	exited := make(chan error, 1)
	go func() { exited <- d.stop(syscall.SIGTERM) }()
	time.Sleep(200 * time.Millisecond)
	release()
	if err := <-done; err != nil {
		t.Fatalf("in-flight message during SIGTERM: %v", err)
	}
	if err := <-exited; err != nil {
		t.Fatalf("exit after SIGTERM: %v\n%s", err, d.stderr.String())
	}
	if up.Accepted() != 1 {
		t.Fatal("message lost")
	}
}

func TestWeakPasswordRecordedNotLeaked(t *testing.T) {
	ch := chtest.Start(t)
	const user, weak = "le.thi.binh@tphcm.gov.vn", "abc12345"
	up := startSink(t, map[string]string{user: weak})
	cfg, plain, sub := writeConfig(t, daemonOpts{upstream: up.Addr(), chAddr: ch.Addr(), spool: t.TempDir()})
	d := startDaemon(t, cfg, plain, sub)
	c, err := smtp.DialStartTLS(sub, &tls.Config{InsecureSkipVerify: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Auth(sasl.NewPlainClient("", user, weak)); err != nil {
		t.Fatalf("auth: %v", err)
	}
	c.Quit()
	got := waitCount(t, ch, fmt.Sprintf("SELECT count() FROM mailaudit.auth_events WHERE user = '%s' AND weak_password = 1 AND result = 'ok'", user), 1)
	if got != 1 {
		t.Fatalf("auth_events rows with weak_password: %d", got)
	}
	leak := ch.QueryUint64(t, fmt.Sprintf("SELECT count() FROM mailaudit.auth_events WHERE positionCaseInsensitive(concat(user, client_ip, result), '%s') > 0", weak))
	d.stop(syscall.SIGTERM)
	if leak != 0 || strings.Contains(d.stderr.String(), weak) {
		t.Fatal("the password appears in a row or a log line")
	}
}

func TestReloadKeepsOldRosterOnBrokenCSV(t *testing.T) {
	up := startSink(t, nil)
	dir := t.TempDir()
	roster := filepath.Join(dir, "roster.csv")
	good, err := os.ReadFile(repoFile(t, "configs/roster.example.csv"))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(roster, good, 0o600)
	admin := freeAddr(t)
	cfg, plain, sub := writeConfig(t, daemonOpts{upstream: up.Addr(), chAddr: freeAddr(t), spool: t.TempDir(), roster: roster, admin: admin})
	d := startDaemon(t, cfg, plain, sub)

	// Break line 7 of the roster (a bad personal address) and reload.
	lines := strings.Split(string(good), "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "TTTL003,") {
			lines[i] = strings.Replace(l, "hoangphuc.le.vn@gmail.com", "not-an-address", 1)
			t.Logf("broken roster line %d", i+1)
		}
	}
	os.WriteFile(roster, []byte(strings.Join(lines, "\n")), 0o600)
	d.cmd.Process.Signal(syscall.SIGHUP)
	var logged bool
	for i := 0; i < 200 && !logged; i++ {
		logged = strings.Contains(d.stderr.String(), "reload refused")
		time.Sleep(20 * time.Millisecond)
	}
	if !logged || !strings.Contains(d.stderr.String(), "roster.csv:") {
		t.Fatalf("no refused reload with a line number in the log:\n%s", d.stderr.String())
	}
	// The daemon still relays, with the old roster: a known sender gets no
	// unknown_sender flag (visible in the per-message log line).
	if err := sendOne(plain, "after-reload@e2e", []byte("Kinh gui cac phong.\r\n")); err != nil {
		t.Fatalf("relay after a refused reload: %v", err)
	}
	resp, err := http.Get("http://" + admin + "/healthz")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("healthz: %v", err)
	}
	resp, err = http.Get("http://" + admin + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !bytes.Contains(body, []byte(`mailaudit_relay_messages_total{action="relayed"} 1`)) {
		t.Errorf("metrics do not count the relayed message:\n%s", body)
	}
	// A good roster is taken.
	os.WriteFile(roster, good, 0o600)
	d.cmd.Process.Signal(syscall.SIGHUP)
	var reloaded bool
	for i := 0; i < 200 && !reloaded; i++ {
		reloaded = strings.Contains(d.stderr.String(), "configuration reloaded")
		time.Sleep(20 * time.Millisecond)
	}
	if !reloaded {
		t.Fatalf("good config not reloaded:\n%s", d.stderr.String())
	}
	d.stop(syscall.SIGTERM)
}
