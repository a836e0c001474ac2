// Package classify labels one e-mail message with the document taxonomy of
// shared/taxonomy.md: a primary type (thông báo, công văn, giấy mời, …,
// tài liệu công việc, thư cá nhân, không xác định) and the attributes
// secrecy, urgency, audience and số ký hiệu, with the signals behind each
// decision.
//
// Reading (mime.go, extract.go and the extractors): the MIME tree is walked
// once (go-message), every text part and attachment is turned into text
// (docx/xlsx/pptx/odt/ods/odp, PDF, RTF, Word .doc, HTML, iCalendar, zip,
// attached and forwarded messages, legacy TCVN3/VNI fonts, windows-1258),
// within the limits of Limits; a limit stops reading, never the message.
// Each top-level attachment and the body form a unit.
//
// Deciding (decide.go): the line scan (analyze.go) finds in each unit the
// marks of a Decree 30 document: national motto, số ký hiệu, heading,
// V/v, Kính gửi, Nơi nhận, signer, stamps. The lexicons of the rules file
// count vocabulary of personal life, office work, meetings and
// invitations. Then, each in its own file: the type (type.go) weighs a
// formal document first, then meeting material and invitations, then the
// evidence on both sides between work and personal mail, never defaulting
// to either; secrecy and urgency (secrecy.go) from stamps wherever the
// taxonomy says they stand and from the sender's own marking; the
// audience (audience.go); each attachment's type (attachments.go).
//
// Text is compared folded (fold.go: lower case, no diacritics, đ→d), so
// unaccented and NFD mail reads like the rest; where folding would merge
// different words (mật/mặt/mất, nhậu/nhau) the comparison keeps the
// diacritics (toneKey).
//
// The rules (configs/classify-rules.yaml, embedded as rules_default.yaml)
// are data: operators tune them without a rebuild. A Classifier is
// immutable after New and safe for concurrent use.
package classify
