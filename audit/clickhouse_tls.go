package audit

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
)

// ClickHouseTLS is audit.clickhouse.tls: TLS on the native protocol, for a
// ClickHouse server (or cluster) on another host, where personal data and
// the ClickHouse password would otherwise cross the network in clear. The
// server side is ClickHouse's tcp_port_secure (9440 by convention) with an
// <openSSL><server> certificate; 18.16 has both.
type ClickHouseTLS struct {
	Enable bool `yaml:"enable"`
	// CA is a PEM file of the certificate authorities that sign the
	// server's certificate; empty: the system's roots.
	CA string `yaml:"ca"`
	// ServerName is checked against the server's certificate; empty: the
	// host of each address.
	ServerName string `yaml:"server_name"`
	// Cert and Key are a client certificate (PEM), for a server that
	// requires one (openSSL verificationMode strict with a caConfig).
	Cert string `yaml:"cert"`
	Key  string `yaml:"key"`
}

// Config builds the client TLS configuration (TLS 1.2 or newer, the
// server's certificate always verified); nil when TLS is off.
func (c ClickHouseTLS) Config() (*tls.Config, error) {
	if !c.Enable {
		return nil, nil
	}
	conf := &tls.Config{MinVersion: tls.VersionTLS12, ServerName: c.ServerName}
	if c.CA != "" {
		pem, err := os.ReadFile(c.CA)
		if err != nil {
			return nil, fmt.Errorf("audit.clickhouse.tls.ca: %w", err)
		}
		conf.RootCAs = x509.NewCertPool()
		if !conf.RootCAs.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("audit.clickhouse.tls.ca: %s holds no PEM certificate", c.CA)
		}
	}
	if c.Cert != "" {
		cert, err := tls.LoadX509KeyPair(c.Cert, c.Key)
		if err != nil {
			return nil, fmt.Errorf("audit.clickhouse.tls.cert/key: %w", err)
		}
		conf.Certificates = []tls.Certificate{cert}
	}
	return conf, nil
}

// validate checks the settings without reading the files.
func (c ClickHouseTLS) validate() error {
	switch {
	case !c.Enable && (c.CA != "" || c.ServerName != "" || c.Cert != "" || c.Key != ""):
		return errors.New("audit.clickhouse.tls: settings given but enable is false")
	case (c.Cert == "") != (c.Key == ""):
		return errors.New("audit.clickhouse.tls: cert and key go together")
	}
	return nil
}
