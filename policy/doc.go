// Package policy turns a classifier verdict, plus who sent a message to whom,
// into findings, and decides what the relay does with them (log, tag, reject).
//
// It implements Thông báo 15/TB-TTTL (shared/seed-notice.md): official
// documents must travel through the city mail system (item 3), the city
// system is for work only (item 4), secret documents are never e-mailed
// (item 3's exclusion and the law on state secrets), and passwords follow
// item 6's rule.
//
// # Sender and recipients
//
// The sender of a message is the first of Input.AuthUser, Input.MailFrom and
// Input.HeaderFrom that is a well-formed address. Authenticated mail is
// therefore attributed to the login, which the upstream verified. Mail relayed
// from a trusted network without AUTH (an MTA in front, a scanner) is
// attributed to its envelope sender: the relay cannot verify that claim, so
// such mail is judged like any other and unknown_sender makes senders outside
// the roster (scanners, forged or external senders) visible rather than
// silently trusted. A null reverse-path ("<>") falls through to the header
// From. When no sender can be determined at all, no sender-based finding is
// raised.
//
// Recipients are the envelope recipients (Input.RcptTo): they are where the
// message is actually delivered, Bcc included; header To/Cc may name people
// who never receive it.
//
// Addresses are compared lower-case (local parts included: the city system and
// the consumer providers treat them case-insensitively). A domain list entry
// matches that domain and its subdomains.
//
// A type is mandated when it is in Config.Mandated (default: every taxonomy
// type except ca_nhan and khong_xac_dinh). The policy's own list decides, not
// Verdict.Mandated, so that the findings follow the policy configuration the
// operator set; Verdict.Mandated stays informational in the audit row.
//
// # Findings
//
// bypass_personal_sender: the verdict's primary type is mandated and the
// sender's domain is not a city domain (e.g. a staff member's gmail, or any
// other non-city account relayed through the gateway).
//
// bypass_personal_recipient: the verdict's primary type is mandated and an
// envelope recipient is (a) a personal address listed for any roster entry, or
// (b) an address in a personal (consumer) domain while the document is
// internal: the verdict's audience is so or noi_bo, or the audience is
// unknown/empty and some recipient is one of Config.DepartmentAddresses.
// Mandated documents for external parties (audience ngoai) may go to consumer
// domains: partners and citizens use them.
//
// secret_document: the verdict's secrecy is mat, toi_mat or tuyet_mat,
// whoever sends it to whomever.
//
// personal_use: the verdict's primary type is ca_nhan and the sender is in a
// city domain (the city system used for personal mail).
//
// unknown_sender: a roster is configured, a sender was determined, and it is
// not the city or a personal address of a roster entry active on the message
// date (Asia/Ho_Chi_Minh calendar day). A former member (active_to passed)
// still gets StaffID/Division in the Decision, so reports can attribute the
// message, but the finding is raised. Without a configured roster the finding
// is never raised: every message would carry it.
//
// weak_password: produced by the relay at AUTH time with WeakPassword (or
// Engine.EvaluateAuth) and recorded in auth_events; Evaluate never sees
// passwords. It is in the action table so an operator can choose its action.
//
// With no verdict (Input.Verdict nil) only unknown_sender can be raised.
//
// # Actions
//
// Each finding has an action: log (audit row only), tag (a header value the
// relay adds upstream) or reject. Defaults: secret_document → reject, all
// others → log. Reject takes effect only in enforce mode; in monitor mode a
// reject finding is only logged, so an operator can watch what enforcement
// would refuse before turning it on.
package policy
