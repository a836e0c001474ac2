package audit_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"mailaudit/audit"
	"mailaudit/internal/chtest"
)

// pki writes a CA, a server certificate for clickhouse.test and 127.0.0.1
// signed by it, and a client certificate, as PEM files in dir.
type pki struct{ ca, serverCert, serverKey, clientCert, clientKey, otherCA string }

func newPKI(t *testing.T, dir string) pki {
	t.Helper()
	write := func(name, typ string, der []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	key := func() *ecdsa.PrivateKey {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	keyPEM := func(name string, k *ecdsa.PrivateKey) string {
		der, err := x509.MarshalPKCS8PrivateKey(k)
		if err != nil {
			t.Fatal(err)
		}
		return write(name, "PRIVATE KEY", der)
	}
	serial := int64(1)
	sign := func(tmpl, parent *x509.Certificate, pub, priv any) []byte {
		serial++
		tmpl.SerialNumber = big.NewInt(serial)
		tmpl.NotBefore, tmpl.NotAfter = time.Now().Add(-time.Hour), time.Now().Add(24*time.Hour)
		der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, pub, priv)
		if err != nil {
			t.Fatal(err)
		}
		return der
	}
	mkCA := func(cn string) (*x509.Certificate, *ecdsa.PrivateKey, []byte) {
		k := key()
		tmpl := &x509.Certificate{Subject: pkix.Name{CommonName: cn}, IsCA: true, BasicConstraintsValid: true,
			KeyUsage: x509.KeyUsageCertSign}
		der := sign(tmpl, tmpl, &k.PublicKey, k)
		c, _ := x509.ParseCertificate(der)
		return c, k, der
	}
	ca, caKey, caDER := mkCA("mailaudit test CA")
	_, _, otherDER := mkCA("some other CA")
	sk, ck := key(), key()
	srv := sign(&x509.Certificate{Subject: pkix.Name{CommonName: "clickhouse.test"}, DNSNames: []string{"clickhouse.test"},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		KeyUsage: x509.KeyUsageDigitalSignature}, ca, &sk.PublicKey, caKey)
	cli := sign(&x509.Certificate{Subject: pkix.Name{CommonName: "mailaudit"}, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
		KeyUsage: x509.KeyUsageDigitalSignature}, ca, &ck.PublicKey, caKey)
	return pki{
		ca: write("ca.pem", "CERTIFICATE", caDER), otherCA: write("other-ca.pem", "CERTIFICATE", otherDER),
		serverCert: write("server.pem", "CERTIFICATE", srv), serverKey: keyPEM("server.key", sk),
		clientCert: write("client.pem", "CERTIFICATE", cli), clientKey: keyPEM("client.key", ck),
	}
}

// TestClickHouseTLS connects to a private ClickHouse's secure native port
// (tcp_port_secure, which 18.16 has) that requires a client certificate:
// the configured CA, server name and client certificate get through; a
// missing client certificate, a wrong CA, a wrong server name and plain
// TCP do not.
func TestClickHouseTLS(t *testing.T) {
	p := newPKI(t, t.TempDir())
	srv := chtest.StartTLS(t, chtest.TLSFiles{Cert: p.serverCert, Key: p.serverKey, ClientCA: p.ca})
	good := audit.ClickHouseTLS{Enable: true, CA: p.ca, ServerName: "clickhouse.test", Cert: p.clientCert, Key: p.clientKey}
	open := func(tc audit.ClickHouseTLS) error {
		cfg := audit.Config{ClickHouse: audit.ClickHouseConfig{Addr: audit.AddrList(srv.SecureAddr()), Timeout: 5 * time.Second, TLS: tc}}.WithDefaults()
		if err := cfg.Validate(); err != nil {
			return err
		}
		conn, err := audit.OpenClickHouse(cfg)
		if err != nil {
			return err
		}
		defer conn.Close()
		var v string
		if err := conn.QueryRow(context.Background(), "SELECT version()").Scan(&v); err != nil {
			return err
		}
		t.Logf("ClickHouse %s over TLS at %s", v, srv.SecureAddr())
		return nil
	}
	if err := open(good); err != nil {
		t.Fatalf("TLS with CA, server name and client certificate: %v", err)
	}
	noName := good
	noName.ServerName = "" // the address's host, 127.0.0.1, is in the certificate
	if err := open(noName); err != nil {
		t.Errorf("TLS checked against the address: %v", err)
	}
	for name, tc := range map[string]audit.ClickHouseTLS{
		"no client certificate": {Enable: true, CA: p.ca, ServerName: "clickhouse.test"},
		"another CA":            {Enable: true, CA: p.otherCA, ServerName: "clickhouse.test", Cert: p.clientCert, Key: p.clientKey},
		"system roots":          {Enable: true, ServerName: "clickhouse.test", Cert: p.clientCert, Key: p.clientKey},
		"wrong server name":     {Enable: true, CA: p.ca, ServerName: "db.example", Cert: p.clientCert, Key: p.clientKey},
		"plain TCP":             {},
	} {
		if err := open(tc); err == nil {
			t.Errorf("%s: connected", name)
		}
	}
	for name, tc := range map[string]audit.ClickHouseTLS{
		"cert without key":     {Enable: true, Cert: p.clientCert},
		"settings, not enable": {CA: p.ca},
	} {
		cfg := audit.Config{ClickHouse: audit.ClickHouseConfig{TLS: tc}}.WithDefaults()
		if err := cfg.Validate(); err == nil {
			t.Errorf("%s: valid", name)
		}
	}
	if _, err := (audit.ClickHouseTLS{Enable: true, CA: "/nonexistent/ca.pem"}).Config(); err == nil {
		t.Error("a missing CA file was accepted")
	}
}
