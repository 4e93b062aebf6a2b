"""The texts of the privacy policy (개인정보처리방침, PIPA art. 30) and the terms of use, section by section.

English msgids here, Korean in translations/ko/parts/privacy.po; the Korean text is authoritative. Values
in %(...)s come from the page: the effective date, the privacy officer and the mail processor (config).
What the texts say about closing an account is what services/privacy.py does (domain/privacy.py lists it).
"""

from __future__ import annotations

from .errors import N_

PRIVACY_SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        N_("1. Who processes your personal information"),
        (
            N_(
                "The controller is the Ministry of SMEs and Startups, through the office that runs the pilot-purchase "
                "program for technology products (SME Product Purchase Promotion Act, article 14-2). This service is "
                "the program's system of record: it processes personal information only for the program."
            ),
        ),
    ),
    (
        N_("2. Why we process it"),
        (
            N_("To make and keep your account, confirm your e-mail address and let you sign in securely."),
            N_(
                "To run the program: company and certificate review, applications to rounds, the weighted draw, "
                "allocations, pilot purchases, evaluations and audit-relief certificates."
            ),
            N_(
                "To keep the tamper-evident audit trail that shows who did what and when, as the program's public "
                "accountability requires."
            ),
            N_("To mail you about your account and, only if you agreed, notifications about rounds and orders."),
        ),
    ),
    (
        N_("3. What we hold, by role"),
        (
            N_(
                "Every account: name, e-mail address (and a new address waiting for confirmation), password as a "
                "one-way hash, the second-factor secret and one-way hashes of recovery codes if you set up two-step "
                "sign-in, mail language and notification choice, when you last signed in, and for failed sign-ins "
                "the network address and count. Your consent: the notice's version, when and where you gave it."
            ),
            N_(
                "Supplier users: the company you registered or belong to, with its business registration number, "
                "names, representative's name, region, founding date, size class and public-supply record; the "
                "certificates, products, applications and questions you submitted."
            ),
            N_(
                "Buyers: your institution, the orders you recorded, your declarations and evaluations, and the "
                "audit-relief certificates issued for them (they print your name)."
            ),
            N_(
                "Ministry staff: the decisions you made (approvals, scores, draws, answers), "
                "recorded with your account."
            ),
            N_("A person who asks for an institution to join: the contact name and e-mail address on the request."),
            N_(
                "We do not collect resident registration numbers, and we do not use analytics or advertising cookies. "
                "Cookies hold only your sign-in session, your language and whether this browser signed in before."
            ),
        ),
    ),
    (
        N_("4. How long we keep it"),
        (
            N_("Account details: until you close the account; then they are removed as section 7 explains."),
            N_(
                "The program's records — applications, draws, orders, evaluations, audit-relief certificates and the "
                "audit trail — are public records: we keep them for five years after the end of the fiscal year they "
                "belong to, as the National Finance Act and the Public Records Act require, then destroy them."
            ),
            N_("Failed sign-in counts: a day after the last failure. Mail waiting to be sent: until it is delivered."),
        ),
    ),
    (
        N_("5. Provision to third parties"),
        (
            N_(
                "We give no one your personal information, except where a law requires it (PIPA article 18(2)), for "
                "example to a body auditing the program."
            ),
            N_(
                "The program publishes its results: the names of selected companies, their products, the draw and "
                "the orders (also as open data in OCDS). These name companies and institutions, never the person who "
                "applied, asked a question or recorded an order."
            ),
        ),
    ),
    (
        N_("6. Processors"),
        (
            N_(
                "Mail delivery is entrusted to %(mail_processor)s, which receives the recipient's address and the "
                "mail only to deliver it."
            ),
        ),
    ),
    (
        N_("7. Closing your account and what is kept"),
        (
            N_(
                "You can close your account on your account page after entering your password (and a code if you "
                "use two-step sign-in). Every session ends at once and the account can no longer sign in."
            ),
            N_(
                "Your name is replaced by an account number, your e-mail address is removed (you may register with "
                "it again), and your password, second factor, recovery codes, links, sign-in failures and mail are "
                "deleted. If you asked for your institution to join, your name and address are removed from the "
                "request."
            ),
            N_(
                "Kept, because the program must keep them (section 4): orders and evaluations you recorded refer to "
                "your account number; audit-relief certificates already issued keep the name printed on them so "
                "they still verify; the audit trail keeps its events unchanged so that its hash chain still "
                "verifies — events written when your account was made or changed hold your e-mail address; your "
                "consent records, as proof of the consent."
            ),
            N_(
                "The last user of a supplier company cannot close the account while the company has an application "
                "waiting for a decision or an order still running: someone must remain to answer for them."
            ),
        ),
    ),
    (
        N_("8. Your rights and how to use them"),
        (
            N_(
                "You may see and download everything we hold about you (My account, then My data: a page and a "
                "JSON file), correct it (your account page, or ask the ministry for company details), ask us to "
                "stop processing it or delete it (close the account), and withdraw the optional consent at any time "
                "(the notification choice on your account page)."
            ),
            N_(
                "You may also ask the privacy officer in writing or by e-mail; we answer within 10 days. A "
                "representative may act for you with your written authorisation."
            ),
        ),
    ),
    (
        N_("9. How we protect it"),
        (
            N_(
                "Passwords and codes are stored only as one-way hashes; ministry staff must use two-step sign-in; "
                "pages are served only over encrypted connections in production; each role sees only what it needs; "
                "every change is written to a hash-chained audit trail the database refuses to alter."
            ),
        ),
    ),
    (
        N_("10. Privacy officer"),
        (N_("Privacy officer: %(officer)s. Contact: %(officer_contact)s."),),
    ),
    (
        N_("11. Remedies"),
        (
            N_(
                "You may also ask for help from the Personal Information Infringement Report Center "
                "(privacy.kisa.or.kr, 118), the Personal Information Dispute Mediation Committee "
                "(www.kopico.go.kr, 1833-6972), the Supreme Prosecutors' Office (1301) or the Korean National "
                "Police Agency (ecrm.police.go.kr, 182)."
            ),
        ),
    ),
    (
        N_("12. Changes"),
        (
            N_(
                "This policy (version %(version)s) takes effect on %(effective)s. We announce changes on this "
                "page at least seven days before they take effect. The Korean text is authoritative."
            ),
        ),
    ),
)

