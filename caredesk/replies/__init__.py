"""Saved replies (templates): their models, the access-checked reads and writes, and the
sandboxed renderer that fills them in for a ticket. See docs/templates.md.

Other apps use `selectors` (what is offered, a preview for a ticket), `services` (writes) and
`render.placeholders_in` (what a reply still has to fill in)."""
