"""Agents' notifications: something an agent should look at, written by the apps that notice it
(an SLA target close to or past, an IMAP mailbox failing) and read by the agent."""
