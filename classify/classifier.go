package classify

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-message"
	_ "github.com/emersion/go-message/charset"
	"github.com/emersion/go-message/mail"
)

// Classifier labels messages with the document types of the taxonomy. It
// is immutable after New and safe for concurrent use.
type Classifier struct {
	cfg     Config
	lim     Limits
	rules   *rules
	metrics *Metrics // nil: nothing is counted
	// scratch recycles part-body buffers across messages (*[]byte): a
	// relay classifies thousands of small messages a second.
	scratch sync.Pool
	// readers recycles the 4 KB *bufio.Reader each message is read
	// through: allocating and zeroing it was a tenth of the allocated
	// bytes of a small message.
	readers sync.Pool
	// scanners recycles decide's line scanner (*scanner) with its two
	// fold buffers: two allocations and about 700 bytes a message that
	// the collector need not see.
	scanners sync.Pool
}

// getScanner returns a pooled line scanner, reset for one message.
func (c *Classifier) getScanner() *scanner {
	s, _ := c.scanners.Get().(*scanner)
	if s == nil {
		s = new(scanner)
	}
	// Field by field: the buffers' storage need not be zeroed, the
	// slices over it start empty.
	s.r, s.lex, s.lexLine, s.subjLevel = c.rules, nil, false, false
	s.fbuf, s.spare, s.prevFold = s.fbufArr[:0], s.spareArr[:0], nil
	return s
}

// putScanner returns s to the pool, without its references into the
// message (lex is the walker's scratch buffer).
func (c *Classifier) putScanner(s *scanner) {
	s.lex = nil
	c.scanners.Put(s)
}

// getReader returns a pooled 4 KB bufio.Reader reading r.
func (c *Classifier) getReader(r io.Reader) *bufio.Reader {
	if c != nil {
		if br, ok := c.readers.Get().(*bufio.Reader); ok {
			br.Reset(r)
			return br
		}
	}
	return bufio.NewReaderSize(r, 4096)
}

// putReader returns br to the pool, without its source.
func (c *Classifier) putReader(br *bufio.Reader) {
	if c != nil {
		br.Reset(nil)
		c.readers.Put(br)
	}
}

// maxPooledScratch keeps a giant attachment's buffer out of the pool.
const maxPooledScratch = 256 << 10

// Option configures what New builds beyond the Config.
type Option func(*Classifier)

// WithMetrics counts the classifier's events (recovered panics) in m. A
// reload builds a new Classifier with the same m, so the counters go on.
func WithMetrics(m *Metrics) Option { return func(c *Classifier) { c.metrics = m } }

// New loads and validates the rules and limits.
func New(cfg Config, opts ...Option) (*Classifier, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	r, err := loadRules(cfg.Rules)
	if err != nil {
		return nil, err
	}
	c := &Classifier{cfg: cfg, lim: cfg.Limits.withDefaults(), rules: r}
	for _, o := range opts {
		o(c)
	}
	return c, nil
}

// Mandated reports whether the rules require documents of type typ to
// travel through the city mail system.
func (c *Classifier) Mandated(typ string) bool { return c.rules.mandated[typ] }

// Classify reads one message and returns its verdict. It does not pass
// a panic on to the relay (one bad message must not take the daemon
// down), but it does not hide one either: the verdict carries the error
// "panic: <value>" and type khong_xac_dinh, the panic is counted in
// mailaudit_classify_panics_total, and every test and fuzz target fails
// on such an error (a parser library's own panics on malformed input are
// contained where the library is called and are extraction errors).
// Limits stop reading without failing the message.
func (c *Classifier) Classify(ctx context.Context, r io.Reader, env Envelope) (v Verdict) {
	if ctx == nil {
		ctx = context.Background()
	}
	w := &walker{c: c, lim: c.lim, ctx: ctx, deadline: time.Now().Add(c.lim.Timeout)}
	w.bodyUnit = unit{where: "body", att: -1}
	w.body = &w.bodyUnit
	sp, _ := c.scratch.Get().(*[]byte)
	if sp != nil {
		w.scratch = (*sp)[:0]
	}
	defer func() {
		if p := recover(); p != nil {
			w.addErr(fmt.Sprintf("panic: %v", p))
			c.metrics.panicked()
			v = c.fallback(w)
		}
		// The verdict holds copies only (textOf copies out of scratch), so
		// the buffer can serve the next message. The pooled pointer is
		// reused: a new one per message was an allocation.
		if cap(w.scratch) > 0 && cap(w.scratch) <= maxPooledScratch {
			if sp == nil {
				sp = new([]byte)
			}
			*sp = w.scratch[:0]
			c.scratch.Put(sp)
		}
	}()
	w.walkMessage(r, 0, w.body, true)
	return c.decide(w, env)
}

