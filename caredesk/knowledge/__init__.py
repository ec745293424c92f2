"""The knowledge base: articles in categories and sections, their revisions and review, their
translations, the public help centre, and the articles suggested for a customer's message."""
