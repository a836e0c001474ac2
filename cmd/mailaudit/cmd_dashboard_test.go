package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"mailaudit/internal/chtest"
	fixture "mailaudit/report/reporttest"
)

const dashboardKey = "tS9vQk3xW1zR7bN2mJ8cL5yH0pF4gD6a"

// dashboardConfig writes a complete daemon configuration whose dashboard:
// section is given; the relay parts point at upstream and ch.
func dashboardConfig(t *testing.T, chAddr, upstream, rosterPath, admin, dashboard string) (path, plain string) {
	t.Helper()
	plain = freeAddr(t)
	cfg := fmt.Sprintf(`instance: e2e
hostname: relay.e2e
listeners: {plain: %s}
trusted_networks: [127.0.0.0/8]
routes: [{name: city, domains: [tphcm.gov.vn], upstream: "%s", tls: none}]
default_route: city
log: {level: info}
classify: {rules: %s}
policy: {mode: monitor, roster: %s}
audit:
  clickhouse: {addr: %s, database: mailaudit}
  spool: {dir: %s}
%s
%s`, plain, upstream, repoFile(t, "configs/classify-rules.yaml"), rosterPath, chAddr, filepath.Join(t.TempDir(), "spool"), admin, dashboard)
	path = filepath.Join(t.TempDir(), "mailaudit.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return path, plain
}

func waitListening(t *testing.T, addr string, cmd *exec.Cmd, log *syncBuffer) {
	t.Helper()
	for i := 0; i < 500; i++ {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return
		}
		if cmd.ProcessState != nil || cmd.Process.Signal(syscall.Signal(0)) != nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("nothing listens on %s:\n%s", addr, log.String())
}

func getStatus(t *testing.T, c *http.Client, u string) (int, string) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestDashboardCommand runs `mailaudit dashboard` as its own process on
// the report fixture: login, a page with the fixture's figures, a roster
// reload on SIGHUP, a clean stop on SIGTERM; and checks that serve leaves
// the dashboard (and pprof) out unless asked.
func TestDashboardCommand(t *testing.T) {
	env := fixture.Start(t)
	hash, err := bcrypt.GenerateFromPassword([]byte("Kiem#Toan-2024"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	dashAddr := freeAddr(t)
	section := fmt.Sprintf("dashboard:\n  addr: %s\n  session_key: %q\n  users: [{name: kiemtoan, bcrypt: %q}]\nreports:\n  min_messages: 3\n  min_active_days: 2\n",
		dashAddr, dashboardKey, hash)
	cfgPath, _ := dashboardConfig(t, env.Server.Addr(), "127.0.0.1:9", env.RosterPath, "", section)

	log := &syncBuffer{}
	cmd := exec.Command(binPath, "dashboard", "--config", cfgPath)
	cmd.Stderr = log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	waitListening(t, dashAddr, cmd, log)
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	resp, err := c.PostForm("http://"+dashAddr+"/login", url.Values{"user": {"kiemtoan"}, "password": {"Kiem#Toan-2024"}, "back": {"/usage?quarter=2024Q2"}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), `id="total"`) || !strings.Contains(string(body), `data-col="messages">14<`) {
		t.Fatalf("usage page after login: %d\n%.300s", resp.StatusCode, body)
	}
	cmd.Process.Signal(syscall.SIGHUP)
	for i := 0; i < 250 && !strings.Contains(log.String(), "roster reloaded"); i++ {
		time.Sleep(20 * time.Millisecond)
	}
	if !strings.Contains(log.String(), "roster reloaded") {
		t.Errorf("no roster reload on SIGHUP:\n%s", log.String())
	}
	if code, _ := getStatus(t, c, "http://"+dashAddr+"/download/types.csv?from=0000-01-01&to=9999-12-31&by=day"); code != 400 {
		t.Errorf("the issue's memory probe: %d, want 400", code)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		t.Errorf("dashboard after SIGTERM: %v\n%s", err, log.String())
	}

	// serve with the same kind of config: no dashboard (in_serve is off),
	// no pprof (admin.pprof is off); then both on.
	sk := startSink(t, nil)
	for _, on := range []bool{false, true} {
		adminAddr, dashAddr := freeAddr(t), freeAddr(t)
		admin := fmt.Sprintf("admin: {addr: %s, pprof: %v}", adminAddr, on)
		section := fmt.Sprintf("dashboard:\n  addr: %s\n  in_serve: %v\n  users: [{name: kiemtoan, bcrypt: %q}]\n", dashAddr, on, hash)
		cfgPath, plain := dashboardConfig(t, env.Server.Addr(), sk.Addr(), env.RosterPath, admin, section)
		d := startDaemon(t, cfgPath, plain, plain)
		waitListening(t, adminAddr, d.cmd, d.stderr)
		want := map[bool]int{false: 404, true: 200}[on]
		if code, _ := getStatus(t, http.DefaultClient, "http://"+adminAddr+"/debug/pprof/"); code != want {
			t.Errorf("pprof %v: /debug/pprof/ answered %d, want %d", on, code, want)
		}
		if code, _ := getStatus(t, http.DefaultClient, "http://"+adminAddr+"/metrics"); code != 200 {
			t.Errorf("/metrics: %d", code)
		}
		conn, err := net.DialTimeout("tcp", dashAddr, time.Second)
		if conn != nil {
			conn.Close()
		}
		if (err == nil) != on {
			t.Errorf("in_serve %v: dashboard listener reachable = %v", on, err == nil)
		}
		d.stop(syscall.SIGTERM)
	}
}

// TestCheckConfigWarnings: a tls: none route to another host is valid but
// sends AUTH in clear, so check-config warns (and still says ok); the same
// route to loopback does not warn.
func TestCheckConfigWarnings(t *testing.T) {
	for upstream, warn := range map[string]bool{"192.0.2.10:587": true, "smtp.example:25": true, "127.0.0.1:2526": false, "[::1]:2526": false, "localhost:2526": false} {
		path, _ := dashboardConfig(t, "127.0.0.1:9000", upstream, repoFile(t, "configs/roster.example.csv"), "", "")
		var out, errb bytes.Buffer
		if code := cmdCheckConfig(context.Background(), []string{path}, &out, &errb); code != 0 {
			t.Fatalf("%s: check-config %d: %s", upstream, code, errb.String())
		}
		if got := strings.Contains(errb.String(), "warning: routes[0].tls: none sends the users' AUTH credentials"); got != warn {
			t.Errorf("%s: warning %v, want %v: %q", upstream, got, warn, errb.String())
		}
	}
}

// TestReportPasswordNotOnCommandLine: the flag is gone; the environment
// variable reaches ClickHouse (a wrong password is refused by it).
func TestReportPasswordNotOnCommandLine(t *testing.T) {
	var out, errb bytes.Buffer
	if code := cmdReport(context.Background(), []string{"usage", "--password", "x", "--quarter", "2024Q2"}, &out, &errb); code != 2 ||
		!strings.Contains(errb.String(), "flag provided but not defined: -password") {
		t.Errorf("report --password: %d %s", code, errb.String())
	}
	errb.Reset()
	if code := cmdMigrate(context.Background(), []string{"--password", "x"}, &out, &errb); code != 2 {
		t.Errorf("migrate --password: %d %s", code, errb.String())
	}
	ch := chtest.Start(t)
	t.Setenv(passwordEnv, "not-the-password")
	errb.Reset()
	code := cmdReport(context.Background(), []string{"types", "--addr", ch.Addr(), "--quarter", "2024Q2"}, &out, &errb)
	if code != 1 || !strings.Contains(strings.ToLower(errb.String()), "password") {
		t.Errorf("report with a wrong password from %s: %d %s", passwordEnv, code, errb.String())
	}
}