// fallback is the verdict after an internal failure.
func (c *Classifier) fallback(w *walker) Verdict {
	return Verdict{
		Type: typeUnknown, Confidence: 0, Secrecy: "none", Urgency: "none", Audience: "unknown",
		Mandated: c.Mandated(typeUnknown), Attachments: w.atts, Signals: []Signal{}, Errors: w.errs,
		Headers: headersOf(w),
	}
}

// headersOf decodes the top-level header fields the audit row needs.
func headersOf(w *walker) Headers {
	h := mail.Header{Header: message.Header{Header: w.header}}
	var out Headers
	out.From = firstAddr(h, "From")
	out.To = addrs(h, "To")
	out.Cc = addrs(h, "Cc")
	out.Subject = decodeHeaderText(strings.TrimSpace(w.header.Get("Subject")))
	out.MessageID = strings.Trim(strings.TrimSpace(w.header.Get("Message-Id")), "<>")
	return out
}

func firstAddr(h mail.Header, key string) string {
	a := addrs(h, key)
	if len(a) == 0 {
		return ""
	}
	return a[0]
}

// addrs returns the addr-specs of an address field. When the field does
// not parse (mail in the wild), addr-specs are picked out by hand.
func addrs(h mail.Header, key string) []string {
	raw := h.Get(key)
	if raw == "" {
		return nil
	}
	if out, ok := simpleAddrs(raw); ok {
		return out
	}
	list, err := h.AddressList(key)
	var out []string
	if err == nil {
		for _, a := range list {
			if a.Address != "" {
				out = append(out, strings.ToLower(a.Address))
			}
		}
		return out
	}
	for _, f := range strings.FieldsFunc(raw, func(r rune) bool {
		return r == ',' || r == ';' || r == ' ' || r == '<' || r == '>' || r == '"' || r == '\t'
	}) {
		if strings.Count(f, "@") == 1 && !strings.HasPrefix(f, "@") && !strings.HasSuffix(f, "@") {
			out = append(out, strings.ToLower(f))
		}
	}
	return out
}

// simpleAddrs reads the common address fields without the RFC 5322
// parser, which costs dozens of allocations per field: a comma-separated
// list of "Display Name <local@domain>" or bare "local@domain" with no
// quotes, comments or groups. Anything else reports false and goes to
// the full parser; the display names are not needed here.
func simpleAddrs(raw string) ([]string, bool) {
	if strings.ContainsAny(raw, "\"():;\\[]") {
		return nil, false
	}
	out := make([]string, 0, strings.Count(raw, ",")+1)
	for len(raw) > 0 {
		var el string
		el, raw, _ = strings.Cut(raw, ",")
		el = strings.TrimSpace(el)
		if el == "" {
			return nil, false
		}
		addr := el
		if lt := strings.IndexByte(el, '<'); lt >= 0 {
			gt := strings.IndexByte(el, '>')
			if gt != len(el)-1 || gt < lt || strings.Count(el, "<") != 1 {
				return nil, false
			}
			addr = el[lt+1 : gt]
			// A display name is atoms and encoded words only.
			for _, c := range []byte(el[:lt]) {
				if c < 0x20 || c >= 0x7F || c == '@' || c == '<' || c == '>' {
					return nil, false
				}
			}
		}
		if !simpleAddrSpec(addr) {
			return nil, false
		}
		out = append(out, strings.ToLower(addr))
	}
	return out, true
}

// simpleAddrSpec accepts local@domain made of letters, digits and
// ".-_+%" with non-empty dot-separated parts, which net/mail parses to
// the same string.
func simpleAddrSpec(a string) bool {
	local, domain, ok := strings.Cut(a, "@")
	if !ok || local == "" || domain == "" || strings.IndexByte(domain, '@') >= 0 {
		return false
	}
	for _, part := range [2]string{local, domain} {
		prev := byte('.')
		for i := 0; i < len(part); i++ {
			c := part[i]
			switch {
			case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '_', c == '+', c == '%':
			case c == '.':
				if prev == '.' {
					return false
				}
			default:
				return false
			}
			prev = c
		}
		if prev == '.' {
			return false
		}
	}
	return true
}
