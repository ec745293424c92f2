"""The emails caredesk writes on its own (the acknowledgement of a new ticket, an agent's
password reset link): shipped wording per language, admins' overrides per mailbox and
language, and the rules choosing between them. docs/system-emails.md."""
