package main

import (
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"mailaudit/internal/chtest"
)

// The load tool end to end: the real binary starts the sink and the relay
// (with classify and audit into a private ClickHouse), sends through both
// paths and prints a ratio per size; then the same with smtp-source as the
// client. No speed is asserted, only that the tool measures.
func TestBenchMeasuresBothPaths(t *testing.T) {
	ch := chtest.Start(t)
	cfg, _, _ := writeConfig(t, daemonOpts{upstream: freeAddr(t), chAddr: ch.Addr(), spool: t.TempDir(), admin: freeAddr(t)})
	clients := []string{"loadgen"}
	if _, err := exec.LookPath("smtp-source"); err == nil {
		clients = append(clients, "smtp-source")
	} else if _, err := exec.LookPath("/usr/sbin/smtp-source"); err == nil {
		clients = append(clients, "smtp-source")
	} else {
		t.Log("smtp-source not installed (scripts/deps.sh installs postfix): only the built-in client is tried")
	}
	ratio := regexp.MustCompile(`(?m)^(\d+)\s+ratio relay/direct = (\d+\.\d+)`)
	cpu := regexp.MustCompile(`(?m)^\d+\s+relay\s+\d+\s+\S+\s+\S+\s+(\d+\.\d+)$`)
	for _, client := range clients {
		out, err := exec.Command(binPath, "bench", "--config", cfg, "--client", client,
			"--messages", "200", "--sizes", "2000,20000", "--idle", "50").CombinedOutput()
		if err != nil {
			t.Fatalf("bench --client %s: %v\n%s", client, err, out)
		}
		text := string(out)
		rs := ratio.FindAllStringSubmatch(text, -1)
		if len(rs) != 2 || rs[0][1] != "2000" || rs[1][1] != "20000" {
			t.Fatalf("bench --client %s: want a ratio line per size\n%s", client, text)
		}
		for _, r := range rs {
			if v, _ := strconv.ParseFloat(r[2], 64); v <= 0 {
				t.Fatalf("bench --client %s: ratio %s at %s bytes\n%s", client, r[2], r[1], text)
			}
		}
		cs := cpu.FindAllStringSubmatch(text, -1)
		if len(cs) != 2 {
			t.Fatalf("bench --client %s: want the relay's CPU per message for each size\n%s", client, text)
		}
		for _, c := range cs {
			if v, _ := strconv.ParseFloat(c[1], 64); v <= 0 {
				t.Fatalf("bench --client %s: relay CPU per message %s\n%s", client, c[1], text)
			}
		}
		if !strings.Contains(text, "idle sessions: 50 open") {
			t.Fatalf("bench --client %s: no idle-session figure\n%s", client, text)
		}
	}
	// Every relayed message of both runs has its audit row.
	if n := ch.QueryUint64(t, "SELECT count() FROM mailaudit.messages WHERE action = 'relayed'"); n == 0 {
		t.Fatal("the relay's audit rows never reached ClickHouse")
	}
}

func TestBenchRefusesUnknownClient(t *testing.T) {
	out, err := exec.Command(binPath, "bench", "--client", "nope").CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 2 || !strings.Contains(string(out), "--client must be") {
		t.Fatalf("bench --client nope: %v\n%s", err, out)
	}
}
