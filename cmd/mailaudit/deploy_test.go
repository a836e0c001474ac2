package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
	"gopkg.in/yaml.v3"
)

// unitDirectives reads the [Service] directives of a systemd unit;
// repeated keys accumulate.
func unitDirectives(t *testing.T, path string) map[string][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string][]string{}
	section := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || line[0] == '#' || line[0] == ';':
		case line[0] == '[':
			section = line
		case section == "[Service]":
			k, v, _ := strings.Cut(line, "=")
			out[k] = append(out[k], v)
		}
	}
	return out
}

// TestDeployUnitsAgreeWithExample: under ProtectSystem=strict a service
// may write only to its State/ReadWrite paths, so every folder the
// example configuration writes to must be one of them (the shipped pair
// once put the spool in /var/spool/mailaudit, read-only to the unit:
// every message would have been deferred). The dashboard unit runs the
// dashboard command on the same file, which must not also run it inside
// serve.
func TestDeployUnitsAgreeWithExample(t *testing.T) {
	relay := unitDirectives(t, repoFile(t, "deploy/mailaudit.service"))
	dash := unitDirectives(t, repoFile(t, "deploy/mailaudit-dashboard.service"))
	var writable []string
	for _, v := range relay["StateDirectory"] {
		for _, d := range strings.Fields(v) {
			writable = append(writable, "/var/lib/"+d)
		}
	}
	for _, v := range relay["ReadWritePaths"] {
		writable = append(writable, strings.Fields(v)...)
	}
	if len(relay["ProtectSystem"]) != 1 || relay["ProtectSystem"][0] != "strict" {
		t.Fatalf("relay unit ProtectSystem %v: the test assumes strict", relay["ProtectSystem"])
	}
	data, err := os.ReadFile(repoFile(t, "configs/example.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var ex struct {
		TempDir string `yaml:"temp_dir"`
		Audit   struct {
			Spool struct {
				Dir string `yaml:"dir"`
			} `yaml:"spool"`
		} `yaml:"audit"`
		Dashboard struct {
			InServe bool `yaml:"in_serve"`
		} `yaml:"dashboard"`
	}
	if err := yaml.Unmarshal(data, &ex); err != nil {
		t.Fatal(err)
	}
	for key, dir := range map[string]string{"temp_dir": ex.TempDir, "audit.spool.dir": ex.Audit.Spool.Dir} {
		ok := false
		for _, w := range writable {
			if dir == w || strings.HasPrefix(dir, w+"/") {
				ok = true
			}
		}
		if dir == "" || !ok {
			t.Errorf("example %s %q is not writable under the unit (writable: %v)", key, dir, writable)
		}
	}
	const conf = "/etc/mailaudit/mailaudit.yaml"
	if got := relay["ExecStart"]; len(got) != 1 || got[0] != "/usr/local/bin/mailaudit serve --config "+conf {
		t.Errorf("relay ExecStart %v", got)
	}
	if got := dash["ExecStart"]; len(got) != 1 || got[0] != "/usr/local/bin/mailaudit dashboard --config "+conf {
		t.Errorf("dashboard ExecStart %v", got)
	}
	if ex.Dashboard.InServe {
		t.Error("the example runs the dashboard inside serve while a dashboard unit ships")
	}
	if len(dash["MemoryMax"]) != 1 || len(dash["StateDirectory"]) != 0 || len(dash["AmbientCapabilities"]) != 0 {
		t.Errorf("dashboard unit: want a MemoryMax, no StateDirectory, no capabilities: %v", dash)
	}
}

// TestExampleConfig: as shipped, check-config refuses the example and
// names its placeholders; with the placeholders and the /etc files filled
// in (what an operator does) it passes without a warning.
func TestExampleConfig(t *testing.T) {
	src := repoFile(t, "configs/example.yaml")
	var out, errb bytes.Buffer
	if code := cmdCheckConfig(context.Background(), []string{src}, &out, &errb); code != 1 {
		t.Fatalf("the example as shipped: check-config %d, want 1 (placeholders)", code)
	}
	for _, key := range []string{"dashboard.session_key", "dashboard.users[0].bcrypt"} {
		if !strings.Contains(errb.String(), key) {
			t.Errorf("check-config of the example does not name %s: %s", key, errb.String())
		}
	}

	dir := t.TempDir()
	cert, key := selfSigned(t, dir)
	hash, err := bcrypt.GenerateFromPassword([]byte("Kiem#Toan-2024"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	filled := strings.NewReplacer(
		"/etc/mailaudit/tls/fullchain.pem", cert,
		"/etc/mailaudit/tls/privkey.pem", key,
		"/etc/mailaudit/classify-rules.yaml", repoFile(t, "configs/classify-rules.yaml"),
		"/etc/mailaudit/roster.csv", repoFile(t, "configs/roster.example.csv"),
		"$2a$12$REPLACE.WITH.A.REAL.BCRYPT.HASH.FROM.htpasswd.nbBC12xxxx", string(hash),
		"REPLACE-with-the-output-of-openssl-rand-base64-32", dashboardKey,
	).Replace(string(data))
	if strings.Contains(filled, "REPLACE.WITH") || strings.Contains(filled, "REPLACE-with") {
		t.Fatal("a placeholder was not filled in")
	}
	path := filepath.Join(dir, "mailaudit.yaml")
	if err := os.WriteFile(path, []byte(filled), 0o600); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	errb.Reset()
	if code := cmdCheckConfig(context.Background(), []string{path}, &out, &errb); code != 0 || errb.Len() != 0 {
		t.Errorf("the filled-in example: check-config %d\n%s", code, errb.String())
	}
}

func selfSigned(t *testing.T, dir string) (cert, key string) {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "mail-gw.test"},
		DNSNames: []string{"mail-gw.test"}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	kd, _ := x509.MarshalPKCS8PrivateKey(k)
	cert, key = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(cert, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(key, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kd}), 0o600)
	return cert, key
}
