"""The agents' workspace: sign in, the inbox, a ticket with its conversation and composer.

Views stay thin: reads are selectors, every change goes through the same services the API and
email processing use; a refused change comes back as a message on the page, never a 500.
"""
