package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"mailaudit/internal/chtest"
)

// devScript returns the swaks command scripts/dev.sh prints and the sink
// users it starts, exactly as written there.
func devScript(t *testing.T) (swaks, users string) {
	t.Helper()
	b, err := os.ReadFile(repoFile(t, "scripts/dev.sh"))
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	m := regexp.MustCompile(`(?s)\n  (swaks .*?)\n\n`).FindStringSubmatch(s)
	if m == nil {
		t.Fatal("scripts/dev.sh prints no swaks command")
	}
	u := regexp.MustCompile(`--users '([^']*)'`).FindStringSubmatch(s)
	if u == nil {
		t.Fatal("scripts/dev.sh starts no sink with --users")
	}
	return m[1], u[1]
}

// devConfig is configs/dev.yaml with its fixed ports moved to free ones
// (the test must not collide with a running demo), its spool in a temp
// folder and its ClickHouse the test's; everything else as shipped.
func devConfig(t *testing.T, chAddr string) (path string, ports map[string]string) {
	t.Helper()
	b, err := os.ReadFile(repoFile(t, "configs/dev.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := string(b)
	ports = map[string]string{}
	for _, p := range []string{"2587", "2465", "2525", "2526", "9100", "8088"} {
		addr := freeAddr(t)
		ports[p] = addr
		if !strings.Contains(cfg, "127.0.0.1:"+p) {
			t.Fatalf("configs/dev.yaml no longer uses 127.0.0.1:%s; update this test", p)
		}
		cfg = strings.ReplaceAll(cfg, "127.0.0.1:"+p, addr)
	}
	for old, repl := range map[string]string{
		"addr: 127.0.0.1:9000":       "addr: " + chAddr,
		"dir: ../.run/spool":         "dir: " + t.TempDir(),
		"rules: classify-rules.yaml": "rules: " + repoFile(t, "configs/classify-rules.yaml"),
		"roster: roster.example.csv": "roster: " + repoFile(t, "configs/roster.example.csv"),
	} {
		if !strings.Contains(cfg, old) {
			t.Fatalf("configs/dev.yaml has no %q; update this test", old)
		}
		cfg = strings.ReplaceAll(cfg, old, repl)
	}
	path = filepath.Join(t.TempDir(), "dev.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return path, ports
}

// What a newcomer does on a fresh machine: scripts/dev.sh's setup, a
// report before the first message, then the swaks command dev.sh prints
// (needs swaks' TLS modules, which scripts/deps.sh installs).
func TestNewcomerDevScript(t *testing.T) {
	if _, err := exec.LookPath("swaks"); err != nil {
		t.Fatal("swaks is not installed: run scripts/deps.sh")
	}
	ch := chtest.Start(t)
	cfg, ports := devConfig(t, ch.Addr())
	swaks, users := devScript(t)

	// Before serve ever ran: the report says what to do, in one line.
	out, err := exec.Command(binPath, "report", "usage", "--config", cfg, "--quarter", "2024Q2").CombinedOutput()
	if err == nil || strings.Count(strings.TrimSpace(string(out)), "\n") != 0 || !strings.Contains(string(out), "does not exist yet") {
		t.Errorf("report before the first start: %v %q", err, out)
	}

	sinkCmd := exec.Command(binPath, "sink", "--addr", ports["2526"], "--dir", t.TempDir(), "--users", users)
	if err := sinkCmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sinkCmd.Process.Kill(); sinkCmd.Wait() })
	d := startDaemon(t, cfg, ports["2525"], ports["2587"])

	// serve creates the schema at start: the report works before any mail.
	var rep []byte
	for deadline := time.Now().Add(30 * time.Second); ; {
		rep, err = exec.Command(binPath, "report", "usage", "--config", cfg, "--quarter", "2024Q2").CombinedOutput()
		if err == nil || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("report after serve started, before any mail: %v\n%s\n%s", err, rep, d.stderr.String())
	}

	_, port, _ := strings.Cut(ports["2587"], ":")
	cmd := strings.ReplaceAll(swaks, "--port 2587", "--port "+port)
	if cmd == swaks {
		t.Fatal("the swaks command in scripts/dev.sh no longer says --port 2587; update this test")
	}
	run := exec.Command("bash", "-c", cmd)
	sout, err := run.CombinedOutput()
	if err != nil {
		t.Fatalf("the swaks command of scripts/dev.sh failed: %v\n%s\nrelay log:\n%s", err, sout, d.stderr.String())
	}
	if !strings.Contains(string(sout), "<~  250 ") || strings.Contains(string(sout), "TLS not available") {
		t.Errorf("swaks output:\n%s", sout)
	}
	got := waitCount(t, ch, "SELECT count() FROM mailaudit.messages WHERE auth_user = 'lhphuc.tttl@tphcm.gov.vn' AND action = 'relayed'", 1)
	if got != 1 {
		t.Fatalf("audit rows of the swaks message: %d, want 1", got)
	}
}

// report with ClickHouse unreachable: one line that says what to do.
func TestReportUnreachableOneLine(t *testing.T) {
	out, err := exec.Command(binPath, "report", "usage", "--addr", freeAddr(t), "--quarter", "2024Q2").CombinedOutput()
	msg := strings.TrimSpace(string(out))
	if err == nil || strings.Count(msg, "\n") != 0 || !strings.Contains(msg, "cannot reach ClickHouse") {
		t.Fatalf("report with nothing listening: %v %q", err, msg)
	}
}

// check-config warns (and passes) when trusted_networks cannot apply: they
// work on the plain listener only.
func TestCheckConfigWarnsTrustedWithoutPlain(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "c.yaml")
	os.WriteFile(cfg, []byte("listeners:\n  submission: 127.0.0.1:2587\ntls:\n  self_signed: true\ntrusted_networks: [10.0.0.0/8]\n"+
		"routes:\n  - name: city\n    domains: [tphcm.gov.vn]\n    upstream: 127.0.0.1:2526\n    tls: none\ndefault_route: city\n"), 0o600)
	cmd := exec.Command(binPath, "check-config", cfg)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("check-config: %v %s", err, stderr.String())
	}
	if !strings.Contains(stderr.String(), "warning: trusted_networks is set but listeners.plain is not") {
		t.Fatalf("stderr = %q", stderr.String())
	}
	// With a plain listener: no warning.
	os.WriteFile(cfg, []byte("listeners:\n  plain: 127.0.0.1:2525\ntrusted_networks: [10.0.0.0/8]\n"+
		"routes:\n  - name: city\n    domains: [tphcm.gov.vn]\n    upstream: 127.0.0.1:2526\n    tls: none\ndefault_route: city\n"), 0o600)
	out, err := exec.Command(binPath, "check-config", cfg).CombinedOutput()
	if err != nil || strings.Contains(string(out), "warning") {
		t.Fatalf("with a plain listener: %v %q", err, out)
	}
}
