package classify

// Verdict is what the classifier says about one message. Its field names and
// JSON keys are a contract: they appear in audit rows, in `classify --json`
// output and in reports. Type ids come from shared/taxonomy.md.
type Verdict struct {
	Type        string       `json:"type"`       // primary type id, e.g. "thong_bao"
	Confidence  float64      `json:"confidence"` // 0..1
	Secrecy     string       `json:"secrecy"`    // none | mat | toi_mat | tuyet_mat
	Urgency     string       `json:"urgency"`    // none | khan | thuong_khan | hoa_toc
	Audience    string       `json:"audience"`   // so | noi_bo | ngoai | unknown
	DocNumber   string       `json:"doc_number"` // số ký hiệu, normalised, or ""
	Mandated    bool         `json:"mandated"`   // the rules say this type must travel through the city system
	Attachments []Attachment `json:"attachments"`
	Signals     []Signal     `json:"signals"`
	// Errors are non-fatal problems met while reading: "limit:<what>",
	// "mime:<detail>", "extract:<file>:<detail>". A verdict is always given.
	Errors  []string `json:"errors"`
	Headers Headers  `json:"headers"`
	// AudienceSource says what decided Audience: AudienceFromDocument (the
	// addressee or first Nơi nhận entry of the agency's own document),
	// AudienceFromRecipients (the mail's To/Cc, else its envelope), or ""
	// (unknown). The policy uses it so that the consumer-domain recipients
	// it judges never decide the audience they are judged by.
	AudienceSource string `json:"audience_source"`
}

// Attachment is one top-level attachment as the labelled corpus lists it.
type Attachment struct {
	Name        string `json:"name"` // NFC, decoded from RFC 2047/2231
	ContentType string `json:"content_type"`
	Bytes       int64  `json:"bytes"` // decoded size
	Type        string `json:"type"`  // type id of the document inside
	Chars       int    `json:"chars"` // extracted characters
}

// Signal is one human-readable reason with where it was found.
type Signal struct {
	Where  string  `json:"where"`  // "subject", "body", "attachment GM_hop.pdf, page 1"
	What   string  `json:"what"`   // "heading GIẤY MỜI", "số ký hiệu 12/GM-TTTL"
	Weight float64 `json:"weight"` // contribution to the chosen type
}

// Headers are the top-level header fields the audit row needs, decoded.
type Headers struct {
	From      string   `json:"from"`       // addr-spec of the From field, lower-case
	To        []string `json:"to"`         // addr-specs
	Cc        []string `json:"cc"`         // addr-specs
	Subject   string   `json:"subject"`    // decoded, NFC
	MessageID string   `json:"message_id"` // without angle brackets
}

// Values of Verdict.AudienceSource.
const (
	AudienceFromDocument   = "document"
	AudienceFromRecipients = "recipients"
)

// Envelope is what the SMTP session knows that the message bytes do not.
// Audience falls back to the envelope recipients when no document names one.
type Envelope struct {
	MailFrom string
	RcptTo   []string
}
