"""The desk's own glossary: its terms (a product's internal names, abbreviations) and the plain
words to say instead, which the reply assistant flags in drafts. Read with
`selectors.glossary_get`; written in the Django admin by supervisors and admins."""
