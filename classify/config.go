package classify

import (
	"errors"
	"fmt"
	"time"
)

// Config configures a Classifier. It is the "classify" section of the
// daemon's configuration file.
type Config struct {
	// Rules is the path of the rules YAML file; empty uses the built-in
	// rules, which equal the shipped configs/classify-rules.yaml.
	Rules  string `yaml:"rules"`
	Limits Limits `yaml:"limits"`
}

// Limits bound the work done for one message. A zero field takes its
// default. Hitting a limit stops reading that part (or the message) and
// records "limit:<what>" in Verdict.Errors; the message still relays.
type Limits struct {
	// MaxBytes caps the decoded and decompressed bytes read for one
	// message, over all parts, archives and office packages.
	MaxBytes int64 `yaml:"max_bytes"`
	// MaxRatio caps the compression ratio of one zip entry or one
	// office-package member (zip bombs, XML bombs packed in a docx).
	MaxRatio float64 `yaml:"max_ratio"`
	// MaxDepth caps nesting: multiparts, message/rfc822, zip in zip.
	MaxDepth int `yaml:"max_depth"`
	// MaxParts caps the number of MIME parts and archive members.
	MaxParts int `yaml:"max_parts"`
	// MaxChars caps the characters of extracted text kept per message.
	MaxChars int `yaml:"max_chars"`
	// Timeout is the time budget for one message.
	Timeout time.Duration `yaml:"timeout"`
}

// DefaultLimits are generous for real office mail and small enough that a
// hostile message cannot hold a relay worker for long.
var defaultLimits = Limits{
	MaxBytes: 64 << 20,
	MaxRatio: 200,
	MaxDepth: 10,
	MaxParts: 500,
	MaxChars: 1 << 20,
	Timeout:  2 * time.Second,
}

// DefaultLimits returns the limits used for zero fields.
func DefaultLimits() Limits { return defaultLimits }

// withDefaults fills zero fields.
func (l Limits) withDefaults() Limits {
	d := defaultLimits
	if l.MaxBytes == 0 {
		l.MaxBytes = d.MaxBytes
	}
	if l.MaxRatio == 0 {
		l.MaxRatio = d.MaxRatio
	}
	if l.MaxDepth == 0 {
		l.MaxDepth = d.MaxDepth
	}
	if l.MaxParts == 0 {
		l.MaxParts = d.MaxParts
	}
	if l.MaxChars == 0 {
		l.MaxChars = d.MaxChars
	}
	if l.Timeout == 0 {
		l.Timeout = d.Timeout
	}
	return l
}

// Validate reports the first invalid setting, naming its key.
func (c Config) Validate() error {
	l := c.Limits
	var errs []error
	if l.MaxBytes < 0 {
		errs = append(errs, errors.New("classify.limits.max_bytes: must be > 0"))
	}
	if l.MaxRatio < 0 || (l.MaxRatio > 0 && l.MaxRatio < 1) {
		errs = append(errs, errors.New("classify.limits.max_ratio: must be >= 1"))
	}
	if l.MaxDepth < 0 {
		errs = append(errs, errors.New("classify.limits.max_depth: must be > 0"))
	}
	if l.MaxParts < 0 {
		errs = append(errs, errors.New("classify.limits.max_parts: must be > 0"))
	}
	if l.MaxChars < 0 {
		errs = append(errs, errors.New("classify.limits.max_chars: must be > 0"))
	}
	if l.Timeout < 0 {
		errs = append(errs, fmt.Errorf("classify.limits.timeout: must be > 0, got %s", l.Timeout))
	}
	return errors.Join(errs...)
}

// Named limit errors. Verdict.Errors carries them as "limit:<what>".
var (
	ErrLimitBytes = errors.New("limit:bytes")
	ErrLimitRatio = errors.New("limit:ratio")
	ErrLimitDepth = errors.New("limit:depth")
	ErrLimitParts = errors.New("limit:parts")
	ErrLimitChars = errors.New("limit:chars")
	ErrLimitTime  = errors.New("limit:time")
	// ErrLimitPages: the middle pages of a long PDF were not read (its
	// first and last pages hold a document's evidence; see extractPDF).
	ErrLimitPages = errors.New("limit:pdf_pages")
)
