package audit

import (
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

func TestConfigYAMLAndDefaults(t *testing.T) {
	var doc struct {
		Audit Config `yaml:"audit"`
	}
	src := `
audit:
  clickhouse:
    addr: ch1.local:9000
    database: audit_db
  spool:
    dir: /var/spool/x
  batch:
    interval: 250ms
  subject:
    privacy: hash
    hash_key: 0123456789abcdef0123
`
	if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
		t.Fatal(err)
	}
	c := doc.Audit.WithDefaults()
	if err := c.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	if c.ClickHouse.Addr != "ch1.local:9000" || c.Batch.Interval != 250*time.Millisecond ||
		c.Batch.Rows != DefaultBatchRows || c.Spool.MaxBytes != DefaultSpoolMaxBytes || c.Timezone != DefaultTimezone {
		t.Fatalf("decoded %+v", c)
	}
	if err := yaml.Unmarshal([]byte("audit:\n  clickhouse:\n    addr: [a:1, b:2]\n"), &doc); err != nil || len(doc.Audit.ClickHouse.Addr.List()) != 2 {
		t.Fatalf("addr list: %v %v", err, doc.Audit.ClickHouse.Addr)
	}
	a, b := Config{}.WithDefaults(), Config{}.WithDefaults()
	if a != b { // the daemon compares configs on reload
		t.Fatal("Config is not comparable with ==")
	}
	if err := (Config{}).WithDefaults().Validate(); err != nil {
		t.Fatalf("defaults do not validate: %v", err)
	}
}

func TestConfigValidateNamesKeys(t *testing.T) {
	cases := []struct {
		edit func(*Config)
		want string
	}{
		{func(c *Config) { c.ClickHouse.Addr = "localhost" }, "audit.clickhouse.addr: must be host:port"},
		{func(c *Config) { c.ClickHouse.Addr = "h:99999" }, "audit.clickhouse.addr: port"},
		{func(c *Config) { c.ClickHouse.Database = "mail-audit" }, "audit.clickhouse.database:"},
		{func(c *Config) { c.ClickHouse.Cluster = "a b" }, "audit.clickhouse.cluster:"},
		{func(c *Config) { c.ClickHouse.OnCluster = true }, "audit.clickhouse.on_cluster:"},
		{func(c *Config) { c.ClickHouse.Compression = "gzip" }, "audit.clickhouse.compression:"},
		{func(c *Config) { c.Spool.MaxBytes = 1000 }, "audit.spool.max_bytes:"},
		{func(c *Config) { c.Batch.Rows = -1 }, "audit.batch.rows:"},
		{func(c *Config) { c.Batch.Interval = time.Hour }, "audit.batch.interval:"},
		{func(c *Config) { c.Subject.Privacy = "secret" }, "audit.subject.privacy:"},
		{func(c *Config) { c.Subject.Privacy = SubjectHash; c.Subject.HashKey = "short" }, "audit.subject.hash_key:"},
		{func(c *Config) { c.Timezone = "Mars/Olympus" }, "audit.timezone:"},
	}
	for _, tc := range cases {
		c := Config{}.WithDefaults()
		tc.edit(&c)
		err := c.Validate()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("want error containing %q, got %v", tc.want, err)
		}
	}
}

func TestSubjectFor(t *testing.T) {
	c := Config{}.WithDefaults()
	if got := SubjectFor(c, "Mật"); got != "" {
		t.Errorf("default (omit) = %q", got)
	}
	c.Subject.Privacy = SubjectPlain
	if got := SubjectFor(c, "Mật"); got != "Mật" {
		t.Errorf("plain = %q", got)
	}
	c.Subject.Privacy, c.Subject.HashKey = SubjectHash, "k-0123456789abcdef"
	nfc := "Báo cáo quý III"
	nfd := "Ba\u0301o ca\u0301o quy\u0301 III"
	h := SubjectFor(c, nfc)
	if len(h) != 64 || strings.Contains(h, "B") {
		t.Fatalf("hash = %q, want 64 hex digits", h)
	}
	if SubjectFor(c, nfd) != h || SubjectFor(c, "  Báo cáo\t quý  III ") != h {
		t.Error("NFD or re-spaced subject hashes differently")
	}
	if SubjectFor(c, "Báo cáo quý IV") == h {
		t.Error("different subjects share a hash")
	}
	c2 := c
	c2.Subject.HashKey = "another-key-0123456"
	if SubjectFor(c2, nfc) == h {
		t.Error("hash does not depend on the key")
	}
	c.Subject.Privacy = "bogus"
	if SubjectFor(c, nfc) != "" {
		t.Error("unknown privacy leaks the subject")
	}
}