TERMS_SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        N_("Article 1 (Purpose)"),
        (
            N_(
                "These terms set out how the pilot-purchase marketplace of the Ministry of SMEs and Startups is used "
                "by suppliers, buyers at public institutions, ministry staff and the public."
            ),
        ),
    ),
    (
        N_("Article 2 (The service)"),
        (
            N_(
                "The service lists certified technology products, runs rounds and their weighted draw, records pilot "
                "purchases against each institution's quota and issues audit-relief certificates. The selection "
                "stands in for the institution's purchase decision as the SME Product Purchase Promotion Act "
                "provides; whether relief applies is decided by the audit body."
            ),
        ),
    ),
    (
        N_("Article 3 (Accounts)"),
        (
            N_(
                "A supplier registers the company and its own account; a buyer is invited by the ministry. Each "
                "account is for one person: do not share it or its password. Keep your details true and up to date."
            ),
        ),
    ),
    (
        N_("Article 4 (Your obligations)"),
        (
            N_(
                "Submit only true information and genuine certificates. Do not try to reach data that is not yours, "
                "to disturb the service or to influence the draw. Breaches may lead to the suspension of the "
                "company or the account and to the measures the law provides."
            ),
        ),
    ),
    (
        N_("Article 5 (What is published)"),
        (
            N_(
                "Round results, selected companies and products, the draw's manifest and seed, orders and "
                "evaluations' averages are published, also as open data. Questions asked during a round are "
                "published with their answers, without the name of the person or company who asked."
            ),
        ),
    ),
    (
        N_("Article 6 (Availability and records)"),
        (
            N_(
                "The service may pause for maintenance, announced in advance where possible. Records of the program "
                "are kept as the privacy policy states, and the audit trail is never changed."
            ),
        ),
    ),
    (
        N_("Article 7 (Closing an account)"),
        (
            N_(
                "You may close your account at any time on your account page, as the privacy policy explains. The "
                "ministry may suspend an account that breaches these terms."
            ),
        ),
    ),
    (
        N_("Article 8 (Law and effect)"),
        (
            N_(
                "These terms are governed by the laws of the Republic of Korea. They take effect on %(effective)s "
                "(version %(version)s). The Korean text is authoritative."
            ),
        ),
    ),
)
