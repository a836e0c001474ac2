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
// The sender of a message is Input.AuthUser when that is an address (the
// upstream verified the login; a bare login such as "nva" falls through),
// else the envelope sender Input.MailFrom as given, after normalising it
// (below), even when it is malformed: it is the claim the message travels
// under, and the header From is no better verified. Mail relayed from a
// trusted network without AUTH (an MTA in front, a scanner) is therefore
// judged by its envelope, and unknown_sender makes senders outside the
// roster (scanners, forged or external senders) visible rather than
// silently trusted. Only the null reverse-path ("" or "<>"), which names no
// sender, falls back to the header From (Input.HeaderFrom). When no sender
// can be determined at all, no sender-based finding is raised.
//
// Recipients are the envelope recipients (Input.RcptTo): they are where the
// message is actually delivered, Bcc included; header To/Cc may name people
// who never receive it.
//
// # Addresses
//
// Addresses are normalised before anything compares them: angle brackets and
// display names dropped, NFC, lower case (local parts included: the city
// system and the consumer providers treat them case-insensitively), a
// quoted local part unquoted, the domain's trailing root dot stripped and an
// internationalized domain turned into its xn-- form (IDNA, UTS #46 lookup
// mapping). Local parts may be UTF-8 (RFC 6531, SMTPUTF8). A domain list
// entry matches that domain and its subdomains.
//
// Matching an address against the roster goes one step further, to the
// mailbox the address reaches: the roster's keys and every lookup go
// through the same canonicalizer (canonical.go), which applies the big
// consumer providers' documented rules (Gmail ignores dots and "+tags" and
// googlemail.com is gmail.com; Outlook.com, iCloud and Proton deliver
// "+tags"; iCloud's and Proton's domains share one namespace each) and,
// when Config.CityPlusAddressing is on, drops "+tags" on the city domains.
// Other domains match exactly. Audit rows keep the address as given.
//
// # Audience
//
// The audience recipients are judged by (Decision.Audience) is the
// verdict's audience when the agency's own document names its addressee
// (Verdict.AudienceSource "document"). Otherwise it comes from the
// recipients the policy does not judge: a Department address (so), else an
// address of another organisation (ngoai), else a city address (noi_bo),
// else unknown. Consumer-domain recipients never count, so one envelope is
// judged alike whether a consumer address is in To, Cc or Bcc (the
// classifier's own audience, kept in the audit row, follows To/Cc).
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
// envelope recipient is a personal address of a roster entry (the roster's
// personal_addresses column, matched by mailbox). The notice's rule is
// about colleagues using personal mail for official work, and only the
// roster says whose an address is: a consumer address the roster does not
// list may be a partner's or a citizen's. Without a roster it is never
// raised.
//
// Other consumer-domain recipients of a mandated document whose audience is
// not ngoai are recorded as a signal (Decision.Signals; in the audit row's
// signals column as "policy: consumer-domain recipient ... not a finding
// (0.00)"), never as a flag: reports and ratings count flags only. An
// auditor reads them to find staff mailboxes missing from the roster.
//
// secret_document: the verdict's secrecy is mat, toi_mat or tuyet_mat,
// whoever sends it to whomever.
//
// personal_use: the verdict's primary type is ca_nhan and the sender is in a
// city domain (the city system used for personal mail).
//
// unknown_sender: a roster is configured, a sender was determined, and it is
// not the city or a personal address of a roster entry active on the message
// date (Asia/Ho_Chi_Minh calendar day). A city address missing from the
// roster is one (a UTF-8 one, or local+tag while CityPlusAddressing is off). A former member (active_to passed)
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
